#!/usr/bin/env bash
# REST load check (issue #3): requests/s and p99 of GET /api/streams/{id} and of
# POST /api/streams/create, with wrk on loopback, on SQLite and on PostgreSQL.
# Uses the Release build (make bench builds it). Prints a Markdown table.
#   bench/api_load.sh [SECONDS] [CONNECTIONS]
set -euo pipefail
secs=${1:-10}
conns=${2:-50}
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${NCHAT_LIVE_BIN:-$root/build/nchat-live}
work=$(mktemp -d /tmp/nchat-bench.XXXXXX)
svc="$work/services"
pid=""
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
  "$root/scripts/test-services" stop "$svc" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
"$root/scripts/test-services" start "$svc" >/dev/null

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
channel=5d6f0a52-8f5e-4f0b-a8e6-0c4c2b5d9e11

cat >"$work/post.lua" <<'LUA'
wrk.method = "POST"
wrk.body = '{"channelId":"5d6f0a52-8f5e-4f0b-a8e6-0c4c2b5d9e11","title":"bench stream","tags":["bench"]}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("NCHAT_TOKEN")
LUA

# wrk --latency prints "99%  <value><unit>"; normalise to ms.
p99() { awk '$1=="99%"{v=$2; if (v ~ /us$/) {sub(/us/,"",v); v=v/1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v=v*1000}; printf "%.2f", v}' "$1"; }
rps() { awk '/^Requests\/sec/{printf "%.0f", $2}' "$1"; }
errs() { awk '/Non-2xx or 3xx responses|Socket errors/{print}' "$1" | tr '\n' ' '; }

echo "| backend | access log | route | requests/s | p99 (ms) | errors |"
echo "|---|---|---|---|---|---|"
for backend in sqlite postgres; do
  for alog in true false; do
    if [ "$backend" = sqlite ]; then db="sqlite:$work/data-$alog/nchat-live.db"; else
      db="$(cat "$svc/pg.url" | sed "s#/postgres\$#/bench_$alog#")"
      psql "$(cat "$svc/pg.url")" -qAtc "CREATE DATABASE bench_$alog" >/dev/null
    fi
    "$bin" serve --http "127.0.0.1:$port" --rtmp 127.0.0.1:0 --udp 127.0.0.1:0 --data-dir "$work/data-$alog" --db "$db" \
      --access-log "$alog" --log-level info >"$work/server.out" 2>"$work/server.log" &
    pid=$!
    for _ in $(seq 100); do grep -q "listening on" "$work/server.out" 2>/dev/null && break; sleep 0.1; done
    token=$(grep -oE 'ncl_[A-Za-z0-9_-]+' "$work/server.out" | head -n 1)
    id=$(curl -s -X POST "http://127.0.0.1:$port/api/streams/create" -H "Authorization: Bearer $token" \
      -H 'Content-Type: application/json' -d "{\"channelId\":\"$channel\",\"title\":\"read me\"}" |
      python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
    wrk -t2 -c"$conns" -d"${secs}s" --latency "http://127.0.0.1:$port/api/streams/$id" >"$work/get.txt"
    echo "| $backend | $alog | GET /api/streams/{id} | $(rps "$work/get.txt") | $(p99 "$work/get.txt") | $(errs "$work/get.txt") |"
    NCHAT_TOKEN=$token wrk -t2 -c"$conns" -d"${secs}s" --latency -s "$work/post.lua" \
      "http://127.0.0.1:$port/api/streams/create" >"$work/post.txt"
    echo "| $backend | $alog | POST /api/streams/create | $(rps "$work/post.txt") | $(p99 "$work/post.txt") | $(errs "$work/post.txt") |"
    kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""
  done
done
