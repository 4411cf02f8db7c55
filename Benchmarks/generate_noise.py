#!/usr/bin/env python3
"""Generates classification data with known label errors, for the label-noise benchmark.

    generate_noise.py N OUT_DIR [--seed S] [--flip-rate R] [--classes K]

Writes OUT_DIR/train.jsonl (N records, `{"id", "text", "label"}`) and OUT_DIR/flipped.jsonl
(one line per record whose label was flipped: `{"id", "true", "given"}`), and prints the
counts.

The task is meant to be learnable but not trivial, so that a model's disagreements carry
information without every record being obvious:
- K classes (default 20) with a skewed size distribution (largest ≈ 6× the smallest);
- a shared vocabulary of 300 filler words drawn with Zipf weights, about 60 % of each text;
- each class has 30 topic words; neighbouring classes (i, i+1 mod K) share a third of them,
  so pairs of classes overlap and some texts are genuinely ambiguous;
- 7.5 % of a text's topic words come from a random other class (distractors);
- texts of 10 to 35 words.
Then `--flip-rate` (default 0.03) of the records get a label drawn uniformly from the other
classes (random flips, the noise model of the issue's quality target). The same seed gives
the same bytes.
"""
import json, os, random, sys


def arg(name, default, cast):
    return cast(sys.argv[sys.argv.index(name) + 1]) if name in sys.argv else default


def word(rng, syllables):
    return ''.join(rng.choice(syllables) for _ in range(rng.randint(2, 3)))


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    n, out = int(sys.argv[1]), sys.argv[2]
    seed = arg('--seed', 7, int)
    flip_rate = arg('--flip-rate', 0.03, float)
    k = arg('--classes', 20, int)
    rng = random.Random(seed)

    syllables = [c + v for c in 'bcdfghjklmnprstvwz' for v in 'aeiou']
    vocab = set()
    while len(vocab) < 300 + 30 * k:
        vocab.add(word(rng, syllables))
    vocab = sorted(vocab)
    rng.shuffle(vocab)
    filler, pool = vocab[:300], vocab[300:]
    filler_weights = [1 / (r + 1) for r in range(len(filler))]

    # Topic words: class i owns pool[30i:30i+30]; the last third is shared with class i+1,
    # whose first third it replaces.
    topics = [pool[30 * i:30 * i + 30] for i in range(k)]
    for i in range(k):
        nxt = (i + 1) % k
        topics[nxt] = topics[i][20:] + topics[nxt][10:]
    topic_weights = [1 / (r + 1) ** 0.7 for r in range(30)]

    labels = [f"class_{i:02d}" for i in range(k)]
    size_weights = [6 ** (-i / (k - 1)) for i in range(k)]

    os.makedirs(out, exist_ok=True)
    flipped = 0
    with open(os.path.join(out, 'train.jsonl'), 'w') as f, \
            open(os.path.join(out, 'flipped.jsonl'), 'w') as t:
        for i in range(n):
            c = rng.choices(range(k), size_weights)[0]
            length = rng.randint(10, 35)
            words = []
            for _ in range(length):
                r = rng.random()
                if r < 0.60:
                    words.append(rng.choices(filler, filler_weights)[0])
                elif r < 0.63:
                    other = rng.randrange(k)
                    words.append(rng.choices(topics[other], topic_weights)[0])
                else:
                    words.append(rng.choices(topics[c], topic_weights)[0])
            given = c
            if rng.random() < flip_rate:
                given = rng.choice([j for j in range(k) if j != c])
                flipped += 1
                t.write(json.dumps({"id": f"r{i}", "true": labels[c], "given": labels[given]}) + "\n")
            f.write(json.dumps({"id": f"r{i}", "text": ' '.join(words), "label": labels[given]}) + "\n")
    print(json.dumps({"records": n, "classes": k, "flipped": flipped, "seed": seed}))


if __name__ == '__main__':
    main()
