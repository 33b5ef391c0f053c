"""The PyTorch side of the bench's head-to-head (scripts/bench/vs-torch.mjs): one run of what a user would run
instead of CNA, on the same checkpoint and the same formatted token ids, timed from inside; prints one JSON line.

usage: source HFSTACK/env.sh; /usr/bin/python3 scripts/bench/torch_side.py HFSTACK CHECKPOINT TASK_JSON
TASK_JSON: {"mode": "reference" | "batched" | "generate", "threads": 2, "topK": 200,
            "positive": [text], "negative": [text], "positiveIds": [[id]], "negativeIds": [[id]],   (discovery)
            "batch": 8,                                                                            (batched)
            "prompts": [[id]], "newTokens": 64, "batches": [1, 8]}                                 (generate)
  reference  neuron_steer as its users run it: a NeuronSteerer around the model (the kit's make_steerer, since
             NeuronSteerer(name) cannot load on this stack), its constructor's default universal-neuron
             detection (auto_blacklist=True: ten prompts at batch 1) and find_feature(positive=, negative=, top_k=),
             which tokenises each prompt itself and runs them one by one (batch 1). Reports whether the ids it fed
             the model are ours (idsMatch).
  batched    PyTorch eager, our ids left-padded in batches, forward pre-hooks on every mlp.down_proj keep the last
             position, then the same difference of means and top-k.
  generate   model.generate, greedy, newTokens new tokens (EOS off), the prompts in rows of each of `batches`; a
             logits processor stamps every step, so decode ms/token is the median gap between steps after the
             first (the prefill); per batch size under "generate".
Times (ms): importMs (torch + transformers), loadMs (from_pretrained and tokenizer), workMs, and the run's totalMs
from the first import. Nothing of neuron_steer is copied: it is imported from the kit.
"""
import time

T0 = time.perf_counter()
import json  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402

HFSTACK, CKPT, TASK = sys.argv[1], sys.argv[2], json.loads(open(sys.argv[3], encoding="utf-8").read())
sys.path.insert(0, os.path.join(HFSTACK, "scripts"))
import torchref as R  # noqa: E402  (imports hfstack_env first)
import torch  # noqa: E402
import transformers  # noqa: E402,F401

torch.set_num_threads(int(TASK.get("threads", 2)))
ms = lambda t: (time.perf_counter() - t) * 1000  # noqa: E731
out = {"importMs": ms(T0), "threads": torch.get_num_threads(), "torch": torch.__version__}


def load(tokenizer=False):
    t = time.perf_counter()
    model = R.load_model(CKPT)
    tok = None
    if tokenizer:
        from reftok import load_tokenizer

        tok = load_tokenizer(CKPT)
    out["loadMs"] = ms(t)
    return model, tok


def left_padded(rows, pad):
    width = max(len(r) for r in rows)
    ids = torch.tensor([[pad] * (width - len(r)) + r for r in rows])
    mask = torch.tensor([[0] * (width - len(r)) + [1] * len(r) for r in rows])
    return ids, mask, (mask.cumsum(-1) - 1).clamp_min(0)


def reference():
    model, tok = load(tokenizer=True)
    t = time.perf_counter()
    steerer = R.make_steerer(model, tok, "Qwen2.5-0.5B-Instruct-shaped")
    # NeuronSteerer(name), as its users construct it, detects universal neurons first (auto_blacklist=True, with
    # these arguments): ten batch-1 forward passes that are part of their wait. make_steerer skips the hub load
    # and this pass, so it runs here, as cna attribute runs its ten generic prompts.
    from neuron_steer.core import detect_universal_neurons

    steerer.blacklist |= detect_universal_neurons(model, tok, "cpu", n_prompts=10, top_k=20, threshold_fraction=0.8)
    circuit = steerer.find_feature(positive=TASK["positive"], negative=TASK["negative"], top_k=TASK["topK"])
    out["workMs"] = ms(t)
    theirs = [R.reference_ids(steerer, p) for p in TASK["positive"] + TASK["negative"]]
    out["idsMatch"] = theirs == TASK["positiveIds"] + TASK["negativeIds"]
    out["neurons"] = len(circuit.neurons)


@torch.no_grad()
def batched():
    model, _ = load()
    t = time.perf_counter()
    layers = R.layers(model)
    acts = {}
    hooks = [l.mlp.down_proj.register_forward_pre_hook(lambda mod, a, i=i: acts.__setitem__(i, a[0][:, -1].clone()))
             for i, l in enumerate(layers)]
    sums = {}
    b = TASK["batch"]
    for side in ("positiveIds", "negativeIds"):
        rows = TASK[side]
        total = torch.zeros(len(layers), model.config.intermediate_size, dtype=torch.float64)
        for s in range(0, len(rows), b):
            ids, mask, pos = left_padded(rows[s:s + b], 0)
            model(input_ids=ids, attention_mask=mask, position_ids=pos, use_cache=False)
            total += torch.stack([acts[i].double().sum(0) for i in range(len(layers))])
        sums[side] = total / len(rows)
    for h in hooks:
        h.remove()
    diff = (sums["positiveIds"] - sums["negativeIds"])[2:].flatten()  # layers 0-1 left out, as the reference does
    top = diff.abs().topk(TASK["topK"])
    out["workMs"] = ms(t)
    out["neurons"] = int(top.indices.numel())


@torch.no_grad()
def generate():
    from transformers import LogitsProcessor, LogitsProcessorList

    model, _ = load()
    gc = model.generation_config
    pad = gc.pad_token_id if gc.pad_token_id is not None else 0
    gc.eos_token_id = None  # every row generates newTokens tokens, as ours do (random weights)

    class Stamp(LogitsProcessor):
        def __init__(self, stamps):
            self.stamps = stamps

        def __call__(self, input_ids, scores):
            self.stamps.append(time.perf_counter())
            return scores

    rows = TASK["prompts"]
    out["generate"] = {}
    for batch in TASK["batches"]:
        steps = []
        t = time.perf_counter()
        for s in range(0, len(rows), batch):
            ids, mask, _ = left_padded(rows[s:s + batch], pad)
            stamps = [time.perf_counter()]
            model.generate(ids, attention_mask=mask, do_sample=False, max_new_tokens=TASK["newTokens"],
                           pad_token_id=pad, logits_processor=LogitsProcessorList([Stamp(stamps)]), temperature=None,
                           top_p=None, top_k=None)
            steps += [(b - a) * 1000 for a, b in zip(stamps[1:], stamps[2:])]
        steps.sort()
        out["generate"][str(batch)] = {"workMs": ms(t), "decodeMsPerToken": steps[len(steps) // 2]}


{"reference": reference, "batched": batched, "generate": generate}[TASK["mode"]]()
out["totalMs"] = ms(T0)
print(json.dumps(out))
