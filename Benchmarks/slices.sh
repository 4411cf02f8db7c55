#!/usr/bin/env bash
# Slice-evaluation cost: the default audit of generated data with and without the 20 declared
# slices of Benchmarks/slices-20.yaml, wall time of each and the ratio (issue 5's target:
# 20 slices add at most 20 %). Release build. Not a test; CI does not run it.
#
#   Benchmarks/slices.sh [N]          default N: 1000000 training records (+ N/10 test)
#
# The regexes run on whatever engine ByteRegex has in this build; the stage times printed by
# --timings separate reading from checks. A third run with the coverage check off shows what
# the automatic slices (measured on every audit) cost.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-1000000}
swift build -c release --product preflight >/dev/null
bin=$(swift build -c release --show-bin-path)/preflight
dir="Benchmarks/.data/$n"
if [ ! -f "$dir/train.jsonl" ]; then python3 Benchmarks/generate.py "$n" "$dir" >/dev/null; fi

run() {  # prints wall seconds, then the stage line
  local log start end
  log=$(mktemp)
  start=$(date +%s.%N)
  set +e
  "$bin" audit --train "$dir/train.jsonl" --test "$dir/test.jsonl" --quiet --timings "$@" 2>"$log"
  set -e
  end=$(date +%s.%N)
  echo "$(echo "$end - $start" | bc) $(grep '^timings:' "$log" | sed 's/^timings: //')"
  rm -f "$log"
}
off=$(mktemp --suffix=.yaml)
printf 'version: 1\nchecks:\n  coverage: false\n' >"$off"
none=$(run --rules "$off")
rm -f "$off"
base=$(run)
sliced=$(run --rules Benchmarks/slices-20.yaml)
o=${none%% *}
b=${base%% *}
s=${sliced%% *}
printf '%-22s %8s  %s\n' audit wall_s stages
printf '%-22s %8.2f  %s\n' "coverage off" "$o" "${none#* }"
printf '%-22s %8.2f  %s\n' "default rules" "$b" "${base#* }"
printf '%-22s %8.2f  %s\n' "+ 20 declared slices" "$s" "${sliced#* }"
printf 'ratio: %.3f (slices add %.1f%%)\n' "$(echo "$s/$b" | bc -l)" "$(echo "($s/$b - 1)*100" | bc -l)"
printf 'automatic slices alone: %.3f over coverage off\n' "$(echo "$b/$o" | bc -l)"
