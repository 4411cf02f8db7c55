#!/usr/bin/env bash
# Runs the test suite under a sanitizer (issue 9): AddressSanitizer (heap and stack misuse,
# leaks) or ThreadSanitizer (data races between the audit's worker threads).
#
#   scripts/sanitize.sh address|thread [extra swift test arguments]
#
# Builds into .build-<sanitizer>/ (git-ignored) so the normal debug build is left alone.
# AddressSanitizer's leak checker is told to ignore what the test runners themselves keep
# until exit (scripts/lsan-suppressions.txt). Exits non-zero when a test fails or the
# sanitizer reports an error.
set -euo pipefail
cd "$(dirname "$0")/.."
kind=${1:-}
case "$kind" in
  address | thread) ;;
  *)
    echo "usage: scripts/sanitize.sh address|thread [swift test arguments]" >&2
    exit 2
    ;;
esac
shift
export LSAN_OPTIONS="suppressions=$PWD/scripts/lsan-suppressions.txt:print_suppressions=0"
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:halt_on_error=1"
export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1"
exec swift test --sanitize="$kind" --scratch-path ".build-$kind" "$@"
