#!/usr/bin/env python3
"""Writes the small tokenizer fixtures of Tests/PreflightCoreTests/Fixtures/Tokenizers/ and
their expected counts, from the reference libraries (pip install tokenizers tiktoken regex).

- bytelevel-nfkc.tokenizer.json: a byte-level BPE (NFKC, ByteLevel with GPT-2's split)
  trained here on a few paragraphs; merges written as "a b" strings.
- metaspace-fallback.tokenizer.json: a character BPE with Metaspace and byte_fallback
  (SentencePiece style), merges written as ["a", "b"] pairs.
- split-sequence.tokenizer.json: DeepSeek's pre-tokenizer (a Sequence of Split regexes and
  ByteLevel without its regex) over a trained byte-level BPE, with a Lowercase + Replace
  normalizer.
- tiny.tiktoken: a ranks file made from the byte-level model's merges (GPT-2 split).
- expected.json: the texts, each fixture's counts (tokenizers / tiktoken, no special tokens)
  and the pieces of the cl100k_base, o200k_base and GPT-2 splits (the `regex` module).
Deterministic: run it again and nothing changes.
"""
import base64, json, os, sys
import regex
import tiktoken
from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, trainers, Regex

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "PreflightCoreTests", "Fixtures", "Tokenizers")

CORPUS = [
    "The quick brown fox jumps over the lazy dog. It's 2024, and we'll see what they've done!",
    "Preflight audits fine-tuning datasets: JSONL, CSV, YAML and JSON files, before training.",
    "Don't repeat yourself; I'm sure you're right. He'd say THE SAME, wouldn't he?",
    "Numbers 1234567 and 3.14159, dates 2024-01-31, prices $19.99 — all tokenized.",
    "Привет, мир! Это тест. 你好，世界！这是一个测试。日本語のテキスト、カタカナ。",
    "def count(text):\n    return len(text.split())\n\n\tif x == 1:\n        pass\n",
    "Emoji 😀👍🏽 and accents: café, naïve, ﬁne, Ⅻ, ①.  Multiple   spaces   here.",
]
TEXTS = CORPUS + [
    "", " ", "  ", "\n", "\n\n \n", "a", "A", "hello", " hello", "hello ", "Hello World",
    "don't", "DON'T", "we've", "'s", "it's'", "ſ", "'ſ", "x  y", "x   y", "x\t\ty", "x \n y",
    "1", "12", "123", "1234", "12345678901", "a1b2c3", "3.14", "٣٤٥", "Ⅻ", "²³",
    "你好", "你好世界", "ひらがなカタカナ", "한국어", "Ελληνικά", "مرحبا", "e\u0301", "ǅungla", "ʰʲ",
    "😀", "👩‍👩‍👧‍👦", "🇫🇷", "a/b/c\n/", "!!!\n/", "...", " ---", "http://x.io/a?b=1",
    "x\u200by", "\u00a0\u3000", "𝕳𝖊𝖑𝖑𝖔", "ßẞ", "İstanbul", "CamelCaseWord", "HTTPServer",
    "tab\tseparated\tvalues", "trailing spaces   ", "   leading", "\r\nwindows\r\n",
    "mixed 中文 and English", "ÀÉÎÕÜ àéîõü", "\u0000\u0001\u007f", "zzzzzzzzzzzzzzzzzzzzzzzz",
    "ab" * 80, "你" * 70,
]


def byte_level_model(normalizer, pre_tokenizer, vocab_size=420):
    tok = Tokenizer(models.BPE())
    tok.normalizer = normalizer
    tok.pre_tokenizer = pre_tokenizer
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size, initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False)
    tok.train_from_iterator(CORPUS * 3, trainer)
    return tok


def compact(path):
    """Rewrites a saved tokenizer.json with sorted keys and no spaces (smaller, stable)."""
    with open(path) as f:
        data = json.load(f)
    with open(path, "w") as f:
        json.dump(data, f, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        f.write("\n")
    return data


def main():
    os.makedirs(OUT, exist_ok=True)
    expected = {"texts": TEXTS, "counts": {}, "splits": {}}

    # 1. Byte-level, NFKC; merges as strings.
    bl = byte_level_model(normalizers.NFKC(), pre_tokenizers.ByteLevel(add_prefix_space=False))
    path = os.path.join(OUT, "bytelevel-nfkc.tokenizer.json")
    bl.save(path)
    data = compact(path)
    merges = data["model"]["merges"]
    data["model"]["merges"] = [" ".join(m) if isinstance(m, list) else m for m in merges]
    with open(path, "w") as f:
        json.dump(data, f, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        f.write("\n")
    bl = Tokenizer.from_file(path)
    expected["counts"]["bytelevel-nfkc.tokenizer.json"] = [
        len(e.ids) for e in bl.encode_batch(TEXTS, add_special_tokens=False)]

    # 2. Metaspace + byte_fallback, merges as pairs.
    sp = Tokenizer(models.BPE(byte_fallback=True, unk_token=None))
    sp.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="first")
    sp.normalizer = normalizers.NFC()
    alphabet = sorted(set("".join(CORPUS[:3]).replace(" ", "")) | {"▁"})
    trainer = trainers.BpeTrainer(
        vocab_size=300, special_tokens=[f"<0x{b:02X}>" for b in range(256)], initial_alphabet=alphabet,
        limit_alphabet=len(alphabet), show_progress=False)
    sp.train_from_iterator(CORPUS[:3] * 3, trainer)
    path = os.path.join(OUT, "metaspace-fallback.tokenizer.json")
    sp.save(path)
    data = compact(path)
    data["added_tokens"] = []  # the <0xXX> tokens are plain vocabulary for byte_fallback
    data["model"]["merges"] = [m.split(" ") if isinstance(m, str) else m for m in data["model"]["merges"]]
    with open(path, "w") as f:
        json.dump(data, f, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        f.write("\n")
    sp = Tokenizer.from_file(path)
    expected["counts"]["metaspace-fallback.tokenizer.json"] = [
        len(e.ids) for e in sp.encode_batch(TEXTS, add_special_tokens=False)]

    # 3. DeepSeek's Split sequence + Lowercase/Replace normalizer.
    ds_pre = pre_tokenizers.Sequence([
        pre_tokenizers.Split(Regex(r"\p{N}{1,3}"), behavior="isolated"),
        pre_tokenizers.Split(Regex("[\u4e00-\u9fa5\u3040-\u309f\u30a0-\u30ff]+"), behavior="isolated"),
        pre_tokenizers.Split(Regex(
            "[!\"#$%&'()*+,\\-./:;<=>?@\\[\\\\\\]^_`{|}~][A-Za-z]+|[^\r\n\\p{L}\\p{P}\\p{S}]?[\\p{L}\\p{M}]+| ?[\\p{P}\\p{S}]+[\r\n]*|\\s*[\r\n]+|\\s+(?!\\S)|\\s+"),
            behavior="isolated"),
        pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False),
    ])
    ds = byte_level_model(normalizers.Sequence([normalizers.Lowercase(), normalizers.Replace("\t", "    ")]), ds_pre)
    path = os.path.join(OUT, "split-sequence.tokenizer.json")
    ds.save(path)
    compact(path)
    ds = Tokenizer.from_file(path)
    expected["counts"]["split-sequence.tokenizer.json"] = [
        len(e.ids) for e in ds.encode_batch(TEXTS, add_special_tokens=False)]

    # 4. A tiktoken ranks file from the byte-level model: bytes, then merges in order.
    data = json.load(open(os.path.join(OUT, "bytelevel-nfkc.tokenizer.json")))
    inverse = {c: b for b, c in byte_alphabet().items()}
    ranks = {bytes([b]): b for b in range(256)}
    for m in data["model"]["merges"]:
        a, b = m.split(" ")
        token = bytes(inverse[c] for c in a + b)
        if token not in ranks:
            ranks[token] = len(ranks)
    with open(os.path.join(OUT, "tiny.tiktoken"), "w") as f:
        for token, rank in sorted(ranks.items(), key=lambda kv: kv[1]):
            f.write(f"{base64.b64encode(token).decode()} {rank}\n")
    r50k = r"""'(?:[sdmt]|ll|ve|re)| ?\p{L}++| ?\p{N}++| ?[^\s\p{L}\p{N}]++|\s++$|\s+(?!\S)|\s"""
    enc = tiktoken.Encoding("tiny", pat_str=r50k, mergeable_ranks=ranks, special_tokens={})
    expected["counts"]["tiny.tiktoken"] = [len(enc.encode_ordinary(t)) for t in TEXTS]

    # 5. Pieces of the published splits.
    cl100k = r"""'(?i:[sdmt]|ll|ve|re)|[^\r\n\p{L}\p{N}]?+\p{L}++|\p{N}{1,3}+| ?[^\s\p{L}\p{N}]++[\r\n]*+|\s++$|\s*[\r\n]|\s+(?!\S)|\s"""
    o200k = "|".join([
        r"""[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?""",
        r"""[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?""",
        r"""\p{N}{1,3}""", r""" ?[^\s\p{L}\p{N}]+[\r\n/]*""", r"""\s*[\r\n]+""", r"""\s+(?!\S)""", r"""\s+""",
    ])
    for name, pattern in (("gpt2", r50k), ("cl100k", cl100k), ("o200k", o200k)):
        expected["splits"][name] = [regex.findall(pattern, t) for t in TEXTS]

    with open(os.path.join(OUT, "expected.json"), "w") as f:
        json.dump(expected, f, ensure_ascii=False, indent=0, sort_keys=True)
        f.write("\n")
    for name in sorted(os.listdir(OUT)):
        print(name, os.path.getsize(os.path.join(OUT, name)))


def byte_alphabet():
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return {b: chr(c) for b, c in zip(bs, cs)}


if __name__ == "__main__":
    main()
