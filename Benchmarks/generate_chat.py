#!/usr/bin/env python3
"""Generates short synthetic chat conversations (OpenAI `messages`) for the chat-check
benchmark (Benchmarks/chat.sh).

    generate_chat.py N OUT_DIR [--seed S]

Writes OUT_DIR/train.jsonl (N conversations) and OUT_DIR/test.jsonl (N/10): a system message
on 80 % of them, one or two user/assistant exchanges of 5-30 words each (~300 bytes per
line). Words are drawn Zipf-like from a 20,000-word vocabulary of pseudo-words (syllable
strings) plus common support words, as natural text is: a tiny vocabulary would make every
short text a near-copy of thousands of others, which is not what chat data looks like. Rare
planted defects so the checks have something to report: 0.1 % consecutive
user turns, 0.1 % empty assistant turns, 0.1 % emails or phone numbers in a user turn,
0.1 % JSON answers. Deterministic for a seed.
"""
import bisect, json, os, random, sys

WORDS = ("account billing card charge delivery device error firmware invoice login order package "
         "password payment refund router screen shipment subscription support tablet tracking update "
         "warranty wifi battery cable charger speaker monitor keyboard headset printer camera app "
         "crash slow broken missing late wrong double extra locked reset replace cancel upgrade "
         "please thanks the my is not and it a to for with when after").split()
SYSTEMS = ["You are a helpful support assistant.", "Answer briefly and politely.",
           "You help customers of an electronics shop."]


SYLLABLES = ("ba be bi bo bu da de di do du ka ke ki ko ku la le li lo lu ma me mi mo mu na ne "
             "ni no nu ra re ri ro ru sa se si so su ta te ti to tu va ve vi vo vu").split()


def vocabulary(seed):
    rng = random.Random(seed + 1000)
    words = set()
    while len(words) < 20000:
        words.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))))
    return WORDS + sorted(words)


VOCAB = vocabulary(0)
# Zipf-like weights: rank r has weight 1/r.
CUMULATIVE = []
_total = 0.0
for _r in range(len(VOCAB)):
    _total += 1.0 / (_r + 1)
    CUMULATIVE.append(_total)


def word(rng):
    return VOCAB[bisect.bisect_left(CUMULATIVE, rng.random() * _total)]


def sentence(rng, lo, hi):
    words = [word(rng) for _ in range(rng.randint(lo, hi))]
    return " ".join(words).capitalize() + rng.choice([".", "?", "!"])


def conversation(rng):
    messages = []
    if rng.random() < 0.8:
        messages.append({"role": "system", "content": rng.choice(SYSTEMS)})
    for _ in range(rng.randint(1, 2)):
        messages.append({"role": "user", "content": sentence(rng, 5, 30)})
        messages.append({"role": "assistant", "content": sentence(rng, 5, 30)})
    r = rng.random()
    if r < 0.001:
        messages.insert(len(messages) - 1, {"role": "user", "content": sentence(rng, 3, 8)})
    elif r < 0.002:
        messages[-1]["content"] = " "
        messages.append({"role": "user", "content": "Hello?"})
        messages.append({"role": "assistant", "content": sentence(rng, 5, 10)})
    elif r < 0.003:
        messages[-2]["content"] += f" Mail me at user{rng.randint(1, 99999)}@mail.test or call +44 20 7946 {rng.randint(1000, 9999)}."
    elif r < 0.004:
        messages[-1]["content"] = json.dumps({"intent": word(rng), "priority": rng.randint(1, 3)})
    return {"messages": messages}


def main():
    n = int(sys.argv[1])
    out = sys.argv[2]
    seed = int(sys.argv[sys.argv.index("--seed") + 1]) if "--seed" in sys.argv else 1
    rng = random.Random(seed)
    os.makedirs(out, exist_ok=True)
    for name, count in (("train.jsonl", n), ("test.jsonl", n // 10)):
        with open(os.path.join(out, name), "w", encoding="utf-8") as f:
            for _ in range(count):
                f.write(json.dumps(conversation(rng)) + "\n")
    print(f"wrote {n} + {n // 10} conversations to {out}")


if __name__ == "__main__":
    main()
