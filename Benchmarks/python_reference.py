#!/usr/bin/env python3
"""The Python stack data teams use today, on the classification files of Benchmarks/suite.sh.

    python_reference.py TRAIN.jsonl TEST.jsonl --findings-out FINDINGS.json
                        [--label-noise] [--folds 5] [--seed 42]

Each stage is timed on its own (wall seconds, `time.perf_counter`) and followed by the peak
resident memory of this process so far (`resource.getrusage`, the same high-water mark that
Preflight's `--timings` prints); the worker processes that scikit-learn starts for the
cross-validation (`n_jobs=-1`) are not in it.

Stages, in order:
- load: pandas `read_json(lines=True)` of both files (ids and labels kept as strings);
- normalize: the key Preflight compares (`normalize: [nfkc, case, whitespace]`) with pandas
  string methods: NFKC, `casefold` (full case folding, as Preflight's), runs of Unicode
  White_Space collapsed to one space and trimmed (the pattern of Benchmarks/recall.py);
- class_balance: label counts per split and the largest-to-smallest ratio;
- exact_duplicates: `duplicated(keep='first')` on the key within each split (the later copies);
- conflicting_labels: keys with more than one label over both splits (every record involved);
- exact_leakage: test records whose key is also a train key;
- near_minhash: datasketch MinHash (128 permutations, seed 1) of the word shingles of every
  distinct key (the first record of each exact group per split, as Preflight searches), the
  shingle size chosen as Preflight's `auto` does (median word count of all records < 40:
  single words, else word 3-grams; Benchmarks/generate.py's docstring);
- near_lsh: datasketch `MinHashLSH(threshold=0.8)` over the train keys; each train key is
  queried and candidates verified by exact Jaccard ≥ 0.8 (a pair flags its later record), and
  each test record not exactly leaked is queried against train the same way (near leakage);
- with --label-noise: features, cross_validation, cleanlab: the pipeline of
  Benchmarks/noise_reference.py (imported: TF-IDF, logistic regression with stratified K-fold
  cross-validated probabilities, cleanlab `find_label_issues`) on the train split;
- write: the findings file.

FINDINGS.json: `stages` ([name, seconds, peak RSS MB]), `findings` (category -> sorted ids:
exact_duplicates, conflicting_labels, exact_leakage, near_duplicates, near_leakage and, with
--label-noise, label_issues), `class_counts`, `scheme`. Benchmarks/score.py scores it.
Deterministic for a seed: fixed MinHash seed, fixed fold seed.
"""
import json, os, resource, sys, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from recall import _WS, jaccard, shingles  # noqa: E402  (this directory's scripts)

NUM_PERM = 128
THRESHOLD = 0.8


def arg(name, default, cast=str):
    return cast(sys.argv[sys.argv.index(name) + 1]) if name in sys.argv else default


def peak_rss_mb():
    """This process's peak resident set size so far, in MB (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e6


class Stages:
    """Times consecutive stages: `lap(name)` ends one."""

    def __init__(self):
        self.rows, self.last = [], time.perf_counter()

    def lap(self, name):
        now = time.perf_counter()
        self.rows.append([name, round(now - self.last, 4), round(peak_rss_mb(), 1)])
        self.last = now


def id_order(rid):
    """Sorts ids like tr-2 < tr-10 (generate.py's ids), anything else as text."""
    head, _, tail = str(rid).rpartition('-')
    return (head, int(tail)) if tail.isdigit() else (str(rid), 0)


def main():
    args = [a for i, a in enumerate(sys.argv[1:], 1)
            if not a.startswith('--') and not sys.argv[i - 1].startswith('--')]
    if len(args) != 2 or '--findings-out' not in sys.argv:
        sys.exit(__doc__)
    train_path, test_path = args
    out_path = arg('--findings-out', '')
    label_noise = '--label-noise' in sys.argv
    folds, seed = arg('--folds', 5, int), arg('--seed', 42, int)

    stages = Stages()
    import numpy as np
    import pandas as pd
    from datasketch import MinHash, MinHashLSH
    stages.lap('import')

    # Load: one DataFrame per split; dtype=False keeps ids and labels as written.
    train = pd.read_json(train_path, lines=True, dtype=False)
    test = pd.read_json(test_path, lines=True, dtype=False)
    for df in (train, test):
        df['id'] = df['id'].astype(str)
        df['label'] = df['label'].astype(str)
    stages.lap('load')

    # Normalize: NFKC, case folding, whitespace collapse and trim (Preflight's default key).
    for df in (train, test):
        df['key'] = (df['text'].str.normalize('NFKC').str.casefold()
                     .str.replace(_WS, ' ', regex=True).str.strip(' '))
    stages.lap('normalize')

    class_counts = {name: df['label'].value_counts().sort_index().to_dict()
                    for name, df in (('train', train), ('test', test))}
    counts = train['label'].value_counts()
    balance_ratio = float(counts.max() / counts.min()) if len(counts) else 0.0
    stages.lap('class_balance')

    # Exact duplicates: the later copies within each split.
    train_dup = train['key'].duplicated(keep='first')
    test_dup = test['key'].duplicated(keep='first')
    exact_duplicates = train.loc[train_dup, 'id'].tolist() + test.loc[test_dup, 'id'].tolist()
    stages.lap('exact_duplicates')

    # Conflicting labels: every record of a key that carries more than one label.
    both = pd.concat([train[['id', 'key', 'label']], test[['id', 'key', 'label']]],
                     ignore_index=True)
    labels_per_key = both.groupby('key', sort=False)['label'].transform('nunique')
    conflicting_labels = both.loc[labels_per_key > 1, 'id'].tolist()
    stages.lap('conflicting_labels')

    # Exact leakage: test keys that are train keys.
    train_keys = set(train['key'])
    leaked = test['key'].isin(train_keys)
    exact_leakage = test.loc[leaked, 'id'].tolist()
    stages.lap('exact_leakage')

    # Near duplicates: MinHash signatures of the distinct keys (first record of each exact
    # group per split; exactly leaked test records are already reported, so not searched).
    words = pd.concat([train['key'], test['key']]).map(lambda k: len(k.split(' ')) if k else 0)
    median = int(np.sort(words.to_numpy())[len(words) // 2]) if len(words) else 0
    ngram = 1 if median < 40 else 3
    train_reps = train.loc[~train_dup, ['id', 'key']]
    test_reps = test.loc[~test_dup & ~leaked, ['id', 'key']]
    train_sets = [shingles(k, ngram) for k in train_reps['key']]
    test_sets = [shingles(k, ngram) for k in test_reps['key']]
    # Generators, so only one record's encoded shingles exist at a time.
    train_sigs = MinHash.bulk(([s.encode('utf-8') for s in x] for x in train_sets),
                              num_perm=NUM_PERM, seed=1)
    test_sigs = MinHash.bulk(([s.encode('utf-8') for s in x] for x in test_sets),
                             num_perm=NUM_PERM, seed=1)
    stages.lap('near_minhash')

    # LSH: candidates from shared bands, verified by exact Jaccard of the shingle sets.
    lsh = MinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM)
    with lsh.insertion_session() as session:
        for i, sig in enumerate(train_sigs):
            session.insert(i, sig)
    near = set()
    train_ids = train_reps['id'].tolist()
    for i, sig in enumerate(train_sigs):
        for j in lsh.query(sig):
            if j < i and jaccard(train_sets[i], train_sets[j]) >= THRESHOLD:
                near.add(train_ids[i])                  # the later record of the pair
    near_leak = set()
    for i, (rid, sig) in enumerate(zip(test_reps['id'], test_sigs)):
        if any(jaccard(test_sets[i], train_sets[j]) >= THRESHOLD for j in lsh.query(sig)):
            near_leak.add(rid)
    stages.lap('near_lsh')

    findings = {
        'exact_duplicates': exact_duplicates, 'conflicting_labels': conflicting_labels,
        'exact_leakage': exact_leakage, 'near_duplicates': list(near), 'near_leakage': list(near_leak),
    }
    if label_noise:
        from noise_reference import cross_validated_probabilities, label_issues, tfidf_features
        classes = sorted(set(train['label']))
        index = {c: i for i, c in enumerate(classes)}
        y = np.array([index[c] for c in train['label']])
        x = tfidf_features(train['text'].tolist())
        stages.lap('features')
        probs = cross_validated_probabilities(x, y, folds, seed)
        stages.lap('cross_validation')
        issues = label_issues(y, probs)
        findings['label_issues'] = train['id'].to_numpy()[issues].tolist()
        stages.lap('cleanlab')

    result = {
        'records': len(train) + len(test),
        'scheme': f'words:{ngram}', 'median_words': median,
        'class_counts': class_counts, 'balance_ratio': round(balance_ratio, 4),
        'findings': {k: sorted(v, key=id_order) for k, v in findings.items()},
    }
    stages.lap('write')             # ends before writing, so the file holds every stage
    result['stages'] = stages.rows
    with open(out_path, 'w', encoding='utf-8') as f:
        json.dump(result, f, indent=1)
        f.write('\n')


if __name__ == '__main__':
    main()
