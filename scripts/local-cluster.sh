#!/usr/bin/env bash
# Starts an NMF cluster of N silos (nmf worker processes) on this machine, or stops it.
#   scripts/local-cluster.sh N [BASE_PORT]   start N workers on 127.0.0.1:BASE_PORT.. (default 11111); the first is
#                                             the primary, clients use --cluster 127.0.0.1:BASE_PORT
#   scripts/local-cluster.sh stop            stop the workers this script started
# Logs and process ids live in ${NMF_CLUSTER_DIR:-/tmp/nmf-local-cluster}. NMF_PROBE_TIMEOUT=S sets the workers'
# liveness probe timeout (nmf worker --probe-timeout; a killed worker is declared dead after about 3 S).
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${NMF_CLUSTER_DIR:-/tmp/nmf-local-cluster}
mkdir -p "$dir"

if [ "${1:-}" = "stop" ]; then
  if [ -f "$dir/pids" ]; then
    # stop the members first, the primary last, each by its own process id
    tac "$dir/pids" | while read -r pid; do kill -TERM "$pid" 2>/dev/null || true; done
    for _ in $(seq 1 50); do
      alive=0
      while read -r pid; do kill -0 "$pid" 2>/dev/null && alive=1; done < "$dir/pids"
      [ "$alive" = 0 ] && break
      sleep 0.2
    done
    rm -f "$dir/pids"
  fi
  echo "local cluster stopped"
  exit 0
fi

n=${1:?usage: scripts/local-cluster.sh N [BASE_PORT] | stop}
base=${2:-11111}
if ! [[ "$n" =~ ^[1-9][0-9]*$ ]]; then
  echo "local-cluster: N must be a positive number, got '$n'" >&2
  exit 2
fi
if [ -f "$dir/pids" ]; then
  echo "local-cluster: a cluster is already running (pids in $dir/pids); run 'scripts/local-cluster.sh stop' first" >&2
  exit 2
fi

cli=src/Nmf.Cli/bin/Release/net10.0/Nmf.Cli.dll
if [ ! -f "$cli" ]; then
  dotnet build src/Nmf.Cli -c Release -v q -nologo >/dev/null
fi

: > "$dir/pids"
for i in $(seq 0 $((n - 1))); do
  port=$((base + i))
  dotnet "$cli" worker --cluster "127.0.0.1:$base" --port "$port" ${NMF_PROBE_TIMEOUT:+--probe-timeout "$NMF_PROBE_TIMEOUT"} > "$dir/worker-$port.log" 2>&1 &
  echo $! >> "$dir/pids"
  # each worker prints one line once its silo has joined; the primary must be up before the others join
  for _ in $(seq 1 600); do
    grep -q "nmf worker: silo" "$dir/worker-$port.log" 2>/dev/null && break
    if ! kill -0 "$(tail -n 1 "$dir/pids")" 2>/dev/null; then
      echo "local-cluster: worker on port $port failed:" >&2
      cat "$dir/worker-$port.log" >&2
      "$0" stop >/dev/null
      exit 1
    fi
    sleep 0.2
  done
  if ! grep -q "nmf worker: silo" "$dir/worker-$port.log"; then
    echo "local-cluster: worker on port $port did not start within 120 s" >&2
    "$0" stop >/dev/null
    exit 1
  fi
done
echo "local cluster of $n silos at 127.0.0.1:$base (fit with: nmf fit INPUT --cluster 127.0.0.1:$base ...); stop with: scripts/local-cluster.sh stop"
