#!/usr/bin/env bash
# Benchmark: how soon `docklings watch` reports a verdict after the learner's act, over
# repeated runs of the whole of `published-web` — `docker run` (an engine event), `curl`
# (only a line in the server's access log, which the watcher follows) and `docker rm -f`
# (events again); then how much CPU an idle watcher uses, and its peak memory.
#
#   bash bench/watch-latency.sh [RUNS]     (default 10; needs the lab images or stand-ins)
#
# Passes stick (a step never turns back to failed), so each run has a watcher of its own,
# with a fresh DOCKLINGS_HOME. Before the curl the watcher idles 3 s, so a watcher that
# polled with a backing-off timer would show it here. The idle reading is taken with the
# lab complete (nothing left to follow or poll).
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-10}
cargo build --release --locked --quiet
bin=$PWD/target/release/docklings
web=diamol/ch02-hello-diamol-web
if [ -n "$(docker ps -aq --filter ancestor=$web)" ]; then
  echo "the engine already has $web containers; remove them first" >&2; exit 2
fi
home=$(mktemp -d)
pid=
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
  docker rm -f docklings-bench >/dev/null 2>&1 || true
  rm -rf "$home"
}
trap cleanup EXIT

start_watch() {
  rm -rf "$home/run"; mkdir -p "$home/run"
  out=$home/run/watch.jsonl
  DOCKLINGS_HOME=$home/run "$bin" watch published-web --format jsonl >"$out" 2>"$home/run/err" &
  pid=$!
  for _ in $(seq 200); do [ "$(wc -l <"$out")" -ge 3 ] && return; sleep 0.05; done
  echo "watch printed no initial verdicts" >&2; cat "$home/run/err" >&2; exit 1
}

# Wait for STEP to pass; print the time of its line in ns.
wait_pass() {
  local step=$1 line
  for _ in $(seq 1000); do
    line=$(grep -m1 "\"step\":\"$step\",\"passed\":true" "$out" || true)
    if [ -n "$line" ]; then
      date -d "$(sed -E 's/.*"time":"([^"]+)".*/\1/' <<<"$line")" +%s%N
      return
    fi
    sleep 0.005
  done
  echo "timeout waiting for $step" >&2; cat "$out" >&2; exit 1
}

ticks() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
hz=$(getconf CLK_TCK)
ev=(); req=(); waiting=0
for r in $(seq "$runs"); do
  start_watch
  docker container run --detach --publish 8088:80 --name docklings-bench $web >/dev/null
  t0=$(date +%s%N); t1=$(wait_pass run-detached); ev+=($(( (t1 - t0) / 1000 )))
  # Wait for the server with requests marked as docklings' own, which never count as the
  # learner's browse; then idle, then browse.
  for _ in $(seq 50); do
    curl -sf -o /dev/null --max-time 1 "localhost:8088/?docklings-probe=1" && break; sleep 0.1
  done
  w0=$(ticks); sleep 3; w1=$(ticks); waiting=$((waiting + w1 - w0))
  curl -sf -o /dev/null localhost:8088
  t0=$(date +%s%N); t1=$(wait_pass browse); req+=($(( (t1 - t0) / 1000 )))
  docker container rm --force docklings-bench >/dev/null
  t0=$(date +%s%N); t1=$(wait_pass remove); ev+=($(( (t1 - t0) / 1000 )))
  # The last watcher stays for the idle reading below.
  if [ "$r" -lt "$runs" ]; then kill "$pid"; wait "$pid" 2>/dev/null || true; fi
done

# Idle: nothing happens for 10 s; count the CPU time the watcher used meanwhile.
sleep 1  # let the last burst of events settle
c0=$(ticks); sleep 10; c1=$(ticks)
peak=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status")

stats() { # label, values (µs)...
  local label=$1; shift
  printf '%s\n' "$@" | sort -n | awk -v n="$#" -v label="$label" '
    { v[NR] = $1 }
    END {
      printf "%s (%d): p50 %.0f ms, p95 %.0f ms, max %.0f ms\n",
        label, n, v[int((NR+1)/2)]/1000, v[int(NR*0.95+0.5)]/1000, v[NR]/1000
    }'
}
stats "verdict after docker run / rm -f returned (engine events)" "${ev[@]}"
stats "verdict after curl returned (the access log, followed)" "${req[@]}"
echo "waiting 3 s for the browse, $runs times (following the log): $(( waiting * 1000 / hz )) ms of CPU in all"
echo "idle for 10 s, lab complete: $(( (c1 - c0) * 1000 / hz )) ms of CPU"
echo "peak memory: $((peak / 1024)) MiB"
