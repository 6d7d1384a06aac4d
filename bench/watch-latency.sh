#!/usr/bin/env bash
# Benchmark: how soon `docklings watch` reports a verdict after the learner's docker command
# returns, over repeated runs; then how much CPU an idle watcher uses, and its peak memory.
#
#   bash bench/watch-latency.sh [RUNS]     (default 20; needs the lab images or stand-ins)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-20}
cargo build --release --locked --quiet
bin=$PWD/target/release/docklings
web=diamol/ch02-hello-diamol-web
if [ -n "$(docker ps -aq --filter ancestor=$web)" ]; then
  echo "the engine already has $web containers; remove them first" >&2; exit 2
fi
home=$(mktemp -d)
out=$home/watch.jsonl
DOCKLINGS_HOME=$home "$bin" watch published-web --format jsonl >"$out" 2>"$home/err" &
pid=$!
cleanup() { kill "$pid" 2>/dev/null || true; docker rm -f docklings-bench >/dev/null 2>&1 || true; rm -rf "$home"; }
trap cleanup EXIT
# Wait for the initial verdicts.
for _ in $(seq 100); do [ "$(wc -l <"$out")" -ge 3 ] && break; sleep 0.05; done

# Wait for a new line about STEP with PASSED; print its time in ns.
wait_line() { # lines_before step passed
  local n=$1 step=$2 passed=$3 line
  for _ in $(seq 400); do
    line=$(tail -n +"$((n + 1))" "$out" | grep -m1 "\"step\":\"$step\",\"passed\":$passed" || true)
    if [ -n "$line" ]; then
      date -d "$(sed -E 's/.*"time":"([^"]+)".*/\1/' <<<"$line")" +%s%N
      return
    fi
    sleep 0.005
  done
  echo "timeout waiting for $step=$passed" >&2; exit 1
}

lat=()
for _ in $(seq "$runs"); do
  n=$(wc -l <"$out")
  docker container run --detach --publish 8088:80 --name docklings-bench $web >/dev/null
  t0=$(date +%s%N)
  t1=$(wait_line "$n" run-detached true)
  lat+=($(( (t1 - t0) / 1000 )))
  n=$(wc -l <"$out")
  docker container rm --force docklings-bench >/dev/null
  t0=$(date +%s%N)
  t1=$(wait_line "$n" run-detached false)
  lat+=($(( (t1 - t0) / 1000 )))
done

# Idle: nothing happens for 10 s; count the CPU time the watcher used meanwhile.
ticks() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
hz=$(getconf CLK_TCK)
sleep 1  # let the last burst of events settle
c0=$(ticks); sleep 10; c1=$(ticks)
peak=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status")

printf '%s\n' "${lat[@]}" | sort -n | awk -v n="${#lat[@]}" '
  { v[NR] = $1 }
  END {
    printf "verdict after the docker command returned (%d changes): p50 %.0f ms, p95 %.0f ms, max %.0f ms\n",
      n, v[int((NR+1)/2)]/1000, v[int(NR*0.95+0.5)]/1000, v[NR]/1000
  }'
echo "idle for 10 s: $(( (c1 - c0) * 1000 / hz )) ms of CPU"
echo "peak memory: $((peak / 1024)) MiB"
