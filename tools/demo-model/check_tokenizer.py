"""Check that bpe.py encodes exactly like Hugging Face's tokenizers (the JS port in node_modules).

usage: /usr/bin/python3 tools/demo-model/check_tokenizer.py models/demo-instruct
Encodes the training texts' sample, the eval goals and a unicode torture list with both and
prints the match rate; exits 1 on any mismatch.
"""
import json
import os
import random
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from bpe import Tokenizer, chat_prompt  # noqa: E402
import data  # noqa: E402

REPO = os.path.dirname(os.path.dirname(HERE))

UNICODE = [
    "Hello, world!", "héllo wörld", "naïve café résumé", "Ça va? Très bien.", "e\u0301 (decomposed e-acute)",
    "日本語のテキストです。", "中文测试，你好！", "한국어 문장입니다", "Привет, как дела?", "Γειά σου κόσμε",
    "مرحبا بالعالم", "שלום עולם", "emoji 😀🎉👍🏽 and 👨‍👩‍👧 family", "tabs\tand\nnewlines\r\n\r\nend",
    "  leading and trailing spaces  ", "multiple   spaces    here", "don't won't it's I'M we'LL they'Ve",
    "numbers 1234567 3.14159 1,000,000 ½ ² Ⅻ ٣", "symbols @#$%^&*()_+-=[]{}|;:'\",.<>/?`~",
    "math ∑ ∫ √ ∞ ≠ ≤ ≥", "line\n\n\nbreaks\n \n", "\u00a0nbsp\u00a0here", "zero\u200bwidth", "x\u3000y",
    "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n", "<|endoftext|>text<|endoftext|>",
    "a<|im_end|>b<|im_start|>", "''s 's 'S '' ' 'x", "ﬁ ligature ㍿ Ｆｕｌｌｗｉｄｔｈ", "",
    " ", "\n", "a", "?!", " ?!\n\n", "Mixed-case CamelCaseWords and snake_case_names", "http://example.com/a?b=c",
    "def f(x):\n    return x * 2\n", "Ünïcödé ÄÖÜ ß ẞ", "\u2028sep\u2029para", "\x85next line", "\ufeffbom",
]


def js_encode(tok_dir, texts):
    script = (
        "const {Tokenizer}=require('@huggingface/tokenizers');const fs=require('fs');"
        f"const d={json.dumps(tok_dir)};"
        "const t=new Tokenizer(JSON.parse(fs.readFileSync(d+'/tokenizer.json','utf8')),"
        "JSON.parse(fs.readFileSync(d+'/tokenizer_config.json','utf8')));"
        "const xs=JSON.parse(fs.readFileSync(0,'utf8'));"
        "process.stdout.write(JSON.stringify(xs.map(x=>{const ids=t.encode(x,{add_special_tokens:false}).ids;"
        "return {ids, dec: ids.length ? t.decode(ids,{skip_special_tokens:false}) : ''};})));"
    )
    r = subprocess.run(["node", "-e", script], input=json.dumps(texts), capture_output=True, text=True, cwd=REPO)
    if r.returncode != 0:
        raise SystemExit("node failed: " + r.stderr[-2000:])
    return json.loads(r.stdout)


def main():
    tok_dir = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(REPO, "models", "demo-instruct"))
    tok = Tokenizer.load(os.path.join(tok_dir, "tokenizer.json"))
    rng = random.Random(0)
    texts = list(UNICODE)
    ev = data.eval_goals()
    texts += ev["harmful"][:60] + ev["benign"][:60]
    texts += [chat_prompt(g) for g in ev["harmful"][60:80]]
    texts += [chat_prompt(g, system="You are a helpful assistant.") for g in ev["benign"][80:90]]
    corpus = data.build(seed=0)
    sample = rng.sample(corpus["base_texts"], 150)
    texts += sample
    # random unicode soup
    for _ in range(40):
        texts.append("".join(chr(rng.choice([rng.randint(32, 126), rng.randint(0xA0, 0x24F), rng.randint(0x370, 0x3FF),
                                              rng.randint(0x4E00, 0x4E50), rng.randint(0x1F600, 0x1F640), 10, 32, 39]))
                             for _ in range(rng.randint(1, 40))))
    js = js_encode(tok_dir, texts)
    ok = 0
    bad = []
    for t, j in zip(texts, js):
        py = tok.encode(t)
        if py == j["ids"]:
            ok += 1
        else:
            bad.append((t, py, j["ids"]))
        if tok.decode(py) != j["dec"]:
            bad.append(("decode", t, tok.decode(py), j["dec"]))
    print(f"tokenizer match: {ok}/{len(texts)} strings ({100.0 * ok / len(texts):.1f}%)")
    for b in bad[:10]:
        print("MISMATCH", repr(b)[:400])
    sys.exit(0 if not bad else 1)


if __name__ == "__main__":
    main()
