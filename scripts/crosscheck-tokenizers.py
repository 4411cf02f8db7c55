#!/usr/bin/env python3
"""Compare Preflight's token counts with the reference libraries, text by text.

For each reference tokenizer found (see scripts/fetch-reference-tokenizers.sh):
tiktoken's p50k_base, cl100k_base and o200k_base, and Hugging Face `tokenizers` on
anthropic_tokenizer.json and deepseek_tokenizer.json, counts every distinct string of the
datasets under --data (JSONL and CSV files, recursively) plus generated Unicode texts (CJK,
emoji, Cyrillic, Arabic, combining marks, digit runs, whitespace runs, contractions), with
`preflight tokens --tokenizer FILE` and with the library, and reports the texts that differ.
Counts exclude special tokens on both sides. Exit code 1 when any count differs.

Needs a Python with `tiktoken` and `tokenizers` (pip install tiktoken tokenizers).

    scripts/crosscheck-tokenizers.py [--preflight .build/release/preflight]
        [--tokenizers Benchmarks/.data/tokenizers] [--data ../shared/data]
"""
import argparse
import csv
import json
import os
import random
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# tiktoken's cache file names are the sha1 of the download URL; the fetch script keeps them.
TIKTOKEN_FILES = {
    "p50k_base": "ec7223a39ce59f226a68acc30dc1af2788490e15",
    "cl100k_base": "9b5ad71b2ce5302211f9c61530b329a4922fc6a4",
    "o200k_base": "fb374d419588a4632f3f557e76b4b70aebbca790",
}
HF_FILES = ["anthropic_tokenizer.json", "deepseek_tokenizer.json"]


def walk_strings(value, out):
    if isinstance(value, str):
        out.add(value)
    elif isinstance(value, list):
        for v in value:
            walk_strings(v, out)
    elif isinstance(value, dict):
        for k, v in value.items():
            walk_strings(v, out)


def dataset_texts(root):
    texts = set()
    for folder, _, files in os.walk(root):
        for name in sorted(files):
            path = os.path.join(folder, name)
            try:
                if name.endswith((".jsonl", ".ndjson")):
                    with open(path, encoding="utf-8") as f:
                        for line in f:
                            try:
                                walk_strings(json.loads(line), texts)
                            except ValueError:
                                pass
                elif name.endswith(".json"):
                    with open(path, encoding="utf-8") as f:
                        walk_strings(json.load(f), texts)
                elif name.endswith((".csv", ".tsv")):
                    with open(path, encoding="utf-8", newline="") as f:
                        dialect = "excel-tab" if name.endswith(".tsv") else "excel"
                        for row in csv.reader(f, dialect):
                            texts.update(row)
            except (UnicodeDecodeError, ValueError, csv.Error):
                continue
    return texts


def generated_texts():
    rng = random.Random(7)
    pieces = [
        "你好，世界！这是一个测试。", "日本語のテキストとカタカナ、ひらがな。", "한국어 문장입니다.",
        "Привет, как дела? Всё хорошо.", "مرحبا بالعالم", "שלום עולם", "Ελληνικά κείμενα",
        "e\u0301 n\u0303 a\u0308", "ﬁ ﬂ ① ２ Ⅻ ㎏", "😀😃👍🏽 👩‍👩‍👧‍👦 🇫🇷", "1234567890", "3.14159 1e10 ٣٤٥",
        "   ", "\t\t", "\n\n\n", " \n \n", "\r\n", "  \n  x", "x  ", "don't", "I'LL", "we've",
        "you're", "'s", "'S", "ſ", "'ſ", "it's'", "HELLO world", "CamelCaseWord", "ǅungla",
        "ǈ", "ʰʲ", "a/b/c\n/", "!!!\n/", "...", " ---", "$100", "http://example.com/path?q=1",
        "x\u200by", "\u00a0\u3000", "ﷺ", "𝕳𝖊𝖑𝖑𝖔", "ßẞ", "İstanbul", "\u0000\u0001",
    ]
    texts = set(pieces)
    for _ in range(2000):
        k = rng.randint(1, 12)
        texts.add("".join(rng.choice(pieces) + rng.choice(["", " ", "  ", "\n", "\t"]) for _ in range(k)))
    for n in (1, 2, 3, 4, 5, 7, 10, 33, 100):
        texts.add("7" * n)
        texts.add(" " * n + "a")
        texts.add("a" + " " * n)
        texts.add("\n" * n + " " * n)
    texts.add("ab" * 3000)
    texts.add("你" * 500)
    return texts


def ours(preflight, tokenizer, texts):
    payload = "".join(json.dumps(t) + "\n" for t in texts).encode()
    args = [preflight, "tokens"] + (["--tokenizer", tokenizer] if tokenizer else [])
    result = subprocess.run(args, input=payload, capture_output=True)
    if result.returncode != 0:
        sys.exit(f"preflight tokens failed: {result.stderr.decode()}")
    return [int(x) for x in result.stdout.split()]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--preflight", default=os.path.join(ROOT, ".build/release/preflight"))
    parser.add_argument(
        "--tokenizers",
        default=os.environ.get("PREFLIGHT_TOKENIZERS", os.path.join(ROOT, "Benchmarks/.data/tokenizers")))
    parser.add_argument("--data", default=os.path.join(ROOT, "..", "shared", "data"))
    args = parser.parse_args()

    texts = sorted(dataset_texts(args.data)) if os.path.isdir(args.data) else []
    data_count = len(texts)
    texts += sorted(generated_texts() - set(texts))
    print(f"{data_count} distinct dataset texts, {len(texts) - data_count} generated")

    failures = 0
    rows = []
    for name, file in TIKTOKEN_FILES.items():
        path = os.path.join(args.tokenizers, file)
        if not os.path.exists(path):
            print(f"skip {name}: {path} not found")
            continue
        os.environ["TIKTOKEN_CACHE_DIR"] = args.tokenizers
        import tiktoken
        enc = tiktoken.get_encoding(name)
        reference = [len(enc.encode_ordinary(t)) for t in texts]
        rows.append((name, path, reference))
    for file in HF_FILES:
        path = os.path.join(args.tokenizers, file)
        if not os.path.exists(path):
            print(f"skip {file}: not found")
            continue
        from tokenizers import Tokenizer
        tok = Tokenizer.from_file(path)
        reference = [len(e.ids) for e in tok.encode_batch(texts, add_special_tokens=False)]
        rows.append((file, path, reference))

    print(f"{'tokenizer':<26} {'texts':>7} {'differ':>7} {'tokens (ref)':>13} {'tokens (ours)':>14}")
    for name, path, reference in rows:
        counted = ours(args.preflight, path, texts)
        differ = [i for i, (a, b) in enumerate(zip(reference, counted)) if a != b]
        failures += len(differ)
        print(f"{name:<26} {len(texts):>7} {len(differ):>7} {sum(reference):>13} {sum(counted):>14}")
        for i in differ[:5]:
            print(f"    ref {reference[i]} ours {counted[i]}: {texts[i][:120]!r}")

    # The estimate against cl100k_base: relative error per text.
    cl = next((r for r in rows if r[0] == "cl100k_base"), None)
    if cl and data_count:
        estimate = ours(args.preflight, None, texts[:data_count])
        errors = sorted(abs(e - r) / r for e, r in zip(estimate, cl[2][:data_count]) if r >= 20)
        signed = sorted((e - r) / r for e, r in zip(estimate, cl[2][:data_count]) if r > 0)
        q = lambda xs, p: xs[min(len(xs) - 1, int(p * len(xs)))]
        print(
            f"estimate vs cl100k_base on {len(errors)} dataset texts of 20 tokens or more: median |error| "
            f"{q(errors, 0.5):.1%}, p95 {q(errors, 0.95):.1%}; signed median {q(signed, 0.5):+.1%}, "
            f"total {sum(estimate[:data_count]) / sum(cl[2][:data_count]) - 1:+.1%}")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
