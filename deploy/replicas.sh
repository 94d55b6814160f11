#!/usr/bin/env bash
# The deployment on one machine without containers: a Chroma server, N web chat replicas over one
# shared index folder, and nginx spreading the chats over them.
#
#   deploy/replicas.sh start [N=2]   # chroma run :8000, ingest into it, replicas :7870.., nginx :8080
#   deploy/replicas.sh stop
#
# Everything lives under .data/deploy/ (logs, pids, the Chroma data, nginx's config). Re-running
# `policy-assistant ingest` with the same POLICY_CHROMA_URL switches every replica to the new
# build without a restart.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${2:-2}
HERE=.data/deploy
CHROMA_PORT=${CHROMA_PORT:-8000}
PROXY_PORT=${PROXY_PORT:-8080}
BASE_PORT=${BASE_PORT:-7870}
export POLICY_CHROMA_URL=http://127.0.0.1:$CHROMA_PORT
export POLICY_INDEX_DIR=${POLICY_INDEX_DIR:-$PWD/$HERE/index}

wait_for() {  # url, seconds
  for _ in $(seq 1 "$2"); do curl -sf -o /dev/null "$1" && return 0; sleep 1; done
  echo "not answering after $2 s: $1" >&2; return 1
}

case "${1:-}" in
start)
  mkdir -p "$HERE/logs"
  .venv/bin/chroma run --path "$HERE/chroma" --host 127.0.0.1 --port "$CHROMA_PORT" > "$HERE/logs/chroma.log" 2>&1 &
  echo $! > "$HERE/chroma.pid"
  wait_for "$POLICY_CHROMA_URL/api/v2/heartbeat" 60
  .venv/bin/policy-assistant ingest
  upstream=""
  for i in $(seq 0 $((N - 1))); do
    port=$((BASE_PORT + i))
    .venv/bin/policy-assistant serve --port "$port" > "$HERE/logs/replica-$port.log" 2>&1 &
    echo $! > "$HERE/replica-$port.pid"
    upstream="$upstream    server 127.0.0.1:$port;\n"
  done
  sed -e "s|@UPSTREAM@|$upstream|" -e "s|@PORT@|$PROXY_PORT|" -e "s|@HERE@|$PWD/$HERE|g" deploy/nginx.conf.in > "$HERE/nginx.conf"
  for i in $(seq 0 $((N - 1))); do wait_for "http://127.0.0.1:$((BASE_PORT + i))/" 300; done
  nginx -c "$PWD/$HERE/nginx.conf"
  wait_for "http://127.0.0.1:$PROXY_PORT/" 30
  echo "http://127.0.0.1:$PROXY_PORT/ → $N replicas over $POLICY_CHROMA_URL"
  ;;
stop)
  [ -f "$HERE/nginx.pid" ] && nginx -c "$PWD/$HERE/nginx.conf" -s stop || true
  for pid in "$HERE"/*.pid; do [ -f "$pid" ] && kill "$(cat "$pid")" 2>/dev/null; rm -f "$pid"; done
  ;;
*)
  echo "usage: deploy/replicas.sh start [N] | stop" >&2; exit 2
  ;;
esac
