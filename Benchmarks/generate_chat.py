#!/usr/bin/env python3
"""Writes N short generated chat conversations (a system message on a third of them, one or
two user/assistant exchanges of 5 to 40 words, some digits, names and punctuation) as
train.jsonl in OUT. Deterministic (seeded). Used by Benchmarks/tokens.sh.

    python3 Benchmarks/generate_chat.py N OUT
"""
import json, os, random, sys

WORDS = ("the a of to and in is it you that for on with as this be at by from or have not are "
         "order refund account password delivery invoice payment card support ticket update "
         "please thanks help question answer problem issue change cancel status shipping "
         "tomorrow yesterday today week month customer service product price discount code "
         "international configuration authentication unfortunately immediately approximately").split()
NAMES = ["Alice", "Bob", "Chen", "Dana", "Émile", "Fatima", "Gustavo", "Hiro"]


def sentence(rng, lo, hi):
    n = rng.randint(lo, hi)
    words = [rng.choice(WORDS) for _ in range(n)]
    if rng.random() < 0.3:
        words.insert(rng.randrange(len(words)), str(rng.randint(1, 99999)))
    if rng.random() < 0.3:
        words.insert(rng.randrange(len(words)), rng.choice(NAMES))
    text = " ".join(words)
    return text[0].upper() + text[1:] + rng.choice([".", "?", "!", "."])


def main():
    n, out = int(sys.argv[1]), sys.argv[2]
    os.makedirs(out, exist_ok=True)
    rng = random.Random(11)
    with open(os.path.join(out, "train.jsonl"), "w") as f:
        for i in range(n):
            messages = []
            if i % 3 == 0:
                messages.append({"role": "system", "content": "You are a helpful support assistant."})
            for _ in range(rng.choice([1, 1, 2])):
                messages.append({"role": "user", "content": sentence(rng, 5, 25)})
                messages.append({"role": "assistant", "content": sentence(rng, 5, 40)})
            f.write(json.dumps({"messages": messages}, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
