#!/usr/bin/env bash
# Preflight label-noise benchmark: generated classification data with 3 % of the labels
# flipped at random (Benchmarks/generate_noise.py), label_issues alone (Benchmarks/noise-rules.yaml):
# wall time, peak RSS, and the precision and recall of the flags against the known flips.
# Not a test; CI does not run it.
#
#   Benchmarks/noise.sh [--reference] [SIZES...]      default sizes: 100000 1000000
#
# --reference also runs, at each size up to 100,000 records, the Python pipeline data teams
# use today (Benchmarks/noise_reference.py: scikit-learn TF-IDF + logistic regression, 5-fold
# cross-validated probabilities, cleanlab find_label_issues), installed from PyPI into
# Benchmarks/.venv, and prints its time, precision and recall beside Preflight's, with the
# time ratio. It then feeds the reference's own probabilities to Preflight (--predictions,
# pruning by noise rate as cleanlab does: Benchmarks/noise-pbnr-rules.yaml) and compares the
# two confident-learning implementations flag for flag on identical inputs.
#
# Data is cached in Benchmarks/.data (git-ignored). Release build.
set -euo pipefail
cd "$(dirname "$0")/.."
reference=0
sizes=()
for a in "$@"; do
  case "$a" in
    --reference) reference=1 ;;
    *) sizes+=("$a") ;;
  esac
done
[ ${#sizes[@]} -gt 0 ] || sizes=(100000 1000000)

swift build -c release --product preflight >/dev/null
bin=$(swift build -c release --show-bin-path)/preflight
python=python3
if [ $reference = 1 ]; then
  if [ ! -x Benchmarks/.venv/bin/python ]; then
    python3 -m venv Benchmarks/.venv
    Benchmarks/.venv/bin/pip install -q scikit-learn cleanlab numpy >/dev/null
  fi
  python=Benchmarks/.venv/bin/python
fi

# Precision and recall of a report's label_issues flags (or of a JSON list of ids).
score() {
  python3 - "$1" "$2" <<'PY'
import json, sys
report, truth_path = sys.argv[1], sys.argv[2]
truth = {json.loads(l)['id'] for l in open(truth_path) if l.strip()}
data = json.load(open(report))
if isinstance(data, list):
    flagged = set(data)
else:
    flagged = {f['location']['id'] for f in data['findings'] if f['check'] == 'label_issues'}
hits = len(flagged & truth)
print(f"{len(flagged)} {hits / max(1, len(flagged)):.4f} {hits / max(1, len(truth)):.4f}")
PY
}

printf '%-9s %-10s %8s %8s %8s %9s %9s %7s\n' records tool wall_s peak_MB flagged precision recall ratio
for n in "${sizes[@]}"; do
  dir="Benchmarks/.data/noise-$n"
  [ -f "$dir/flipped.jsonl" ] || python3 Benchmarks/generate_noise.py "$n" "$dir" >/dev/null
  log=$(mktemp)
  start=$(date +%s.%N)
  set +e
  /usr/bin/time -v "$bin" audit --rules Benchmarks/noise-rules.yaml --train "$dir/train.jsonl" \
    --report "json=$dir/report.json" --quiet 2>"$log"
  set -e
  wall=$(echo "$(date +%s.%N) - $start" | bc)
  rss=$(awk '/Maximum resident set size/ {print $6 / 1024}' "$log")
  read -r flagged precision recall < <(score "$dir/report.json" "$dir/flipped.jsonl")
  printf '%-9s %-10s %8.2f %8.0f %8s %9s %9s %7s\n' "$n" preflight "$wall" "$rss" "$flagged" \
    "$precision" "$recall" ""
  if [ $reference = 1 ] && [ "$n" -le 100000 ]; then
    start=$(date +%s.%N)
    /usr/bin/time -v "$python" Benchmarks/noise_reference.py "$dir/train.jsonl" \
      --probs-out "$dir/reference-probs.csv" --flags-out "$dir/reference-flags.json" \
      >/dev/null 2>"$log"
    ref_wall=$(echo "$(date +%s.%N) - $start" | bc)
    ref_rss=$(awk '/Maximum resident set size/ {print $6 / 1024}' "$log")
    read -r flagged precision recall < <(score "$dir/reference-flags.json" "$dir/flipped.jsonl")
    printf '%-9s %-10s %8.2f %8.0f %8s %9s %9s %6.1f×\n' "$n" sklearn+cl "$ref_wall" "$ref_rss" \
      "$flagged" "$precision" "$recall" "$(echo "$ref_wall / $wall" | bc -l)"
    # The same probabilities through both confident-learning implementations, both pruning
    # by noise rate (cleanlab's default; Preflight's default prunes by class).
    set +e
    "$bin" audit --rules Benchmarks/noise-rules.yaml --rules Benchmarks/noise-pbnr-rules.yaml \
      --train "$dir/train.jsonl" \
      --predictions "$dir/reference-probs.csv" --report "json=$dir/report-same-probs.json" --quiet
    set -e
    python3 - "$dir/report-same-probs.json" "$dir/reference-flags.json" <<'PY' >>"$log.same"
import json, sys
ours = {f['location']['id'] for f in json.load(open(sys.argv[1]))['findings']
        if f['check'] == 'label_issues'}
theirs = set(json.load(open(sys.argv[2])))
both = len(ours & theirs)
print(f"same probabilities: preflight flags {len(ours)}, cleanlab {len(theirs)}, both {both}, "
      f"agreement (Jaccard) {both / max(1, len(ours | theirs)):.4f}")
PY
    sed "s/^/  $n /" "$log.same"
    rm -f "$log.same"
  fi
  rm -f "$log"
done
