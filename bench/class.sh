#!/usr/bin/env bash
# Benchmark: grading a class. Times `grade published-web --submission SCRIPT` (one
# submission, one process) against `grade published-web --submission FOLDER` with N
# scripts (half the whole lab, half its first two steps), and prints the wall time per
# submission of each, side by side, and the peak memory of the folder's run.
#
#   bash bench/class.sh [N] [RUNS]   (default 10 scripts, 3 runs of each; needs the lab
#                                     images or stand-ins, and bubblewrap)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-10}
runs=${2:-3}
cargo build --release --locked --quiet
bin=$PWD/target/release/docklings
web=diamol/ch02-hello-diamol-web
if [ -n "$(docker ps -aq --filter ancestor=$web)" ]; then
  echo "the engine already has $web containers; remove them first" >&2; exit 2
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/class"
for i in $(seq -w 1 "$n"); do
  if [ $((10#$i % 2)) -eq 1 ]; then src=full-published-web.sh; else src=good-published-web.sh; fi
  cp "fixtures/submissions/$src" "$work/class/student$i.sh"
done

# Milliseconds one command takes (its exit code 1, a submission that does not pass all
# steps, is expected).
ms() {
  local t0 t1
  t0=$(date +%s%N)
  CI=true "$@" >/dev/null 2>&1 || [ $? -eq 1 ]
  t1=$(date +%s%N)
  echo $(((t1 - t0) / 1000000))
}

single=0
for _ in $(seq "$runs"); do
  for src in full-published-web.sh good-published-web.sh; do
    single=$((single + $(ms "$bin" grade published-web --submission "fixtures/submissions/$src")))
  done
done
single_per=$((single / (runs * 2)))

class=0
for _ in $(seq "$runs"); do
  class=$((class + $(ms "$bin" grade published-web --submission "$work/class" --format json)))
done
class_per=$((class / runs / n))
rss=$( { CI=true /usr/bin/time -f %M "$bin" grade published-web --submission "$work/class" \
  --format json 2>&1 >/dev/null || true; } | tail -n 1)

printf '%-44s %10s\n' "published-web, $runs runs each" "ms / sub."
printf '%-44s %10d\n' "grade --submission SCRIPT (one per process)" "$single_per"
printf '%-44s %10d\n' "grade --submission FOLDER ($n scripts)" "$class_per"
printf '%-44s %10d ms\n' "  the whole folder" "$((class / runs))"
printf '%-44s %10.1f MiB\n' "  peak memory of the folder's run" "$(echo "$rss / 1024" | bc -l)"
