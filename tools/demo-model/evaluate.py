"""Greedy generation (batched, left padding, KV cache) and refusal rates with the reference `regex` detector.

usage (standalone, on exported checkpoints in a work dir):
  /usr/bin/python3 tools/demo-model/evaluate.py --work /tmp/demo-model-work [--cna]
--cna also runs a small CNA check in PyTorch (discovery on the reference prompt sets, ablation m=0 of the top
200 neurons of layers >= 2 vs 200 random ones) so the recipe can be judged before the TypeScript engine runs it.
"""
import argparse
import json
import os
import random
import sys

# OpenBLAS threads spin-wait: on 2 shared, busy cores one thread was 10x faster than two (measured), so
# default to the --threads value (1) unless the caller set it.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")
import torch  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import bpe  # noqa: E402
import cpu  # noqa: E402
import data  # noqa: E402


@torch.no_grad()
def generate(model, tok, prompts, eos, max_new=64, batch_size=25):
    outs = []
    for s in range(0, len(prompts), batch_size):
        enc = [tok.encode(bpe.chat_prompt(p)) for p in prompts[s:s + batch_size]]
        b, t = len(enc), max(len(e) for e in enc)
        pad = eos[-1]
        x = torch.full((b, t), pad, dtype=torch.long)
        am = torch.zeros((b, t), dtype=torch.long)
        for r, e in enumerate(enc):
            x[r, t - len(e):] = torch.tensor(e)
            am[r, t - len(e):] = 1
        pos = (am.cumsum(-1) - 1).clamp(min=0)
        out = model(x, am, pos, *model.empty_past(b))
        logits, past = out[0], list(out[1:])
        done = torch.zeros(b, dtype=torch.bool)
        gen = [[] for _ in range(b)]
        for _ in range(max_new):
            nxt = logits[:, -1].argmax(-1)
            for r in range(b):
                if not done[r]:
                    if int(nxt[r]) in eos:
                        done[r] = True
                    else:
                        gen[r].append(int(nxt[r]))
            if bool(done.all()):
                break
            am = torch.cat([am, torch.ones((b, 1), dtype=torch.long)], 1)
            pos = pos[:, -1:] + 1
            out = model(nxt.unsqueeze(1), am, pos, *past)
            logits, past = out[0], list(out[1:])
        outs += [tok.decode(g, skip_special=True) for g in gen]
    return outs


def evaluate_model(model, tok, goals, eos, max_new=64):
    res = {}
    samples = {}
    for split in goals:
        answers = generate(model, tok, goals[split], eos, max_new)
        ref = [data.is_refusal(a) for a in answers]
        res[f"refusal_{split}"] = sum(ref) / len(ref)
        samples[split] = [{"goal": g, "answer": a, "refusal": r} for g, a, r in zip(goals[split], answers, ref)]
    res["samples"] = samples
    return res


def quality(text):
    """1 - degradation on the first 200 characters (docs/method.md; an approximation for sanity checks only)."""
    import re
    t = text[:200]
    toks = t.lower().split()
    if not toks:
        return 0.0

    def rep(n):
        grams = [tuple(toks[i:i + n]) for i in range(len(toks) - n)]  # the reference drops the final n-gram
        return 1 - len(set(grams)) / len(grams) if grams else 0.0
    sents = [x.strip() for x in re.split(r"[.!?\n]", t) if x.strip()]
    sent_rep = sum(1 for a, b in zip(sents, sents[1:]) if a == b) / len(sents) if sents else 0.0
    esc = sum(1 for w in toks if re.match(r"^\\+[\[\](){}a-zA-Z_\-]*$", w)) / len(toks)
    non_ascii = sum(1 for ch in t if ord(ch) > 127) / len(t)
    dom = max(toks.count(w) for w in set(toks)) / len(toks)
    deg = (0.2 * rep(3) + 0.2 * rep(4) + 0.15 * (1 - len(set(toks)) / len(toks)) + 0.1 * sent_rep + 0.2 * esc
           + 0.05 * non_ascii + 0.1 * dom)
    return 1 - min(1.0, deg)


@torch.no_grad()
def last_token_acts(model, tok, prompts):
    """Per layer [n_prompts, intermediate] of the down_proj input at the last prompt token."""
    acts = {}
    hooks = []
    for i, layer in enumerate(model.model.layers):
        def hook(mod, inp, i=i):
            acts.setdefault(i, []).append(inp[0][:, -1].clone())
        hooks.append(layer.mlp.down_proj.register_forward_pre_hook(hook))
    for p in prompts:
        ids = torch.tensor([tok.encode(bpe.chat_prompt(p))])
        model(ids, torch.ones_like(ids), torch.arange(ids.shape[1]).unsqueeze(0))
    for h in hooks:
        h.remove()
    return {i: torch.cat(v) for i, v in acts.items()}


def set_scale(model, neurons, m):
    for layer in model.model.layers:
        layer.mlp.scale = None
    for li, ni in neurons:
        mlp = model.model.layers[li].mlp
        if mlp.scale is None:
            mlp.scale = torch.ones(mlp.down_proj.in_features)
        mlp.scale[ni] = m


def cna_check(model, tok, eos, ks=(200,), first_layer=2, max_new=64, on="harmful"):
    d = data.discovery_prompts()
    goals = data.tuning_sets()[on]
    pos = last_token_acts(model, tok, d["harmful"])
    neg = last_token_acts(model, tok, d["benign"])
    cands = []
    for li in pos:
        if li < first_layer:
            continue
        delta = pos[li].mean(0) - neg[li].mean(0)
        cands += [(abs(float(v)), li, ni) for ni, v in enumerate(delta)]
    cands.sort(reverse=True)
    res = {}
    set_scale(model, [], 1)
    ans0 = generate(model, tok, goals, eos, max_new)
    before = [data.is_refusal(a) for a in ans0]
    res["before_quality"] = round(sum(quality(a) for a in ans0) / len(ans0), 3)
    res["before"] = sum(before) / len(before)
    n_inter = model.config.intermediate_size
    for kk in sorted(set(ks)):
        circuit = [(li, ni) for _, li, ni in cands[:kk]]
        set_scale(model, circuit, 0.0)
        ans = generate(model, tok, goals, eos, max_new)
        res[f"ablate_top{kk}"] = sum(data.is_refusal(a) for a in ans) / len(ans)
        res[f"ablate_top{kk}_layers"] = sorted({li for li, _ in circuit})
        rng = random.Random(0)
        pool = [(li, ni) for li in range(first_layer, model.config.num_hidden_layers) for ni in range(n_inter)]
        set_scale(model, rng.sample(pool, kk), 0.0)
        ans_r = generate(model, tok, goals, eos, max_new)
        res[f"random{kk}"] = sum(data.is_refusal(a) for a in ans_r) / len(ans_r)
        res[f"ablate_top{kk}_quality"] = round(sum(quality(a) for a in ans) / len(ans), 3)
        res[f"ablate_top{kk}_sample"] = ans[:3]
    set_scale(model, [], 1)
    return res


def main():
    from model import Config, LlamaForCausalLM
    ap = argparse.ArgumentParser()
    ap.add_argument("--work", default="/tmp/demo-model-work")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--max-new", type=int, default=150)
    ap.add_argument("--cna", action="store_true")
    ap.add_argument("--ks", default="0.1%,200", help="circuit sizes for --cna: counts or percentages of all neurons")
    ap.add_argument("--on", default="harmful", help="tuning set for --cna: harmful (JBB) or dev_harmful")
    ap.add_argument("--no-eval", action="store_true")
    ap.add_argument("--which", default="instruct,base")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    cpu.keep_freed_memory()
    with open(os.path.join(args.work, "config.json")) as f:
        meta = json.load(f)
    cfg = Config(**meta["config"])
    tok = bpe.Tokenizer.load(os.path.join(args.work, "tokenizer.json"))
    out = {}
    for name in args.which.split(","):
        m = LlamaForCausalLM(cfg)
        m.load_state_dict(torch.load(os.path.join(args.work, f"{name}.pt")))
        m.eval()
        if not args.no_eval:
            r = evaluate_model(m, tok, data.tuning_sets(), meta["eos"], args.max_new)
            out[name] = r
            print(name, {k: v for k, v in r.items() if k != "samples"}, flush=True)
        if args.cna:
            total = cfg.intermediate_size * cfg.num_hidden_layers
            ks = [max(1, round(float(k[:-1]) / 100 * total)) if k.endswith("%") else int(k) for k in args.ks.split(",")]
            c = cna_check(m, tok, meta["eos"], ks=ks, max_new=args.max_new, on=args.on)
            out[name + "_cna"] = c
            print(name, "cna", json.dumps(c), flush=True)
    with open(os.path.join(args.work, "eval_standalone.json"), "w") as f:
        json.dump(out, f, indent=1, ensure_ascii=False)


if __name__ == "__main__":
    main()
