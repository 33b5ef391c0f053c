"""Dictionary sentences from WordNet 3.0 (Debian's `wordnet-base`, /usr/share/wordnet; Princeton's WordNet licence)
as raw pretraining text for the base.

Why: about 12% of the words in JBB's goals never occur in the training requests ("ridicule", "enslave", "obese",
"normalizes"). The requests come from grammars, so the model only knows the words they use; a definition such as
"to enslave is to make a slave of; bring into servitude" ties a new word to words it does know. Off by default
(`train.py --lexicon 0`); one sentence per synset of the common nouns, verbs and adjectives, with its examples.
"""
import os
import re

WORDNET = "/usr/share/wordnet"


def _synsets(pos):
    """(lemmas, gloss) of each synset of one part of speech in WordNet's data file."""
    path = os.path.join(WORDNET, f"data.{pos}")
    if not os.path.exists(path):
        raise SystemExit(f"lexicon: {path} not found; install WordNet (apt-get install wordnet-base) or pass --lexicon 0")
    out = []
    with open(path, encoding="latin-1") as f:
        for line in f:
            if line.startswith("  "):  # the licence header
                continue
            head, _, gloss = line.partition(" | ")
            fields = head.split()
            n = int(fields[3], 16)
            lemmas = [re.sub(r"\(.*\)$", "", fields[4 + 2 * i]).replace("_", " ") for i in range(n)]
            out.append((lemmas, gloss.strip()))
    return out


def _common(pos):
    """Lemmas that occur in WordNet's sense-tagged corpus at least once (its index's tagsense count)."""
    keep = set()
    with open(os.path.join(WORDNET, f"index.{pos}"), encoding="latin-1") as f:
        for line in f:
            if line.startswith("  "):
                continue
            fields = line.split()
            n_ptr = int(fields[3])
            if int(fields[5 + n_ptr]) > 0:
                keep.add(fields[0].replace("_", " "))
    return keep


def _sentence(pos, lemma, others, gloss):
    definition, *examples = [p.strip() for p in gloss.split(";")]
    quotes = [e.strip('"') for e in examples if e.startswith('"')]
    more = [e for e in examples if not e.startswith('"')]
    if pos == "verb":
        s = f"To {lemma} is to {definition}"
    elif pos == "adj":
        s = f"Something {lemma} is {definition}"
    else:
        s = f"{'An' if lemma[0] in 'aeiou' else 'A'} {lemma} is {definition}"
    s += "".join(f"; {m}" for m in more) + "."
    if others:
        s += f" It is also called {', '.join(others[:3])}." if pos == "noun" else f" Similar words: {', '.join(others[:3])}."
    for q in quotes[:2]:
        s += f" For example: {q[0].upper() + q[1:]}."
    return s


def gloss_texts(rng, n):
    """n dictionary sentences (all of them when n exceeds the number of common synsets), in a seeded order."""
    out = []
    for pos in ("noun", "verb", "adj"):
        common = _common(pos)
        for lemmas, gloss in _synsets(pos):
            words = [w for w in lemmas if w.lower() == w and w in common]
            if words and gloss:
                out.append(_sentence(pos, words[0], [w for w in lemmas if w != words[0]], gloss))
    rng.shuffle(out)
    return out[:n]
