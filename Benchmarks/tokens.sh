#!/usr/bin/env bash
# token_budget's cost: the default audit of N generated short chat conversations
# (Benchmarks/generate_chat.py) with token_budget off, on with the estimate, and on with
# cl100k_base (--tokenizer; fetched by scripts/fetch-reference-tokenizers.sh), wall time of
# each and token_budget's share of the audit. Release build. Not a test; CI does not run it.
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
off=$(mktemp --suffix=.yaml)
printf 'version: 1\nchecks:\n  token_budget: {enabled: false}\n' >"$off"
trap 'rm -f "$off"' EXIT
runs=${RUNS:-1}

best() {  # best wall seconds of $runs runs of an audit with the given extra arguments
  local best="" t
  for _ in $(seq "$runs"); do
    t=$( { /usr/bin/time -f '%e' "$bin" audit --train "$dir/train.jsonl" --quiet "$@" 2>&1 >/dev/null || true; } | tail -n 1)
    if [ -z "$best" ] || awk "BEGIN{exit !($t < $best)}"; then best=$t; fi
  done
  echo "$best"
}

base=$(best --rules "$off")
estimate=$(best)
printf '%-28s %9s %9s %8s\n' "configuration" "wall (s)" "+ (s)" "share"
printf '%-28s %9.2f %9s %8s\n' "token_budget off" "$base" "-" "-"
printf '%-28s %9.2f %9.2f %7.1f%%\n' "token_budget, estimate" "$estimate" \
  "$(awk "BEGIN{print $estimate - $base}")" "$(awk "BEGIN{print 100 * ($estimate - $base) / $estimate}")"
if [ -f "$cl100k" ]; then
  exact=$(best --tokenizer "$cl100k")
  printf '%-28s %9.2f %9.2f %7.1f%%\n' "token_budget, cl100k_base" "$exact" \
    "$(awk "BEGIN{print $exact - $base}")" "$(awk "BEGIN{print 100 * ($exact - $base) / $exact}")"
else
  echo "cl100k_base not found in $tokenizers: run scripts/fetch-reference-tokenizers.sh"
fi
