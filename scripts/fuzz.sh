#!/usr/bin/env bash
# Builds the libFuzzer targets of Fuzz/ and runs them (see Fuzz/README.md).
#
#   scripts/fuzz.sh [--seconds N] [--jobs J] [--regressions] [TARGET...] [-- LIBFUZZER_FLAG...]
#
#   --seconds N     fuzz each target for N seconds (default 60)
#   --jobs J        run up to J targets at the same time (default 1); each target is one
#                   single-threaded libFuzzer process
#   --regressions   do not fuzz: run each target once on every file of Fuzz/Regressions/<TARGET>/
#                   and fail if any of them still crashes, hangs or runs out of memory
#   TARGET...       default: every target
#   -- FLAG...      further libFuzzer flags for every target, e.g. -- -use_value_profile=1
#
# Seeds in Fuzz/Corpus/<TARGET>/ are read, never written: new inputs go to
# Fuzz/.work/<TARGET>/ (kept between runs, git-ignored), crash/timeout/oom reproducers to
# Fuzz/.crashes/<TARGET>/ (git-ignored), the libFuzzer log to Fuzz/.work/<TARGET>.log.
# Exits 1 if any target found a crash, timeout or out-of-memory; 2 on a usage error.
#
# libFuzzer flags and why:
#   -max_total_time=N   the time box per target
#   -timeout=10         an input running longer than 10 s is a hang (a normal input takes ms)
#   -rss_limit_mb=2048  more than 2 GB resident is an out-of-memory finding; inputs are at
#                       most 64 KB, so no reader should come near it (also the malloc limit)
#   -max_len=65536      inputs up to 64 KB: enough for several records, quoted CSV fields
#                       spanning lines, nested YAML; larger inputs only slow the search down
#   -dict=Fuzz/*.dict   format tokens (JSON, YAML, rule-file keys, CSV) the mutator inserts
#   -print_final_stats=1  executions and exec/s for the summary table
#   -artifact_prefix    where reproducers land
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
fuzz="$root/Fuzz"
all_targets=(FuzzJSONL FuzzCSV FuzzYAML FuzzJSONArray FuzzGzip FuzzRules FuzzPredictions FuzzAudit
    FuzzReport)

seconds=60
jobs=1
regressions=0
targets=()
extra=()

usage() {
    sed -n '4,12p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
}

while [ $# -gt 0 ]; do
    case "$1" in
        --seconds)
            [ $# -ge 2 ] || usage
            seconds=$2
            shift 2
            ;;
        --jobs)
            [ $# -ge 2 ] || usage
            jobs=$2
            shift 2
            ;;
        --regressions)
            regressions=1
            shift
            ;;
        --)
            shift
            extra=("$@")
            break
            ;;
        -h | --help) usage ;;
        -*)
            echo "fuzz.sh: unknown option '$1'" >&2
            usage
            ;;
        *)
            known=0
            for t in "${all_targets[@]}"; do [ "$t" = "$1" ] && known=1; done
            if [ "$known" -ne 1 ]; then
                echo "fuzz.sh: unknown target '$1' (targets: ${all_targets[*]})" >&2
                exit 2
            fi
            targets+=("$1")
            shift
            ;;
    esac
done
case "$seconds" in '' | *[!0-9]*) echo "fuzz.sh: --seconds needs a number" >&2 && exit 2 ;; esac
case "$jobs" in '' | *[!0-9]* | 0) echo "fuzz.sh: --jobs needs a positive number" >&2 && exit 2 ;; esac
[ ${#targets[@]} -gt 0 ] || targets=("${all_targets[@]}")

dict_for() {
    case "$1" in
        FuzzJSONL | FuzzJSONArray | FuzzPredictions | FuzzAudit | FuzzReport) echo "$fuzz/json.dict" ;;
        FuzzCSV) echo "$fuzz/csv.dict" ;;
        FuzzYAML) echo "$fuzz/yaml.dict" ;;
        FuzzRules) echo "$fuzz/rules.dict" ;;
        *) echo "" ;;
    esac
}

# Build: every Swift module (the root package's too) is compiled with -sanitize=fuzzer,address,
# so coverage comes from the readers themselves. One product at a time: building the whole
# package would also link the root package's `preflight` executable, which fails with libFuzzer.
# -parse-as-library: main.swift holds only declarations; the entry point is <Target>_main.
for t in "${targets[@]}"; do
    echo "== building $t" >&2
    swift build --package-path "$fuzz" -c release \
        -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library --product "$t" >&2
done
bin=$(swift build --package-path "$fuzz" -c release --show-bin-path)

if [ "$regressions" -eq 1 ]; then
    status=0
    mkdir -p "$fuzz/.work"
    for t in "${targets[@]}"; do
        dir="$fuzz/Regressions/$t"
        files=()
        if [ -d "$dir" ]; then
            while IFS= read -r -d '' f; do files+=("$f"); done \
                < <(find "$dir" -type f ! -name '*.md' -print0 | sort -z)
        fi
        if [ ${#files[@]} -eq 0 ]; then
            printf '%-16s no reproducers\n' "$t"
            continue
        fi
        leaks=1
        [ "$t" = FuzzAudit ] && leaks=0
        if ASAN_OPTIONS="detect_leaks=$leaks" "$bin/$t" -timeout=10 -rss_limit_mb=2048 \
            -detect_leaks=$leaks "${files[@]}" \
            > "$fuzz/.work/regressions-$t.log" 2>&1; then
            printf '%-16s %d reproducers pass\n' "$t" "${#files[@]}"
            rm -f "$fuzz/.work/regressions-$t.log"
        else
            printf '%-16s FAILS (log: Fuzz/.work/regressions-%s.log)\n' "$t" "$t"
            status=1
        fi
    done
    exit "$status"
fi

run_target() {
    local t=$1
    local work="$fuzz/.work/$t"
    local crashes="$fuzz/.crashes/$t"
    local log="$fuzz/.work/$t.log"
    local dict
    dict=$(dict_for "$t")
    mkdir -p "$work" "$crashes"
    local args=(
        "-max_total_time=$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536
        -print_final_stats=1 "-artifact_prefix=$crashes/"
    )
    [ -n "$dict" ] && args+=("-dict=$dict")
    # FuzzAudit keeps its rules and configured checks for the whole run; Swift stores pointers
    # inside enum payloads with tag bits that LeakSanitizer does not take for pointers, so
    # those objects would be reported as leaked. Leaks stay checked by every other target.
    local asan_options="${ASAN_OPTIONS:-}"
    if [ "$t" = FuzzAudit ]; then
        args+=(-detect_leaks=0)
        asan_options="detect_leaks=0${asan_options:+:$asan_options}"
    fi
    [ ${#extra[@]} -eq 0 ] || args+=("${extra[@]}")
    local start end rc=0
    start=$(date +%s)
    # The first corpus folder receives new inputs; the seeds folder is only read.
    ASAN_OPTIONS="$asan_options" "$bin/$t" "${args[@]}" "$work" "$fuzz/Corpus/$t" > "$log" 2>&1 \
        || rc=$?
    end=$(date +%s)
    echo "$((end - start)) $rc" > "$fuzz/.work/$t.result"
}

echo "== fuzzing ${targets[*]} for ${seconds} s each, $jobs at a time" >&2
running=0
for t in "${targets[@]}"; do
    rm -f "$fuzz/.work/$t.result"
    run_target "$t" &
    running=$((running + 1))
    if [ "$running" -ge "$jobs" ]; then
        wait -n || true
        running=$((running - 1))
    fi
done
wait || true

# Summary: one row per target from its log.
status=0
printf '%-16s %7s %11s %8s %7s %7s %14s  %s\n' \
    target seconds execs exec/s cov ft corpus result
for t in "${targets[@]}"; do
    log="$fuzz/.work/$t.log"
    read -r secs rc < "$fuzz/.work/$t.result" || { secs=?; rc=?; }
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
    last=$(grep -E '^#[0-9]+' "$log" | grep -E 'cov: ' | tail -n 1 || true)
    cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<< "$last")
    ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<< "$last")
    corp=$(sed -n 's/.* corp: \([0-9]*\/[0-9]*[a-zA-Z]*\).*/\1/p' <<< "$last")
    artifacts=$(sed -n 's/.*Test unit written to //p' "$log" | tr '\n' ' ')
    kind=$(grep -oE 'ERROR: (AddressSanitizer: [a-z-]+|libFuzzer: [a-z -]+)|ALARM: working on the last Unit' \
        "$log" | head -n 1 || true)
    kind=${kind% }
    if [ "$rc" = 0 ]; then
        result=none
    else
        result="FOUND (exit $rc) ${kind:-}: ${artifacts:-see $log}"
        status=1
    fi
    printf '%-16s %7s %11s %8s %7s %7s %14s  %s\n' \
        "$t" "$secs" "${execs:-?}" "${rate:-?}" "${cov:-?}" "${ft:-?}" "${corp:-?}" "$result"
done
exit "$status"
