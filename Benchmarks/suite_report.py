#!/usr/bin/env python3
"""Prints the tables of Benchmarks/suite.sh from the results it left.

    suite_report.py RESULTS_DIR SIZES...

RESULTS_DIR holds, per size N and run, a folder `<data>-<N>-<run>`: `classification-N-default`
and `classification-N-noise` (Preflight: time.txt "WALL_S PEAK_RSS_KB" from /usr/bin/time,
stderr.txt with the `--timings` lines, report.json), `classification-N-python`
(Benchmarks/python_reference.py: time.txt, findings.json) and `chat-N-default`, plus
`<data>-N-bytes` (input bytes). Missing folders are skipped (--no-python, --only).

Tables, all Markdown:
1. Preflight per stage: read, each check that took at least 1 % of the wall time or 0.05 s,
   the other checks together, "finish" (sorting, statistics and readiness after the checks),
   report, and the process total; seconds, records/s, MB/s and peak RSS so far.
2. The Python reference per stage, the same columns.
3. Side by side per size, without and with label noise: mapped stages, Preflight s,
   Python s, and Python / Preflight (how many times longer Python took); total wall and
   peak RSS with their ratios.
4. Precision and recall per category (Benchmarks/score.py), and Benchmarks/recall.py's
   pair-level check of Preflight's near-duplicate findings.
5. Preflight's time for 10× the records, per run kind (target: at most 11× the time).
"""
import json, os, re, subprocess, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import score  # noqa: E402  (this directory's scripts)

TIMING = re.compile(
    r'^timing: (stage|check) (\S+) ([0-9.]+)s(?:, cpu ([0-9.]+)s)?, peak RSS ([0-9.]+) MB$')
NOTICEABLE_SHARE, NOTICEABLE_SECONDS = 0.01, 0.05

# Side by side: (row, Preflight stages or checks, Python stages). Preflight's "other" is every
# check not named here plus the finish; Python has no such work.
MAPPING = [
    ('start-up', ['stage:rules'], ['import']),
    ('load', ['stage:read'], ['load']),
    ('exact duplicates (with normalization)', ['check:exact_duplicates'],
     ['normalize', 'exact_duplicates']),
    ('class balance', ['check:class_balance'], ['class_balance']),
    ('conflicting labels', ['check:conflicting_labels'], ['conflicting_labels']),
    ('near duplicates and leakage (exact + near)', ['check:near_duplicates', 'check:split_leakage'],
     ['exact_leakage', 'near_minhash', 'near_lsh']),
    ('label noise', ['check:label_issues'], ['features', 'cross_validation', 'cleanlab']),
    ('other checks (Preflight only)', ['other'], []),
    ('report', ['stage:report'], ['write']),
]
LABEL_STAGES = {'features', 'cross_validation', 'cleanlab'}


def read(path):
    with open(path, encoding='utf-8') as f:
        return f.read()


def load_preflight(folder):
    """(wall s, peak RSS MB, [(kind, name, s, rss MB, cpu s or None)], process CPU s or None)
    or None."""
    if not os.path.isfile(os.path.join(folder, 'time.txt')):
        return None
    wall, rss_kb, *cpu = read(os.path.join(folder, 'time.txt')).split()
    laps = []
    for line in read(os.path.join(folder, 'stderr.txt')).splitlines():
        m = TIMING.match(line)
        if m:
            laps.append((m[1], m[2], float(m[3]), float(m[5]), float(m[4]) if m[4] else None))
    return float(wall), int(rss_kb) * 1024 / 1e6, laps, float(cpu[0]) if cpu else None


def load_python(folder):
    """(wall s, peak RSS MB, [(name, s, rss MB)]) or None."""
    path = os.path.join(folder, 'findings.json')
    if not os.path.isfile(path):
        return None
    wall, rss_kb, *_ = read(os.path.join(folder, 'time.txt')).split()
    with open(path, encoding='utf-8') as f:
        stages = [tuple(s) for s in json.load(f)['stages']]
    return float(wall), int(rss_kb) * 1024 / 1e6, stages


def preflight_rows(run):
    """Stage rows (name, s, rss, cpu s or None): read, noticeable checks, other checks, finish,
    report."""
    wall, _, laps, _ = run
    rows, other, other_n, check_sum, check_stage = [], 0.0, 0, 0.0, (0.0, 0.0)
    other_cpu, check_cpu = 0.0, 0.0
    has_cpu = all(lap[4] is not None for lap in laps)
    for kind, name, seconds, rss, cpu in laps:
        cpu = cpu or 0.0
        if kind == 'check':
            check_sum += seconds
            check_cpu += cpu
            if seconds >= NOTICEABLE_SECONDS or seconds >= NOTICEABLE_SHARE * wall:
                rows.append((name, seconds, rss, cpu))
            else:
                other, other_n, other_cpu = other + seconds, other_n + 1, other_cpu + cpu
        elif name == 'checks':
            check_stage = (seconds, rss)
            rows.append((f'other checks ({other_n})', other, rss, other_cpu))
            rows.append(('finish (sort, statistics, readiness)', seconds - check_sum, rss,
                         cpu - check_cpu))
        else:
            rows.append((name, seconds, rss, cpu))
    return rows if has_cpu else [row[:3] for row in rows]


def fmt_table(header, rows):
    out = ['| ' + ' | '.join(header) + ' |', '|' + '---|' * len(header)]
    out += ['| ' + ' | '.join(str(c) for c in row) + ' |' for row in rows]
    return '\n'.join(out)


def rate(records, mb, seconds):
    if seconds <= 0:
        return '-', '-'
    return f'{records / seconds:,.0f}', f'{mb / seconds:,.1f}'


def stage_table(rows, wall, peak, records, mb, cpu=None):
    """Stage rows plus the process total, with records/s and MB/s; with CPU seconds per row
    (Preflight's `timing:` lines) also CPU s and cores busy (CPU s / s)."""
    with_cpu = bool(rows) and len(rows[0]) == 4
    body = []
    for row in rows:
        name, seconds, rss = row[:3]
        cells = [name, f'{seconds:.3f}']
        if with_cpu:
            cells += [f'{row[3]:.3f}', f'{row[3] / seconds:.2f}' if seconds > 0 else '-']
        body.append([*cells, *rate(records, mb, seconds), f'{rss:,.0f}'])
    total = ['**total (process wall)**', f'**{wall:.2f}**']
    if with_cpu:
        total += [f'**{cpu:.2f}**' if cpu else '-', f'**{cpu / wall:.2f}**' if cpu else '-']
    body.append([*total, *rate(records, mb, wall), f'**{peak:,.0f}**'])
    header = ['stage', 's'] + (['CPU s', 'cores'] if with_cpu else [])
    return fmt_table(header + ['records/s', 'MB/s', 'peak RSS MB'], body)


def side_by_side(pre, py, with_noise):
    """Mapped stages, Preflight s, Python s, ratio; total wall and peak RSS."""
    wall, peak, laps, _ = pre
    by = {}
    for kind, name, seconds, _, _ in laps:
        by[f'{kind}:{name}'] = seconds
    named = {k for _, keys, _ in MAPPING for k in keys}
    other = sum(s for k, s in by.items() if k.startswith('check:') and k not in named)
    other += by.get('stage:checks', 0) - sum(s for k, s in by.items() if k.startswith('check:'))
    by['other'] = other
    py_wall, _, py_stages = py
    py_by = {name: s for name, s, _ in py_stages}
    label_s = sum(s for name, s, _ in py_stages if name in LABEL_STAGES)
    if with_noise:
        py_total, py_peak = py_wall, py[1]
    else:
        # The same Python run without its label-noise stages: wall less their seconds, and the
        # high-water mark reached before them.
        py_total = py_wall - label_s
        py_peak = max([rss for name, _, rss in py_stages if name not in LABEL_STAGES
                       and name != 'write'] or [0])
    body = []
    for row, keys, py_keys in MAPPING:
        if not with_noise and row == 'label noise':
            continue
        p = sum(by.get(k, 0.0) for k in keys)
        q = sum(py_by.get(k, 0.0) for k in py_keys) if py_keys else None
        # Start-up is not comparable (rule files against imports): no ratio.
        ratio = (f'{q / p:,.1f}×' if q is not None and p > 0.0005 and row != 'start-up'
                 else '-')
        body.append([row, f'{p:.3f}', '-' if q is None else f'{q:.3f}', ratio])
    body.append(['**total wall (process)**', f'**{wall:.2f}**', f'**{py_total:.2f}**',
                 f'**{py_total / wall:,.1f}×**'])
    body.append(['**peak RSS MB**', f'**{peak:,.0f}**', f'**{py_peak:,.0f}**',
                 f'**{py_peak / peak:,.1f}×**'])
    return fmt_table(['stage', 'Preflight s', 'Python s', 'Python / Preflight'], body)


NOTE = """Stages: Preflight's `load` is reading and parsing both files into records (JSONL
scanner, split roles, fields); `exact duplicates` is the first check to ask for the normalized
key hashes (NFKC, case folding, whitespace), so it carries the normalization; `near duplicates
and leakage` is near_duplicates (shingles, MinHash signatures, LSH, exact Jaccard
verification, clusters) plus split_leakage (exact and near train→test leaks, reusing the
near index); `label noise` is label_issues (hashed features, 5-fold cross-validated logistic
regression, confident learning); `other checks` are the default checks the Python side does
not do (split_shift, coverage, pii, text_quality, volume, …) and the finish (sorting
findings, statistics, readiness); `report` writes the JSON report. Python's rows are the
stages of Benchmarks/python_reference.py: `start-up` imports pandas, numpy and datasketch
(Preflight's start-up row is reading the rule files; its process start is only in the
total), `load` is pandas read_json, `normalize` + `exact_duplicates` the same key with pandas
string methods and duplicated(), `near` is exact leakage (isin) plus datasketch MinHash
(128 permutations) and MinHashLSH (threshold 0.8) with exact Jaccard verification, `label
noise` is TF-IDF + logistic regression with 5-fold cross_val_predict (n_jobs=-1) and cleanlab
find_label_issues, `report` writes the findings JSON. Python's totals without label noise
are the same run less its label-noise stages, and its peak RSS does not count the
cross-validation worker processes. Totals are process wall time (/usr/bin/time), so start-up
and exit are in them; stage rows are the processes' own clocks. Ratios above 1 mean Python
took longer."""


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    results, sizes = sys.argv[1], sys.argv[2:]

    def folder(data, n, run):
        return os.path.join(results, f'{data}-{n}-{run}')

    def volume(data, n):
        path = os.path.join(results, f'{data}-{n}-bytes')
        mb = int(read(path).strip()) / 1e6 if os.path.isfile(path) else 0.0
        return int(n) + int(n) // 10, mb

    runs = [('classification', 'default', 'classification, default audit'),
            ('classification', 'noise', 'classification, default audit + label_issues'),
            ('chat', 'default', 'chat, default audit')]
    walls = {}
    print('## Preflight')
    for n in sizes:
        for data, run, title in runs:
            pre = load_preflight(folder(data, n, run))
            if pre is None:
                continue
            records, mb = volume(data, n)
            walls.setdefault((data, run), []).append((records, pre[0]))
            print(f'\n### {title}: {records:,} records, {mb:,.1f} MB\n')
            print(stage_table(preflight_rows(pre), pre[0], pre[1], records, mb, cpu=pre[3]))

    if any(load_python(folder('classification', n, 'python')) for n in sizes):
        print('\n## Python reference (pandas, datasketch, scikit-learn + cleanlab)')
        for n in sizes:
            py = load_python(folder('classification', n, 'python'))
            if py is None:
                continue
            records, mb = volume('classification', n)
            print(f'\n### classification: {records:,} records, {mb:,.1f} MB\n')
            print(stage_table(py[2], py[0], py[1], records, mb))

        print('\n## Side by side (classification)')
        for n in sizes:
            py = load_python(folder('classification', n, 'python'))
            if py is None:
                continue
            records, _ = volume('classification', n)
            for run, title in (('default', 'without label noise'), ('noise', 'with label noise')):
                pre = load_preflight(folder('classification', n, run))
                if pre is not None:
                    print(f'\n### {records:,} records, {title}\n')
                    print(side_by_side(pre, py, run == 'noise'))
        print('\n' + NOTE)

    scored = [n for n in sizes
              if os.path.isfile(os.path.join(folder('classification', n, 'default'), 'report.json'))]
    if scored:
        print('\n## Precision and recall (against generate.py\'s truth)')
    for n in scored:
        data_dir = os.path.join(os.path.dirname(results), f'suite-{n}')
        noise = os.path.join(folder('classification', n, 'noise'), 'report.json')
        default = os.path.join(folder('classification', n, 'default'), 'report.json')
        findings = os.path.join(folder('classification', n, 'python'), 'findings.json')
        if not os.path.isfile(default):
            continue
        records, _ = volume('classification', n)
        print(f'\n### {records:,} records (Preflight: the audit with label_issues)\n')
        rows = score.scores(data_dir, noise if os.path.isfile(noise) else default,
                            findings if os.path.isfile(findings) else None)
        print(score.table(rows))
        pairs = subprocess.run([sys.executable, os.path.join(os.path.dirname(__file__), 'recall.py'),
                                default, os.path.join(data_dir, 'near_truth.jsonl')],
                               capture_output=True, text=True).stdout.strip()
        if pairs:
            print('\nBenchmarks/recall.py on the default audit: ' + '; '.join(pairs.splitlines()))

    print('\n## Preflight time for 10× the records (target: at most 11×)\n')
    pairs = [(data, run, a, b) for (data, run), points in walls.items()
             for a, b in zip(points, points[1:]) if b[0] == 10 * a[0]]
    for data, run, (r0, w0), (r1, w1) in pairs:
        verdict = 'ok' if w1 <= 11 * w0 else 'ABOVE 11×'
        print(f'- {data}, {run}: {r0:,} → {r1:,} records: {w0:.2f} s → {w1:.2f} s, '
              f'{w1 / w0:.1f}× ({verdict})')
    if not pairs:
        print('- no two sizes 10× apart in this run')


if __name__ == '__main__':
    main()
