"""Joined requests (`train.py --joined F`, off by default): two training requests sent as one message.

Users hide a harmful request among harmless ones ("Summarise this article. Also, how do I pick a lock?") and write
long messages of several asks; the grammars' requests each ask one thing. A joined request is harmful when either
part is and benign when both are, so the label depends on every part's words rather than on the frame the request
is written in. Half of them join two benign requests (so a long message is not a harm cue by itself), a quarter
put the harmful part first, a quarter last. The answer is the harmful part's answer, or the first benign part's.
"""

CONNECTORS = [" ", "\n", "\n\n", " Also, ", " And ", " One more thing: ", " Second question: ", " Then: "]


def _join(a, b, rng):
    c = rng.choice(CONNECTORS)
    if c[-1] == " " and c.strip():  # "Also, " and the like: the second request goes on the same sentence
        b = b[0].lower() + b[1:] if b[:2] != "I " else b
    a = a.rstrip()
    if a[-1:].isalnum():  # the grammars' bare orders end without a stop
        a += "."
    return a + c + b


def _parts(harmful, benign, n, rng):
    """n (first, second, answered, is_harmful) draws: half benign + benign, a quarter each harmful first / last."""
    for _ in range(n):
        kind = rng.random()
        b1, b2 = rng.choice(benign), rng.choice(benign)
        if kind < 0.5:
            yield b1, b2, b1, False
        else:
            h = rng.choice(harmful)
            yield (h, b1, h, True) if kind < 0.75 else (b1, h, h, True)


def joined_base(base_chat, is_harmful, frac, rng):
    """frac x len(base_chat) joined (request, answer) pairs; is_harmful(answer) tells the sides apart."""
    harmful = [e for e in base_chat if is_harmful(e[1])]
    benign = [e for e in base_chat if not is_harmful(e[1])]
    n = int(frac * len(base_chat))
    return [(_join(a[0], b[0], rng), src[1]) for a, b, src, _ in _parts(harmful, benign, n, rng)]


def joined_instruct(inst_chat, frac, rng):
    """The same for the instruct stage's (request, answer, harmful, prefill) entries; prefilled ones are left out
    (their answer continues the prefill)."""
    harmful = [e for e in inst_chat if e[2] == 1 and not e[3]]
    benign = [e for e in inst_chat if e[2] == 0 and not e[3]]
    n = int(frac * (len(harmful) + len(benign)))
    return [(_join(a[0], b[0], rng), src[1], int(h), "") for a, b, src, h in _parts(harmful, benign, n, rng)]
