#!/usr/bin/env bash
# Live path latency and CPU (issue #4): one ffmpeg source (tee muxer, identical bytes) published
# at once to nchat-live and to nginx-rtmp (Debian's libnginx-mod-rtmp, HLS at 1 s and 2 s
# fragments); bench/hls_latency.mjs watches the playlists and prints Markdown tables.
# Needs root (nginx runs in the foreground as root), ffmpeg with libx264, node >= 20, the
# Release build (make bench builds it). Everything on 127.0.0.1, ports picked at run time.
#   bench/hls_latency.sh [SECONDS]        (default 60; plus ~10 s idle and a second run for CPU)
set -euo pipefail
secs=${1:-60}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
bin=${NCHAT_LIVE_BIN:-$root/build/nchat-live}
work=$(mktemp -d /tmp/nchat-hls-bench.XXXXXX)
pids=()
cleanup() {
  local i
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
    kill "${pids[i]}" 2>/dev/null || true
    wait "${pids[i]}" 2>/dev/null || true
  done
  if [ -n "${BENCH_KEEP:-}" ]; then echo "kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
http_port=$(free_port); rtmp_port=$(free_port); udp_port=$(free_port)
ng_http=$(free_port); ng_rtmp=$(free_port)

rtmp_module=/usr/lib/nginx/modules/ngx_rtmp_module.so
[ -f "$rtmp_module" ] || { echo "nginx rtmp module missing: apt-get install -y libnginx-mod-rtmp nginx-light" >&2; exit 1; }

mkdir -p "$work/ng/hls1" "$work/ng/hls2" "$work/ng/logs"
cat >"$work/ng/nginx.conf" <<EOF
load_module $rtmp_module;
user root;
worker_processes 1;
error_log $work/ng/logs/error.log warn;
events { worker_connections 1024; }
rtmp {
  server {
    listen 127.0.0.1:$ng_rtmp;
    application live  { live on; hls on; hls_path $work/ng/hls1; hls_fragment 1s; hls_playlist_length 6s; }
    application live2 { live on; hls on; hls_path $work/ng/hls2; hls_fragment 2s; hls_playlist_length 6s; }
  }
}
http {
  access_log off;
  client_body_temp_path $work/ng/tmp;
  server {
    listen 127.0.0.1:$ng_http;
    root $work/ng;
    types { application/vnd.apple.mpegurl m3u8; video/mp2t ts; }
    add_header Cache-Control no-cache;
  }
}
EOF
nginx -p "$work/ng" -c "$work/ng/nginx.conf" -g "daemon off; pid $work/ng/nginx.pid;" &
pids+=($!)
ng_pid=$!

"$bin" serve --http "127.0.0.1:$http_port" --rtmp "127.0.0.1:$rtmp_port" --udp "127.0.0.1:$udp_port" \
  --data-dir "$work/data" --access-log false --transcode=false >"$work/server.out" 2>"$work/server.log" &
pids+=($!)
nchat_pid=$!
for _ in $(seq 100); do grep -q "listening on" "$work/server.out" 2>/dev/null && break; sleep 0.1; done
for _ in $(seq 50); do [ "$(curl -s -o /dev/null -w "%{http_code}" "http://127.0.0.1:$ng_http/")" != 000 ] && break; sleep 0.1; done
token=$(grep -oE 'ncl_[A-Za-z0-9_-]+' "$work/server.out" | head -n 1)
create() {
  curl -sf -X POST "http://127.0.0.1:$http_port/api/streams/create" -H "Authorization: Bearer $token" \
    -H 'Content-Type: application/json' -d '{"channelId":"5d6f0a52-8f5e-4f0b-a8e6-0c4c2b5d9e11","title":"bench"}' |
    python3 -c 'import json,sys; s=json.load(sys.stdin); print(json.dumps({"id":s["id"],"key":s["streamKey"]}))'
}
streams="[$(create),$(create)]"

NCHAT_HTTP="127.0.0.1:$http_port" NCHAT_RTMP="127.0.0.1:$rtmp_port" NCHAT_STREAMS="$streams" \
  NGINX_HTTP="127.0.0.1:$ng_http" NGINX_RTMP="127.0.0.1:$ng_rtmp" NCHAT_PID="$nchat_pid" NGINX_PID="$ng_pid" \
  BENCH_SECONDS="$secs" node "$here/hls_latency.mjs"
