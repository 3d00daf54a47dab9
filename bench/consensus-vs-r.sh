#!/usr/bin/env bash
# Golub k = 3, 10 runs, brunet: R's NMF package against `nmf consensus` in float64 and float32, alternated ROUNDS
# times on this machine; prints a Markdown table (seconds: R's system.time of nmf(); ours: the `seconds` of --json,
# the survey without file IO) and each run's cophenetic correlation.
# Usage: bench/consensus-vs-r.sh [ROUNDS]       (needs r-cran-nmf: apt-get install -y --no-install-recommends r-cran-nmf)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
data=../shared/data/golub.csv
dotnet build src/Nmf.Cli -c Release -v q -nologo > /dev/null
nmf="dotnet src/Nmf.Cli/bin/Release/net10.0/Nmf.Cli.dll"
have_r=0; Rscript -e 'suppressMessages(library(NMF))' 2>/dev/null && have_r=1
out=$(mktemp -d)
ours() { $nmf consensus "$data" -k 3 --runs 10 --transpose --dtype "$1" -o "$out/$1" --json \
  | grep -o '"seconds": [0-9.]*\|"cophenetic": [0-9.]*' | tr -d '",' | tr '\n' ' '; }
field() { echo "$1" | tr ' ' '\n' | grep -A1 "^$2:$" | tail -1; }
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| round | R NMF (s) | nmf float64 (s) | ratio | nmf float32 (s) | ratio | cophenetic R / f64 / f32 |"
echo "|---|---|---|---|---|---|---|"
for r in $(seq 1 "$rounds"); do
  rs=""; rc=""
  if [ $have_r = 1 ]; then
    line=$(Rscript ../shared/peers/rnmf_consensus.R "$data" 3 10 | grep "^R-NMF")
    rs=$(echo "$line" | sed -n 's/.*seconds=\([0-9.]*\).*/\1/p'); rc=$(echo "$line" | sed -n 's/.*cophenetic=\([0-9.]*\).*/\1/p')
  fi
  a=$(ours float64); b=$(ours float32)
  s64=$(field "$a" seconds); s32=$(field "$b" seconds)
  ratio() { [ -n "$rs" ] && awk -v r="$rs" -v o="$1" 'BEGIN { printf "%.1fx", r / o }' || echo "(R missing)"; }
  printf '| %s | %s | %.3f | %s | %.3f | %s | %s / %.4f / %.4f |\n' "$r" "${rs:-missing}" "$s64" "$(ratio "$s64")" "$s32" "$(ratio "$s32")" \
    "${rc:-?}" "$(field "$a" cophenetic)" "$(field "$b" cophenetic)"
done
echo
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
rm -rf "$out"
