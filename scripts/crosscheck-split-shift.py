#!/usr/bin/env python3
"""Independent cross-check of split_shift on clinc150 in ../shared/data.

For each (training file, held-out file) pair, recomputes in plain Python:
- the Jensen-Shannon divergence (base 2) of the label shares;
- the chi-square statistic of homogeneity of the 2 x K table of label counts (no pooling is
  needed on clinc150: every expected count is at least 5) and its p-value from the closed
  forms of the chi-square survival function, not from the series / continued fraction the
  Swift code uses: for df = 2k, Q = exp(-x/2) * sum_{i<k} (x/2)^i / i!; for odd df, the
  recurrence Q(a + 1, y) = Q(a, y) + y^a e^-y / Gamma(a + 1) from Q(1/2, y) = erfc(sqrt(y));
- the two-sample Kolmogorov-Smirnov statistic D on whitespace word counts of `text`, by brute
  force over every distinct value, and its asymptotic p-value Q_KS(lambda) from the alternating
  series 2 * sum (-1)^(j-1) exp(-2 j^2 lambda^2) with lambda = (sqrt(ne) + 0.12 + 0.11 /
  sqrt(ne)) * D, ne = n m / (n + m).
When scipy is importable it also prints scipy.stats.chi2_contingency (correction off) and
scipy.special.kolmogorov for comparison. The numbers pinned in
Tests/PreflightChecksTests/SplitShiftCheckTests.swift (RealDataTests case) come from this
script. Usage, from the repository root:

    python3 scripts/crosscheck-split-shift.py
"""
import collections, json, math, os

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(os.path.dirname(ROOT), 'shared', 'data', 'clinc150')
PAIRS = [('train.jsonl', 'validation.jsonl'), ('train.jsonl', 'test.jsonl'),
         ('train_imbalanced.jsonl', 'test.jsonl')]


def load(name):
    labels, lengths = collections.Counter(), []
    with open(os.path.join(DATA, name), encoding='utf-8') as f:
        for line in f:
            record = json.loads(line)
            labels[record['label']] += 1
            lengths.append(len(record['text'].split()))
    return labels, lengths


def js_divergence(a, b):
    na, nb = sum(a.values()), sum(b.values())
    total = 0.0
    for k in set(a) | set(b):
        p, q = a[k] / na, b[k] / nb
        m = (p + q) / 2
        if p > 0:
            total += 0.5 * p * math.log2(p / m)
        if q > 0:
            total += 0.5 * q * math.log2(q / m)
    return total


def chi_square(a, b):
    keys = sorted(set(a) | set(b))
    na, nb = sum(a.values()), sum(b.values())
    n = na + nb
    x, min_expected = 0.0, float('inf')
    for k in keys:
        col = a[k] + b[k]
        for observed, row in ((a[k], na), (b[k], nb)):
            expected = row * col / n
            min_expected = min(min_expected, expected)
            x += (observed - expected) ** 2 / expected
    return x, len(keys) - 1, min_expected


def chi2_survival(x, df):
    y = x / 2
    if df % 2 == 0:
        k = df // 2
        # sum_{i<k} y^i / i! * e^-y, in log space term by term
        return sum(math.exp(i * math.log(y) - y - math.lgamma(i + 1)) if y > 0 else float(i == 0)
                   for i in range(k))
    q = math.erfc(math.sqrt(y))
    a = 0.5
    while a < df / 2:
        q += math.exp(a * math.log(y) - y - math.lgamma(a + 1))
        a += 1
    return q


def ks_statistic(xs, ys):
    cx, cy = collections.Counter(xs), collections.Counter(ys)
    d, fx, fy = 0.0, 0, 0
    for v in sorted(set(xs) | set(ys)):
        fx += cx[v]
        fy += cy[v]
        d = max(d, abs(fx / len(xs) - fy / len(ys)))
    return d


def q_ks(lam):
    if lam < 0.2:
        return 1.0
    return max(0.0, min(1.0, 2 * sum((-1) ** (j - 1) * math.exp(-2 * j * j * lam * lam)
                                     for j in range(1, 200))))


def main():
    try:
        from scipy import special, stats
    except ImportError:
        special = stats = None
    for train_name, held_name in PAIRS:
        (tl, tw), (hl, hw) = load(train_name), load(held_name)
        js = js_divergence(tl, hl)
        x, df, min_expected = chi_square(tl, hl)
        p = chi2_survival(x, df)
        d = ks_statistic(tw, hw)
        ne = len(tw) * len(hw) / (len(tw) + len(hw))
        lam = (math.sqrt(ne) + 0.12 + 0.11 / math.sqrt(ne)) * d
        print(f'{train_name} vs {held_name}: records {len(tw)} / {len(hw)}')
        print(f'  js={js:.10f} chi2={x:.6f} df={df} min_expected={min_expected:.2f} p={p:.6e}')
        print(f'  ks_d={d:.10f} lambda={lam:.6f} ks_p={q_ks(lam):.6e}')
        if stats is not None:
            keys = sorted(set(tl) | set(hl))
            chi = stats.chi2_contingency([[tl[k] for k in keys], [hl[k] for k in keys]],
                                         correction=False)
            print(f'  scipy: chi2={chi[0]:.6f} p={chi[1]:.6e} kolmogorov={special.kolmogorov(lam):.6e}')
        shifts = sorted(set(tl) | set(hl), key=lambda k: -abs(hl[k] / len(hw) - tl[k] / len(tw)))
        for k in shifts[:3]:
            print(f'  {k}: {hl[k] / len(hw):.4f} of held-out vs {tl[k] / len(tw):.4f} of train')


if __name__ == '__main__':
    main()
