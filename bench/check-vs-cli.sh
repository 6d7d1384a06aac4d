#!/usr/bin/env bash
# Benchmark: `docklings check published-web` against a shell script that does the same
# checks with the docker CLI and curl, on an engine where the lab is solved. Prints mean,
# median and p95 wall time and peak memory, side by side, from one run.
#
#   bash bench/check-vs-cli.sh [RUNS]      (default 30; needs the stand-ins or real images)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-30}
cargo build --release --locked --quiet
bin=./target/release/docklings
web=diamol/ch02-hello-diamol-web

if [ -n "$(docker ps -aq --filter ancestor=$web)" ]; then
  echo "the engine already has $web containers; remove them first" >&2; exit 2
fi
# Solve the lab's first two steps, as a learner would.
cid=$(docker container run --detach --publish 8088:80 --name docklings-bench $web)
trap 'docker rm -f "$cid" >/dev/null' EXIT
for _ in $(seq 50); do curl -sf localhost:8088 >/dev/null && break; sleep 0.1; done

# The same three steps, checked the way a shell script would: find the container, inspect
# state, attach mode and ports, fetch the page and compare it with the file it serves, and
# read the access log for the learner's request, and look for a destroy event.
cli_check() {
  local id state attached port page file
  id=$(docker container ls --all --quiet --filter ancestor=$web | head -n 1)
  [ -n "$id" ] || return 1
  state=$(docker container inspect --format '{{.State.Status}}' "$id")
  attached=$(docker container inspect --format '{{.Config.AttachStdout}}' "$id")
  port=$(docker container inspect --format '{{(index (index .NetworkSettings.Ports "80/tcp") 0).HostPort}}' "$id")
  [ "$state" = running ] && [ "$attached" = false ] && [ "$port" = 8088 ] || return 1
  page=$(curl -s http://localhost:8088)
  file=$(docker container cp "$id:/usr/local/apache2/htdocs/index.html" - | tar -xO)
  [ "$page" = "$file" ] || return 1
  # browse: the learner's own request in the access log, docklings' probes left out.
  docker container logs --since 1h "$id" 2>&1 | grep -v docklings-probe | grep -q '"GET / ' || return 1
  docker events --since "$(($(date +%s) - 3600))" --until "$(date +%s)" \
    --filter type=container --filter event=destroy --filter image=$web --format '{{.ID}}' >/dev/null
  docker container ls --all --quiet --filter ancestor=$web >/dev/null
}
export -f cli_check; export web

measure() { # name, command...
  local name=$1; shift
  local times=() t0 t1
  "$@" >/dev/null 2>&1 || true   # warm-up
  for _ in $(seq "$runs"); do
    t0=$(date +%s%N); "$@" >/dev/null 2>&1 || true; t1=$(date +%s%N)
    times+=($(( (t1 - t0) / 1000 )))
  done
  local rss
  rss=$( { /usr/bin/time -f %M "$@" 2>&1 >/dev/null || true; } | tail -n 1)
  printf '%s\n' "${times[@]}" | sort -n | awk -v name="$name" -v rss="$rss" '
    { v[NR] = $1; sum += $1 }
    END { printf "%-34s %9.1f %9.1f %9.1f %10.1f\n", name, sum/NR/1000, v[int((NR+1)/2)]/1000, v[int(NR*0.95+0.5)]/1000, rss/1024 }'
}

printf '%-34s %9s %9s %9s %10s\n' "published-web, solved ($runs runs)" "mean ms" "p50 ms" "p95 ms" "peak MiB"
export bin
# Warm: docklings' data folder keeps what it read from containers, keyed by the file's stat,
# as it does for a learner who checks again. Cold: a new data folder every run.
measure "docklings check (warm)" "$bin" --color never check published-web
cold() { local d rc; d=$(mktemp -d); DOCKLINGS_HOME=$d "$bin" --color never check published-web; rc=$?; rm -rf "$d"; return $rc; }
export -f cold
measure "docklings check (cold cache)" bash -c cold
measure "docker CLI + curl script" bash -c cli_check
# What the access-log read costs: one step that only reads state, one that also fetches the
# page and reads the server's log.
measure "docklings check --step run-detached" "$bin" --color never check published-web --step run-detached
measure "docklings check --step browse" "$bin" --color never check published-web --step browse
