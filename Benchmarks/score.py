#!/usr/bin/env python3
"""Precision and recall per finding category, for Preflight and the Python reference, against
the ground truth that Benchmarks/generate.py writes.

    score.py DATA_DIR [--preflight REPORT.json] [--python FINDINGS.json] [--json]

DATA_DIR holds generate.py's truth.json and near_truth.jsonl; REPORT.json is Preflight's JSON
report of DATA_DIR/train.jsonl and test.jsonl; FINDINGS.json is what
Benchmarks/python_reference.py wrote for the same files. Every category is scored on record
ids: a record is flagged or not, and it should be or not.

| category | truth (generate.py) | Preflight findings (check/code: ids) | Python reference |
|---|---|---|---|
| exact_duplicates | later copies of a normalized text, per split | exact_duplicates/duplicate_input: location | `duplicated(keep='first')` |
| conflicting_labels | every record of a normalized text with more than one label | conflicting_labels/conflicting_label and cross_split_conflict: location and related | `groupby(key).label.nunique() > 1` |
| exact_leakage | test records whose normalized text is in train | split_leakage/leaked_from_train: location | `isin(train keys)` |
| near_duplicates | injected train near-copies (near_truth.jsonl) with Jaccard ≥ 0.8 | near_duplicates/near_duplicate: location (the later record) | MinHash LSH, verified pairs' later record |
| near_leakage | injected test near-copies of train with Jaccard ≥ 0.8 | split_leakage/near_leak_from_train: location | MinHash LSH query of test records |
| label_issues | the flipped train labels (`--flip-rate`); the relabelled copies are left out | label_issues: location | cleanlab find_label_issues |

Near-copies below the threshold are in neither the truth nor the flagged-by-mistake count
(a tool may or may not report them: they are near, only less so). The pair-level check of
Preflight's near-duplicate findings (cluster membership, exact similarities) stays in
Benchmarks/recall.py, which Benchmarks/suite.sh runs on the same report; this script counts
records, the same way for both tools.

Prints a table (or, with --json, one JSON object): category, truth count, and per tool the
flagged count, precision and recall; `-` where a tool did not run that category.
"""
import json, os, sys

THRESHOLD = 0.8
CATEGORIES = ('exact_duplicates', 'conflicting_labels', 'exact_leakage', 'near_duplicates',
              'near_leakage', 'label_issues')


def arg(name, default=None):
    return sys.argv[sys.argv.index(name) + 1] if name in sys.argv else default


def truth_sets(data_dir):
    """Category -> set of ids that should be flagged."""
    with open(os.path.join(data_dir, 'truth.json'), encoding='utf-8') as f:
        exact = json.load(f)
    truth = {
        'exact_duplicates': set(exact['exact_duplicates']),
        'conflicting_labels': set(exact['conflicting_labels']),
        'exact_leakage': set(exact['exact_leakage']),
        'near_duplicates': set(), 'near_leakage': set(),
        'label_issues': set(exact['label_flips']),
    }
    # Sets are ignored below the threshold both ways: remember them to leave them out.
    below = {'near_duplicates': set(), 'near_leakage': set()}
    with open(os.path.join(data_dir, 'near_truth.jsonl'), encoding='utf-8') as f:
        for line in f:
            if not line.strip():
                continue
            t = json.loads(line)
            category = 'near_duplicates' if t['kind'] == 'near_duplicate' else 'near_leakage'
            (truth[category] if t['jaccard'] >= THRESHOLD else below[category]).add(t['b'])
    # The relabelled copies that make conflicts carry wrong labels too: a label_issues flag on
    # one is neither right nor wrong against the flips.
    below['label_issues'] = set(exact.get('relabelled_copies', []))
    return truth, below


def preflight_sets(report_path):
    """Category -> ids Preflight flagged; categories whose check did not run are absent."""
    with open(report_path, encoding='utf-8') as f:
        report = json.load(f)
    ran = {c['id'] for c in report['checks'] if c['status'] != 'skipped'}
    wanted = {
        ('exact_duplicates', 'duplicate_input'): 'exact_duplicates',
        ('conflicting_labels', 'conflicting_label'): 'conflicting_labels',
        ('conflicting_labels', 'cross_split_conflict'): 'conflicting_labels',
        ('split_leakage', 'leaked_from_train'): 'exact_leakage',
        ('near_duplicates', 'near_duplicate'): 'near_duplicates',
        ('split_leakage', 'near_leak_from_train'): 'near_leakage',
    }
    runs = {'exact_duplicates': 'exact_duplicates', 'conflicting_labels': 'conflicting_labels',
            'exact_leakage': 'split_leakage', 'near_duplicates': 'near_duplicates',
            'near_leakage': 'split_leakage', 'label_issues': 'label_issues'}
    flagged = {c: set() for c, check in runs.items() if check in ran}
    for finding in report['findings']:
        check, code = finding['check'], finding.get('code')
        category = 'label_issues' if check == 'label_issues' else wanted.get((check, code))
        if category is None or category not in flagged or finding.get('location') is None:
            continue
        flagged[category].add(str(finding['location']['id']))
        if category == 'conflicting_labels':         # the group: the other labels' records too
            flagged[category].update(str(r['id']) for r in finding.get('related', []))
    return flagged


def python_sets(findings_path):
    """Category -> ids the Python reference flagged."""
    with open(findings_path, encoding='utf-8') as f:
        return {k: set(map(str, v)) for k, v in json.load(f)['findings'].items()}


def score(flagged, truth, ignored=frozenset()):
    """(flagged, precision, recall); records in `ignored` count neither way."""
    flagged = flagged - ignored
    hits = len(flagged & truth)
    precision = hits / len(flagged) if flagged else (1.0 if not truth else 0.0)
    recall = hits / len(truth) if truth else 1.0
    return len(flagged), precision, recall


def scores(data_dir, preflight=None, python=None):
    """Category -> {truth, preflight: (n, P, R) or None, python: …}."""
    truth, below = truth_sets(data_dir)
    tools = {'preflight': preflight_sets(preflight) if preflight else {},
             'python': python_sets(python) if python else {}}
    rows = {}
    for category in CATEGORIES:
        row = {'truth': len(truth[category])}
        for tool, sets in tools.items():
            row[tool] = (score(sets[category], truth[category], below.get(category, set()))
                         if category in sets else None)
        rows[category] = row
    return rows


def table(rows):
    """The scores as a Markdown table: category | truth | Preflight | Python."""
    def cell(s):
        return '-' if s is None else f'{s[1]:.3f} / {s[2]:.3f} ({s[0]})'
    lines = ['| category | truth | Preflight P / R (flagged) | Python P / R (flagged) |',
             '|---|---|---|---|']
    for category, row in rows.items():
        lines.append(f"| {category} | {row['truth']} | {cell(row['preflight'])} | "
                     f"{cell(row['python'])} |")
    return '\n'.join(lines)


def main():
    if len(sys.argv) < 2 or sys.argv[1].startswith('--'):
        sys.exit(__doc__)
    rows = scores(sys.argv[1], arg('--preflight'), arg('--python'))
    print(json.dumps(rows) if '--json' in sys.argv else table(rows))


if __name__ == '__main__':
    main()
