#!/usr/bin/env bash
# token_budget's cost on N generated short chat conversations (Benchmarks/generate_chat.py):
# its own time with the estimate and with cl100k_base (--tokenizer; fetched by
# scripts/fetch-reference-tokenizers.sh), as a share of the default audit's total time.
# Release build. Not a test; CI does not run it.
#
#   Benchmarks/tokens.sh [N]        default N: 1000000 conversations
#   RUNS=3 Benchmarks/tokens.sh     best of 3 runs per configuration (default 1)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-1000000}
swift build -c release --product preflight >/dev/null
bin=$(swift build -c release --show-bin-path)/preflight
dir="Benchmarks/.data/chat-$n"
if [ ! -f "$dir/train.jsonl" ]; then python3 Benchmarks/generate_chat.py "$n" "$dir"; fi
tokenizers=${PREFLIGHT_TOKENIZERS:-Benchmarks/.data/tokenizers}
cl100k="$tokenizers/9b5ad71b2ce5302211f9c61530b329a4922fc6a4"
# The checks stage of an audit with token_budget alone is token_budget's own time (with
# --timings); the full default audit is the denominator. Timing one check in isolation
# keeps the figure stable on a shared machine, where whole-audit differences are noise.
only=$(mktemp --suffix=.yaml)
{
  printf 'version: 1\nchecks:\n'
  for id in $("$bin" checks | awk 'NR>1 && $1 ~ /^[a-z_]+$/ {print $1}'); do
    [ "$id" = token_budget ] || printf '  %s: {enabled: false}\n' "$id"
  done
} >"$only"
trap 'rm -f "$only"' EXIT
runs=${RUNS:-1}

stage() {  # best of $runs: "<checks stage seconds> <total seconds>" of an audit
  local best="" line
  for _ in $(seq "$runs"); do
    line=$("$bin" audit --train "$dir/train.jsonl" --quiet --timings "$@" 2>&1 >/dev/null | grep '^timings:' || true)
    line=$(echo "$line" | sed -E 's/.*checks ([0-9.]+)s.*total ([0-9.]+)s.*/\1 \2/')
    if [ -z "$best" ] || awk "BEGIN{exit !(${line%% *} < ${best%% *})}"; then best=$line; fi
  done
  echo "$best"
}

full=$(stage)
estimate=$(stage --rules "$only")
printf '%-34s %12s %10s\n' "configuration" "checks (s)" "share"
printf '%-34s %12.2f %10s   (audit total %.2f s)\n' "default audit, all checks" "${full%% *}" "-" "${full##* }"
printf '%-34s %12.2f %9.1f%%\n' "token_budget alone, estimate" "${estimate%% *}" \
  "$(awk "BEGIN{print 100 * ${estimate%% *} / ${full##* }}")"
if [ -f "$cl100k" ]; then
  exact=$(stage --rules "$only" --tokenizer "$cl100k")
  printf '%-34s %12.2f %9.1f%%\n' "token_budget alone, cl100k_base" "${exact%% *}" \
    "$(awk "BEGIN{print 100 * ${exact%% *} / ${full##* }}")"
else
  echo "cl100k_base not found in $tokenizers: run scripts/fetch-reference-tokenizers.sh"
fi
