#!/usr/bin/env python3
"""Generates a synthetic classification dataset for the benchmark.

    generate.py N OUT_DIR [--seed S]

Writes OUT_DIR/train.jsonl (N records) and OUT_DIR/test.jsonl (N/10 records): ~250 bytes of
text per record, 20 classes with a skewed distribution, 2% exact duplicates in train (after
case/whitespace normalization), 1% of test copied from train (leakage), 0.5% of duplicate
inputs relabelled (conflicts). The counts are printed so a run can be checked.
"""
import json, os, random, sys

WORDS = ("account billing card charge delivery device error firmware invoice login order package "
         "password payment refund router screen shipment subscription support tablet tracking update "
         "warranty wifi battery cable charger speaker monitor keyboard headset printer camera app "
         "crash slow broken missing late wrong double extra locked reset replace cancel upgrade").split()
LABELS = [f"intent_{i:02d}" for i in range(20)]


def main():
    n = int(sys.argv[1])
    out = sys.argv[2]
    seed = int(sys.argv[sys.argv.index("--seed") + 1]) if "--seed" in sys.argv else 7
    rng = random.Random(seed)
    os.makedirs(out, exist_ok=True)
    weights = [1.0 / (1 + i * 0.3) for i in range(len(LABELS))]
    texts, labels = [], []
    dup = conflict = 0
    with open(os.path.join(out, "train.jsonl"), "w") as f:
        for i in range(n):
            r = rng.random()
            if i > 100 and r < 0.02:
                j = rng.randrange(len(texts))
                text, label = texts[j].upper(), labels[j]
                if r < 0.005:
                    label = LABELS[(LABELS.index(label) + 1) % len(LABELS)]
                    conflict += 1
                dup += 1
            else:
                label = rng.choices(LABELS, weights)[0]
                words = [rng.choice(WORDS) for _ in range(rng.randint(34, 42))]
                text = f"{label.replace('_', ' ')} {i} " + " ".join(words)
            if len(texts) < 200_000:
                texts.append(text)
                labels.append(label)
            f.write(json.dumps({"id": f"tr-{i}", "text": text, "label": label}) + "\n")
    leaked = 0
    with open(os.path.join(out, "test.jsonl"), "w") as f:
        for i in range(n // 10):
            if rng.random() < 0.01:
                j = rng.randrange(len(texts))
                text, label = texts[j], labels[j]
                leaked += 1
            else:
                label = rng.choices(LABELS, weights)[0]
                words = [rng.choice(WORDS) for _ in range(rng.randint(34, 42))]
                text = f"{label.replace('_', ' ')} test {i} " + " ".join(words)
            f.write(json.dumps({"id": f"te-{i}", "text": text, "label": label}) + "\n")
    print(json.dumps({"records": n, "test_records": n // 10, "train_copies": dup,
                      "relabelled_copies": conflict, "test_copied_from_train": leaked}))


if __name__ == "__main__":
    main()
