#!/usr/bin/env bash
# Preflight side by side with the Python stack (issue 8): time, throughput and peak memory per
# stage, and precision and recall per finding category, on generated data with ground truth.
# A benchmark, not a test: CI does not run it.
#
#   Benchmarks/suite.sh [--no-python] [--only classification|chat] [--runs N] [SIZES...]
#
# SIZES are training records (default 10000 100000 1000000); each dataset also has a test
# split of a tenth of that. Per size:
# - classification data (Benchmarks/generate.py --flip-rate 0.03: duplicates, conflicts,
#   leakage, near-copies and 3 % flipped labels, with truth.json and near_truth.jsonl):
#   Preflight's default audit, and the default audit plus label_issues
#   (Benchmarks/suite-noise-rules.yaml);
# - chat data (Benchmarks/generate_chat.py): Preflight's default audit;
# - unless --no-python, Benchmarks/python_reference.py on the classification files (pandas,
#   datasketch MinHash LSH, scikit-learn + cleanlab), in Benchmarks/.venv (git-ignored),
#   made here with pinned versions from PyPI when missing.
# Preflight runs with --timings (per-stage and per-check seconds and peak RSS) under
# /usr/bin/time (process wall and peak RSS); with --runs N (default 1) each run is repeated N
# times and the fastest kept (the machine may be shared). Benchmarks/suite_report.py then
# prints the tables: Preflight per stage, the Python reference per stage, side by side,
# precision and recall (Benchmarks/score.py), and the time ratio for 10× the records.
#
# Data is cached in Benchmarks/.data/suite-*; results of the last run are in
# Benchmarks/.data/suite-results. Release build.
set -euo pipefail
cd "$(dirname "$0")/.."

python_ref=1
only=""
runs=1
sizes=()
while [ $# -gt 0 ]; do
  case "$1" in
    --no-python) python_ref=0 ;;
    --only)
      only=${2:-}
      shift
      [ "$only" = classification ] || [ "$only" = chat ] || {
        echo "--only takes classification or chat" >&2
        exit 2
      }
      ;;
    --runs)
      runs=${2:-}
      shift
      [[ "$runs" =~ ^[1-9][0-9]*$ ]] || {
        echo "--runs takes a positive number" >&2
        exit 2
      }
      ;;
    -h | --help)
      sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'
      exit 0
      ;;
    -*)
      echo "unknown option $1" >&2
      exit 2
      ;;
    *) sizes+=("$1") ;;
  esac
  shift
done
[ ${#sizes[@]} -gt 0 ] || sizes=(10000 100000 1000000)
[ "$only" = chat ] && python_ref=0

# The Python stack, pinned so that numbers are comparable between runs.
PINNED=(pandas==3.1.1 numpy==2.4.6 scikit-learn==1.9.1 cleanlab==2.9.0 datasketch==2.0.0)
venv=Benchmarks/.venv
if [ $python_ref = 1 ]; then
  [ -x $venv/bin/python ] || python3 -m venv $venv
  if ! $venv/bin/python - "${PINNED[@]}" <<'PY' 2>/dev/null; then
import sys
from importlib.metadata import version
sys.exit(any(version(p.split('==')[0]) != p.split('==')[1] for p in sys.argv[1:]))
PY
    echo "installing ${PINNED[*]} into $venv" >&2
    $venv/bin/pip install -q "${PINNED[@]}" >&2
  fi
fi

swift build -c release --product preflight >/dev/null
bin=$(swift build -c release --show-bin-path)/preflight
results=Benchmarks/.data/suite-results
rm -rf "$results"
mkdir -p "$results"

# best RUNS OUT_DIR COMMAND...: runs COMMAND under /usr/bin/time RUNS times and keeps, in
# OUT_DIR, the fastest run's time.txt ("WALL_S PEAK_RSS_KB CPU_S"), stderr.txt and the files it
# wrote to $OUT_DIR/run (moved to OUT_DIR). A non-zero exit (a not-ready verdict) is fine.
best() {
  local n=$1 out=$2 best_wall="" wall rss user sys
  shift 2
  mkdir -p "$out"
  for _ in $(seq "$n"); do
    rm -rf "$out/run"
    mkdir -p "$out/run"
    set +e
    /usr/bin/time -f '%e %M %U %S' -o "$out/run/time.txt" "$@" >/dev/null 2>"$out/run/stderr.txt"
    set -e
    read -r wall rss user sys < <(tail -n 1 "$out/run/time.txt")
    if [ -z "$best_wall" ] || [ "$(echo "$wall < $best_wall" | bc)" = 1 ]; then
      best_wall=$wall
      echo "$wall $rss $(echo "$user + $sys" | bc)" >"$out/run/time.txt"
      cp -f "$out"/run/* "$out"/
    fi
  done
  rm -rf "$out/run"
}

for n in "${sizes[@]}"; do
  if [ "$only" != chat ]; then
    dir=Benchmarks/.data/suite-$n
    if [ ! -f "$dir/truth.json" ]; then
      echo "generating $n classification records" >&2
      python3 Benchmarks/generate.py "$n" "$dir" --flip-rate 0.03 >/dev/null
    fi
    echo "classification $n: Preflight, default audit" >&2
    out=$results/classification-$n-default
    best "$runs" "$out" "$bin" audit --train "$dir/train.jsonl" --test "$dir/test.jsonl" \
      --report "json=$out/run/report.json" --quiet --timings
    echo "classification $n: Preflight, with label_issues" >&2
    out=$results/classification-$n-noise
    best "$runs" "$out" "$bin" audit --rules Benchmarks/suite-noise-rules.yaml \
      --train "$dir/train.jsonl" --test "$dir/test.jsonl" \
      --report "json=$out/run/report.json" --quiet --timings
    if [ $python_ref = 1 ]; then
      echo "classification $n: Python reference" >&2
      out=$results/classification-$n-python
      best "$runs" "$out" $venv/bin/python Benchmarks/python_reference.py \
        "$dir/train.jsonl" "$dir/test.jsonl" --label-noise --findings-out "$out/run/findings.json"
    fi
    cat "$dir/train.jsonl" "$dir/test.jsonl" | wc -c >"$results/classification-$n-bytes"
  fi
  if [ "$only" != classification ]; then
    dir=Benchmarks/.data/suite-chat-$n
    if [ ! -f "$dir/test.jsonl" ]; then
      echo "generating $n chat records" >&2
      python3 Benchmarks/generate_chat.py "$n" "$dir" >/dev/null
    fi
    echo "chat $n: Preflight, default audit" >&2
    out=$results/chat-$n-default
    best "$runs" "$out" "$bin" audit --train "$dir/train.jsonl" --test "$dir/test.jsonl" \
      --report "json=$out/run/report.json" --quiet --timings
    cat "$dir/train.jsonl" "$dir/test.jsonl" | wc -c >"$results/chat-$n-bytes"
  fi
done

python3 Benchmarks/suite_report.py "$results" "${sizes[@]}"
