#!/usr/bin/env bash
# Realtime WebSocket load (issue 6, docs/BENCHMARKS.md): N receivers in one room, 4 senders
# sending M chat messages/s in total over their WebSockets; deliveries/s, p50/p99 end-to-end
# latency, messages lost and the server's RSS per connection, from bench/ws_load.cpp
# (nchat-ws-load). One node on SQLite at each N (a fresh server per row, so the RSS baseline is
# clean), then two nodes on one PostgreSQL and one Redis (scripts/test-services) with the
# receivers split across both. Prints a Markdown table.
#   bench/ws_load.sh [SECONDS] [ROWS...]     rows are N:M (default: 1000:200 5000:40 10000:20)
# The two-node row is NCHAT_WS_LOAD_NODES_ROW (default 10000:20). Uses $NCHAT_BUILD_DIR (default
# build/, the Release tree `make build` configures) and builds nchat-ws-load there.
set -euo pipefail
secs=${1:-10}
shift || true
rows=("$@")
[ ${#rows[@]} -gt 0 ] || rows=(1000:200 5000:40 10000:20)
root=$(cd "$(dirname "$0")/.." && pwd)
build=${NCHAT_BUILD_DIR:-$root/build}
bin=${NCHAT_LIVE_BIN:-$build/nchat-live}
cmake --build "$build" --target nchat-ws-load >/dev/null
load=$build/nchat-ws-load
work=$(mktemp -d /tmp/nchat-ws-load.XXXXXX)
svc="$work/services"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  "$root/scripts/test-services" stop "$svc" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
# Ten thousand sockets on each side, plus the server's own.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# start_server NAME DB [ARGS...] -> sets $port, appends to pids
start_server() {
  local name=$1 db=$2; shift 2
  port=$(free_port)
  mkdir -p "$work/$name"
  "$bin" serve --http "127.0.0.1:$port" --rtmp 127.0.0.1:0 --udp 127.0.0.1:0 --data-dir "$work/$name" --db "$db" \
    --web-root "$work/none" --access-log false --log-level warn --chat-rate 10000 \
    --ws-max-connections 60000 "$@" >"$work/$name.out" 2>"$work/$name.log" &
  pids+=($!)
  for _ in $(seq 100); do grep -q "listening on" "$work/$name.out" 2>/dev/null && break; sleep 0.1; done
}

stop_servers() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  pids=()
}

# A broadcaster token (the first start's admin) and a public stream.
make_stream() {
  local base=$1 out=$2
  token=$(grep -oE 'ncl_[A-Za-z0-9_-]+' "$out" | head -n 1)
  stream=$(curl -sf -X POST "$base/api/streams/create" -H "Authorization: Bearer $token" \
    -H 'Content-Type: application/json' \
    -d '{"channelId":"5d6f0a52-8f5e-4f0b-a8e6-0c4c2b5d9e11","title":"ws load"}' |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
}

row() {  # JSON from nchat-ws-load -> a table row
  python3 -c '
import json, sys
d = json.loads(sys.argv[1])
print("| {nodes} | {clients:,} | {rate:g} | {dps:,.0f} | {p50:.1f} | {p99:.1f} | {mx:.1f} | {lost:,} | {rss:.2f} |".format(
  nodes=d["nodes"], clients=d["clients"], rate=d["rate"], dps=d["deliveries_per_s"], p50=d["p50_ms"],
  p99=d["p99_ms"], mx=d["max_ms"], lost=d["lost"], rss=d["rss_per_conn_kib"]))' "$1"
}

echo "| nodes | clients | messages/s | deliveries/s | p50 (ms) | p99 (ms) | max (ms) | lost | server RSS per connection (KiB) |"
echo "|---|---|---|---|---|---|---|---|---|"
for r in "${rows[@]}"; do
  n=${r%:*}; m=${r#*:}
  rm -rf "$work/one"
  start_server one "sqlite:$work/one/nchat-live.db"
  make_stream "http://127.0.0.1:$port" "$work/one.out"
  json=$("$load" --url "http://127.0.0.1:$port" --stream "$stream" --token "$token" --pid "${pids[0]}" \
    --clients "$n" --senders 4 --rate "$m" --duration "$secs")
  echo "$json" >>"$work/results.jsonl"
  row "$json"
  stop_servers
done

# Two nodes: one PostgreSQL, one Redis; receivers alternate between the nodes, the senders too.
"$root/scripts/test-services" start "$svc" >/dev/null
pg=$(cat "$svc/pg.url"); redis=$(cat "$svc/redis.url")
psql "$pg" -qAtc "CREATE DATABASE ws_load" >/dev/null
db=${pg%/*}/ws_load
two=${NCHAT_WS_LOAD_NODES_ROW:-10000:20}
n=${two%:*}; m=${two#*:}
start_server a "$db" --redis "$redis"; port_a=$port
start_server b "$db" --redis "$redis"; port_b=$port
make_stream "http://127.0.0.1:$port_a" "$work/a.out"
json=$("$load" --url "http://127.0.0.1:$port_a,http://127.0.0.1:$port_b" --stream "$stream" \
  --token "$token" --pid "${pids[0]},${pids[1]}" --clients "$n" --senders 4 --rate "$m" --duration "$secs")
echo "$json" >>"$work/results.jsonl"
row "$json"
stop_servers
if [ -n "${NCHAT_WS_LOAD_JSON:-}" ]; then cp "$work/results.jsonl" "$NCHAT_WS_LOAD_JSON"; fi
