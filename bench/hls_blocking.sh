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
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
http_port=$(free_port); rtmp_port=$(free_port); udp_port=$(free_port)

"$bin" serve --http "127.0.0.1:$http_port" --rtmp "127.0.0.1:$rtmp_port" --udp "127.0.0.1:$udp_port" \
  --data-dir "$work/data" --access-log false --transcode=false >"$work/server.out" 2>"$work/server.log" &
server=$!
pids+=($server)
for _ in $(seq 100); do grep -q "listening on" "$work/server.out" 2>/dev/null && break; sleep 0.1; done
token=$(grep -oE 'ncl_[A-Za-z0-9_-]+' "$work/server.out" | head -n 1)
read -r id key < <(curl -sf -X POST "http://127.0.0.1:$http_port/api/streams/create" -H "Authorization: Bearer $token" \
  -H 'Content-Type: application/json' -d '{"channelId":"5d6f0a52-8f5e-4f0b-a8e6-0c4c2b5d9e11","title":"bench"}' |
  python3 -c 'import json,sys; s=json.load(sys.stdin); print(s["id"], s["streamKey"])')

# The 6 Mbit/s source of bench/hls_delivery.sh, encoded once and sent with -c copy.
ffmpeg -nostdin -hide_banner -loglevel error -f lavfi -i testsrc2=size=1280x720:rate=30 \
  -f lavfi -i sine=frequency=440:sample_rate=48000 -t 20 -c:v libx264 -preset veryfast -tune zerolatency \
  -g 60 -b:v 6M -maxrate 6M -bufsize 6M -pix_fmt yuv420p -c:a aac -b:a 128k -f flv "$work/source.flv"
ffmpeg -nostdin -hide_banner -loglevel error -re -stream_loop -1 -i "$work/source.flv" -c copy \
  -f flv "rtmp://127.0.0.1:$rtmp_port/live/$key" &
pids+=($!)
path="/hls/$id/source/index.m3u8"
for _ in $(seq 300); do
  seq=$(curl -s "http://127.0.0.1:$http_port$path" | sed -n 's/^#EXT-X-MEDIA-SEQUENCE://p')
  [ "${seq:-0}" -ge 1 ] && break
  sleep 0.1
done

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
