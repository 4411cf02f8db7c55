#!/usr/bin/env python3
"""Generates a synthetic classification dataset for the benchmark.

    generate.py N OUT_DIR [--seed S] [--near-rate R] [--near-leak-rate R] [--flip-rate R]

Writes OUT_DIR/train.jsonl (N records) and OUT_DIR/test.jsonl (N/10 records): ~250 bytes of
text per record, 20 classes with a skewed distribution, 2% exact duplicates in train (after
case/whitespace normalization), 1% of test copied from train (leakage), 0.5% of duplicate
inputs relabelled (conflicts). The counts are printed so a run can be checked.

Injected near-copies (a second random stream, so every record and count above is the same as
without them, except that a fresh record may be replaced by a near-copy):
- `--near-rate` (default 0.01) of the fresh train records copy an earlier train record with
  k random edits (word substitution, insertion, deletion, adjacent swap; k = 1..3, which
  under words:3 on these ~40-word texts gives Jaccard ≈ 0.5-1.0, about half ≥ 0.8), on top
  of which case, whitespace and Unicode-width variants are applied that the key
  normalization (NFKC, case folding, whitespace collapse) removes;
- `--near-leak-rate` (default 0.01) of the fresh test records are such near-copies of a
  train record (near leakage).
An edit sequence that leaves the normalized text unchanged is drawn again, so no injected
copy is an exact duplicate. OUT_DIR/near_truth.jsonl has one line per injected pair:
`{"a": earlier id, "split_a", "b": copy id, "split_b", "kind": near_duplicate|near_leak,
"jaccard", "scheme", "edits", "ops"}`, the Jaccard similarity computed exactly here under the
scheme Preflight's `auto` picks for these files (median word count of all records < 40 →
words:1, else words:3), with this script's own normalization and shingling.

Label flips (`--flip-rate`, default 0, a third random stream consulted only when the rate is
above 0, so the files above are byte-identical without it): that share of the fresh train
records (not the exact copies) get a different label, drawn uniformly from the other 19; the
text keeps the words of its original label, so a classifier can tell. Later copies of a
flipped record copy its flipped label.

OUT_DIR/truth.json (always written; a new file, nothing else changes) holds the ground truth
of the exact categories, computed from the written records under this script's
normalization: `exact_duplicates` (records whose normalized text repeats an earlier record of
the same split), `conflicting_labels` (every record of a normalized text that carries more
than one label, over both splits), `exact_leakage` (test records whose normalized text is
also in train), `label_flips` (the flipped train records) and `relabelled_copies` (the copies
given the next label to make conflicts: wrong labels too, but not flips), each a sorted list
of ids.
Benchmarks/score.py scores both tools against it and against near_truth.jsonl.
"""
import collections, json, os, random, sys, unicodedata

WORDS = ("account billing card charge delivery device error firmware invoice login order package "
         "password payment refund router screen shipment subscription support tablet tracking update "
         "warranty wifi battery cable charger speaker monitor keyboard headset printer camera app "
         "crash slow broken missing late wrong double extra locked reset replace cancel upgrade").split()
LABELS = [f"intent_{i:02d}" for i in range(20)]
THRESHOLD = 0.8


def arg(name, default, cast):
    return cast(sys.argv[sys.argv.index(name) + 1]) if name in sys.argv else default


def normalize(s):
    return ' '.join(unicodedata.normalize('NFKC', s).casefold().split())


def shingles(norm, n):
    toks = norm.split(' ') if norm else []
    if not toks:
        return set()
    if len(toks) < n:
        return {' '.join(toks)}
    return {' '.join(toks[i:i + n]) for i in range(len(toks) - n + 1)}


def jaccard(a, b):
    if not a or not b:
        return 0.0
    inter = len(a & b)
    return inter / (len(a) + len(b) - inter)


def fullwidth(word):
    return ''.join(chr(ord(c) + 0xFEE0) if '!' <= c <= '~' else c for c in word)


def near_copy(text, rng):
    """`text` with k content edits and normalization-invisible variants; (copy, ops)."""
    base = normalize(text)
    while True:
        toks = text.split(' ')
        k = rng.choices((1, 2, 3), (0.45, 0.35, 0.2))[0]
        ops = []
        for _ in range(k):
            op = rng.choice(('sub', 'ins', 'del', 'swap'))
            if op == 'sub':
                p = rng.randrange(len(toks))
                toks[p] = rng.choice([w for w in WORDS if w != toks[p].lower()])
            elif op == 'ins':
                toks.insert(rng.randrange(len(toks) + 1), rng.choice(WORDS))
            elif op == 'del' and len(toks) > 1:
                del toks[rng.randrange(len(toks))]
            elif op == 'swap' and len(toks) > 1:
                p = rng.randrange(len(toks) - 1)
                toks[p], toks[p + 1] = toks[p + 1], toks[p]
            ops.append(op)
        # Variants the key normalization removes.
        v = rng.random()
        if v < 0.2:
            toks = [t.upper() for t in toks]
        elif v < 0.35:
            toks = [t.capitalize() for t in toks]
        elif v < 0.45:
            p = rng.randrange(len(toks))
            toks[p] = fullwidth(toks[p])                        # NFKC: full-width → ASCII
        seps = [' '] * (len(toks) - 1)
        if rng.random() < 0.3:
            for _ in range(rng.randint(1, 3)):
                seps[rng.randrange(len(seps))] = rng.choice(('  ', '\t', ' \n ', '\u00a0', '\u3000'))
        out = ''.join(t + s for t, s in zip(toks, seps + ['']))
        if rng.random() < 0.1:
            out = ' ' + out + '  '
        if normalize(out) != base:
            return out, ops


def main():
    n = int(sys.argv[1])
    out = sys.argv[2]
    seed = arg("--seed", 7, int)
    near_rate = arg("--near-rate", 0.01, float)
    near_leak_rate = arg("--near-leak-rate", 0.01, float)
    flip_rate = arg("--flip-rate", 0.0, float)
    rng = random.Random(seed)
    nrng = random.Random(f"near-{seed}")       # injected near-copies: an independent stream
    frng = random.Random(f"flip-{seed}")       # label flips: a third stream, only when rate > 0
    flipped = []                               # ids of train records whose label was flipped
    # Exact-category truth: normalized text -> [labels seen, ids]; per split for duplicates.
    groups = {}                                # (hash of normalized text) -> [set of labels, [ids]]
    seen = {"train": set(), "test": set()}     # hashes of normalized texts seen per split
    exact_dups, exact_leaks, relabelled = [], [], []

    def remember(rid, split, text, label):
        h = hash(normalize(text))
        if h in seen[split]:
            exact_dups.append(rid)
        seen[split].add(h)
        if split == "test" and h in seen["train"]:
            exact_leaks.append(rid)
        g = groups.setdefault(h, [set(), []])
        g[0].add(label)
        g[1].append(rid)
    os.makedirs(out, exist_ok=True)
    weights = [1.0 / (1 + i * 0.3) for i in range(len(LABELS))]
    texts, labels = [], []
    dup = conflict = 0
    word_counts = collections.Counter()        # normalized word count → records (auto rule)
    injected = []                              # (src_id, src_split, src_text, id, split, text, kind, ops)
    with open(os.path.join(out, "train.jsonl"), "w") as f:
        for i in range(n):
            r = rng.random()
            if i > 100 and r < 0.02:
                j = rng.randrange(len(texts))
                text, label = texts[j].upper(), labels[j]
                if r < 0.005:
                    label = LABELS[(LABELS.index(label) + 1) % len(LABELS)]
                    conflict += 1
                    relabelled.append(f"tr-{i}")
                dup += 1
                wc = len(text.split())
            else:
                label = rng.choices(LABELS, weights)[0]
                words = [rng.choice(WORDS) for _ in range(rng.randint(34, 42))]
                text = f"{label.replace('_', ' ')} {i} " + " ".join(words)
                wc = len(words) + 3
                if i > 100 and nrng.random() < near_rate:
                    j = nrng.randrange(len(texts))
                    text, ops = near_copy(texts[j], nrng)
                    label = labels[j]
                    injected.append((f"tr-{j}", "train", texts[j], f"tr-{i}", "train", text,
                                     "near_duplicate", ops))
                    wc = len(normalize(text).split(' '))
                if flip_rate > 0 and frng.random() < flip_rate:
                    label = frng.choice([x for x in LABELS if x != label])
                    flipped.append(f"tr-{i}")
            word_counts[wc] += 1
            remember(f"tr-{i}", "train", text, label)
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
                wc = len(text.split())
            else:
                label = rng.choices(LABELS, weights)[0]
                words = [rng.choice(WORDS) for _ in range(rng.randint(34, 42))]
                text = f"{label.replace('_', ' ')} test {i} " + " ".join(words)
                wc = len(words) + 4
                if nrng.random() < near_leak_rate:
                    j = nrng.randrange(len(texts))
                    text, ops = near_copy(texts[j], nrng)
                    label = labels[j]
                    injected.append((f"tr-{j}", "train", texts[j], f"te-{i}", "test", text,
                                     "near_leak", ops))
                    wc = len(normalize(text).split(' '))
            word_counts[wc] += 1
            remember(f"te-{i}", "test", text, label)
            f.write(json.dumps({"id": f"te-{i}", "text": text, "label": label}) + "\n")

    # The scheme `auto` picks: median (sorted counts[len // 2]) over all records.
    total, rank, median = sum(word_counts.values()), 0, 0
    for wc in sorted(word_counts):
        rank += word_counts[wc]
        if rank > total // 2:
            median = wc
            break
    ngram = 1 if median < 40 else 3
    scheme = f"words:{ngram}"
    stats = collections.Counter()
    with open(os.path.join(out, "near_truth.jsonl"), "w") as f:
        for a, sa, ta, b, sb, tb, kind, ops in injected:
            sim = jaccard(shingles(normalize(ta), ngram), shingles(normalize(tb), ngram))
            stats[kind] += 1
            stats[kind + "_above"] += sim >= THRESHOLD
            f.write(json.dumps({"a": a, "split_a": sa, "b": b, "split_b": sb, "kind": kind,
                                "jaccard": sim, "scheme": scheme, "edits": len(ops),
                                "ops": ops}) + "\n")
    conflicts = [rid for labels_seen, ids in groups.values() if len(labels_seen) > 1 for rid in ids]

    def by_id(ids):
        return sorted(ids, key=lambda rid: (rid[:3], int(rid[3:])))
    with open(os.path.join(out, "truth.json"), "w") as f:
        json.dump({"exact_duplicates": by_id(exact_dups), "conflicting_labels": by_id(conflicts),
                   "exact_leakage": by_id(exact_leaks), "label_flips": by_id(flipped),
                   "relabelled_copies": by_id(relabelled),
                   "flip_rate": flip_rate}, f, indent=0)
        f.write("\n")
    sims = sorted(jaccard(shingles(normalize(x[2]), ngram), shingles(normalize(x[5]), ngram))
                  for x in injected)
    print(json.dumps({"records": n, "test_records": n // 10, "train_copies": dup,
                      "relabelled_copies": conflict, "test_copied_from_train": leaked,
                      "near_scheme": scheme, "median_words": median,
                      "train_near_copies": stats["near_duplicate"],
                      "train_near_copies_at_threshold": stats["near_duplicate_above"],
                      "test_near_copies_of_train": stats["near_leak"],
                      "test_near_copies_at_threshold": stats["near_leak_above"],
                      "near_jaccard_min": round(sims[0], 4) if sims else None,
                      "near_jaccard_max": round(sims[-1], 4) if sims else None,
                      **({"label_flips": len(flipped)} if flip_rate > 0 else {})}))


if __name__ == "__main__":
    main()
