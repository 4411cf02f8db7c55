#!/usr/bin/env bash
# Regex benchmark: ByteRegex vs NSRegularExpression, 20 typical slice patterns over synthetic
# support-ticket texts (~100-250 bytes), one core. Prints a Markdown table. Not a test.
#
#   Benchmarks/regex.sh [RECORDS] [REFERENCE_RECORDS]   defaults: 1000000 50000
#
# NSRegularExpression runs on the first REFERENCE_RECORDS texts only (it is ~100x slower);
# its column is scaled to records per second and its answers are compared with ours. The last
# line times the 20 patterns as one ByteRegexSet (one scan per text answers all of them).
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
swiftc -O -wmo -module-name RegexBenchmark -o "$out/regex-bench" \
  Sources/PreflightCore/Regex/*.swift Benchmarks/regex/main.swift
"$out/regex-bench" "$@"
