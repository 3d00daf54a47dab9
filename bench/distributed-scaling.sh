#!/usr/bin/env bash
# Strong and weak scaling of the distributed fit on 1, 2 and 4 local silos (benchmark, not a test).
#   bench/distributed-scaling.sh PARTS_DIR [ITERS]
# PARTS_DIR holds part-0.csv .. part-3.csv (equal row blocks of one matrix, e.g. patches50k split in 4).
# Strong: all 4 parts on 1, 2, 4 silos. Weak: the first S parts on S silos. Prints one line per run.
set -euo pipefail
cd "$(dirname "$0")/.."
parts=${1:?usage: bench/distributed-scaling.sh PARTS_DIR [ITERS]}
iters=${2:-10}
cli=src/Nmf.Cli/bin/Release/net10.0/Nmf.Cli.dll
port=12111
export NMF_CLUSTER_DIR=/tmp/nmf-bench-cluster
run() { # silos, folder, label
  scripts/local-cluster.sh "$1" "$port" >/dev/null
  out=$(mktemp -d)
  json=$(dotnet "$cli" fit "$2" --cluster "127.0.0.1:$port" -k 20 --solver mu --init random --seed 0 --max-iter "$iters" --tol 0 --threads 1 -o "$out" --json)
  scripts/local-cluster.sh stop >/dev/null
  rm -rf "$out"
  echo "$json" | /usr/bin/python3 -c "import json,sys; j=json.load(sys.stdin); c=j['cluster']; print('$3 silos=%d blocks=%d rows=%d s/iter=%.3f bytes/iter=%d err=%.6f' % (c['silos'], len(j['input']['blocks']), j['input']['n_samples'], j['seconds_per_iter'], c['bytes_per_iteration'], j['reconstruction_err']))"
}
for s in 1 2 4; do run "$s" "$parts" strong; done
for s in 1 2 4; do
  weak=$(mktemp -d)
  for b in $(seq 0 $((s - 1))); do ln -s "$(realpath "$parts")/part-$b.csv" "$weak/part-$b.csv"; done
  run "$s" "$weak" weak
  rm -rf "$weak"
done
