#!/usr/bin/env bash
# Long fuzzing run of the matrix readers: ITER generated and mutated inputs per format (default 100000), each of which
# must be read correctly or rejected with NmfInputException (no other exception, hang or outsized allocation).
# Usage: scripts/fuzz-readers.sh [ITER]
set -euo pipefail
cd "$(dirname "$0")/.."
iter="${1:-100000}"
report="$(mktemp)"
dotnet build tests/Nmf.Tests -c Release -warnaserror --nologo -v q >/dev/null
start=$(date +%s)
NMF_FUZZ_ITER="$iter" NMF_FUZZ_REPORT="$report" \
  tests/Nmf.Tests/bin/Release/net10.0/Nmf.Tests -class 'Nmf.Tests.IO.ReaderFuzzTests' | grep -E 'FAIL|Total:|instead|allocated|took' || true
echo "fuzz-readers: $iter inputs per format, $(( $(date +%s) - start )) s in all"
sort "$report"
if [ "$(wc -l < "$report")" -ne 6 ]; then
  echo "fuzz-readers: FAILED (some formats did not finish cleanly)" >&2
  rm -f "$report"
  exit 1
fi
rm -f "$report"
