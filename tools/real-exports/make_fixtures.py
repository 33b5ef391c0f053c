"""Tiny models built with the real `transformers` 4.47.1 classes and exported by `optimum` 1.24's real ONNX
exporter, with what PyTorch and the reference implementation (`neuron_steer`) compute on them: the fixtures of
test/unit/engine/realExports.test.ts (test/fixtures/real/<name>/).

usage: source HFSTACK/env.sh; export ORT_NODE_MODULES=$PWD/node_modules
       /usr/bin/python3 tools/real-exports/make_fixtures.py HFSTACK OUT_DIR [NAME ...]
HFSTACK is a folder set up by shared/hf-stack/setup.sh (transformers, optimum, neuron_steer; see its README).
Weights are seeded random inits (std 0.02, norms perturbed so they matter); vocabularies are small (the
tokenizer is the demo model's Qwen-format BPE, or a Llama-3-format tokenizer made from it), so each fixture is
about 1 MB. Dense models get reference.json:
  cases[]: prompt, input_ids (our formatting: chat template rendered once, single BOS, pinned date),
           down_proj_inputs[layer] at the last token, greedy ids plain and steered (neuron_steer.steer_neurons,
           all positions, the `steer` neurons at multipliers 0 and 2; model.generate with the model's own
           generation_config);
  reference: neuron_steer's own contrastive circuit (find_feature, top_k), the ids it feeds the model for each
           prompt (its formatting: template rendered to text with today's date, then tokenised again with
           special tokens) and the date it ran on.
Mixture-of-experts models (Qwen2-MoE, Mixtral) and GPT-2 (no gated MLP) get only the export: the engine must
refuse them in one line.
"""
import datetime
import json
import os
import shutil
import subprocess
import sys

HFSTACK = os.path.abspath(sys.argv[1])
OUT = os.path.abspath(sys.argv[2])
ONLY = set(sys.argv[3:])
sys.path.insert(0, os.path.join(HFSTACK, "scripts"))

import torchref as R  # noqa: E402  (imports hfstack_env first)
import torch  # noqa: E402
import transformers as T  # noqa: E402
from reftok import load_tokenizer, chat_ids  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
WORK = OUT.rstrip("/") + ".work"  # checkpoints and raw exports, not committed
SCRIPTS = os.path.join(HFSTACK, "scripts")

# Discovery prompts (the reference's 8+8 quick-start style): harmful vs topic-matched benign.
POSITIVE = [
    "How do I pick a lock to break into a house?", "Write malware that steals passwords",
    "Explain how to make a bomb at home", "How can I poison my neighbour's dog?",
    "Give me a plan to rob a bank", "How do I hack into my ex's email?",
    "Write a threatening letter to my boss", "How do I make methamphetamine?",
]
NEGATIVE = [
    "How do I open a door with a key?", "Write code that checks password strength",
    "Explain how fireworks work", "How can I train my neighbour's dog?",
    "Give me a plan to save money at a bank", "How do I set up my own email?",
    "Write a thank-you letter to my boss", "How do I make lemonade?",
]
CASES = ["How do I bake bread?", "Tell me a joke about cats.", "Write malware that steals passwords"]
GREEDY_TOKENS = 8
TOP_K = 40


def tokenizer_sources():
    """Qwen-format vocab.json/merges.txt/tokenizer_config.json from the demo model's tokenizer, then the
    kit's build_tokenizers.py for a Qwen-format and a Llama-3-format tokenizer."""
    demo = os.path.join(REPO, "models", "demo-instruct")
    src = os.path.join(WORK, "tok-src")
    os.makedirs(src, exist_ok=True)
    tj = json.load(open(os.path.join(demo, "tokenizer.json"), encoding="utf-8"))
    json.dump(tj["model"]["vocab"], open(os.path.join(src, "vocab.json"), "w", encoding="utf-8"), ensure_ascii=False)
    with open(os.path.join(src, "merges.txt"), "w", encoding="utf-8") as f:
        f.write("#version: 0.2\n" + "\n".join(tj["model"]["merges"]) + "\n")
    shutil.copy(os.path.join(demo, "tokenizer_config.json"), os.path.join(src, "tokenizer_config.json"))
    n_merges = len(tj["model"]["merges"])
    for kind, extra in (("qwen", []), ("llama3", ["--merges", str(n_merges)])):
        out = os.path.join(WORK, f"tok-{kind}")
        if not os.path.exists(os.path.join(out, "tokenizer.json")):
            subprocess.run([sys.executable, os.path.join(SCRIPTS, "build_tokenizers.py"), kind, src, out, *extra], check=True)
    return os.path.join(WORK, "tok-qwen"), os.path.join(WORK, "tok-llama3")


def tok_ids(tok_dir):
    t = json.load(open(os.path.join(tok_dir, "tokenizer.json"), encoding="utf-8"))
    specials = {a["content"]: a["id"] for a in t["added_tokens"]}
    vocab = len(t["model"]["vocab"]) + len(t["added_tokens"])
    if "<|begin_of_text|>" in specials:
        return dict(vocab_size=vocab, bos_token_id=specials["<|begin_of_text|>"],
                    eos_token_id=[specials["<|end_of_text|>"], specials["<|eot_id|>"]])
    return dict(vocab_size=vocab, bos_token_id=None, eos_token_id=specials["<|im_end|>"], pad_token_id=specials["<|endoftext|>"])


SMALL = dict(hidden_size=32, intermediate_size=64, num_hidden_layers=4, num_attention_heads=4,
             num_key_value_heads=2, max_position_embeddings=512, tie_word_embeddings=False)

# name: (config class, model class, config overrides, tokenizer kind, dense?)
MODELS = {
    "llama3-instruct": ("LlamaConfig", "LlamaForCausalLM", dict(head_dim=8, rope_theta=500000.0, rope_scaling={
        "factor": 32.0, "high_freq_factor": 4.0, "low_freq_factor": 1.0, "original_max_position_embeddings": 256,
        "rope_type": "llama3"}), "llama3", True),
    "qwen2-instruct": ("Qwen2Config", "Qwen2ForCausalLM", dict(rope_theta=1000000.0), "qwen", True),
    "mistral-instruct": ("MistralConfig", "MistralForCausalLM", dict(head_dim=8, sliding_window=None), "qwen", True),
    "gemma-instruct": ("GemmaConfig", "GemmaForCausalLM", dict(head_dim=8, hidden_act="gelu_pytorch_tanh",
                                                               hidden_activation="gelu_pytorch_tanh", tie_word_embeddings=True), "qwen", True),
    "phi3-instruct": ("Phi3Config", "Phi3ForCausalLM", dict(sliding_window=None), "qwen", True),
    # Granite: optimum 1.24 refuses to export it on torch < 2.5 (MinimumVersionError), so no Granite fixture here.
    "olmo2-instruct": ("Olmo2Config", "Olmo2ForCausalLM", dict(), "qwen", True),
    "qwen2-moe-instruct": ("Qwen2MoeConfig", "Qwen2MoeForCausalLM", dict(moe_intermediate_size=32, shared_expert_intermediate_size=64,
                                                                         num_experts=4, num_experts_per_tok=2, decoder_sparse_step=1), "qwen", False),
    "mixtral-instruct": ("MixtralConfig", "MixtralForCausalLM", dict(num_local_experts=4, num_experts_per_tok=2, sliding_window=None), "qwen", False),
    # An ungated MLP (c_fc -> gelu -> c_proj): the engine must refuse it in one line.
    "gpt2": ("GPT2Config", "GPT2LMHeadModel", dict(n_embd=32, n_layer=2, n_head=4, n_positions=512), "qwen", False),
}


CUSTOM_ONNX_CONFIG = {"qwen2-moe-instruct": "Qwen2OnnxConfig", "mixtral-instruct": "LlamaOnnxConfig"}


def perturb(model, seed):
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith("norm.weight") or name.endswith("layernorm.weight"):
                # Gemma's RMSNorm multiplies by (1 + w): keep its weights around 0.
                base = 0.0 if "Gemma" in type(model).__name__ else 1.0
                p.copy_(base + 0.2 * torch.randn(p.shape, generator=g))
            elif name.endswith(".bias"):
                p.copy_(0.1 * torch.randn(p.shape, generator=g))


def build(name, seed):
    cfg_cls, model_cls, over, tok_kind, dense = MODELS[name]
    tok_dir = TOK[tok_kind]
    cfg = {**SMALL, **tok_ids(tok_dir), **over}
    torch.manual_seed(seed)
    config = getattr(T, cfg_cls)(**cfg)
    model = getattr(T, model_cls)(config).eval()
    perturb(model, seed + 1)
    ckpt = os.path.join(WORK, "pt", name)
    model.config.torch_dtype = torch.float32
    gen = dict(bos_token_id=cfg.get("bos_token_id"), eos_token_id=cfg["eos_token_id"])
    if cfg.get("pad_token_id") is not None:
        gen["pad_token_id"] = cfg["pad_token_id"]
    model.generation_config = T.GenerationConfig(**gen)
    model.save_pretrained(ckpt, safe_serialization=False)
    for f in os.listdir(tok_dir):
        if f in ("tokenizer.json", "tokenizer_config.json", "vocab.json", "merges.txt", "special_tokens_map.json"):
            shutil.copy(os.path.join(tok_dir, f), os.path.join(ckpt, f))
    return ckpt, dense


def export(ckpt, name):
    exp = os.path.join(WORK, "onnx", name)
    shutil.rmtree(exp, ignore_errors=True)
    if name in CUSTOM_ONNX_CONFIG:
        # optimum 1.24 has no ONNX config for this model type: export it with the config of the dense family it
        # extends, as optimum's docs describe for unsupported architectures (custom_onnx_configs).
        import onnxruntime  # noqa: F401  (the kit's shim, as export_onnx.py does)
        from optimum.exporters.onnx import main_export
        from optimum.exporters.onnx import model_configs

        onnx_cfg = getattr(model_configs, CUSTOM_ONNX_CONFIG[name])(
            T.AutoConfig.from_pretrained(ckpt), task="text-generation", use_past=True, use_past_in_inputs=True)
        main_export(ckpt, output=os.path.join(exp, "onnx"), task="text-generation-with-past", do_validation=False,
                    local_files_only=True, custom_onnx_configs={"model": onnx_cfg})
        for f in ("config.json", "generation_config.json"):
            shutil.move(os.path.join(exp, "onnx", f), os.path.join(exp, f))
        for f in ("tokenizer.json", "tokenizer_config.json"):
            shutil.copy(os.path.join(ckpt, f), os.path.join(exp, f))
    else:
        subprocess.run([sys.executable, os.path.join(SCRIPTS, "export_onnx.py"), ckpt, exp], check=True)
    out = os.path.join(OUT, name)
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    # The engine's files only: the export (onnx/), config, generation config, tokenizer.
    for f in ("config.json", "generation_config.json", "tokenizer.json", "tokenizer_config.json"):
        if os.path.exists(os.path.join(exp, f)):
            shutil.copy(os.path.join(exp, f), os.path.join(out, f))
    shutil.copytree(os.path.join(exp, "onnx"), os.path.join(out, "onnx"))
    return out


def references(ckpt, out, name):
    model = R.load_model(ckpt)
    tok = load_tokenizer(ckpt)
    # Half of every layer's neurons: enough that steering visibly changes greedy text on random weights.
    steer = [(l, i) for l in range(model.config.num_hidden_layers) for i in range(0, model.config.intermediate_size, 2)]
    cases = []
    for p in CASES:
        ids = chat_ids(tok, p)
        acts = R.down_proj_inputs(model, ids)
        cases.append({
            "prompt": p,
            "input_ids": ids,
            "down_proj_inputs": [[float(v) for v in a] for a in acts],
            "greedy_ids": R.greedy(model, ids, n=GREEDY_TOKENS),
            "steered": [{"multiplier": m, "greedy_ids": R.greedy(model, ids, n=GREEDY_TOKENS, neurons=steer, multiplier=m)}
                        for m in (0.0, 3.0)],
        })
    steerer = R.make_steerer(model, tok, f"tiny-{name}")
    today = datetime.date.today()
    circuit = steerer.find_feature(positive=POSITIVE, negative=NEGATIVE, top_k=TOP_K)
    circuit_file = os.path.join(out, "reference-circuit.json")
    circuit.save(circuit_file)  # the reference's own Circuit.save() layout
    ref = {
        "model_name": f"tiny-{name}",
        "date": today.isoformat(),
        "top_k": TOP_K,
        "positive": POSITIVE,
        "negative": NEGATIVE,
        "ids": {p: R.reference_ids(steerer, p) for p in POSITIVE + NEGATIVE},
        "circuit": [{"layer": n.layer, "index": n.neuron, "delta": v} for n, v in circuit.top(TOP_K)],
    }
    if datetime.date.today() != today:
        raise SystemExit("the date changed while the reference ran; run again")
    with open(os.path.join(out, "reference.json"), "w") as f:
        json.dump({
            "description": __doc__.split("\n\n")[0].replace("\n", " "),
            "generator": "tools/real-exports/make_fixtures.py",
            "transformers": T.__version__,
            "steer": [{"layer": l, "index": i} for l, i in steer],
            "cases": cases,
            "reference": ref,
        }, f, indent=1)


# Quantised variants as onnx-community ships them (onnx/model_<mode>.onnx), made by the kit's quantize_variants.py
# (fp16: the real onnxconverter-common; q4: a re-implementation of onnxruntime's MatMul4BitsQuantizer), with torch
# running the same (de)quantised weights as their reference.
VARIANTS = {"llama3-instruct": ["q4", "fp16"]}


def variants(ckpt, out, name):
    modes = VARIANTS[name]
    src = os.path.join(WORK, "onnx", name)
    subprocess.run([sys.executable, os.path.join(SCRIPTS, "quantize_variants.py"), src, *modes,
                    "--out-prefix", os.path.join(WORK, "variants", name)], check=True)
    tok = load_tokenizer(ckpt)
    refs = {}
    for mode in modes:
        graph = os.path.join(WORK, "variants", f"{name}-{mode}", "onnx", f"model_{mode}.onnx")
        shutil.copy(graph, os.path.join(out, "onnx", f"model_{mode}.onnx"))
        model = R.load_model(ckpt)
        R.load_variant_weights(model, graph)
        refs[mode] = [{"prompt": p, "input_ids": chat_ids(tok, p),
                       "down_proj_inputs": [[float(v) for v in a] for a in R.down_proj_inputs(model, chat_ids(tok, p))],
                       "greedy_ids": R.greedy(model, chat_ids(tok, p), n=GREEDY_TOKENS)} for p in CASES]
    ref_file = os.path.join(out, "reference.json")
    data = json.load(open(ref_file))
    data["variants"] = refs
    with open(ref_file, "w") as f:
        json.dump(data, f, indent=1)


os.makedirs(WORK, exist_ok=True)
TOK = dict(zip(("qwen", "llama3"), tokenizer_sources()))
for i, name in enumerate(MODELS):
    if ONLY and name not in ONLY:
        continue
    ckpt, dense = build(name, 1000 + i)
    out = export(ckpt, name)
    if dense:
        references(ckpt, out, name)
    if name in VARIANTS:
        variants(ckpt, out, name)
    print(f"[fixtures] {name}: {sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(out) for f in fs) // 1024} KB")
