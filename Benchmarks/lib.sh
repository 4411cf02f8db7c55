# Shared by the benchmark scripts (source it): the best of several timed audits.
#
#   best_audit RUNS BIN ARGS...   runs `BIN audit ARGS... --quiet --timings` RUNS times and
#                                 prints "WALL CPU STAGES": the least wall seconds, the least
#                                 CPU seconds (user + system; the machine is shared, so the
#                                 least disturbed run is the best estimate), and the stage
#                                 line of the fastest run. A non-zero exit (not ready) is fine.

best_audit() {
  local runs=$1 bin=$2
  shift 2
  local log times best_wall="" best_cpu="" stages="" wall user sys cpu
  log=$(mktemp)
  times=$(mktemp)
  for _ in $(seq "$runs"); do
    set +e
    /usr/bin/time -f '%e %U %S' -o "$times" "$bin" audit "$@" --quiet --timings 2>"$log"
    set -e
    # /usr/bin/time writes "Command exited with non-zero status 1" first when not ready.
    read -r wall user sys < <(tail -n 1 "$times")
    cpu=$(echo "$user + $sys" | bc)
    if [ -z "$best_wall" ] || [ "$(echo "$wall < $best_wall" | bc)" = 1 ]; then
      best_wall=$wall
      stages=$(grep '^timings:' "$log" | sed 's/^timings: //')
    fi
    if [ -z "$best_cpu" ] || [ "$(echo "$cpu < $best_cpu" | bc)" = 1 ]; then best_cpu=$cpu; fi
  done
  rm -f "$log" "$times"
  echo "$best_wall $best_cpu $stages"
}

# field "WALL CPU STAGES" N: the Nth space-separated field.
field() { echo "$1" | cut -d' ' -f"$2"; }
