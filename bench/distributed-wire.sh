#!/usr/bin/env bash
# Seconds and bytes per iteration of a cluster fit of a wide, communication-bound matrix (benchmark, not a test).
#   bench/distributed-wire.sh [REPO] [SILOS] [DTYPE] [ITERS]
# REPO: a checkout whose CLI is built (default: this one; another commit's checkout compares message formats).
# Makes /tmp/cl-wide.csv (100 x 100000, 1 % non-zeros) and /tmp/cl-wide/part-0..3.csv (its rows in 4 blocks) once,
# starts REPO's scripts/local-cluster.sh SILOS 24111, fits the parts with mu, k = 20, prints one line, stops.
set -euo pipefail
repo=$(realpath "${1:-$(dirname "$0")/..}"); silos=${2:-1}; dtype=${3:-float64}; iters=${4:-5}
if [ ! -f /tmp/cl-wide/part-3.csv ]; then
  mkdir -p /tmp/cl-wide
  /usr/bin/python3 - <<'PY'
import random
random.seed(0)
n, m = 100, 100000
rows = []
for i in range(n):
    r = ['0'] * m
    for j in random.sample(range(m), m // 100):
        r[j] = '%.4f' % (random.random() * 5)
    rows.append(','.join(r))
for b in range(4):
    open('/tmp/cl-wide/part-%d.csv' % b, 'w').write('\n'.join(rows[b * 25:(b + 1) * 25]) + '\n')
open('/tmp/cl-wide.csv', 'w').write('\n'.join(rows) + '\n')
PY
fi
cd "$repo"
export NMF_CLUSTER_DIR=/tmp/nmf-wire-bench
scripts/local-cluster.sh "$silos" 24111 >/dev/null
out=$(mktemp -d)
json=$(dotnet src/Nmf.Cli/bin/Release/net10.0/Nmf.Cli.dll fit /tmp/cl-wide --cluster 127.0.0.1:24111 -k 20 --solver mu --init random --seed 0 --max-iter "$iters" --tol 0 --threads 1 --dtype "$dtype" -o "$out" --json) || { scripts/local-cluster.sh stop >/dev/null; exit 1; }
scripts/local-cluster.sh stop >/dev/null
rm -rf "$out"
echo "$json" | /usr/bin/python3 -c "import json,sys; j=json.load(sys.stdin); c=j['cluster']; print('silos=%d dtype=$dtype s/iter=%.3f bytes/iter=%d err=%.6f' % (c['silos'], j['seconds_per_iter'], c['bytes_per_iteration'], j['reconstruction_err']))"
