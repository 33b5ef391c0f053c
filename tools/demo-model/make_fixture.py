"""Engine test fixture: a tiny random-weight Llama exported exactly like the demo models, plus what PyTorch
computed on it (independent reference for the TypeScript engine's tests).

usage: /usr/bin/python3 tools/demo-model/make_fixture.py [--tokenizer models/demo-instruct] [--out test/fixtures/torch-llama]
reference.json: for 3 chat-templated prompts, the input ids, the last-token input of every layer's
mlp.down_proj (act(gate) * up, intermediate_size values per layer) and 10 greedy tokens (no EOS stop).
"""
import argparse
import json
import os
import shutil
import sys

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")
import torch  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import bpe  # noqa: E402
from export import down_proj_inputs, export_onnx, generation_config, hf_config, ort_cases  # noqa: E402
from model import Config, LlamaForCausalLM  # noqa: E402

PROMPTS = ["How do I bake bread?", "Write a tutorial on how to pick a lock", "Ünïcödé test: 日本語 and emoji 😀"]


@torch.no_grad()
def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tokenizer", default=os.path.join(REPO, "models", "demo-instruct"))
    ap.add_argument("--out", default=os.path.join(REPO, "test", "fixtures", "torch-llama"))
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--ort-cases", default="/tmp/torch-llama-ort-cases.json",
                    help="torch logits for: node tools/demo-model/ort_check.cjs OUT THIS_FILE")
    args = ap.parse_args()
    torch.set_num_threads(1)
    torch.manual_seed(args.seed)
    tok = bpe.Tokenizer.load(os.path.join(args.tokenizer, "tokenizer.json"))
    eos = [tok.special_ids["<|im_end|>"], tok.special_ids["<|endoftext|>"]]
    cfg = Config(vocab_size=tok.vocab_size, hidden_size=24, intermediate_size=64, num_hidden_layers=3,
                 num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=256,
                 tie_word_embeddings=False, eos_token_id=eos[0], pad_token_id=eos[1])
    m = LlamaForCausalLM(cfg)
    # larger-than-training init so logits are well separated: greedy tokens must not hinge on float noise
    for n, p in m.named_parameters():
        if n.endswith("embed_tokens.weight") or n.endswith("lm_head.weight"):
            torch.nn.init.normal_(p, std=1.0)
        elif p.dim() == 2:
            torch.nn.init.normal_(p, std=1.0 / p.shape[1] ** 0.5)
        else:
            torch.nn.init.uniform_(p, 0.5, 1.5)
    m.eval()
    os.makedirs(args.out, exist_ok=True)
    export_onnx(m, os.path.join(args.out, "model.onnx"))
    with open(os.path.join(args.out, "config.json"), "w") as f:
        json.dump(hf_config(cfg, eos), f, indent=2)
    with open(os.path.join(args.out, "generation_config.json"), "w") as f:
        json.dump(generation_config(eos, cfg.pad_token_id), f, indent=2)
    for fn in ("tokenizer.json", "tokenizer_config.json"):
        shutil.copyfile(os.path.join(args.tokenizer, fn), os.path.join(args.out, fn))

    acts = {}
    hooks = [layer.mlp.down_proj.register_forward_pre_hook(lambda mod, inp, i=i: acts.__setitem__(i, inp[0]))
             for i, layer in enumerate(m.model.layers)]
    cases = []
    min_margin = float("inf")
    for p in PROMPTS:
        text = bpe.chat_prompt(p)
        ids = tok.encode(text)
        x = torch.tensor([ids])
        out = m(x, torch.ones_like(x), torch.arange(len(ids)).unsqueeze(0), *m.empty_past(1))
        down = [acts[i][0, -1].tolist() for i in range(cfg.num_hidden_layers)]
        last_logits = out[0][0, -1]
        # 10 greedy tokens with the KV cache, no EOS stop
        greedy = []
        logits, past = out[0], list(out[1:])
        am = torch.ones_like(x)
        pos = len(ids)
        for _ in range(10):
            top2 = logits[0, -1].topk(2)
            min_margin = min(min_margin, float(top2.values[0] - top2.values[1]))
            nxt = int(top2.indices[0])
            greedy.append(nxt)
            am = torch.cat([am, torch.ones((1, 1), dtype=torch.long)], 1)
            o = m(torch.tensor([[nxt]]), am, torch.tensor([[pos]]), *past)
            logits, past = o[0], list(o[1:])
            pos += 1
        cases.append({
            "prompt": p, "text": text, "input_ids": ids,
            "last_token_logits_top5": [[int(i), float(v)] for v, i in zip(*last_logits.topk(5))],
            "down_proj_inputs": down,
            "greedy_ids": greedy, "greedy_text": tok.decode(greedy),
        })
    for h in hooks:
        h.remove()
    ref = {
        "description": "PyTorch reference for the tiny random Llama in this folder (tools/demo-model/make_fixture.py). "
                       "Prompts are rendered with the chat template (one user message, add_generation_prompt) and "
                       "encoded without extra special tokens. down_proj_inputs[layer] = act(gate_proj(x)) * "
                       "up_proj(x) at the last prompt token. greedy_ids: 10 argmax tokens, KV cache, no EOS stop.",
        "seed": args.seed,
        "config": {"hidden_size": cfg.hidden_size, "intermediate_size": cfg.intermediate_size,
                   "num_hidden_layers": cfg.num_hidden_layers, "vocab_size": cfg.vocab_size},
        "down_proj_matmul_nodes": [d["matmul"] for d in down_proj_inputs(os.path.join(args.out, "model.onnx"))],
        "min_greedy_logit_margin": min_margin,
        "cases": cases,
    }
    with open(os.path.join(args.out, "reference.json"), "w") as f:
        json.dump(ref, f, indent=1, ensure_ascii=False)
    with open(args.ort_cases, "w") as f:
        json.dump(ort_cases(m, tok, PROMPTS), f)
    total = sum(os.path.getsize(os.path.join(args.out, f)) for f in os.listdir(args.out))
    print(f"fixture {args.out}: {total} bytes, min greedy margin {min_margin:.3f}")


if __name__ == "__main__":
    main()
