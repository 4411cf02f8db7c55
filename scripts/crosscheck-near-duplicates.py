#!/usr/bin/env python3
"""Independent, exact cross-check of Preflight's near-duplicate search on the real datasets.

For each dataset in ../shared/data this script computes, in plain Python and without MinHash,
every pair of records whose Jaccard similarity is at or above the threshold (default 0.8):

* the key text is normalized like Preflight's default key: Unicode NFKC, `str.casefold()`,
  runs of Unicode White_Space collapsed to one space and trimmed (U+001C-U+001F are *not*
  whitespace, unlike Python's `str.split()`);
* shingles follow `ShingleScheme`: `words:n` (word n-grams, a text with fewer than n words is
  one shingle, an empty text has none), `chars:n` (code-point n-grams); `auto` is `words:1`
  when the median word count of all records of the audit (all splits) is under 40, else
  `words:3` (median = sorted counts[len // 2]);
* exact duplicates are not near-copies: within a split only the first record (file order) of
  a group with identical normalized keys takes part, and pairs with identical keys are never
  near pairs;
* the search is an exact all-pairs similarity join with prefix, size and positional filtering
  (Bayardo, Ma & Srikant, "Scaling Up All Pairs Similarity Search", WWW 2007; Xiao et al.,
  PPJoin, WWW 2008), every candidate verified with the exact Jaccard similarity.

Pairs are kept within each split (near_duplicates) and between train and every held-out split
(split_leakage, near_leak_from_train). The script then runs the release binary on the same
files and compares with the JSON report:

* precision: every reported pair (finding location, related[0]) must be a true pair, and its
  reported similarity must equal the exact one;
* recall within a split: a true pair is covered when both records are in the same reported
  cluster (connected through near_duplicate findings: each location linked to every record in
  its `related`, so an implementation that lists cluster members there is credited fully);
* recall of leakage: a true (train, held-out) pair is covered when the held-out record is
  reported as near_leak_from_train (one finding per held-out record; its related[0] must be a
  true partner, which precision checks). How often related[0] is the *best* partner is shown.

Exit status 1 when any precision is below 1 or any recall below 0.99. Until the check exists
(the report has no near_duplicates check) the script prints the ground truth and says so.

    python3 scripts/crosscheck-near-duplicates.py [--threshold T] [--shingle auto|words:N|chars:N]
        [--only NAME[,NAME]] [--no-binary] [--selftest] [--json OUT] [--use-report REPORT.json]

Run from anywhere after `swift build -c release`.
"""
import argparse, collections, json, math, os, random, re, subprocess, sys, tempfile, time
import unicodedata

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(os.path.dirname(ROOT), 'shared', 'data')
DATASETS = {
    'clinc150': ['train.jsonl', 'validation.jsonl', 'test.jsonl'],
    'banking77': ['train.jsonl', 'test.jsonl'],
    'trec': ['train.jsonl', 'test.jsonl'],
    'sms_spam': ['data.jsonl'],
    'snips2017': ['train.jsonl', 'validation.jsonl'],
    'imdb_cleanlab': ['train.jsonl', 'test.jsonl'],
}

# ---------------------------------------------------------------- normalization and shingles

# Unicode White_Space, exactly the set Preflight collapses (Python's str.split() would also
# split on U+001C-U+001F).
_WS = re.compile('[\u0009-\u000d\u0020\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f'
                 '\u205f\u3000]+')


def normalize(s):
    s = unicodedata.normalize('NFKC', s).casefold()
    return _WS.sub(' ', s).strip(' ')


def _extends(ch):
    """Scalars that join a preceding space into one grapheme cluster (Grapheme_Extend, ZWJ,
    SpacingMark, approximately), so Swift's `split(separator: " ")` does not split there."""
    o = ord(ch)
    return (unicodedata.category(ch) in ('Mn', 'Me', 'Mc') or o in (0x200C, 0x200D)
            or 0x1F3FB <= o <= 0x1F3FF or 0xE0020 <= o <= 0xE007F)


def words(norm):
    """Tokens of a normalized text as Swift's String.split(separator: " ") yields them: a space
    followed by a combining scalar is part of a grapheme cluster, not a separator."""
    if not norm:
        return []
    parts = norm.split(' ')
    if len(parts) == 1:
        return parts
    out = [parts[0]]
    for p in parts[1:]:
        if p and _extends(p[0]):
            out[-1] = out[-1] + ' ' + p       # the space did not separate
        else:
            out.append(p)
    return [t for t in out if t]


def parse_scheme(s):
    kind, n = s.split(':')
    return kind, int(n)


def shingles(norm, scheme):
    kind, n = scheme
    if kind == 'words':
        toks = words(norm)
        if not toks:
            return frozenset()
        if len(toks) < n:
            return frozenset([' '.join(toks)])
        return frozenset(' '.join(toks[i:i + n]) for i in range(len(toks) - n + 1))
    if not norm:
        return frozenset()
    if len(norm) < n:
        return frozenset([norm])
    return frozenset(norm[i:i + n] for i in range(len(norm) - n + 1))


def auto_scheme(word_counts):
    counts = sorted(word_counts)
    median = counts[len(counts) // 2] if counts else 0
    return (('words', 1) if median < 40 else ('words', 3)), median


def jaccard(a, b):
    if not a or not b:
        return 0.0
    inter = len(a & b)
    return inter / (len(a) + len(b) - inter)     # the same IEEE division as Swift's Double

# ---------------------------------------------------------------- data


def role(name):
    n = os.path.basename(name).lower()
    for p, r in [('train', 'train'), ('val', 'validation'), ('dev', 'validation'),
                 ('test', 'test'), ('regression', 'regression'), ('eval', 'regression')]:
        if n.startswith(p):
            return r
    return 'train'


class Record:
    __slots__ = ('idx', 'path', 'line', 'id', 'split', 'norm', 'sh', 'rep')


def load(files, field='text'):
    """Records in layout order (files in the order given, lines in file order)."""
    recs = []
    for f in files:
        path = os.path.realpath(f)
        with open(path, encoding='utf-8') as fh:
            for ln, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                obj = json.loads(line)
                r = Record()
                r.idx, r.path, r.line, r.split = len(recs), path, ln, role(f)
                r.id = obj.get('id') if isinstance(obj, dict) else None
                text = obj.get(field) if isinstance(obj, dict) else None
                r.norm = normalize(text if isinstance(text, str) else '')
                recs.append(r)
    return recs


def prepare(recs, shingle='auto'):
    median = None
    if shingle == 'auto':
        scheme, median = auto_scheme(len(words(r.norm)) for r in recs)
    else:
        scheme = parse_scheme(shingle)
    for r in recs:
        r.sh = shingles(r.norm, scheme)
    # Within a split only the first record of an exact group takes part; r.rep is the
    # representative (itself when it takes part).
    first = {}
    for r in recs:
        r.rep = first.setdefault((r.split, r.norm), r.idx)
    return scheme, median

# ---------------------------------------------------------------- exact all-pairs join


def _ceil(x):
    return math.ceil(x - 1e-9)     # conservative: never more than the exact ceiling


def all_pairs(sets, t):
    """All (i, j, sim), i < j, with Jaccard(sets[i], sets[j]) >= t, exactly.

    PPJoin: tokens ordered by ascending global frequency; records by size; probing prefix
    |x| - ceil(t|x|) + 1, indexing prefix |x| - ceil(2t/(1+t)|x|) + 1; size filter
    |y| >= t|x|; positional filter; every candidate verified exactly."""
    freq = collections.Counter()
    for s in sets:
        freq.update(s)
    rank = {tok: k for k, (tok, _) in enumerate(sorted(freq.items(), key=lambda kv: (kv[1], kv[0])))}
    order = sorted((i for i in range(len(sets)) if sets[i]), key=lambda i: len(sets[i]))
    vecs = {i: sorted(rank[tok] for tok in sets[i]) for i in order}
    index = collections.defaultdict(list)     # token rank -> [(record, position)]
    start = collections.defaultdict(int)      # size filter: first live entry of each list
    out = []
    for x in order:
        vx = vecs[x]
        lx = len(vx)
        minsize = _ceil(t * lx)
        probe = lx - minsize + 1
        overlap = {}
        for i in range(min(probe, lx)):
            tok = vx[i]
            lst = index.get(tok)
            if not lst:
                continue
            s = start[tok]
            while s < len(lst) and len(vecs[lst[s][0]]) < minsize:
                s += 1
            start[tok] = s
            for k in range(s, len(lst)):
                y, j = lst[k]
                ly = len(vecs[y])
                alpha = _ceil(t / (1 + t) * (lx + ly))
                o = overlap.get(y, 0)
                if o < 0:
                    continue
                if o + 1 + min(lx - i - 1, ly - j - 1) >= alpha:
                    overlap[y] = o + 1
                else:
                    overlap[y] = -1         # pruned for good
        sx = sets[x]
        for y, o in overlap.items():
            if o <= 0:
                continue
            sim = jaccard(sx, sets[y])
            if sim >= t:
                out.append((min(x, y), max(x, y), sim))
        index_len = lx - _ceil(2 * t / (1 + t) * lx) + 1
        for i in range(min(index_len, lx)):
            index[vx[i]].append((x, i))
    return out


def brute_pairs(sets, t):
    out = []
    for i in range(len(sets)):
        for j in range(i + 1, len(sets)):
            s = jaccard(sets[i], sets[j])
            if s >= t:
                out.append((i, j, s))
    return out


def truth(recs, t):
    """True near pairs: {'within': {split: {(a, b): sim}}, 'leak': {split: {(train, held): sim}}}."""
    part = [r for r in recs if r.rep == r.idx and r.sh]
    found = all_pairs([r.sh for r in part], t)
    within = collections.defaultdict(dict)
    leak = collections.defaultdict(dict)
    for i, j, sim in found:
        a, b = part[i], part[j]
        if a.norm == b.norm:
            continue                    # identical keys: exact duplicates / exact leakage
        if a.idx > b.idx:
            a, b = b, a
        if a.split == b.split:
            within[a.split][(a.idx, b.idx)] = sim
        elif a.split == 'train' or b.split == 'train':
            tr, ho = (a, b) if a.split == 'train' else (b, a)
            leak[ho.split][(tr.idx, ho.idx)] = sim
    # A held-out record with an exact copy in training is an exact leak (reported as such),
    # not a near one. A held-out record that repeats an earlier record of its split leaks
    # exactly as that first copy does: it gets the same training partners.
    train_norms = {r.norm for r in recs if r.split == 'train'}
    by_rep = collections.defaultdict(list)
    for split, pairs in leak.items():
        for (tr, ho), sim in pairs.items():
            by_rep[ho].append((tr, sim))
    for r in recs:
        if r.split == 'train':
            continue
        if r.norm in train_norms:
            for key in [k for k in leak.get(r.split, {}) if k[1] == r.idx]:
                del leak[r.split][key]
        elif r.rep != r.idx:
            for tr, sim in by_rep.get(r.rep, []):
                leak[r.split][(tr, r.idx)] = sim
    return within, leak


def components(edges):
    parent = {}

    def find(x):
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x
    for a, b in edges:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    return find, parent

# ---------------------------------------------------------------- report


def run_binary(files, report):
    binary = os.path.join(ROOT, '.build', 'release', 'preflight')
    if not os.path.exists(binary):
        sys.exit(f'{binary} is missing: run `swift build -c release` first')
    args = [binary, 'audit', '--quiet', '--report', 'json=' + report]
    for f in files:
        args += ['--' + role(f), f]
    subprocess.run(args, stdout=subprocess.DEVNULL)
    with open(report) as fh:
        return json.load(fh)


def locate(recs):
    by_line = {(r.path, r.line): r.idx for r in recs}
    by_id = collections.defaultdict(list)
    for r in recs:
        if r.id is not None:
            by_id[(r.split, str(r.id))].append(r.idx)

    def find(loc):
        key = (os.path.realpath(loc.get('path', '')), loc.get('line'))
        if key in by_line:
            return by_line[key]
        ids = by_id.get((loc.get('split'), str(loc.get('id'))), [])
        if len(ids) == 1:
            return ids[0]
        raise KeyError(f'cannot place reported location {loc}')
    return find


def compare(recs, within, leak, report, t):
    """Precision and recall of the report against the true pairs; returns (rows, ok)."""
    find = locate(recs)
    checks = {c['id']: c for c in report.get('checks', [])}
    nd = [f for f in report.get('findings', []) if f.get('check') == 'near_duplicates'
          and f.get('code') == 'near_duplicate']
    nl = [f for f in report.get('findings', []) if f.get('check') == 'split_leakage'
          and f.get('code') == 'near_leak_from_train']
    rows, ok = [], True

    def explain(a, b, reported, what='not a true pair'):
        ra, rb = recs[a], recs[b]
        exact = jaccard(ra.sh, rb.sh)
        why = ('identical keys' if ra.norm == rb.norm else 'not taking part' if ra.rep != a or rb.rep != b
               else f'exact {exact:.4f}')
        return (f'{what}: {ra.split}:{ra.line} ~ {rb.split}:{rb.line} ({why}'
                + (f', reported {reported})' if reported is not None else ')'))

    simdiff = []                          # reported similarity != exact (reported, not failed)

    def precise(a, b, reported_sim, truth_map, key):
        sim = truth_map.get(key)
        if sim is not None and reported_sim is not None and abs(sim - reported_sim) > 1e-6:
            simdiff.append(explain(a, b, reported_sim, 'similarity differs'))
        return sim is not None

    # within splits
    rep_pairs = collections.defaultdict(list)
    links = collections.defaultdict(list)      # location to every related record: clusters
    for f in nd:
        a, b = find(f['location']), find(f['related'][0])
        rep_pairs[recs[a].split].append((min(a, b), max(a, b), f.get('metrics', {}).get('similarity')))
        links[recs[a].split] += [(a, find(loc)) for loc in f['related']]
    metrics = checks.get('near_duplicates', {}).get('metrics', {})
    for split in sorted(set(within) | set(rep_pairs) | {r.split for r in recs}):
        tp = within.get(split, {})
        rp = rep_pairs.get(split, [])
        bad = [(a, b, s) for a, b, s in rp if not precise(a, b, s, tp, (a, b))]
        good = len(rp) - len(bad)
        cfind, _ = components(links.get(split, []))
        covered = sum(1 for a, b in tp if cfind(a) == cfind(b))
        prec = good / len(rp) if rp else 1.0
        rec = covered / len(tp) if tp else 1.0
        tfind, tpar = components(tp.keys())
        true_clusters = len({tfind(x) for x in list(tpar)})
        row = dict(kind='within', split=split, true_pairs=len(tp), reported=len(rp),
                   correct=good, covered=covered, precision=prec, recall=rec,
                   true_clusters=true_clusters, true_records=len(tpar),
                   reported_clusters=metrics.get(f'near_clusters.{split}'),
                   reported_records=metrics.get(f'near_records.{split}'))
        row['examples'] = [explain(a, b, s) for a, b, s in bad[:5]]
        row['examples'] += [explain(a, b, None, 'missed') for a, b in tp if cfind(a) != cfind(b)][:5]
        rows.append(row)
        ok &= prec == 1.0 and rec >= 0.99
    # leakage
    rep_leak = collections.defaultdict(dict)
    for f in nl:
        ho, tr = find(f['location']), find(f['related'][0])
        rep_leak[recs[ho].split][ho] = (tr, f.get('metrics', {}).get('similarity'))
    for split in sorted(set(leak) | set(rep_leak)):
        tp = leak.get(split, {})
        rl = rep_leak.get(split, {})
        best = {}
        for (tr, ho), s in tp.items():
            best[ho] = max(best.get(ho, 0.0), s)
        wrong = [(tr, ho, s) for ho, (tr, s) in rl.items() if not precise(tr, ho, s, tp, (tr, ho))]
        good = len(rl) - len(wrong)
        covered = sum(1 for (tr, ho) in tp if ho in rl)
        best_hits = sum(1 for ho, (tr, s) in rl.items() if (tr, ho) in tp and tp[(tr, ho)] == best.get(ho))
        prec = good / len(rl) if rl else 1.0
        rec = covered / len(tp) if tp else 1.0
        examples = [explain(tr, ho, s) for tr, ho, s in wrong][:5]
        examples += [explain(tr, ho, None, 'missed') for (tr, ho) in tp if ho not in rl][:5]
        rows.append(dict(kind='leak', examples=examples, split=f'train->{split}', true_pairs=len(tp),
                         true_heldout=len(best), reported=len(rl), correct=good, covered=covered,
                         heldout_covered=sum(1 for ho in best if ho in rl), best_partner=best_hits,
                         precision=prec, recall=rec))
        ok &= prec == 1.0 and rec >= 0.99
    if simdiff:
        rows.append(dict(kind='note', split='similarity', count=len(simdiff), examples=simdiff[:5]))
    return rows, ok


def truth_rows(recs, within, leak):
    rows = []
    for split in sorted({r.split for r in recs}):
        tp = within.get(split, {})
        tfind, tpar = components(tp.keys())
        sims = list(tp.values())
        rows.append(dict(kind='within', split=split, records=sum(1 for r in recs if r.split == split),
                         participating=sum(1 for r in recs if r.split == split and r.rep == r.idx and r.sh),
                         true_pairs=len(tp), true_clusters=len({tfind(x) for x in list(tpar)}),
                         true_records=len(tpar),
                         pairs_sim_1=sum(1 for s in sims if s == 1.0)))
    for split in sorted(leak):
        tp = leak[split]
        rows.append(dict(kind='leak', split=f'train->{split}', true_pairs=len(tp),
                         true_heldout=len({ho for _, ho in tp}), true_train=len({tr for tr, _ in tp})))
    return rows


def selftest(seed=1):
    """The prefix-filtered join equals brute force on real and perturbed samples."""
    rng = random.Random(seed)
    recs = load([os.path.join(DATA, 'trec', 'test.jsonl'), os.path.join(DATA, 'banking77', 'test.jsonl')])
    base = [r.norm for r in recs][:1500]
    texts = list(base)
    for _ in range(500):                      # add near-copies so there is something to find
        w = rng.choice(base).split(' ')
        for _ in range(rng.randint(0, 2)):
            op = rng.randrange(3)
            if op == 0 and w:
                w[rng.randrange(len(w))] = rng.choice(rng.choice(base).split(' '))
            elif op == 1:
                w.insert(rng.randrange(len(w) + 1), 'extra')
            elif op == 2 and len(w) > 1:
                del w[rng.randrange(len(w))]
        texts.append(' '.join(w))
    for scheme in [('words', 1), ('words', 2), ('words', 3), ('chars', 3), ('chars', 5)]:
        sets = [shingles(x, scheme) for x in texts]
        for t in (0.5, 0.7, 0.8, 0.9, 1.0):
            fast = sorted(all_pairs(sets, t))
            slow = sorted(brute_pairs(sets, t))
            status = 'ok' if fast == slow else 'MISMATCH'
            print(f'selftest {scheme[0]}:{scheme[1]} t={t}: {len(slow)} pairs {status}')
            if fast != slow:
                return False
    return True


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--threshold', type=float, default=0.8)
    ap.add_argument('--shingle', default='auto')
    ap.add_argument('--only', default='')
    ap.add_argument('--no-binary', action='store_true', help='ground truth only')
    ap.add_argument('--selftest', action='store_true', help='compare the join with brute force')
    ap.add_argument('--json', help='write the ground truth and comparison rows here')
    ap.add_argument('--use-report', metavar='REPORT.json',
                    help='compare with this report instead of running the binary (one dataset)')
    args = ap.parse_args()
    if not os.path.isdir(DATA):
        sys.exit('no ../shared/data here: nothing to cross-check')
    if args.selftest:
        sys.exit(0 if selftest() else 1)
    names = args.only.split(',') if args.only else list(DATASETS)
    failures, absent, dump = 0, 0, {}
    report = os.path.join(tempfile.mkdtemp(), 'report.json')
    for name in names:
        files = [os.path.join(DATA, name, f) for f in DATASETS[name]]
        t0 = time.time()
        recs = load(files)
        scheme, median = prepare(recs, args.shingle)
        within, leak = truth(recs, args.threshold)
        dt = time.time() - t0
        trows = truth_rows(recs, within, leak)
        print(f'{name}: {len(recs)} records, scheme {scheme[0]}:{scheme[1]}'
              + (f' (auto, median {median} words)' if median is not None else '')
              + f', threshold {args.threshold}, exact join {dt:.1f}s')
        for r in trows:
            if r['kind'] == 'within':
                print(f"  truth {r['split']:<12} {r['true_pairs']:>6} pairs  {r['true_clusters']:>5} clusters"
                      f"  {r['true_records']:>6} records  ({r['participating']} of {r['records']} take part,"
                      f" {r['pairs_sim_1']} pairs at 1.0)")
            else:
                print(f"  truth {r['split']:<18} {r['true_pairs']:>6} pairs  {r['true_heldout']:>5} held-out records"
                      f"  {r['true_train']:>5} train records")
        entry = dict(records=len(recs), scheme=f'{scheme[0]}:{scheme[1]}', median_words=median,
                     truth=trows)
        if not args.no_binary:
            if args.use_report:
                with open(args.use_report) as fh:
                    rep = json.load(fh)
            else:
                rep = run_binary(files, report)
            if 'near_duplicates' not in {c['id'] for c in rep.get('checks', [])}:
                print('  report: near_duplicates check absent; nothing to compare yet')
                absent += 1
            else:
                rows, ok = compare(recs, within, leak, rep, args.threshold)
                entry['compare'] = rows
                for r in rows:
                    if r['kind'] == 'note':
                        print(f"  warning: {r['count']} reported similarities differ from the exact Jaccard")
                        for e in r['examples']:
                            print('     ', e)
                        continue
                    extra = ''
                    if r['kind'] == 'within':
                        extra = (f"  clusters {r['reported_clusters']}/{r['true_clusters']}"
                                 f"  records {r['reported_records']}/{r['true_records']}")
                    else:
                        extra = (f"  held-out {r['heldout_covered']}/{r['true_heldout']}"
                                 f"  best partner {r['best_partner']}/{r['reported']}")
                    print(f"  {r['split']:<18} precision {r['precision']:.4f} ({r['correct']}/{r['reported']})"
                          f"  recall {r['recall']:.4f} ({r['covered']}/{r['true_pairs']}){extra}")
                    for e in r['examples']:
                        print('     ', e)
                real = [r for r in rows if r['kind'] != 'note']
                tp = sum(r['true_pairs'] for r in real)
                cov = sum(r['covered'] for r in real)
                rp = sum(r['reported'] for r in real)
                cor = sum(r['correct'] for r in real)
                print(f"  {name} {'OK' if ok else 'FAIL'}: precision {cor / rp if rp else 1:.4f}"
                      f"  recall {cov / tp if tp else 1:.4f}")
                failures += 0 if ok else 1
        dump[name] = entry
    if args.json:
        with open(args.json, 'w') as fh:
            json.dump(dump, fh, indent=1, sort_keys=True)
    if absent:
        print(f'near_duplicates absent from {absent} report(s): ground truth only')
    sys.exit(1 if failures else 0)


if __name__ == '__main__':
    main()
