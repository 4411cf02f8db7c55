#!/usr/bin/env bash
# Preflight benchmark: generated classification data at several sizes, the default audit,
# wall time, throughput and peak RSS, in one table. Not a test; CI does not run it.
#
#   Benchmarks/run.sh [SIZES...]      default sizes: 100000 1000000
#
# Data is cached in Benchmarks/.data (git-ignored). Release build. When the report has the
# near_duplicates check, recall and precision of the injected near-copies (Benchmarks/recall.py
# against near_truth.jsonl) are printed per size under the table.
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(100000 1000000)

swift build -c release --product preflight >/dev/null
bin=$(swift build -c release --show-bin-path)/preflight

printf '%-10s %8s %9s %10s %8s %10s %s\n' records MB wall_s records/s MB/s peak_MB stages
first_rate=""
near_lines=()
for n in "${sizes[@]}"; do
  dir="Benchmarks/.data/$n"
  if [ ! -f "$dir/train.jsonl" ] || [ ! -f "$dir/near_truth.jsonl" ]; then
    python3 Benchmarks/generate.py "$n" "$dir" >/dev/null
  fi
  bytes=$(cat "$dir/train.jsonl" "$dir/test.jsonl" | wc -c)
  total=$(( n + n / 10 ))
  log=$(mktemp)
  start=$(date +%s.%N)
  set +e
  /usr/bin/time -v "$bin" audit --train "$dir/train.jsonl" --test "$dir/test.jsonl" \
    --report "json=$dir/report.json" --timings >/dev/null 2>"$log"
  set -e
  end=$(date +%s.%N)
  wall=$(echo "$end - $start" | bc)
  rss_kb=$(grep "Maximum resident set size" "$log" | awk '{print $6}')
  stages=$(grep '^timings:' "$log" | sed 's/^timings: //; s/, total.*//')
  printf '%-10s %8.1f %9.2f %10.0f %8.1f %10.0f %s\n' "$total" "$(echo "$bytes/1000000" | bc -l)" "$wall" \
    "$(echo "$total/$wall" | bc -l)" "$(echo "$bytes/1000000/$wall" | bc -l)" "$(echo "$rss_kb/1024" | bc -l)" "$stages"
  rm -f "$log"
  near=$(python3 Benchmarks/recall.py "$dir/report.json" "$dir/near_truth.jsonl" 2>&1 || true)
  if [ -n "$near" ] && [[ "$near" != "near_duplicates: absent"* ]]; then
    while IFS= read -r line; do near_lines+=("$(printf '%-10s %s' "$total" "$line")"); done <<<"$near"
  fi
  if [ -z "$first_rate" ]; then first_rate=$wall; first_n=$total; else
    printf '  time ratio %s→%s records: %.2f× for %.1f× the records\n' "$first_n" "$total" \
      "$(echo "$wall/$first_rate" | bc -l)" "$(echo "$total/$first_n" | bc -l)"
  fi
done
if [ ${#near_lines[@]} -gt 0 ]; then
  echo
  echo "near-duplicates (injected pairs, Benchmarks/recall.py):"
  printf '%s\n' "${near_lines[@]}"
fi
