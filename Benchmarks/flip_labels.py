#!/usr/bin/env python3
"""Injects known label errors into a classification JSONL file, for measuring label_issues.

    flip_labels.py IN.jsonl OUT_DIR [--rate 0.03] [--seed 7] [--text-field text]
                   [--label-field label]

Writes OUT_DIR/train.jsonl: the records of IN.jsonl in order, each with an `id` (the input's
own `id` when it has one, else `r<line>`), with `--rate` of them given a label drawn uniformly
from the file's other labels; and OUT_DIR/flipped.jsonl with `{"id", "true", "given"}` per
flipped record. Prints the counts as one JSON line. The same seed gives the same bytes.

Real text with random flips measures what the issue asks of label_issues on data that is not
ours: the flags should be the flipped records. The original data may hold label errors of its
own, which then count against precision, for every tool alike.
"""
import json, os, random, sys


def arg(name, default, cast=str):
    return cast(sys.argv[sys.argv.index(name) + 1]) if name in sys.argv else default


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    source, out = sys.argv[1], sys.argv[2]
    rate, seed = arg('--rate', 0.03, float), arg('--seed', 7, int)
    text_field, label_field = arg('--text-field', 'text'), arg('--label-field', 'label')
    records = []
    with open(source, encoding='utf-8') as f:
        for number, line in enumerate(f, 1):
            if line.strip():
                records.append((number, json.loads(line)))
    labels = sorted({str(r[label_field]) for _, r in records})
    rng = random.Random(seed)
    os.makedirs(out, exist_ok=True)
    flipped = 0
    with open(os.path.join(out, 'train.jsonl'), 'w', encoding='utf-8') as f, \
            open(os.path.join(out, 'flipped.jsonl'), 'w', encoding='utf-8') as t:
        for number, r in records:
            rid = str(r.get('id', f'r{number}'))
            true = str(r[label_field])
            given = true
            if rng.random() < rate:
                given = rng.choice([c for c in labels if c != true])
                flipped += 1
                t.write(json.dumps({'id': rid, 'true': true, 'given': given}) + '\n')
            f.write(json.dumps({'id': rid, 'text': r[text_field], 'label': given},
                               ensure_ascii=False) + '\n')
    print(json.dumps({'records': len(records), 'classes': len(labels), 'flipped': flipped}))


if __name__ == '__main__':
    main()
