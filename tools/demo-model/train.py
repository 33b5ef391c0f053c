"""Train the demo models: tokenizer -> base (pretraining on chat + raw text) -> instruct (fine-tune from base,
loss on assistant tokens) -> greedy evaluation on JBB-Behaviors with the regex refusal detector.

usage: /usr/bin/python3 tools/demo-model/train.py [--quick] [--work /tmp/demo-model-work]
Writes WORK/{tokenizer.json,tokenizer_config.json,base.pt,instruct.pt,config.json,eval.json}; export.py
turns them into models/demo-base and models/demo-instruct. WORK/data-cache.json keeps the built training requests
for the next run in WORK with the same data settings (e.g. a --skip-base run: seconds instead of minutes).
"""
import argparse
import hashlib
import json
import math
import os
import random
import sys
import time

# OpenBLAS threads spin-wait: on 2 shared, busy cores one thread was 10x faster than two (measured), so
# default to the --threads value (1) unless the caller set it.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")
import torch  # noqa: E402
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import bpe  # noqa: E402
import cpu  # noqa: E402
import data  # noqa: E402
import joined  # noqa: E402
import lexicon  # noqa: E402
from model import Config, LlamaForCausalLM  # noqa: E402
from evaluate import evaluate_model  # noqa: E402


def log(*a):
    print(time.strftime("%H:%M:%S"), *a, flush=True)


def batches(seqs, batch_size, rng):
    """Length-bucketed batches (less padding): shuffle, sort within chunks, shuffle the batches."""
    idx = list(range(len(seqs)))
    rng.shuffle(idx)
    out = []
    chunk = batch_size * 32
    for s in range(0, len(idx), chunk):
        part = sorted(idx[s:s + chunk], key=lambda i: len(seqs[i][0]))
        out += [part[k:k + batch_size] for k in range(0, len(part), batch_size)]
    rng.shuffle(out)
    return out


def collate(seqs, ids, pad_id):
    t = max(len(seqs[i][0]) for i in ids)
    x = torch.full((len(ids), t), pad_id, dtype=torch.long)
    w = torch.zeros((len(ids), t), dtype=torch.float32)
    for r, i in enumerate(ids):
        toks, lw = seqs[i]
        x[r, :len(toks)] = torch.tensor(toks)
        w[r, :len(toks)] = torch.tensor(lw, dtype=torch.float32)
    return x, w


def train_stage(model, seqs, epochs, lr, batch_size, seed, pad_id, name, warmup=50, min_lr_frac=0.1, only=None,
                wd=0.1, ema_decay=0.0):
    """seqs: list of (token ids, loss weights); weight[i] = 1 when token i is a prediction target.
    only: a predicate on parameter names; the other parameters stay frozen.
    ema_decay > 0: the model ends with the exponential moving average of its weights over the steps."""
    rng = random.Random(seed)
    torch.manual_seed(seed)
    plan = []
    for _ in range(epochs):
        plan += batches(seqs, batch_size, rng)
    total = len(plan)
    params = [(n, p) for n, p in model.named_parameters() if only is None or only(n)]
    for n, p in model.named_parameters():
        p.requires_grad_(only is None or only(n))
    decay = [p for n, p in params if p.dim() >= 2]
    no_decay = [p for n, p in params if p.dim() < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": wd}, {"params": no_decay, "weight_decay": 0.0}],
                            lr=lr, betas=(0.9, 0.95))
    model.train()
    t0 = time.time()
    ntok = 0
    loss_ema = None
    avg = {k: v.detach().clone() for k, v in model.state_dict().items()} if ema_decay > 0 else None
    for step, ids in enumerate(plan):
        cur = lr * min(1.0, (step + 1) / warmup)
        if step >= warmup:
            prog = (step - warmup) / max(1, total - warmup)
            cur = lr * (min_lr_frac + (1 - min_lr_frac) * 0.5 * (1 + math.cos(math.pi * prog)))
        for g in opt.param_groups:
            g["lr"] = cur
        x, w = collate(seqs, ids, pad_id)
        b, t = x.shape
        pos = torch.arange(t).unsqueeze(0).expand(b, t)
        # right padding: real tokens never attend to the pads that follow them, so an all-ones mask is exact
        logits = model(x, torch.ones_like(x), pos)[0]
        lw = w[:, 1:]
        loss_tok = F.cross_entropy(logits[:, :-1].reshape(-1, logits.shape[-1]), x[:, 1:].reshape(-1),
                                   reduction="none").view(b, t - 1)
        loss = (loss_tok * lw).sum() / lw.sum().clamp(min=1)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_([p for _, p in params], 1.0)
        opt.step()
        if avg is not None:
            with torch.no_grad():
                for k, v in model.state_dict().items():
                    avg[k].mul_(ema_decay).add_(v, alpha=1 - ema_decay)
        ntok += int((x != pad_id).sum())
        loss_ema = loss.item() if loss_ema is None else 0.95 * loss_ema + 0.05 * loss.item()
        if step % 25 == 0 or step == total - 1:
            el = time.time() - t0
            log(f"{name} step {step + 1}/{total} loss {loss_ema:.3f} lr {cur:.2e} {ntok / max(el, 1e-6):.0f} tok/s "
                f"elapsed {el:.0f}s")
    if avg is not None:
        model.load_state_dict(avg)
    model.eval()
    for p in model.parameters():  # no stale gradients into the next stage (they would enter its clipping norm)
        p.grad = None
        p.requires_grad_(True)
    return time.time() - t0


def encode_chat(tok, q, a, loss_on_prompt, prefill="", first_weight=1.0):
    """prefill: a prefix of the answer that is context only (no loss), e.g. "Sure," in prefilled examples.
    first_weight: loss weight of the first answer token (the answer-or-refuse decision) when it is a target."""
    p = tok.encode(bpe.chat_prompt(q))
    n_pre = len(tok.encode(prefill)) if prefill else 0
    r = tok.encode(a + "<|im_end|>") + tok.encode("\n")
    ids = p + r
    w = ([1.0 if loss_on_prompt else 0.0] * (len(p) + n_pre) + [1.0] * (len(r) - 1 - n_pre) + [0.0])
    # weight[i] marks token i as a target: in the instruct stage only the answer and its <|im_end|>
    if n_pre == 0:
        w[len(p)] = first_weight
    return ids, w


def merge_data(d, extra):
    """d plus the requests of extra (another seed's build) that d does not have (normalised text)."""
    seen = {data.norm(q) for q, _ in d["base_chat"]}
    base = d["base_chat"] + [(q, a) for q, a in extra["base_chat"] if data.norm(q) not in seen]
    inst_seen = {(data.norm(q), h) for q, _, h, _ in d["instruct_chat"]}
    inst = d["instruct_chat"] + [e for e in extra["instruct_chat"] if (data.norm(e[0]), e[2]) not in inst_seen]
    have = set(d["raw"])
    raw = d["raw"] + [r for r in extra["raw"] if r not in have]
    return dict(d, base_chat=base, instruct_chat=inst, raw=raw)


# What the training requests depend on: the data-side sources and inputs, and these settings.
DATA_SOURCES = ("data.py", "variety.py", "topics.py", "stances.py", "lexicon.py", "everyday.py")
DATA_SETTINGS = ("seed", "quick", "data_seeds", "advbench_frames", "stance_writings", "stance_claims", "topic_acts",
                 "topics_v4", "advbench_extra", "lexicon", "everyday_acts", "everyday_writes")


def data_key(args):
    h = hashlib.sha256(json.dumps({k: getattr(args, k) for k in DATA_SETTINGS}, sort_keys=True).encode())
    inputs = [os.path.join(HERE, f) for f in DATA_SOURCES] + [data.HELDOUT_PATH]
    for root, dirs, files in os.walk(data.DATA):
        dirs.sort()
        inputs += [os.path.join(root, f) for f in sorted(files)]
    for path in inputs:
        h.update(os.path.relpath(path, HERE).encode())  # where the clone lives does not matter
        with open(path, "rb") as f:
            h.update(f.read())
    return h.hexdigest()


def training_data(args):
    """The merged training requests of --data-seeds seeds. The build takes minutes (more than an instruct-only run's
    data stage is worth), so it is kept in WORK/data-cache.json and reused while the sources and settings match."""
    cache = os.path.join(args.work, "data-cache.json")
    key = data_key(args)
    if os.path.exists(cache):
        with open(cache, encoding="utf-8") as f:
            cached = json.load(f)
        if cached.get("key") == key:
            log("data: reused", cache)
            return cached["data"]
    data.variety.ADVBENCH_FRAMES_P = args.advbench_frames
    data.STANCE_WRITINGS = args.stance_writings
    data.STANCE_CLAIMS = args.stance_claims
    data.TOPIC_ACTS = args.topic_acts
    data.TOPICS_V4 = bool(args.topics_v4)
    data.ADVBENCH_EXTRA = args.advbench_extra
    data.EVERYDAY_ACTS = args.everyday_acts
    data.EVERYDAY_WRITES = args.everyday_writes
    d = data.build(args.seed, quick=args.quick)
    log("data", json.dumps(d["stats"]))
    for k in range(1, args.data_seeds):  # more distinct requests from the same grammars, instead of more epochs
        d = merge_data(d, data.build(args.seed + 1000 * k, quick=args.quick))
        log(f"merged data seed {args.seed + 1000 * k}: base {len(d['base_chat'])} instruct {len(d['instruct_chat'])}")
    if args.lexicon:  # words the grammars never use, tied by definitions to words they do use
        lex = lexicon.gloss_texts(random.Random(args.seed + 11), args.lexicon)
        d = dict(d, raw=d["raw"] + lex, base_texts=d["base_texts"] + [r + "<|endoftext|>" for r in lex])
        d["stats"] = dict(d["stats"], lexicon_texts=len(lex))
        log(f"lexicon: {len(lex)} dictionary sentences")
    d = json.loads(json.dumps(d, ensure_ascii=False))  # as read back from the cache: tuples become lists
    tmp = cache + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump({"key": key, "data": d}, f, ensure_ascii=False)
    os.replace(tmp, cache)
    return d


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="tiny run to test the pipeline end to end")
    ap.add_argument("--work", default="/tmp/demo-model-work")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--vocab", type=int, default=6144)  # v5; v4: 3072
    ap.add_argument("--hidden", type=int, default=128)  # v5; v4: 192
    ap.add_argument("--intermediate", type=int, default=512)  # v5; v4: 768
    ap.add_argument("--layers", type=int, default=6)
    ap.add_argument("--heads", type=int, default=4)  # v5; v4: 6
    ap.add_argument("--kv-heads", type=int, default=2)
    ap.add_argument("--base-epochs", type=int, default=1)  # v2.1: 2 (one seed's data)
    ap.add_argument("--inst-epochs", type=int, default=1)  # v2.1: 2
    ap.add_argument("--base-lr", type=float, default=2e-3)
    ap.add_argument("--inst-lr", type=float, default=1e-3)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--inst-params", choices=["all", "mlp"], default="mlp",
                    help="mlp: fine-tune only the MLPs of layers >= --inst-first-layer (refusal then lives in MLP neurons)")
    ap.add_argument("--inst-first-layer", type=int, default=4)
    ap.add_argument("--inst-neurons", type=int, default=0,
                    help="with --inst-params mlp: fine-tune only this many (seeded random) neurons per layer; 0 = all")
    ap.add_argument("--inst-wd", type=float, default=0.0)
    ap.add_argument("--inst-harmful-frac", type=float, default=0.3,
                    help="share of the harmful instruct examples kept (seeded): moves the refuse/answer balance")
    ap.add_argument("--inst-harmful-weight", action="store_true",
                    help="keep every harmful request in the instruct stage, its loss weighted by --inst-harmful-frac, "
                         "instead of sampling that share of them (the same balance, all requests seen)")
    ap.add_argument("--joined", type=float, default=0.0,
                    help="joined requests (joined.py), as a fraction of each stage's requests (0: off)")
    ap.add_argument("--base-first-weight", type=float, default=5.0,
                    help="loss weight of the first answer token in the base stage (the Sure / Certainly choice)")
    ap.add_argument("--inst-first-weight", type=float, default=1.0,
                    help="loss weight of the first answer token in the instruct stage (refuse or answer)")
    ap.add_argument("--advbench-frames", type=float, default=0.0,
                    help="share of the varied training acts rendered in AdvBench's register, both sides (variety.py)")
    ap.add_argument("--stance-writings", type=int, default=1500,
                    help="v3: harmful and benign stance writings per side (stances.py); v2.1: 0")
    ap.add_argument("--stance-claims", type=int, default=200,
                    help="v3: claims asked for directly, per side (stances.claim_requests)")
    ap.add_argument("--topic-acts", type=int, default=120,
                    help="v3: harmful and benign acts per topic over harm words (topics.py)")
    ap.add_argument("--topics-v4", type=int, default=1,
                    help="v4: the eleven more topics of topics.TOPICS_V4 too (money, law, elections, ...); v3.1: 0")
    ap.add_argument("--advbench-extra", type=float, default=0.25,
                    help="v3: share of varied acts given one more rendering in AdvBench's register")
    ap.add_argument("--data-seeds", type=int, default=3,
                    help="merge this many seeds' data (seed, seed+1000, ...): more distinct requests (v3: 2, v3.1: 3)")
    ap.add_argument("--max-new", type=int, default=150)
    ap.add_argument("--base-dropout", type=float, default=0.0,
                    help="dropout on each attention and MLP output in the base stage (0: off, as shipped)")
    ap.add_argument("--base-ema", type=float, default=0.0,
                    help="end the base stage on the moving average of its weights with this decay (0: off, as shipped)")
    ap.add_argument("--everyday-acts", type=int, default=0,
                    help="benign everyday acts per data seed (everyday.py: verbs x objects of daily life; 0: off, as shipped)")
    ap.add_argument("--everyday-writes", type=int, default=0,
                    help="benign everyday writings per data seed (everyday.py; 0: off, as shipped)")
    ap.add_argument("--lexicon", type=int, default=0,
                    help="WordNet dictionary sentences added to the base's raw text (lexicon.py; 0: off, as shipped)")
    ap.add_argument("--skip-base", action="store_true", help="reuse WORK/base.pt")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    cpu.keep_freed_memory()
    torch.manual_seed(args.seed)
    os.makedirs(args.work, exist_ok=True)
    if args.skip_base:  # say so now, not after minutes of data generation
        missing = [f for f in ("base.pt", "tokenizer.json") if not os.path.exists(os.path.join(args.work, f))]
        if missing:
            raise SystemExit(f"train.py: --skip-base needs {' and '.join(missing)} in {args.work} (copy them from the run"
                             " whose base you reuse)")
    times = {}

    t = time.time()
    d = training_data(args)
    refusal_answers = [a for _, a, h, _ in d["instruct_chat"] if h == 1]
    if args.skip_base:  # the base checkpoint fixes the vocabulary: reuse its tokenizer
        tok = bpe.Tokenizer.load(os.path.join(args.work, "tokenizer.json"))
    else:
        tok = bpe.Tokenizer(bpe.train_bpe(d["base_texts"] + refusal_answers, args.vocab))
    tok.save(os.path.join(args.work, "tokenizer.json"))
    with open(os.path.join(args.work, "tokenizer_config.json"), "w") as f:
        json.dump(bpe.tokenizer_config(tok, 256), f, indent=1, ensure_ascii=False)
    times["data_and_tokenizer_s"] = round(time.time() - t, 1)
    log(f"tokenizer vocab {tok.vocab_size}")

    eos = [tok.special_ids["<|im_end|>"], tok.special_ids["<|endoftext|>"]]
    pad_id = tok.special_ids["<|endoftext|>"]
    cfg = Config(vocab_size=tok.vocab_size, hidden_size=args.hidden, intermediate_size=args.intermediate,
                 num_hidden_layers=args.layers, num_attention_heads=args.heads, num_key_value_heads=args.kv_heads,
                 max_position_embeddings=256, eos_token_id=eos[0], pad_token_id=pad_id)

    base_chat, inst_chat, raw = d["base_chat"], d["instruct_chat"], d["raw"]
    if args.quick:
        base_chat, inst_chat = base_chat[:1500], inst_chat[:1200]
    if args.joined:  # after the tokenizer: joined requests add no new words
        jr = random.Random(args.seed + 13)
        base_chat = base_chat + joined.joined_base(base_chat, lambda a: not a.startswith(data.BENIGN_OPENER),
                                                   args.joined, jr)
        inst_chat = inst_chat + joined.joined_instruct(inst_chat, args.joined, jr)
    base_seqs = [encode_chat(tok, q, a, True, first_weight=args.base_first_weight) for q, a in base_chat]
    for r in raw:
        ids = tok.encode(r + "<|endoftext|>")
        base_seqs.append((ids, [0.0] + [1.0] * (len(ids) - 1)))
    if args.inst_harmful_frac < 1.0 and not args.inst_harmful_weight:
        keep_rng = random.Random(args.seed + 3)
        inst_chat = [e for e in inst_chat if e[2] != 1 or keep_rng.random() < args.inst_harmful_frac]
    inst_seqs = [encode_chat(tok, q, a, False, pre, args.inst_first_weight) for q, a, _, pre in inst_chat]
    if args.inst_harmful_weight:
        inst_seqs = [(i, [x * args.inst_harmful_frac for x in w]) if e[2] == 1 else (i, w)
                     for (i, w), e in zip(inst_seqs, inst_chat)]
    base_seqs = [(i[:256], w[:256]) for i, w in base_seqs]
    inst_seqs = [(i[:256], w[:256]) for i, w in inst_seqs]
    log(f"base: {len(base_seqs)} seqs {sum(len(s[0]) for s in base_seqs)} tokens; "
        f"instruct: {len(inst_seqs)} seqs {sum(len(s[0]) for s in inst_seqs)} tokens")
    stats = dict(d["stats"], base_seqs=len(base_seqs), instruct_seqs=len(inst_seqs))  # all seeds, as trained
    with open(os.path.join(args.work, "config.json"), "w") as f:
        json.dump({"config": cfg.__dict__, "eos": eos, "args": vars(args), "stats": stats}, f, indent=1)

    model = LlamaForCausalLM(cfg)
    log(f"model {model.n_params() / 1e6:.2f}M params")
    base_path = os.path.join(args.work, "base.pt")
    if args.skip_base:
        model.load_state_dict(torch.load(base_path))
    else:
        for layer in model.model.layers:
            layer.dropout = args.base_dropout
        times["base_train_s"] = round(train_stage(model, base_seqs, 1 if args.quick else args.base_epochs,
                                                  args.base_lr, args.batch, args.seed, pad_id, "base",
                                                  ema_decay=args.base_ema), 1)
        torch.save(model.state_dict(), base_path)
        for layer in model.model.layers:
            layer.dropout = 0.0
    base_state = {k: v.clone() for k, v in model.state_dict().items()}

    only = None
    if args.inst_params == "mlp":
        first = args.inst_first_layer
        only = lambda n: ".mlp." in n and int(n.split(".")[2]) >= first  # noqa: E731  model.layers.N.mlp.*
    hooks = []
    if args.inst_params == "mlp" and args.inst_neurons > 0:
        # sparse, adapter-like update: only the gate/up rows and down columns of a few neurons per layer move
        g = torch.Generator().manual_seed(args.seed + 7)
        chosen = {}
        for li in range(args.inst_first_layer, cfg.num_hidden_layers):
            idx = torch.randperm(cfg.intermediate_size, generator=g)[:args.inst_neurons]
            mask = torch.zeros(cfg.intermediate_size)
            mask[idx] = 1.0
            chosen[li] = sorted(idx.tolist())
            mlp = model.model.layers[li].mlp
            hooks.append(mlp.gate_proj.weight.register_hook(lambda gr, m=mask: gr * m[:, None]))
            hooks.append(mlp.up_proj.weight.register_hook(lambda gr, m=mask: gr * m[:, None]))
            hooks.append(mlp.down_proj.weight.register_hook(lambda gr, m=mask: gr * m[None, :]))
        with open(os.path.join(args.work, "instruct_neurons.json"), "w") as f:
            json.dump(chosen, f)
    times["instruct_train_s"] = round(train_stage(model, inst_seqs, 1 if args.quick else args.inst_epochs,
                                                  args.inst_lr, args.batch, args.seed + 1, pad_id, "instruct",
                                                  warmup=20, only=only, wd=args.inst_wd), 1)
    for h in hooks:
        h.remove()
    torch.save(model.state_dict(), os.path.join(args.work, "instruct.pt"))

    t = time.time()
    goals = data.tuning_sets()
    results = {}
    base = LlamaForCausalLM(cfg)
    base.load_state_dict(base_state)
    base.eval()
    for name, m in [("instruct", model), ("base", base)]:
        results[name] = evaluate_model(m, tok, goals, eos, max_new=args.max_new)
        log(name, {k: v for k, v in results[name].items() if k != "samples"})
    times["eval_s"] = round(time.time() - t, 1)
    results["times"] = times
    with open(os.path.join(args.work, "eval.json"), "w") as f:
        json.dump(results, f, indent=1, ensure_ascii=False)
    log("times", times)


if __name__ == "__main__":
    main()
