#!/usr/bin/env bash
# HLS delivery (issue #4): requests/s and p99 with wrk on loopback for the media playlist, one
# part and one whole segment of a live stream, from nchat-live's memory and from nginx serving
# the same bytes from tmpfs (sendfile on). Prints a Markdown table with the ratio.
# Needs root (nginx), ffmpeg with libx264, wrk, the Release build (make bench builds it).
#   bench/hls_delivery.sh [SECONDS] [CONNECTIONS]     (default 10 s, 100 connections, 2 threads)
set -euo pipefail
secs=${1:-10}
conns=${2:-100}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
bin=${NCHAT_LIVE_BIN:-$root/build/nchat-live}
work=$(mktemp -d /tmp/nchat-hls-delivery.XXXXXX)
shm=$(mktemp -d /dev/shm/nchat-hls-delivery.XXXXXX)
pids=()
cleanup() {
  local i
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
    kill "${pids[i]}" 2>/dev/null || true
    wait "${pids[i]}" 2>/dev/null || true
  done
  rm -rf "$work" "$shm"
}
trap cleanup EXIT

# shellcheck source=bench/lib/live_stream.sh
. "$here/lib/live_stream.sh"
ng_http=$(free_port)

# Same Content-Types as nchat-live, so both answers carry headers of about the same size.
mkdir -p "$shm/www" "$work/ng/logs"
cat >"$work/ng/nginx.conf" <<EOF
user root;
worker_processes auto;
error_log $work/ng/logs/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 1000000;
  client_body_temp_path $work/ng/tmp;
  server {
    listen 127.0.0.1:$ng_http;
    root $shm/www;
    types { application/vnd.apple.mpegurl m3u8; video/iso.segment m4s; }
  }
}
EOF
nginx -p "$work/ng" -c "$work/ng/nginx.conf" -g "daemon off; pid $work/ng/nginx.pid;" &
pids+=($!)

start_live_stream

base="http://127.0.0.1:$http_port/hls/$id/source"
wait_for_window "/hls/$id/source/index.m3u8"

# wrk --latency prints "99%  <value><unit>"; normalise to ms.
p99() { awk '$1=="99%"{v=$2; if (v ~ /us$/) {sub(/us/,"",v); v=v/1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v=v*1000}; printf "%.2f", v}' "$1"; }
rps() { awk '/^Requests\/sec/{printf "%.0f", $2}' "$1"; }
errs() { awk '/Non-2xx or 3xx responses|Socket errors/{printf "%s ", $0}' "$1"; }
# Bytes read per request (body + headers), from "N requests in Ts, X.YYMB read".
per_req() {
  awk '/requests in/{n=$1; v=$(NF-1); u=v; sub(/[0-9.]+/,"",u); sub(/[A-Za-z]+$/,"",v);
    m=(u=="KB")?1024:(u=="MB")?1048576:(u=="GB")?1073741824:1; printf "%.0f", v*m/n}' "$1"
}
check() { # URL LENGTH: 200 and the right length, or fail
  local got
  got=$(curl -s -o /dev/null -w '%{http_code} %{size_download}' "$1")
  [ "$got" = "200 $2" ] || { echo "unexpected answer from $1: $got (wanted 200 $2)" >&2; exit 1; }
}

echo "| object | bytes | nchat-live req/s | nchat-live p99 (ms) | nginx tmpfs req/s | nginx tmpfs p99 (ms) | ratio req/s | ratio p99 | bytes/answer nchat, nginx | errors |"
echo "|---|---|---|---|---|---|---|---|---|---|"
for what in playlist part segment; do
  playlist=$(curl -sf "$base/index.m3u8")
  case $what in
    playlist) name=index.m3u8 ;;
    part) name=$(printf '%s\n' "$playlist" | grep -oE 'part[0-9]+\.[0-9]+\.m4s' | tail -n 1) ;;
    segment) name=$(printf '%s\n' "$playlist" | grep -E '^seg[0-9]+\.m4s$' | tail -n 1) ;;
  esac
  curl -sf -o "$shm/www/$name" "$base/$name"
  len=$(stat -c %s "$shm/www/$name")
  [ "$what" = playlist ] || check "$base/$name" "$len"
  check "http://127.0.0.1:$ng_http/$name" "$len"
  wrk -t2 -c"$conns" -d"${secs}s" --latency "$base/$name" >"$work/nchat-$what.txt"
  [ "$what" = playlist ] || check "$base/$name" "$len" # still served, same bytes
  wrk -t2 -c"$conns" -d"${secs}s" --latency "http://127.0.0.1:$ng_http/$name" >"$work/nginx-$what.txt"
  a=$(rps "$work/nchat-$what.txt"); b=$(rps "$work/nginx-$what.txt")
  pa=$(p99 "$work/nchat-$what.txt"); pb=$(p99 "$work/nginx-$what.txt")
  echo "| $what ($name) | $len | $a | $pa | $b | $pb | $(awk -v a="$a" -v b="$b" 'BEGIN{printf "%.2f", a/b}') |" \
    "$(awk -v a="$pa" -v b="$pb" 'BEGIN{printf "%.2f", a/b}') |" \
    "$(per_req "$work/nchat-$what.txt"), $(per_req "$work/nginx-$what.txt") |" \
    "$(errs "$work/nchat-$what.txt")$(errs "$work/nginx-$what.txt") |"
  if [ -n "${BENCH_SHOW:-}" ]; then cat "$work/nchat-$what.txt" "$work/nginx-$what.txt" >&2; fi
done
