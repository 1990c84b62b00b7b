# Sourced by the HLS benchmarks (hls_delivery.sh, hls_blocking.sh): one live stream on
# nchat-live, fed the way both measure it.
#   start_live_stream   starts "$bin" on free loopback ports (transcoding off) under "$work",
#                       creates a stream and publishes the 6 Mbit/s 720p30 test source to it;
#                       the source is encoded once and then re-sent with -c copy, so that no
#                       encoder competes with the load generator and the server for the cores.
#                       Appends the server and ffmpeg to "pids"; sets http_port, server, id.
#   wait_for_window PATH   until that media playlist's window has slid once (stops growing).
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

start_live_stream() {
  local rtmp_port udp_port token key
  http_port=$(free_port); rtmp_port=$(free_port); udp_port=$(free_port)
  "$bin" serve --http "127.0.0.1:$http_port" --rtmp "127.0.0.1:$rtmp_port" --udp "127.0.0.1:$udp_port" \
    --data-dir "$work/data" --access-log false --transcode=false >"$work/server.out" 2>"$work/server.log" &
  server=$!
  pids+=("$server")
  for _ in $(seq 100); do grep -q "listening on" "$work/server.out" 2>/dev/null && break; sleep 0.1; done
  token=$(grep -oE 'ncl_[A-Za-z0-9_-]+' "$work/server.out" | head -n 1)
  read -r id key < <(curl -sf -X POST "http://127.0.0.1:$http_port/api/streams/create" -H "Authorization: Bearer $token" \
    -H 'Content-Type: application/json' -d '{"channelId":"5d6f0a52-8f5e-4f0b-a8e6-0c4c2b5d9e11","title":"bench"}' |
    python3 -c 'import json,sys; s=json.load(sys.stdin); print(s["id"], s["streamKey"])')
  ffmpeg -nostdin -hide_banner -loglevel error -f lavfi -i testsrc2=size=1280x720:rate=30 \
    -f lavfi -i sine=frequency=440:sample_rate=48000 -t 20 -c:v libx264 -preset veryfast -tune zerolatency \
    -g 60 -b:v 6M -maxrate 6M -bufsize 6M -pix_fmt yuv420p -c:a aac -b:a 128k -f flv "$work/source.flv"
  ffmpeg -nostdin -hide_banner -loglevel error -re -stream_loop -1 -i "$work/source.flv" -c copy \
    -f flv "rtmp://127.0.0.1:$rtmp_port/live/$key" &
  pids+=($!)
}

wait_for_window() {
  local seq
  for _ in $(seq 300); do
    seq=$(curl -s "http://127.0.0.1:$http_port$1" | sed -n 's/^#EXT-X-MEDIA-SEQUENCE://p')
    [ "${seq:-0}" -ge 1 ] && break
    sleep 0.1
  done
}
