#!/usr/bin/env bash
# Content-check benchmark: the cost of text_quality and output_consistency on short generated
# chat conversations (Benchmarks/generate_content_chat.py), as a share of the default audit. Not a test;
# CI does not run it. Release build; each configuration runs RUNS times, the fastest is kept.
#
#   Benchmarks/content.sh [RECORDS] [RUNS]      defaults: 1000000 1
#
# Configurations: the default audit; every check off (reading, validation and report only: the
# baseline); the baseline plus one check. A check's
# cost is its configuration's time minus the baseline's, and its share is that cost over the
# default audit's time. Two data sets: free-text targets, and JSON targets (--json-targets:
# output_consistency parses every target and compares schemas).
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-1000000}
runs=${2:-1}
swift build -c release --product preflight >/dev/null
bin=$(swift build -c release --show-bin-path)/preflight
rules=$(mktemp -d)
trap 'rm -rf "$rules"' EXIT
ids=$("$bin" checks | awk 'NR > 1 {print $1}')
off() {  # a rule file with every check off except those named
  { echo "version: 1"; echo "checks:"
    for id in $ids; do
      case " $* " in *" $id "*) ;; *) echo "  $id: {enabled: false}" ;; esac
    done; } >"$rules/$1.yaml"
}
off baseline
off only_tq text_quality
off only_oc output_consistency
: >"$rules/default.yaml"; echo "version: 1" >"$rules/default.yaml"

time_of() {  # fastest wall time of an audit of $1 with rule file $2, and its peak RSS
  local best="" rss=""
  for _ in $(seq "$runs"); do
    local log; log=$(mktemp)
    local start end
    start=$(date +%s.%N)
    /usr/bin/time -v "$bin" audit --train "$1" --rules "$rules/$2.yaml" >/dev/null 2>"$log" || true
    end=$(date +%s.%N)
    local t; t=$(echo "$end - $start" | bc)
    if [ -z "$best" ] || (( $(echo "$t < $best" | bc) )); then
      best=$t; rss=$(grep "Maximum resident set size" "$log" | awk '{print $6}')
    fi
    rm -f "$log"
  done
  echo "$best $rss"
}

for kind in text json; do
  dir="Benchmarks/.data/chat-$n-$kind"
  if [ ! -f "$dir/train.jsonl" ]; then
    flag=""; [ "$kind" = json ] && flag="--json-targets"
    mkdir -p "$dir"
    python3 Benchmarks/generate_content_chat.py "$n" "$dir" $flag >"$dir.counts"
  fi
  mb=$(echo "$(wc -c <"$dir/train.jsonl") / 1000000" | bc -l)
  read -r all all_rss <<<"$(time_of "$dir/train.jsonl" default)"
  read -r base base_rss <<<"$(time_of "$dir/train.jsonl" baseline)"
  read -r tq tq_rss <<<"$(time_of "$dir/train.jsonl" only_tq)"
  read -r oc oc_rss <<<"$(time_of "$dir/train.jsonl" only_oc)"
  echo
  printf '%s targets, %s records, %.0f MB\n' "$kind" "$n" "$mb"
  printf '| %-34s | %8s | %8s | %9s | %8s |\n' configuration wall_s cost_s "of audit" peak_MB
  printf '|%s|%s|%s|%s|%s|\n' "------------------------------------" "----------" "----------" "-----------" "----------"
  row() { printf '| %-34s | %8.2f | %8s | %9s | %8.0f |\n' "$1" "$2" "$3" "$4" "$(echo "$5/1024" | bc -l)"; }
  row "default audit" "$all" "" "100%" "$all_rss"
  row "baseline (every check off)" "$base" "" "" "$base_rss"
  row "baseline + text_quality" "$tq" "$(printf '%.2f' "$(echo "$tq - $base" | bc -l)")" \
    "$(printf '%.1f%%' "$(echo "100 * ($tq - $base) / $all" | bc -l)")" "$tq_rss"
  row "baseline + output_consistency" "$oc" "$(printf '%.2f' "$(echo "$oc - $base" | bc -l)")" \
    "$(printf '%.1f%%' "$(echo "100 * ($oc - $base) / $all" | bc -l)")" "$oc_rss"
  echo "injected: $(cat "$dir.counts")"
done
