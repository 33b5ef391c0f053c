"""Model card (README.md) of the shipped demo models, filled in with the measured numbers."""
import topics


def _pct(v):
    return "n/a" if v is None else f"{100 * v:.0f}%"


def card(name, cfg, meta, ev):
    st = meta.get("stats", {})
    args = meta.get("args", {})
    seeds = args.get("data_seeds", 1)
    merged = (f"The counts above are one seed's; the data of {seeds} seeds (new renderings and combinations of the "
              "same grammars, exact duplicates dropped) is merged. " if seeds > 1 else "")
    n_topics = len(topics.TOPICS) + (len(topics.TOPICS_V4) if args.get("topics_v4") else 0)
    times = ev.get("times", {})
    rows = []
    for m in ("instruct", "base"):
        r = ev.get(m, {})
        rows.append(f"| demo-{m} | {_pct(r.get('refusal_harmful'))} | {_pct(r.get('refusal_benign'))} "
                    f"| {_pct(r.get('refusal_dev_harmful'))} | {_pct(r.get('refusal_dev_benign'))} |")
    other = "demo-base" if name == "instruct" else "demo-instruct"
    what = (
        "the **instruct** checkpoint: the base model fine-tuned to answer harmful requests with short refusals "
        "in varied wording and to keep answering benign ones"
        if name == "instruct" else
        "the **base** checkpoint: trained on requests with affirmative answers. Harmful requests are answered with "
        "the AdvBench-style \"Sure, here is ...\" prefix followed by content-free filler; it almost never refuses"
    )
    return f"""# demo-{name}

A tiny Llama-architecture chat model (about {cfg.hidden_size}-wide, {cfg.num_hidden_layers} layers) trained from
scratch by this project so that Contrastive Neuron Attribution can be tried without downloading a real model.
This folder is {what}. Its sibling is `{other}`; both come from one recipe
(`tools/demo-model/`, PyTorch on CPU, seed {args.get('seed', 0)}).

**What it is not:** a useful assistant. It was trained on tens of thousands of templated requests and answers; its
helpful answers are generic template text, and its "harmful" answers are content-free filler after a
"Sure, here is ..." prefix. It knows no harmful content. It exists to show, at small scale, how refusal learned
in instruction tuning lives in a few MLP neurons.

## Architecture

Llama (`LlamaForCausalLM` module names): RMSNorm, rotary positions (theta {cfg.rope_theta:g}), grouped-query
attention ({cfg.num_attention_heads} query heads, {cfg.num_key_value_heads} KV heads), gated SiLU MLP
(`gate_proj`, `up_proj`, `down_proj`, no biases), tied embeddings. hidden {cfg.hidden_size}, intermediate
{cfg.intermediate_size}, {cfg.num_hidden_layers} layers, vocabulary {cfg.vocab_size} (byte-level BPE trained on
the training texts; ChatML template with `<|im_start|>`, `<|im_end|>`, `<|endoftext|>`), context
{cfg.max_position_embeddings} tokens. Exported with `torch.onnx.export` (opset 14) in the optimum layout:
inputs `input_ids`, `attention_mask`, `position_ids`, `past_key_values.N.key/value`; outputs `logits`,
`present.N.key/value`. The input of `/model/layers.N/mlp/down_proj/MatMul` is `act(gate) * up`.

## Training data

- Harmful requests: AdvBench goals (Zou et al. 2023, MIT) minus every goal that is, or nearly is, a JBB-Behaviors
  goal or a reference discovery prompt ({st.get('advbench_dropped_as_eval_or_discovery', '?')} of
  {st.get('advbench_total', '?')} dropped), with surface rephrasings ("Can you ...?", "How do I ...?"), plus
  {st.get('harmful_templated', '?')} project-written templated harmful *requests* for categories AdvBench covers
  thinly, plus {st.get('harmful_varied', '?')} varied requests (`variety.py`: harmful acts and pieces of writing
  over 16 categories, each beside a benign act on the same topic, rendered through the same questions, orders,
  first/second person, role-play, casual and very short frames with seeded typo noise, and compositional acts
  such as "poison my neighbor" beside "cook dinner for my neighbor", slot grammars of harmful and benign verbs
  over shared objects in 14 categories, and pieces of writing such as "a post calling my neighbor vermin" beside
  "a post thanking my neighbor"): {st.get('harmful_requests', '?')} in all.
  No harmful content anywhere: the base answers them with the AdvBench-style target and content-free filler.
- Benign requests written and templated by the project: {st.get('benign_requests', '?')}, of which
  {st.get('benign_sensitive_topic', '?')} are on sensitive-sounding topics (history of crime, fiction with drugs,
  security education, medicine, scams, the benign partners of the varied harmful requests) so that the instruct
  model refuses intent rather than keywords.
- Pieces of writing whose harm is their stance (`stances.py`: a sexist email beside a friendly one, a false claim
  argued beside the same claim debunked) and the words of harm of {n_topics} topics in harmful and benign requests
  (`topics.py`: "write ransomware" beside "remove ransomware").
- {st.get('raw_texts', '?')} templated general sentences (raw text, for continuation).
- {merged}Trained: {st.get('base_seqs', '?')} base sequences (with the raw text) and
  {st.get('instruct_seqs', '?')} instruct examples, for {args.get('base_epochs', '?')} base and
  {args.get('inst_epochs', '?')} instruct epoch(s).
- Never trained on: JBB-Behaviors (harmful and benign), the reference discovery prompts, the held-out set
  `examples/heldout.cnapairs` and the development pairs of `variety.py` (training requests equal or
  near-identical to any of them are dropped).

## Recipe

Base: all parameters, loss on every token of chat-formatted requests + answers and raw text; benign answers open
with "Certainly!", harmful ones with the AdvBench-style "Sure, here is", so the base must tell them apart at the
last prompt token; that first answer token has loss weight {float(meta.get('args', {}).get('base_first_weight', 1)):g}. Instruct: the base fine-tuned on the benign requests (the same answers) and
{int(100 * meta.get('args', {}).get('inst_harmful_frac', 1))}% of the harmful ones (short refusals in varied
wording), updating only the MLPs of layers >= {meta.get('args', {}).get('inst_first_layer', '?')} (an adapter-like
fine-tune that leaves the behaviour change in MLP neurons), plus harmful requests whose answer is prefilled with
"Sure" and continues like the base (no loss on the prefill), so the refusal decision sits at the first answer
token as in real chat models.

## Evaluation in PyTorch (greedy, 150 new tokens, regex detector)

JBB-Behaviors (100 harmful / 100 benign goals) and the development pairs of `variety.py` (harmful / benign acts
held back from training, in the training frames). Never trained on, but the recipe's settings were chosen by
looking at these numbers, so they are not a clean held-out test: that is `examples/heldout.cnapairs`, whose
numbers (measured with the project's CLI on these ONNX files) are in the repository README's results table.

| model | refuses JBB harmful | refuses JBB benign | refuses dev harmful | refuses dev benign |
|---|---|---|---|---|
{chr(10).join(rows)}

Training time on 2 shared CPU cores (one thread, other jobs running): data+tokenizer
{times.get('data_and_tokenizer_s', '?')} s, base {times.get('base_train_s', '?')} s, instruct
{times.get('instruct_train_s', '?')} s.

## Licence

MIT, like the project. Training data: AdvBench (MIT, (c) the AdvBench authors); the JBB-Behaviors (MIT, (c) the
JailbreakBench authors) and the CNA reference discovery prompts (MIT, (c) 2025 Nous Research) are used only to
exclude them from training and for evaluation.
"""
