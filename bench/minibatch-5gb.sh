#!/bin/sh
# Out-of-core mini-batch fit of a generated CSV (default 10^7 x 80, about 5 GB): peak memory and time.
# usage: bench/minibatch-5gb.sh [ROWS] [COLS] [BATCH] [PASSES]     (from the repository root, after a Release build)
# Needs a C compiler for the generator (bench/make_big_csv.c) and ~2x the file's size free in $TMPDIR (/tmp);
# the file, W.csv and the work folder are deleted at the end.
# MEMORY_LIMIT=1G runs the fit in a memory cgroup of that size (cgroup v1 memory controller, as root), so that the
# kernel enforces the budget (page cache included) and .NET's GC sees it as the machine's memory.
set -eu
rows=${1:-10000000}
cols=${2:-80}
batch=${3:-4096}
passes=${4:-1}
cli=${NMF_CLI:-src/Nmf.Cli/bin/Release/net10.0/Nmf.Cli.dll}
work=${TMPDIR:-/tmp}/nmf-minibatch-big
rm -rf "$work"
mkdir -p "$work"
trap 'rm -rf "$work"' EXIT
cc -O2 -o "$work/make_big_csv" bench/make_big_csv.c
"$work/make_big_csv" "$rows" "$cols" > "$work/big.csv"
ls -l "$work/big.csv"
run=""
if [ -n "${MEMORY_LIMIT:-}" ]; then
    group=/sys/fs/cgroup/memory/nmf-minibatch-$$
    mkdir "$group"
    echo "$MEMORY_LIMIT" > "$group/memory.limit_in_bytes"
    trap 'rm -rf "$work"; rmdir "$group" 2>/dev/null || true' EXIT
    run="sh -c 'echo \$\$ > $group/cgroup.procs && exec \"\$0\" \"\$@\"'"
fi
eval $run /usr/bin/time -v dotnet "$cli" fit "$work/big.csv" --minibatch --batch-size "$batch" -k 10 --solver mu --init random --seed 0 \
    --max-iter "$passes" --tol 0 --max-no-improvement 0 --threads 1 -o "$work/out" --json > "$work/fit.json" 2> "$work/time.txt" || { cat "$work/time.txt"; exit 1; }
grep -E '"(n_samples|n_steps|seconds|reconstruction_err)"' "$work/fit.json" | sort -u
grep -E "Maximum resident|Elapsed \(wall|User time|System time" "$work/time.txt"
if [ -n "${MEMORY_LIMIT:-}" ]; then
    echo "cgroup limit $(cat "$group/memory.limit_in_bytes"), peak usage (page cache included) $(cat "$group/memory.max_usage_in_bytes"), failcnt $(cat "$group/memory.failcnt")"
fi
ls -l "$work/out"
