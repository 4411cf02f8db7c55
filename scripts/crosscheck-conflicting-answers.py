#!/usr/bin/env python3
"""Independent cross-check of conflicting_answers (exact tier) on the chat data in ../shared/data.

Recomputes, in plain Python, the records compared and the groups of identical prompts with
diverging answers: prompt = every message but a final assistant one, as `role: content` lines,
normalized (Unicode NFKC, str.casefold, whitespace runs collapsed and trimmed); records
without a final assistant answer, or whose prompt has fewer than 3 words not counting one role
label per message, are left out; answers are normalized the same way with Unicode punctuation
(P*) removed and compared as word sets; an answer whose Jaccard is below max_similarity with
the first answer of every earlier cluster starts a cluster, and a group of two clusters or
more conflicts. Runs the binary with the near tier off and
compares. Usage, from the repository root after `swift build -c release` (or `swift build`):

    python3 scripts/crosscheck-conflicting-answers.py
"""
import collections, json, os, subprocess, sys, tempfile, unicodedata

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(os.path.dirname(ROOT), 'shared', 'data')
TMP = tempfile.mkdtemp()
CASES = [('fastchat_identity/train.jsonl', [0.3, 0.5, 0.6]),
         ('hh_rlhf_harmless_test/test.chosen.jsonl', [0.3, 0.5])]


def norm(s, punctuation=False):
    s = unicodedata.normalize('NFKC', s).casefold()
    if punctuation:
        s = ''.join(c for c in s if not unicodedata.category(c).startswith('P'))
    return ' '.join(s.split())


def jaccard(a, b):
    a, b = set(a.split()), set(b.split())
    return len(a & b) / len(a | b) if a and b else 0.0


def expected(path, max_similarity):
    groups, compared = collections.defaultdict(list), 0
    for line in open(path, encoding='utf-8'):
        messages = json.loads(line)['messages']
        last = messages[-1]
        if last['role'] != 'assistant' or not last['content'].strip():
            continue
        prompt = '\n'.join(f"{m['role']}: {m['content']}" for m in messages[:-1])
        if len(norm(prompt).split()) - (len(messages) - 1) < 3:
            continue
        compared += 1
        groups[norm(prompt)].append(norm(last['content'], punctuation=True))
    conflicts = 0
    for answers in groups.values():
        firsts = []
        for a in answers:
            if not any(a == f or jaccard(a, f) >= max_similarity for f in firsts):
                firsts.append(a)
        conflicts += len(firsts) >= 2
    return compared, conflicts


def actual(path, max_similarity):
    binary = next(p for p in (os.path.join(ROOT, '.build', b, 'preflight')
                              for b in ('release', 'debug')) if os.path.exists(p))
    rules, report = os.path.join(TMP, 'rules.yaml'), os.path.join(TMP, 'report.json')
    with open(rules, 'w') as f:
        f.write('version: 1\nchecks:\n  conflicting_answers: { near: false, max_similarity: %s }\n'
                % max_similarity)
    subprocess.run([binary, 'audit', '--quiet', '--rules', rules, '--report', 'json=' + report,
                    '--train', path], check=False)
    metrics = next(c['metrics'] for c in json.load(open(report))['checks']
                   if c['id'] == 'conflicting_answers')
    return int(metrics['prompts_compared']), int(metrics['conflicting_groups'])


def main():
    if not os.path.isdir(DATA):
        print('no ../shared/data: nothing to check')
        return 0
    failures = 0
    for name, thresholds in CASES:
        path = os.path.join(DATA, name)
        for t in thresholds:
            want, got = expected(path, t), actual(path, t)
            ok = want == got
            failures += not ok
            print(f"{'ok  ' if ok else 'FAIL'} {name} max_similarity {t}: "
                  f"compared, groups = {got} (python {want})")
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
