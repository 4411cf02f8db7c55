#!/usr/bin/env python3
"""Generates short chat conversations for the chat-check benchmarks.

    generate_pii_chat.py N OUT_FILE [--seed S] [--pii-rate R]

Writes N records of OpenAI-style `messages` (a system message in a third of them, then one or
two user/assistant exchanges; ~250 bytes of text per record) built from a small vocabulary with
numbers, dates, times, prices, order ids and versions mixed in, and `--pii-rate` (default 0.01)
of the records carrying one injected value (email, phone number, card number, IBAN, API key,
JWT or public IP address, in turn). Prints the number of records with an injected value.
"""
import json, random, sys

WORDS = ("account billing card charge delivery device error firmware invoice login order package "
         "password payment refund router screen shipment subscription support tablet tracking update "
         "warranty wifi battery cable charger speaker monitor keyboard headset printer camera app "
         "crash slow broken missing late wrong double extra locked reset replace cancel upgrade").split()
PII = [
    "jane.doe{n}@gmail.com", "+44 20 7946 {n:04d}", "4242 4242 4242 4242",
    "DE89 3704 0044 0532 0130 00", "ghp_R8cX2mKq7Lw0ZpN4vT1yB6sD9fH3jA5eU0gI",
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxIn0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
    "81.2.{a}.{b}",
]


def arg(name, default, cast):
    return cast(sys.argv[sys.argv.index(name) + 1]) if name in sys.argv else default


def sentence(rng):
    words = rng.choices(WORDS, k=rng.randint(6, 14))
    extra = rng.random()
    if extra < 0.15:
        words.append(f"order ORD-{rng.randint(2019, 2025)}-{rng.randint(0, 999999):06d}")
    elif extra < 0.25:
        words.append(f"on {rng.randint(2019, 2025)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d} at {rng.randint(0, 23)}:{rng.randint(0, 59):02d}")
    elif extra < 0.32:
        words.append(f"for ${rng.randint(1, 2000)}.{rng.randint(0, 99):02d}")
    elif extra < 0.38:
        words.append(f"version {rng.randint(1, 12)}.{rng.randint(0, 30)}.{rng.randint(0, 9)}")
    return " ".join(words).capitalize() + "."


def main():
    n = int(sys.argv[1])
    out = sys.argv[2]
    rng = random.Random(arg("--seed", 7, int))
    rate = arg("--pii-rate", 0.01, float)
    injected = 0
    with open(out, "w") as f:
        for i in range(n):
            messages = []
            if i % 3 == 0:
                messages.append({"role": "system", "content": "You are a helpful support assistant."})
            for _ in range(rng.randint(1, 2)):
                messages.append({"role": "user", "content": sentence(rng)})
                messages.append({"role": "assistant", "content": sentence(rng) + " " + sentence(rng)})
            if rng.random() < rate:
                value = PII[injected % len(PII)].format(n=i % 10000, a=rng.randint(1, 250), b=rng.randint(1, 250))
                messages[-2]["content"] += f" My details: {value}"
                injected += 1
            f.write(json.dumps({"messages": messages}) + "\n")
    print(f"{n} records, {injected} with an injected value")


main()
