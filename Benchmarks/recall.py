#!/usr/bin/env python3
"""Recall and precision of Preflight's near-duplicate findings on generated data.

    recall.py REPORT.json TRUTH.jsonl [--threshold T]

REPORT.json is `preflight audit --report json=…` on the files generate.py wrote; TRUTH.jsonl
is the near_truth.jsonl written next to them. The data files are the report's `inputs`.

- Recall: injected pairs whose exact Jaccard (recomputed here from the data) is ≥ T. Each id is
  first mapped to the representative of its exact group in its split (the first record, in
  file order, with the same normalized text: only that one takes part in the search). A
  train pair is found when both records are in the same reported cluster (connected through
  near_duplicate findings: each location linked to every record of its `related`). A train→test pair is found when the test
  record has a near_leak_from_train finding whose related[0] is the train record, is in the
  same reported train cluster as it, or is at least as similar (the finding names only the
  most similar training record). "flagged" counts test records reported at all.
- Precision: every reported pair (location, related[0]) of near_duplicate and
  near_leak_from_train findings is recomputed: normalized texts differ and Jaccard ≥ T under
  the scheme `auto` picks for these files (median word count of all records < 40 → words:1,
  else words:3). Reported similarities that differ from the exact one are counted (warning).

Normalization and shingling are this script's own (NFKC, str.casefold, Unicode White_Space
runs collapsed and trimmed; word n-gram sets). Exits 1 when precision < 1 or recall < 0.99,
and prints `near_duplicates: absent` (exit 0) when the report has no such check.
"""
import collections, json, os, re, sys, unicodedata

_WS = re.compile('[\u0009-\u000d\u0020\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f'
                 '\u205f\u3000]+')


def normalize(s):
    return _WS.sub(' ', unicodedata.normalize('NFKC', s).casefold()).strip(' ')


def shingles(norm, n):
    toks = [t for t in norm.split(' ') if t]
    if not toks:
        return frozenset()
    if len(toks) < n:
        return frozenset([' '.join(toks)])
    return frozenset(' '.join(toks[i:i + n]) for i in range(len(toks) - n + 1))


def jaccard(a, b):
    if not a or not b:
        return 0.0
    inter = len(a & b)
    return inter / (len(a) + len(b) - inter)


class Components:
    def __init__(self):
        self.parent = {}

    def find(self, x):
        p = self.parent
        p.setdefault(x, x)
        while p[x] != x:
            p[x] = p[p[x]]
            x = p[x]
        return x

    def union(self, a, b):
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)

    def same(self, a, b):
        return a in self.parent and b in self.parent and self.find(a) == self.find(b)


def main():
    args = [a for a in sys.argv[1:] if not a.startswith('--')]
    threshold = float(sys.argv[sys.argv.index('--threshold') + 1]) if '--threshold' in sys.argv else 0.8
    if '--threshold' in sys.argv:
        args.remove(sys.argv[sys.argv.index('--threshold') + 1])
    if len(args) != 2:
        sys.exit(__doc__)
    report_path, truth_path = args
    with open(report_path) as fh:
        report = json.load(fh)
    if 'near_duplicates' not in {c['id'] for c in report.get('checks', [])}:
        print('near_duplicates: absent from the report; no recall to measure')
        return 0
    findings = report.get('findings', [])
    nd = [f for f in findings if f.get('check') == 'near_duplicates' and f.get('code') == 'near_duplicate']
    nl = [f for f in findings if f.get('check') == 'split_leakage' and f.get('code') == 'near_leak_from_train']
    with open(truth_path) as fh:
        truth = [json.loads(line) for line in fh if line.strip()]

    # Records to read: truth ids and reported locations, by (split, id) or (path, line).
    def key(loc):
        if loc.get('id') is not None:
            return ('id', loc['split'], str(loc['id']))
        return ('line', os.path.realpath(loc['path']), loc.get('line'))
    needed = {('id', t['split_a'], t['a']) for t in truth} | {('id', t['split_b'], t['b']) for t in truth}
    for f in nd:
        needed.add(key(f['location']))
        needed.update(key(loc) for loc in f['related'])
    for f in nl:
        needed.add(key(f['location']))
        needed.add(key(f['related'][0]))

    # One pass over the data: word counts (auto rule), exact-group representatives per split,
    # normalized texts of the needed records.
    word_counts = collections.Counter()
    first = {}                  # (split, hash of normalized text) -> record number
    info = {}                   # needed key -> (record number, representative, normalized text)
    n = 0
    for inp in report['inputs']:
        path, split = inp['path'], inp['split']
        field = (inp.get('text_fields') or ['text'])[0]
        real = os.path.realpath(path)
        with open(path, encoding='utf-8') as fh:
            for ln, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                obj = json.loads(line)
                text = obj.get(field)
                norm = normalize(text if isinstance(text, str) else '')
                word_counts[len(norm.split(' ')) if norm else 0] += 1
                rep = first.setdefault((split, hash(norm)), n)
                for k in (('id', split, str(obj.get('id'))), ('line', real, ln)):
                    if k in needed:
                        info[k] = (n, rep, norm, split)
                n += 1
    counts = sorted(word_counts.items())
    total, seen, median = sum(word_counts.values()), 0, 0
    for wc, c in counts:
        seen += c
        if seen > total // 2:
            median = wc
            break
    ngram = 1 if median < 40 else 3
    scheme = f'words:{ngram}'
    cache = {}

    def sim(ka, kb):
        a, b = info[ka], info[kb]
        for x in (a, b):
            if x[0] not in cache:
                cache[x[0]] = shingles(x[2], ngram)
        return jaccard(cache[a[0]], cache[b[0]]), a[2] == b[2]

    # Precision.
    bad, checked, examples, simdiff = 0, 0, [], 0
    for f in nd + nl:
        ka, kb = key(f['location']), key(f['related'][0])
        s, same = sim(ka, kb)
        rs = f.get('metrics', {}).get('similarity')
        ok = not same and s >= threshold
        simdiff += ok and rs is not None and abs(rs - s) > 1e-6
        checked += 1
        if not ok:
            bad += 1
            if len(examples) < 5:
                examples.append(f"{f['code']} {ka[2]}~{kb[2]}: exact {s:.4f}, reported {rs}")

    # Reported clusters (per split; record numbers are global, so one structure does).
    comp = Components()
    for f in nd:
        for loc in f['related']:
            if key(loc) in info:
                comp.union(info[key(f['location'])][0], info[key(loc)][0])
    leaks = {}
    for f in nl:
        leaks[info[key(f['location'])][0]] = (info[key(f['related'][0])][0], f.get('metrics', {}).get('similarity'))

    # Recall.
    stats = collections.Counter()
    mismatched_truth = 0
    missed = []
    for t in truth:
        ka, kb = ('id', t['split_a'], t['a']), ('id', t['split_b'], t['b'])
        s, same = sim(ka, kb)
        if abs(s - t['jaccard']) > 1e-9 or t.get('scheme', scheme) != scheme:
            mismatched_truth += 1
        if same or s < threshold:
            stats[t['kind'] + '_below'] += 1
            continue
        ra, rb = info[ka][1], info[kb][1]
        stats[t['kind']] += 1
        if t['kind'] == 'near_duplicate':
            found = comp.same(ra, rb)
        else:
            hit = leaks.get(rb)
            stats['near_leak_flagged'] += hit is not None
            found = hit is not None and (hit[0] == ra or comp.same(hit[0], ra)
                                         or (hit[1] is not None and hit[1] >= s - 1e-12))
        stats[t['kind'] + '_found'] += found
        if not found and len(missed) < 5:
            missed.append(f"{t['kind']} {t['a']}~{t['b']} jaccard {s:.4f}")

    def ratio(a, b):
        return a / b if b else 1.0
    dup_r = ratio(stats['near_duplicate_found'], stats['near_duplicate'])
    leak_r = ratio(stats['near_leak_found'], stats['near_leak'])
    all_r = ratio(stats['near_duplicate_found'] + stats['near_leak_found'],
                  stats['near_duplicate'] + stats['near_leak'])
    prec = ratio(checked - bad, checked)
    metrics = next(c for c in report['checks'] if c['id'] == 'near_duplicates').get('metrics', {})
    clusters = {k: v for k, v in metrics.items() if k.startswith(('near_clusters.', 'near_records.'))}
    print(f"near recall {all_r:.4f}: train {stats['near_duplicate_found']}/{stats['near_duplicate']} "
          f"({dup_r:.4f}), train->test {stats['near_leak_found']}/{stats['near_leak']} ({leak_r:.4f}, "
          f"flagged {stats['near_leak_flagged']}) injected pairs >= {threshold}; "
          f"{stats['near_duplicate_below'] + stats['near_leak_below']} below")
    print(f"near precision {prec:.4f}: {checked - bad}/{checked} reported pairs "
          f"({len(nd)} near_duplicate, {len(nl)} near_leak_from_train) >= {threshold} under {scheme} "
          f"(median {median} words); {' '.join(f'{k}={v}' for k, v in sorted(clusters.items()))}")
    if simdiff:
        print(f'warning: {simdiff} reported similarities differ from the exact Jaccard by more than 1e-6')
    if mismatched_truth:
        print(f'warning: {mismatched_truth} truth lines disagree with the Jaccard recomputed from the data')
    for e in examples:
        print('  not a near pair:', e)
    for m in missed:
        print('  missed:', m)
    return 1 if prec < 1.0 or all_r < 0.99 else 0


if __name__ == '__main__':
    sys.exit(main())
