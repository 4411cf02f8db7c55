#!/usr/bin/env bash
# Slice-evaluation cost: the default audit of generated data with and without the 20 declared
# slices of Benchmarks/slices-20.yaml, wall time of each and the ratio (issue 5's target:
# 20 slices add at most 20 %). Release build. Not a test; CI does not run it.
#
#   Benchmarks/slices.sh [N]          default N: 1000000 training records (+ N/10 test)
#   RUNS=5 Benchmarks/slices.sh       best of 5 runs per configuration (default 3)
#
# Wall and CPU time are each the best of RUNS runs (the machine is shared: the best run is the
# least disturbed); the stage times printed by --timings separate reading from checks. A third run with the coverage check off shows what
# the automatic slices (measured on every audit) cost.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-1000000}
swift build -c release --product preflight >/dev/null
bin=$(swift build -c release --show-bin-path)/preflight
dir="Benchmarks/.data/$n"
if [ ! -f "$dir/train.jsonl" ]; then python3 Benchmarks/generate.py "$n" "$dir" >/dev/null; fi

runs=${RUNS:-3}

. Benchmarks/lib.sh
run() { best_audit "$runs" "$bin" --train "$dir/train.jsonl" --test "$dir/test.jsonl" "$@"; }
off=$(mktemp --suffix=.yaml)
printf 'version: 1\nchecks:\n  coverage: false\n' >"$off"
none=$(run --rules "$off")
rm -f "$off"
base=$(run)
sliced=$(run --rules Benchmarks/slices-20.yaml)
printf '%-22s %8s %8s  %s\n' "audit (best of $runs)" wall_s cpu_s "stages (best wall run)"
for row in "coverage off|$none" "default rules|$base" "+ 20 declared slices|$sliced"; do
  name=${row%%|*}
  values=${row#*|}
  printf '%-22s %8.2f %8.2f  %s\n' "$name" "$(field "$values" 1)" "$(field "$values" 2)" \
    "$(echo "$values" | cut -d' ' -f3-)"
done
ratio() { echo "$(field "$sliced" "$1") / $(field "$base" "$1")" | bc -l; }
printf 'slices add %.1f%% wall, %.1f%% CPU (target: at most 20%%)\n' \
  "$(echo "($(ratio 1) - 1) * 100" | bc -l)" "$(echo "($(ratio 2) - 1) * 100" | bc -l)"
printf 'automatic slices alone: %.3f wall over coverage off\n' \
  "$(echo "$(field "$base" 1) / $(field "$none" 1)" | bc -l)"
