"""A small Llama (RMSNorm, rotary positions, GQA, gated SiLU MLP) with Hugging Face module names,
so that its ONNX export carries the same node names as an optimum export of LlamaForCausalLM.

forward(input_ids, attention_mask, position_ids, *past) takes the KV cache as a flat tuple
(layer0.key, layer0.value, layer1.key, ...) of [batch, kv_heads, past_len, head_dim] tensors and returns
(logits, *present) in the same order: the optimum input/output layout.
"""
import json
import math
from dataclasses import dataclass, asdict

import torch
import torch.nn as nn
import torch.nn.functional as F


@dataclass
class Config:
    vocab_size: int = 3072
    hidden_size: int = 256
    intermediate_size: int = 640
    num_hidden_layers: int = 6
    num_attention_heads: int = 8
    num_key_value_heads: int = 2
    max_position_embeddings: int = 256
    rms_norm_eps: float = 1e-5
    rope_theta: float = 10000.0
    tie_word_embeddings: bool = True
    bos_token_id: int = None
    eos_token_id: int = None
    pad_token_id: int = None

    @property
    def head_dim(self):
        return self.hidden_size // self.num_attention_heads

    def to_hf(self, eos_ids):
        d = asdict(self)
        d.update({
            "architectures": ["LlamaForCausalLM"],
            "model_type": "llama",
            "hidden_act": "silu",
            "attention_bias": False,
            "mlp_bias": False,
            "attention_dropout": 0.0,
            "initializer_range": 0.02,
            "head_dim": self.head_dim,
            "rope_scaling": None,
            "pretraining_tp": 1,
            "use_cache": True,
            "torch_dtype": "float32",
            "transformers_version": "4.44.0",
        })
        d["eos_token_id"] = eos_ids[0] if isinstance(eos_ids, list) else eos_ids
        return d

    @classmethod
    def load(cls, path):
        with open(path) as f:
            j = json.load(f)
        keys = cls.__dataclass_fields__.keys()
        return cls(**{k: v for k, v in j.items() if k in keys})


class RMSNorm(nn.Module):
    def __init__(self, n, eps):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(n))
        self.eps = eps

    def forward(self, x):
        var = x.pow(2).mean(-1, keepdim=True)
        return self.weight * (x * torch.rsqrt(var + self.eps))


def rotate_half(x):
    h = x.shape[-1] // 2
    return torch.cat((-x[..., h:], x[..., :h]), dim=-1)


class Attention(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.nh, self.nkv, self.hd = c.num_attention_heads, c.num_key_value_heads, c.head_dim
        self.q_proj = nn.Linear(c.hidden_size, self.nh * self.hd, bias=False)
        self.k_proj = nn.Linear(c.hidden_size, self.nkv * self.hd, bias=False)
        self.v_proj = nn.Linear(c.hidden_size, self.nkv * self.hd, bias=False)
        self.o_proj = nn.Linear(self.nh * self.hd, c.hidden_size, bias=False)

    def forward(self, x, cos, sin, bias, past_k, past_v):
        b, t, _ = x.shape
        q = self.q_proj(x).view(b, t, self.nh, self.hd).transpose(1, 2)
        k = self.k_proj(x).view(b, t, self.nkv, self.hd).transpose(1, 2)
        v = self.v_proj(x).view(b, t, self.nkv, self.hd).transpose(1, 2)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        if past_k is not None:
            k = torch.cat([past_k, k], dim=2)
            v = torch.cat([past_v, v], dim=2)
        present = (k, v)
        kr, vr = self._repeat_kv(k), self._repeat_kv(v)
        scores = torch.matmul(q, kr.transpose(2, 3)) / math.sqrt(self.hd) + bias
        p = torch.softmax(scores, dim=-1)
        o = torch.matmul(p, vr).transpose(1, 2).reshape(b, t, self.nh * self.hd)
        return self.o_proj(o), present


    def _repeat_kv(self, x):
        # GQA: each KV head serves nh/nkv query heads (expand + reshape, as transformers does)
        b, _, t, d = x.shape
        rep = self.nh // self.nkv
        return x[:, :, None, :, :].expand(b, self.nkv, rep, t, d).reshape(b, self.nh, t, d)


class MLP(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.gate_proj = nn.Linear(c.hidden_size, c.intermediate_size, bias=False)
        self.up_proj = nn.Linear(c.hidden_size, c.intermediate_size, bias=False)
        self.down_proj = nn.Linear(c.intermediate_size, c.hidden_size, bias=False)
        self.act_fn = nn.SiLU()
        self.scale = None  # optional per-neuron multiplier (steering experiments in eval only)

    def forward(self, x):
        h = self.act_fn(self.gate_proj(x)) * self.up_proj(x)
        if self.scale is not None:
            h = h * self.scale
        return self.down_proj(h)


class DecoderLayer(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.self_attn = Attention(c)
        self.mlp = MLP(c)
        self.input_layernorm = RMSNorm(c.hidden_size, c.rms_norm_eps)
        self.post_attention_layernorm = RMSNorm(c.hidden_size, c.rms_norm_eps)
        self.dropout = 0.0  # training only (train.py --base-dropout); not part of the exported graph

    def forward(self, x, cos, sin, bias, pk, pv):
        a, present = self.self_attn(self.input_layernorm(x), cos, sin, bias, pk, pv)
        drop = self.dropout if self.training else 0.0  # draws random numbers only when on: runs without it unchanged
        x = x + (F.dropout(a, drop) if drop else a)
        m = self.mlp(self.post_attention_layernorm(x))
        x = x + (F.dropout(m, drop) if drop else m)
        return x, present


class Inner(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.embed_tokens = nn.Embedding(c.vocab_size, c.hidden_size)
        self.layers = nn.ModuleList([DecoderLayer(c) for _ in range(c.num_hidden_layers)])
        self.norm = RMSNorm(c.hidden_size, c.rms_norm_eps)

    def forward(self, input_ids, attention_mask, position_ids, inv_freq, past):
        b, t = input_ids.shape
        x = self.embed_tokens(input_ids)
        freqs = position_ids.to(torch.float32).unsqueeze(-1) * inv_freq  # [b, t, hd/2]
        emb = torch.cat([freqs, freqs], dim=-1)
        cos, sin = emb.cos().unsqueeze(1), emb.sin().unsqueeze(1)  # [b, 1, t, hd]
        total = attention_mask.shape[1]
        past_len = total - t
        # causal: query i (absolute past_len + i) sees keys j <= past_len + i; and only unpadded keys
        qi = torch.arange(t, device=input_ids.device).unsqueeze(1) + past_len
        kj = torch.arange(total, device=input_ids.device).unsqueeze(0)
        allowed = (kj <= qi).unsqueeze(0).unsqueeze(0) & (attention_mask.unsqueeze(1).unsqueeze(1) > 0)
        # a finite large negative (not -inf) keeps fully padded query rows finite instead of NaN
        bias = torch.where(allowed, torch.zeros((), dtype=x.dtype), torch.full((), -1e9, dtype=x.dtype))
        presents = []
        for i, layer in enumerate(self.layers):
            pk = past[2 * i] if past else None
            pv = past[2 * i + 1] if past else None
            x, (k, v) = layer(x, cos, sin, bias, pk, pv)
            presents += [k, v]
        return self.norm(x), presents


class LlamaForCausalLM(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.config = c
        self.model = Inner(c)
        self.lm_head = nn.Linear(c.hidden_size, c.vocab_size, bias=False)
        if c.tie_word_embeddings:
            self.lm_head.weight = self.model.embed_tokens.weight
        inv = 1.0 / (c.rope_theta ** (torch.arange(0, c.head_dim, 2, dtype=torch.float32) / c.head_dim))
        self.register_buffer("inv_freq", inv, persistent=False)
        self.register_buffer("lm_bias", torch.zeros(c.vocab_size), persistent=False)
        self.apply(self._init)
        for n, p in self.named_parameters():  # GPT-2 style scaled init of residual outputs
            if n.endswith("o_proj.weight") or n.endswith("down_proj.weight"):
                nn.init.normal_(p, std=0.02 / math.sqrt(2 * c.num_hidden_layers))

    @staticmethod
    def _init(m):
        if isinstance(m, (nn.Linear, nn.Embedding)):
            nn.init.normal_(m.weight, std=0.02)

    def forward(self, input_ids, attention_mask, position_ids, *past):
        """attention_mask: [b, past_len + t] with 1 for real tokens (left padding allowed)."""
        h, presents = self.model(input_ids, attention_mask, position_ids, self.inv_freq, past)
        if self.config.tie_word_embeddings:
            # rank-2 linear with a (zero) bias exports as Gemm(transB=1) on the shared embedding initializer;
            # a plain MatMul would make the exporter fold a second, transposed copy of the embeddings
            b, t, d = h.shape
            logits = F.linear(h.reshape(b * t, d), self.lm_head.weight, self.lm_bias).view(b, t, -1)
        else:
            logits = self.lm_head(h)
        return (logits, *presents)

    def empty_past(self, batch):
        c = self.config
        z = torch.zeros(batch, c.num_key_value_heads, 0, c.head_dim)
        return [z] * (2 * c.num_hidden_layers)

    def n_params(self):
        return sum(p.numel() for p in self.parameters())
