"""Read an exported model folder back into a training WORK folder: the inverse of export.py, so that an instruct-only
variant (`train.py --skip-base`) or `first_token_auc.py` can start from the shipped base without retraining it
(40-100 minutes saved).

usage: /usr/bin/python3 tools/demo-model/import_onnx.py models/demo-base --work DIR [--as base]
Writes DIR/<as>.pt (the PyTorch state dict, Hugging Face names), DIR/config.json (the `config` part train.py writes)
and copies tokenizer.json and tokenizer_config.json. Weights are float32 in the file, so the round trip is exact.
"""
import argparse
import json
import os
import shutil
import sys

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")
import onnx  # noqa: E402
import torch  # noqa: E402
from onnx import numpy_helper  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from model import Config, LlamaForCausalLM  # noqa: E402


def state_dict(onnx_path):
    """Named initializers keep their names; the exporter renames each linear weight (transposed, onnx::MatMul_N),
    so those are named after the MatMul node that reads them: /model/layers.3/mlp/up_proj/MatMul ->
    model.layers.3.mlp.up_proj.weight. lm_head is tied to the embeddings (export.py)."""
    graph = onnx.load(onnx_path).graph
    init = {i.name: torch.from_numpy(numpy_helper.to_array(i).copy()) for i in graph.initializer}
    sd = {k: v for k, v in init.items() if not k.startswith("onnx::")}
    for node in graph.node:
        if node.op_type == "MatMul" and node.name.startswith("/model/layers.") and node.input[1] in init:
            sd[".".join(node.name.strip("/").split("/")[:-1]) + ".weight"] = init[node.input[1]].t().contiguous()
    sd["lm_head.weight"] = sd["model.embed_tokens.weight"]
    return sd


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("folder", help="an export.py output folder, e.g. models/demo-base")
    ap.add_argument("--work", required=True)
    ap.add_argument("--as", dest="name", choices=["base", "instruct"], default="base")
    args = ap.parse_args()
    missing = [f for f in ("config.json", "model.onnx", "tokenizer.json", "tokenizer_config.json")
               if not os.path.exists(os.path.join(args.folder, f))]
    if missing:
        raise SystemExit(f"import_onnx.py: {args.folder} lacks {', '.join(missing)} (expected an export.py output folder)")
    cfg = Config.load(os.path.join(args.folder, "config.json"))
    model = LlamaForCausalLM(cfg)
    model.load_state_dict(state_dict(os.path.join(args.folder, "model.onnx")))  # strict: every weight accounted for
    os.makedirs(args.work, exist_ok=True)
    torch.save(model.state_dict(), os.path.join(args.work, f"{args.name}.pt"))
    with open(os.path.join(args.work, "config.json"), "w") as f:
        json.dump({"config": cfg.__dict__}, f, indent=1)
    for fn in ("tokenizer.json", "tokenizer_config.json"):
        shutil.copyfile(os.path.join(args.folder, fn), os.path.join(args.work, fn))
    print(f"{args.folder} -> {os.path.join(args.work, args.name + '.pt')} ({model.n_params() / 1e6:.2f}M params)")


if __name__ == "__main__":
    main()
