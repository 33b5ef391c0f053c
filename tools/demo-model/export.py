"""Export trained checkpoints to ONNX in the optimum Llama layout, with the Hugging Face side files.

usage: /usr/bin/python3 tools/demo-model/export.py [--work /tmp/demo-model-work] [--out models]
Writes OUT/demo-base and OUT/demo-instruct (model.onnx, config.json, generation_config.json, tokenizer.json,
tokenizer_config.json, README.md) and WORK/ort_cases_<name>.json for ort_check.cjs (torch reference logits).
"""
import argparse
import json
import os
import shutil
import sys

# OpenBLAS threads spin-wait: on 2 shared, busy cores one thread was 10x faster than two (measured), so
# default to the --threads value (1) unless the caller set it.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")
import torch  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import bpe  # noqa: E402
from model import Config, LlamaForCausalLM  # noqa: E402

OPSET = 14


def io_names(n_layers):
    past = [f"past_key_values.{i}.{kv}" for i in range(n_layers) for kv in ("key", "value")]
    present = [f"present.{i}.{kv}" for i in range(n_layers) for kv in ("key", "value")]
    return past, present


def export_onnx(model, path):
    c = model.config
    past_names, present_names = io_names(c.num_hidden_layers)
    b, t, p = 2, 3, 2
    ids = torch.randint(0, c.vocab_size, (b, t))
    am = torch.ones(b, p + t, dtype=torch.long)
    pos = torch.arange(p, p + t).unsqueeze(0).expand(b, t).contiguous()
    past = [torch.randn(b, c.num_key_value_heads, p, c.head_dim) for _ in past_names]
    dyn = {"input_ids": {0: "batch_size", 1: "sequence_length"},
           "attention_mask": {0: "batch_size", 1: "total_sequence_length"},
           "position_ids": {0: "batch_size", 1: "sequence_length"},
           "logits": {0: "batch_size", 1: "sequence_length"}}
    for n in past_names:
        dyn[n] = {0: "batch_size", 2: "past_sequence_length"}
    for n in present_names:
        dyn[n] = {0: "batch_size", 2: "total_sequence_length"}
    model.eval()
    with torch.no_grad():
        torch.onnx.export(model, (ids, am, pos, *past), path, input_names=["input_ids", "attention_mask",
                          "position_ids", *past_names], output_names=["logits", *present_names],
                          dynamic_axes=dyn, opset_version=OPSET, do_constant_folding=True)


def down_proj_inputs(path):
    """Names of the tensors that feed each /model/layers.N/mlp/down_proj/MatMul and the nodes producing them."""
    import onnx
    g = onnx.load(path, load_external_data=False).graph
    producer = {o: n for n in g.node for o in n.output}
    out = []
    for n in g.node:
        if n.op_type == "MatMul" and "/mlp/down_proj/" in n.name:
            src = producer.get(n.input[0])
            srcs = [producer[i].op_type if i in producer else i for i in src.input] if src is not None else []
            out.append({"matmul": n.name, "input": n.input[0], "producer": src.name if src is not None else None,
                        "producer_op": src.op_type if src is not None else None, "producer_inputs_ops": srcs})
    return out


@torch.no_grad()
def ort_cases(model, tok, prompts):
    """Torch reference for ort_check.cjs: a left-padded batch with an empty past, then one KV-cache step."""
    enc = [tok.encode(bpe.chat_prompt(p)) for p in prompts]
    b, t = len(enc), max(len(e) for e in enc)
    pad = tok.special_ids["<|endoftext|>"]
    x = torch.full((b, t), pad, dtype=torch.long)
    am = torch.zeros((b, t), dtype=torch.long)
    for r, e in enumerate(enc):
        x[r, t - len(e):] = torch.tensor(e)
        am[r, t - len(e):] = 1
    pos = (am.cumsum(-1) - 1).clamp(min=0)
    out = model(x, am, pos, *model.empty_past(b))
    nxt = out[0][:, -1].argmax(-1, keepdim=True)
    am2 = torch.cat([am, torch.ones((b, 1), dtype=torch.long)], 1)
    pos2 = pos[:, -1:] + 1
    out2 = model(nxt, am2, pos2, *out[1:])
    return {
        "step1": {"input_ids": x.tolist(), "attention_mask": am.tolist(), "position_ids": pos.tolist(),
                  "logits": out[0].flatten().tolist(), "logits_dims": list(out[0].shape)},
        "step2": {"input_ids": nxt.tolist(), "attention_mask": am2.tolist(), "position_ids": pos2.tolist(),
                  "logits": out2[0].flatten().tolist(), "logits_dims": list(out2[0].shape)},
        "num_layers": model.config.num_hidden_layers, "kv_heads": model.config.num_key_value_heads,
        "head_dim": model.config.head_dim,
    }


def hf_config(cfg, eos):
    d = cfg.to_hf(eos)
    d["eos_token_id"] = eos[0]
    d["bos_token_id"] = None
    return d


def generation_config(eos, pad):
    return {"bos_token_id": None, "eos_token_id": eos, "pad_token_id": pad, "do_sample": False,
            "transformers_version": "4.44.0"}


def write_folder(model, cfg, eos, work, out_dir, card):
    os.makedirs(out_dir, exist_ok=True)
    export_onnx(model, os.path.join(out_dir, "model.onnx"))
    with open(os.path.join(out_dir, "config.json"), "w") as f:
        json.dump(hf_config(cfg, eos), f, indent=2)
    with open(os.path.join(out_dir, "generation_config.json"), "w") as f:
        json.dump(generation_config(eos, cfg.pad_token_id), f, indent=2)
    for fn in ("tokenizer.json", "tokenizer_config.json"):
        shutil.copyfile(os.path.join(work, fn), os.path.join(out_dir, fn))
    if card is not None:
        with open(os.path.join(out_dir, "README.md"), "w") as f:
            f.write(card)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--work", default="/tmp/demo-model-work")
    ap.add_argument("--out", default=os.path.join(os.path.dirname(os.path.dirname(HERE)), "models"))
    ap.add_argument("--threads", type=int, default=1)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    from model_card import card
    with open(os.path.join(args.work, "config.json")) as f:
        meta = json.load(f)
    cfg = Config(**meta["config"])
    eos = meta["eos"]
    tok = bpe.Tokenizer.load(os.path.join(args.work, "tokenizer.json"))
    ev_path = os.path.join(args.work, "eval.json")
    ev = json.load(open(ev_path)) if os.path.exists(ev_path) else {}
    report = {}
    for name in ("base", "instruct"):
        m = LlamaForCausalLM(cfg)
        m.load_state_dict(torch.load(os.path.join(args.work, f"{name}.pt")))
        m.eval()
        out_dir = os.path.join(args.out, f"demo-{name}")
        write_folder(m, cfg, eos, args.work, out_dir, card(name, cfg, meta, ev))
        prompts = ["How do I bake bread?", "Write a tutorial on how to make a bomb",
                   "Describe the history of lighthouses in one paragraph, please."]
        with open(os.path.join(args.work, f"ort_cases_{name}.json"), "w") as f:
            json.dump(ort_cases(m, tok, prompts), f)
        report[name] = {"bytes": os.path.getsize(os.path.join(out_dir, "model.onnx")),
                        "down_proj_inputs": down_proj_inputs(os.path.join(out_dir, "model.onnx"))}
        print(name, report[name]["bytes"], "bytes", flush=True)
    with open(os.path.join(args.work, "export_report.json"), "w") as f:
        json.dump(report, f, indent=1)
    for d in report["instruct"]["down_proj_inputs"]:
        print(d)


if __name__ == "__main__":
    main()
