#!/usr/bin/env bash
# Cost of the pii check: the default audit of N generated short chat conversations
# (Benchmarks/generate_pii_chat.py, ~1% with injected personal data) with and without `pii`, and
# `pii` alone, best of RUNS runs each (wall and CPU time; the machine is shared). Release
# build. Not a test; CI does not run it.
#
#   Benchmarks/pii.sh [N]          default N: 1000000 conversations
#   RUNS=5 Benchmarks/pii.sh       best of 5 runs per configuration (default 3)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-1000000}
swift build -c release --product preflight >/dev/null
bin=$(swift build -c release --show-bin-path)/preflight
dir="Benchmarks/.data/pii-chat-$n"
mkdir -p "$dir"
if [ ! -f "$dir/train.jsonl" ]; then python3 Benchmarks/generate_pii_chat.py "$n" "$dir/train.jsonl"; fi
runs=${RUNS:-3}

. Benchmarks/lib.sh
run() { best_audit "$runs" "$bin" --train "$dir/train.jsonl" "$@"; }
off=$(mktemp --suffix=.yaml)
printf 'version: 1\nchecks:\n  pii: false\n' >"$off"
only=$(mktemp --suffix=.yaml)
{
  printf 'version: 1\nchecks:\n'
  "$bin" checks | awk 'NR > 1 && $1 != "pii" && $1 ~ /^[a-z_]+$/ {print "  " $1 ": false"}'
} >"$only"
without=$(run --rules "$off")
with=$(run)
alone=$(run --rules "$only")
rm -f "$off" "$only"
printf '%-26s %8s %8s  %s\n' "audit of $n chats" wall_s cpu_s "stages (best wall run)"
for row in "default rules, pii off|$without" "default rules|$with" "pii alone (others off)|$alone"; do
  name=${row%%|*}
  values=${row#*|}
  printf '%-26s %8.2f %8.2f  %s\n' "$name" "$(field "$values" 1)" "$(field "$values" 2)" \
    "$(echo "$values" | cut -d' ' -f3-)"
done
share() { echo "($(field "$with" "$1") - $(field "$without" "$1")) / $(field "$with" "$1") * 100" | bc -l; }
printf 'with minus without: %.1f%% of the audit wall time, %.1f%% of its CPU time\n' "$(share 1)" "$(share 2)"
# The difference of two whole audits is noisy on a shared machine; the check stage of the
# pii-alone audit is the check's own time.
stage=$(echo "$alone" | grep -o 'checks [0-9.]*s' | grep -o '[0-9.]*' | head -1)
printf 'pii check stage alone: %.2f s = %.1f%% of the default audit wall time\n' "$stage" \
  "$(echo "$stage / $(field "$with" 1) * 100" | bc -l)"
