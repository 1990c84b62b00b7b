#!/usr/bin/env bash
# LL-HLS blocking-reload fan-out (docs/BENCHMARKS.md): N players hold a blocking playlist
# request for the next part of one live 6 Mbit/s stream, as hls.js does in low-latency mode, so
# every new part (3 a second) wakes all N at once. Per row: answers/s, how long the server takes
# to answer all N after a part appears (first answer to last, p50/p99/max over the parts), and
# the server's CPU. From bench/hls_blocking.cpp (nchat-hls-blocking), built in the Release tree.
# No peer does this (nginx-rtmp has no blocking reload), so the figures stand alone.
#   bench/hls_blocking.sh [SECONDS] [PLAYERS...]     (default 20 s; 100 1000 5000 players)
set -euo pipefail
secs=${1:-20}
shift || true
rows=("$@")
[ ${#rows[@]} -gt 0 ] || rows=(100 1000 5000)
root=$(cd "$(dirname "$0")/.." && pwd)
build=${NCHAT_BUILD_DIR:-$root/build}
bin=${NCHAT_LIVE_BIN:-$build/nchat-live}
cmake --build "$build" --target nchat-hls-blocking >/dev/null
load=$build/nchat-hls-blocking
work=$(mktemp -d /tmp/nchat-hls-blocking.XXXXXX)
pids=()
cleanup() {
  local i
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
    kill "${pids[i]}" 2>/dev/null || true
    wait "${pids[i]}" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
# shellcheck source=bench/lib/live_stream.sh
. "$root/bench/lib/live_stream.sh"

start_live_stream
path="/hls/$id/source/index.m3u8"
wait_for_window "$path"

ticks() { awk '{print $14+$15}' "/proc/$server/stat"; }
hz=$(getconf CLK_TCK)
echo "| players | answers/s | fan-out p50 (ms) | fan-out p99 (ms) | fan-out max (ms) | answer behind the first, p50 / p99 (ms) | errors | server CPU (% of a core) |"
echo "|---|---|---|---|---|---|---|---|"
for n in "${rows[@]}"; do
  t0=$(ticks); s0=$(date +%s.%N)
  out=$("$load" 127.0.0.1 "$http_port" "$path" "$n" "$secs")
  t1=$(ticks); s1=$(date +%s.%N)
  cpu=$(awk -v a="$t0" -v b="$t1" -v s="$s0" -v e="$s1" -v hz="$hz" 'BEGIN{printf "%.1f", 100*(b-a)/hz/(e-s)}')
  python3 - "$out" "$cpu" <<'PY'
import json, sys
r = json.loads(sys.argv[1]); cpu = sys.argv[2]
f = r["fanout_ms"]; b = r["behind_first_ms"]
print(f"| {r['players']} | {r['answers_per_s']:.0f} | {f['p50']:.1f} | {f['p99']:.1f} | {f['max']:.1f} | {b['p50']:.1f} / {b['p99']:.1f} | {r['errors']} | {cpu} |")
PY
  sleep 2
done
