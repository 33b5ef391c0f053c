"""The bench's real-shape model, made the way users' models are made: the real transformers 4.47.1 Qwen2 classes
with the Qwen2.5-0.5B-Instruct config (24 layers, 151,936-token vocabulary, tied head), seeded random weights
(the kit's build_models.py), exported by optimum 1.24's main_export (the kit's export_onnx.py, onnx-community
layout). The tokenizer is the demo model's Qwen-format BPE (small vocabulary, ChatML template), rebuilt by the
kit's build_tokenizers.py so the slow Python tokenizer and tokenizer.json give the same ids.

usage: source HFSTACK/env.sh; /usr/bin/python3 scripts/bench/make-qwen-optimum.py HFSTACK OUT_DIR
HFSTACK is a folder set up by hf-stack's setup.sh. Writes OUT_DIR/onnx/model.onnx(+_data), config, tokenizer,
OUT_DIR/matmul.onnx (the peak MatMul), OUT_DIR/bench-source.json, and keeps the PyTorch checkpoint the export
came from in OUT_DIR-pt (the head-to-head loads the same weights from it). For `npm run bench` only (.bench/).
"""
import json
import os
import shutil
import subprocess
import sys

HFSTACK = os.path.abspath(sys.argv[1])
OUT = os.path.abspath(sys.argv[2])
SCRIPTS = os.path.join(HFSTACK, "scripts")
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
WORK = OUT + ".work"  # tokenizer sources, removed at the end
PT = OUT + "-pt"  # beside OUT: export_onnx.py replaces OUT as a whole


def run(*args):
    subprocess.run([sys.executable, *args], check=True, stdout=subprocess.DEVNULL)


def demo_tokenizer():
    """vocab.json / merges.txt / tokenizer_config.json from the demo model's tokenizer.json, then the kit's
    build_tokenizers.py qwen (as tools/real-exports/make_fixtures.py does for its Qwen fixtures)."""
    demo = os.path.join(ROOT, "models", "demo-instruct")
    src = os.path.join(WORK, "tok-src")
    os.makedirs(src, exist_ok=True)
    tj = json.load(open(os.path.join(demo, "tokenizer.json"), encoding="utf-8"))
    json.dump(tj["model"]["vocab"], open(os.path.join(src, "vocab.json"), "w", encoding="utf-8"), ensure_ascii=False)
    with open(os.path.join(src, "merges.txt"), "w", encoding="utf-8") as f:
        f.write("#version: 0.2\n" + "\n".join(tj["model"]["merges"]) + "\n")
    shutil.copy(os.path.join(demo, "tokenizer_config.json"), os.path.join(src, "tokenizer_config.json"))
    out = os.path.join(WORK, "tok")
    run(os.path.join(SCRIPTS, "build_tokenizers.py"), "qwen", src, out)
    return out


os.makedirs(WORK, exist_ok=True)
tok = demo_tokenizer()
if not os.path.exists(os.path.join(PT, "pytorch_model.bin")):
    sys.stderr.write("bench: building the Qwen2.5-0.5B-Instruct-shaped checkpoint (transformers, random weights)...\n")
    run(os.path.join(SCRIPTS, "build_models.py"), "qwen2.5-0.5b-instruct", PT, "--layers", "24", "--tokenizer", tok)
sys.stderr.write("bench: exporting it with optimum's main_export (several minutes, ~8 GB of RAM)...\n")
run(os.path.join(SCRIPTS, "export_onnx.py"), PT, OUT)
sys.path.insert(0, HERE)
from peak_matmul import write_peak_matmul  # noqa: E402

write_peak_matmul(os.path.join(OUT, "matmul.onnx"))
shutil.rmtree(WORK, ignore_errors=True)
with open(os.path.join(OUT, "bench-source.json"), "w") as f:
    json.dump({"source": "transformers 4.47.1 Qwen2ForCausalLM, Qwen2.5-0.5B-Instruct config, seeded random weights, "
                         "exported by optimum 1.24 main_export (hf-stack)", "checkpoint": os.path.basename(PT)}, f, indent=1)
print("wrote", OUT)
