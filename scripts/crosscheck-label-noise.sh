#!/usr/bin/env bash
# Cross-checks label_issues on real text with known label errors: each classification set in
# ../shared/data gets 3 % of its training labels flipped at random (Benchmarks/flip_labels.py,
# seeded), then
#   - Preflight (built-in classifier + confident learning) and
#   - the Python reference (Benchmarks/noise_reference.py: scikit-learn TF-IDF + logistic
#     regression, 5-fold cross-validated, cleanlab find_label_issues)
# flag records; the table gives out-of-sample accuracy, flags, precision and recall against
# the flips, and time, for both. Last column: Preflight's confident learning run on the
# reference's own probabilities (--predictions) against cleanlab's flags on the same
# probabilities, both pruning by noise rate (Benchmarks/noise-pbnr-rules.yaml; Preflight's
# default prunes by class) — the share of flags they agree on (Jaccard), which isolates the
# confident-learning implementation from the classifier.
#
# The original data holds label errors of its own; flagging those counts against precision
# for both tools alike. Needs ../shared/data (skips otherwise) and PyPI for the venv.
#
#   scripts/crosscheck-label-noise.sh [DATASET...]
set -euo pipefail
cd "$(dirname "$0")/.."
shared=../shared/data
if [ ! -d "$shared" ]; then echo "no $shared: nothing to cross-check"; exit 0; fi
sets=("$@")
[ ${#sets[@]} -gt 0 ] || sets=(banking77 clinc150 trec sms_spam imdb_cleanlab)

swift build -c release --product preflight >/dev/null
bin=$(swift build -c release --show-bin-path)/preflight
if [ ! -x Benchmarks/.venv/bin/python ]; then
  python3 -m venv Benchmarks/.venv
  Benchmarks/.venv/bin/pip install -q scikit-learn cleanlab numpy >/dev/null
fi

printf '%-14s %6s %6s | %-31s | %-31s | %s\n' dataset records flips \
  "preflight acc flags P R s" "sklearn+cleanlab acc flags P R s" "same-probs agreement"
for d in "${sets[@]}"; do
  source=$shared/$d/train.jsonl
  [ -f "$source" ] || source=$shared/$d/data.jsonl
  work=Benchmarks/.data/crosscheck-$d
  python3 Benchmarks/flip_labels.py "$source" "$work" >/dev/null
  start=$(date +%s.%N)
  "$bin" audit --rules Benchmarks/noise-rules.yaml --train "$work/train.jsonl" \
    --report "json=$work/report.json" --quiet || true
  ours_s=$(echo "$(date +%s.%N) - $start" | bc)
  ref=$(Benchmarks/.venv/bin/python Benchmarks/noise_reference.py "$work/train.jsonl" \
    --flipped "$work/flipped.jsonl" --probs-out "$work/reference-probs.csv" \
    --flags-out "$work/reference-flags.json" 2>/dev/null)
  # cleanlab's find_label_issues prunes by noise rate: compare like with like.
  "$bin" audit --rules Benchmarks/noise-rules.yaml --rules Benchmarks/noise-pbnr-rules.yaml \
    --train "$work/train.jsonl" \
    --predictions "$work/reference-probs.csv" --report "json=$work/same-probs.json" --quiet || true
  python3 - "$d" "$work" "$ours_s" "$ref" <<'PY'
import json, sys
name, work, ours_s, ref = sys.argv[1], sys.argv[2], float(sys.argv[3]), json.loads(sys.argv[4])
truth = {json.loads(l)['id'] for l in open(f'{work}/flipped.jsonl') if l.strip()}
def flags(path):
    return {f['location']['id'] for f in json.load(open(path))['findings']
            if f['check'] == 'label_issues'}
report = json.load(open(f'{work}/report.json'))
check = next(c for c in report['checks'] if c['id'] == 'label_issues')
ours = flags(f'{work}/report.json')
hits = len(ours & truth)
same, theirs = flags(f'{work}/same-probs.json'), set(json.load(open(f'{work}/reference-flags.json')))
agree = len(same & theirs) / max(1, len(same | theirs))
print(f"{name:14s} {ref['records']:6d} {len(truth):6d} | "
      f"{check['metrics'].get('oos_accuracy', 0):.3f} {len(ours):5d} "
      f"{hits / max(1, len(ours)):.3f} {hits / max(1, len(truth)):.3f} {ours_s:5.1f} | "
      f"{ref['oos_accuracy']:.3f} {ref['flagged']:5d} {ref['precision']:.3f} {ref['recall']:.3f} "
      f"{ref['total_seconds']:5.1f} | {agree:.3f} ({len(same)} vs {len(theirs)})")
PY
done
