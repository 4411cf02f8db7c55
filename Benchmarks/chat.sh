#!/usr/bin/env bash
# Chat-check cost: the default audit of N short generated conversations with the chat checks
# (chat_format, token_budget, pii, text_quality, output_consistency — those this build has)
# off and on, best of RUNS runs each, and the ratio (issue 6's target: the chat checks add at
# most 30 %). Release build. Not a test; CI does not run it.
#
#   Benchmarks/chat.sh [N]            default N: 1000000 conversations (+ N/10 test)
#   RUNS=5 Benchmarks/chat.sh         best of 5 (default 3)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-1000000}
runs=${RUNS:-3}
swift build -c release --product preflight >/dev/null
bin=$(swift build -c release --show-bin-path)/preflight
dir="Benchmarks/.data/chat-$n"
if [ ! -f "$dir/train.jsonl" ]; then python3 Benchmarks/generate_chat.py "$n" "$dir" >/dev/null; fi
chat_checks=$("$bin" checks --markdown | grep -oE '^\| `(chat_format|token_budget|pii|text_quality|output_consistency)`' | tr -d '|` ' || true)

. Benchmarks/lib.sh
run() { best_audit "$runs" "$bin" --train "$dir/train.jsonl" --test "$dir/test.jsonl" "$@"; }
off=$(mktemp --suffix=.yaml)
{
  printf 'version: 1\nchecks:\n'
  for c in $chat_checks; do printf '  %s: false\n' "$c"; done
} >"$off"
without=$(run --rules "$off")
rm -f "$off"
with=$(run)
echo "chat checks in this build: $(echo $chat_checks)"
printf '%-24s %8s %8s  %s\n' "audit (best of $runs)" wall_s cpu_s "stages (best wall run)"
printf '%-24s %8.2f %8.2f  %s\n' "chat checks off" "$(field "$without" 1)" "$(field "$without" 2)" "$(echo "$without" | cut -d' ' -f3-)"
printf '%-24s %8.2f %8.2f  %s\n' "default (chat checks on)" "$(field "$with" 1)" "$(field "$with" 2)" "$(echo "$with" | cut -d' ' -f3-)"
printf 'chat checks add %.1f%% wall, %.1f%% CPU (target: at most 30%%)\n' \
  "$(echo "($(field "$with" 1) / $(field "$without" 1) - 1) * 100" | bc -l)" \
  "$(echo "($(field "$with" 2) / $(field "$without" 2) - 1) * 100" | bc -l)"
