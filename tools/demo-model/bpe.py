"""Byte-level BPE tokenizer: trainer, encoder and writer of Hugging Face `tokenizer.json`.

The `tokenizers` library is not available here, so this reimplements the parts Qwen2.5 uses:
NFC normaliser, the Qwen2 split regex (hand-written scanner, because Python's `re` has no \\p{L}),
GPT-2 byte-to-unicode mapping, BPE by merge rank, and special tokens split out before everything.
The encoder must agree with Hugging Face's tokenizers token for token (checked by check_tokenizer.py
against @huggingface/tokenizers).
"""
import heapq
import json
import unicodedata
from collections import Counter, defaultdict

SPECIALS = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]

# The Qwen2 / Qwen2.5 pre-tokenizer regex (the scanner below implements exactly this alternation).
SPLIT_REGEX = (
    r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*"
    r"|\s*[\r\n]+|\s+(?!\S)|\s+"
)

# \s as the JavaScript `u` regex engine sees it (what @huggingface/tokenizers runs).
_WS = set("\t\n\v\f\r \u00a0\u1680\u2028\u2029\u202f\u205f\u3000\ufeff") | {chr(c) for c in range(0x2000, 0x200B)}
_CONTRACTIONS = ["s", "t", "re", "ve", "m", "ll", "d"]


def _is_l(c):
    return unicodedata.category(c)[0] == "L"


def _is_n(c):
    return unicodedata.category(c)[0] == "N"


def _is_s(c):
    return c in _WS


def _is_punct(c):  # [^\s\p{L}\p{N}]
    return not (_is_s(c) or _is_l(c) or _is_n(c))


def split_pretokens(text):
    """Leftmost-first match of SPLIT_REGEX at each position (Split behaviour Isolated)."""
    out = []
    i, n = 0, len(text)
    while i < n:
        j = _match_at(text, i, n)
        out.append(text[i:j])
        i = j
    return out


def _match_at(t, i, n):
    c = t[i]
    # 1. contractions, case-insensitive
    if c == "'":
        for s in _CONTRACTIONS:
            if t[i + 1:i + 1 + len(s)].lower() == s:
                return i + 1 + len(s)
    # 2. [^\r\n\p{L}\p{N}]?\p{L}+
    if _is_l(c):
        j = i + 1
        while j < n and _is_l(t[j]):
            j += 1
        return j
    if c not in "\r\n" and not _is_n(c) and i + 1 < n and _is_l(t[i + 1]):
        j = i + 2
        while j < n and _is_l(t[j]):
            j += 1
        return j
    # 3. \p{N}
    if _is_n(c):
        return i + 1
    # 4. ' ?[^\s\p{L}\p{N}]+[\r\n]*'
    k = i + 1 if (c == " " and i + 1 < n and _is_punct(t[i + 1])) else i
    if k < n and _is_punct(t[k]):
        j = k + 1
        while j < n and _is_punct(t[j]):
            j += 1
        while j < n and t[j] in "\r\n":
            j += 1
        return j
    # whitespace run
    e = i
    while e < n and _is_s(t[e]):
        e += 1
    if e > i:
        # 5. \s*[\r\n]+ : ends after the last CR/LF in the run
        last = -1
        for p in range(i, e):
            if t[p] in "\r\n":
                last = p
        if last >= 0:
            return last + 1
        # 6. \s+(?!\S)
        if e == n:
            return e
        if e - 1 > i:
            return e - 1
        # 7. \s+
        return e
    return i + 1  # not reachable: every character is L, N, \s or punctuation


def bytes_to_unicode():
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, map(chr, cs)))


BYTE_ENC = bytes_to_unicode()
BYTE_DEC = {v: k for k, v in BYTE_ENC.items()}


def _bytelevel(piece):
    return "".join(BYTE_ENC[b] for b in piece.encode("utf-8"))


def _split_specials(text):
    """Split out special tokens first (leftmost, longest), like added_tokens in tokenizers."""
    parts = []
    i = 0
    while i < len(text):
        best = None
        for s in SPECIALS:
            p = text.find(s, i)
            if p >= 0 and (best is None or p < best[0] or (p == best[0] and len(s) > len(best[1]))):
                best = (p, s)
        if best is None:
            parts.append((False, text[i:]))
            break
        if best[0] > i:
            parts.append((False, text[i:best[0]]))
        parts.append((True, best[1]))
        i = best[0] + len(best[1])
    return parts


def pretokenize(text):
    """Normal text (no specials) -> list of byte-level pre-tokens."""
    return [_bytelevel(p) for p in split_pretokens(unicodedata.normalize("NFC", text))]


def train_bpe(texts, vocab_size, min_freq=2):
    """Greedy BPE merges over pre-token counts; ties broken by the lexicographically smallest pair."""
    words = Counter()
    for t in texts:
        for special, part in _split_specials(t):
            if not special:
                words.update(pretokenize(part))
    base = [BYTE_ENC[b] for b in range(256)]
    n_merges = vocab_size - len(base) - len(SPECIALS)
    seqs = [list(w) for w in words]
    freqs = [words[w] for w in words]
    pair_count = Counter()
    where = defaultdict(set)
    for wi, s in enumerate(seqs):
        for a, b in zip(s, s[1:]):
            pair_count[(a, b)] += freqs[wi]
            where[(a, b)].add(wi)
    heap = [(-c, p) for p, c in pair_count.items()]
    heapq.heapify(heap)
    merges = []
    while len(merges) < n_merges and heap:
        negc, (a, b) = heapq.heappop(heap)
        if pair_count.get((a, b), 0) != -negc:
            continue  # stale heap entry
        if -negc < min_freq:
            break
        merges.append((a, b))
        ab = a + b
        touched = set()
        for wi in list(where[(a, b)]):
            s, f = seqs[wi], freqs[wi]
            if len(s) < 2:
                continue
            for x, y in zip(s, s[1:]):
                pair_count[(x, y)] -= f
                touched.add((x, y))
            ns, k = [], 0
            while k < len(s):
                if k + 1 < len(s) and s[k] == a and s[k + 1] == b:
                    ns.append(ab)
                    k += 2
                else:
                    ns.append(s[k])
                    k += 1
            seqs[wi] = ns
            for x, y in zip(ns, ns[1:]):
                pair_count[(x, y)] += f
                where[(x, y)].add(wi)
                touched.add((x, y))
        del where[(a, b)]
        for p in touched:
            c = pair_count.get(p, 0)
            if c <= 0:
                pair_count.pop(p, None)
            else:
                heapq.heappush(heap, (-c, p))
    return merges


class Tokenizer:
    def __init__(self, merges):
        self.merges = [tuple(m) for m in merges]
        self.ranks = {m: r for r, m in enumerate(self.merges)}
        vocab = [BYTE_ENC[b] for b in range(256)] + [a + b for a, b in self.merges]
        self.vocab = {t: i for i, t in enumerate(vocab)}
        assert len(self.vocab) == len(vocab), "duplicate token in merges"
        self.special_ids = {s: len(vocab) + k for k, s in enumerate(SPECIALS)}
        self.id_to_token = vocab + SPECIALS
        self.cache = {}

    @property
    def vocab_size(self):
        return len(self.id_to_token)

    def _bpe(self, word):
        if word in self.cache:
            return self.cache[word]
        s = list(word)
        while len(s) > 1:
            best, bi = None, -1
            for k in range(len(s) - 1):
                r = self.ranks.get((s[k], s[k + 1]))
                if r is not None and (best is None or r < best):
                    best, bi = r, k
            if best is None:
                break
            a, b = self.merges[best]
            ns, k = [], 0
            while k < len(s):  # merge every occurrence of the best pair, left to right
                if k + 1 < len(s) and s[k] == a and s[k + 1] == b:
                    ns.append(a + b)
                    k += 2
                else:
                    ns.append(s[k])
                    k += 1
            s = ns
        ids = [self.vocab[t] for t in s]
        self.cache[word] = ids
        return ids

    def encode(self, text):
        ids = []
        for special, part in _split_specials(text):
            if special:
                ids.append(self.special_ids[part])
            else:
                for w in pretokenize(part):
                    ids.extend(self._bpe(w))
        return ids

    def decode(self, ids, skip_special=False):
        out, buf = [], []
        for i in ids:
            t = self.id_to_token[i]
            if t in SPECIALS:
                if buf:
                    out.append(bytes(buf).decode("utf-8", errors="replace"))
                    buf = []
                if not skip_special:
                    out.append(t)
            else:
                buf.extend(BYTE_DEC[ch] for ch in t)
        if buf:
            out.append(bytes(buf).decode("utf-8", errors="replace"))
        return "".join(out)

    def to_hf_json(self):
        added = [
            {"id": self.special_ids[s], "content": s, "single_word": False, "lstrip": False, "rstrip": False,
             "normalized": False, "special": True}
            for s in SPECIALS
        ]
        return {
            "version": "1.0",
            "truncation": None,
            "padding": None,
            "added_tokens": added,
            "normalizer": {"type": "NFC"},
            "pre_tokenizer": {
                "type": "Sequence",
                "pretokenizers": [
                    {"type": "Split", "pattern": {"Regex": SPLIT_REGEX}, "behavior": "Isolated", "invert": False},
                    {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": False, "use_regex": False},
                ],
            },
            "post_processor": {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": False, "use_regex": False},
            "decoder": {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": False, "use_regex": False},
            "model": {
                "type": "BPE",
                "dropout": None,
                "unk_token": None,
                "continuing_subword_prefix": "",
                "end_of_word_suffix": "",
                "fuse_unk": False,
                "byte_fallback": False,
                "ignore_merges": False,
                "vocab": {t: i for i, t in enumerate(self.id_to_token[:len(self.vocab)])},
                "merges": [f"{a} {b}" for a, b in self.merges],
            },
        }

    def save(self, path):
        with open(path, "w", encoding="utf-8") as f:
            json.dump(self.to_hf_json(), f, ensure_ascii=False, indent=1)

    @classmethod
    def load(cls, path):
        with open(path, encoding="utf-8") as f:
            j = json.load(f)
        return cls([tuple(m.split(" ")) for m in j["model"]["merges"]])


CHAT_TEMPLATE = (
    "{%- for message in messages %}"
    "{{- '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}"
    "{%- endfor %}"
    "{%- if add_generation_prompt %}{{- '<|im_start|>assistant\\n' }}{%- endif %}"
)


def chat_prompt(user, system=None):
    """Python rendering of CHAT_TEMPLATE with add_generation_prompt=True."""
    s = ""
    if system is not None:
        s += f"<|im_start|>system\n{system}<|im_end|>\n"
    return s + f"<|im_start|>user\n{user}<|im_end|>\n<|im_start|>assistant\n"


def tokenizer_config(tok, max_len):
    added = {
        str(tok.special_ids[s]): {"content": s, "lstrip": False, "normalized": False, "rstrip": False,
                                  "single_word": False, "special": True}
        for s in SPECIALS
    }
    return {
        "add_bos_token": False,
        "add_prefix_space": False,
        "added_tokens_decoder": added,
        "additional_special_tokens": ["<|im_start|>", "<|im_end|>"],
        "bos_token": None,
        "chat_template": CHAT_TEMPLATE,
        "clean_up_tokenization_spaces": False,
        "eos_token": "<|im_end|>",
        "errors": "replace",
        "model_max_length": max_len,
        "pad_token": "<|endoftext|>",
        "split_special_tokens": False,
        "tokenizer_class": "Qwen2Tokenizer",
        "unk_token": None,
    }
