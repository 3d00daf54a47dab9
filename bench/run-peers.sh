#!/usr/bin/env bash
# Side-by-side timing of this project's NMF against scikit-learn, RcppML (and R NMF when present) on the
# benchmark matrices of ../shared/bench-data (P1 dense patches, P2 sparse TF-IDF, P3 = P1 with KL loss).
# Rewrites its own section of bench/RESULTS.md (between the run-peers markers, at the top) with the table, the
# machine, the date, the load and every command run; other sections of the file are kept.
# Peers that are not installed are reported as missing, not as failures:
#   apt-get install -y --no-install-recommends python3-sklearn r-cran-rcppml r-cran-nmf libopenblas0-pthread
# (without libopenblas0-pthread Debian's NumPy may run on the reference BLAS, 15-30x slower on P1; the runner warns.)
# Usage: bench/run-peers.sh [--quick]     (--quick: fewer iterations and one run each, for a smoke run)
# Every command (ours and the peers') runs NMF_BENCH_REPS times (default 3); the table takes the median run. A command
# of ours and the scikit-learn command it is compared with run alternately, so both sides of a ratio share the minutes.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
shared=$(cd "$root/../shared" 2>/dev/null && pwd || true)
data=${NMF_BENCH_DATA:-/tmp/nmf-bench-data}
out=bench/RESULTS.md
log=$(mktemp)
quick=0; [ "${1:-}" = "--quick" ] && quick=1
it_cd=30; it_sk_target=110; it_mu=20; it_kl=10; it_default=200; reps=${NMF_BENCH_REPS:-3}
[ $quick = 1 ] && { it_cd=5; it_sk_target=20; it_mu=5; it_kl=3; it_default=10; reps=1; }

mkdir -p "$data"
for f in patches50k.npy debian-tfidf.mtx; do
  if [ ! -f "$data/$f" ]; then
    if [ -n "$shared" ] && [ -f "$shared/bench-data/$f.gz" ]; then gunzip -c "$shared/bench-data/$f.gz" > "$data/$f"
    else echo "missing $shared/bench-data/$f.gz" >&2; exit 1; fi
  fi
done
P1=$data/patches50k.npy; P2=$data/debian-tfidf.mtx

dotnet build bench/Nmf.Bench -c Release -v q -nologo > /dev/null || { echo "build failed" >&2; exit 1; }
ours="$root/bench/Nmf.Bench/bin/Release/net10.0/Nmf.Bench"
# The peer gets its best BLAS kernel: no OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE overrides.
sk="env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 $shared/peers/sklearn_nmf.py"
rc="Rscript $shared/peers/rcppml_nmf.R"
have_sk=0; /usr/bin/python3 -c 'import sklearn' 2>/dev/null && have_sk=1
# The BLAS library NumPy calls through Debian's libblas.so.3 alternative (OpenBLAS or the slow reference BLAS).
blas=$(readlink -f /usr/lib/x86_64-linux-gnu/libblas.so.3 2>/dev/null || echo unknown)
case "$blas" in *openblas*) ;; *) echo "warning: NumPy's BLAS is $blas, not OpenBLAS: apt-get install -y --no-install-recommends libopenblas0-pthread" >&2 ;; esac
have_rc=0; command -v Rscript >/dev/null && Rscript -e 'suppressMessages(library(RcppML))' 2>/dev/null && have_rc=1

declare -a commands
# run NAME COMMAND...: runs it $reps times, remembers the command, stores under NAME in $log the output line of the
# run with the median seconds= (the machine is shared: single runs of the same command vary by 10% and more).
run() {
  local name=$1; shift
  commands+=("$*")
  local runs=()
  for ((r = 0; r < reps; r++)); do runs+=("$(eval "$@" 2>&1 | tail -1)"); done
  median_line "$name" "${runs[@]}"
}
# alternate NAME_1 COMMAND_1 NAME_2 COMMAND_2 ...: like run for each, but the commands take turns (1 2 ... 1 2 ...), so
# that the medians compared in one row come from the same minutes of the machine (its load drifts within a run of this
# script). pair is the two-command case: ours against the peer command of the same row.
alternate() {
  local names=() cmds=() outs=() r i line
  while [ $# -ge 2 ]; do names+=("$1"); cmds+=("$2"); shift 2; done
  commands+=("${cmds[@]}")
  for ((r = 0; r < reps; r++)); do
    for i in "${!cmds[@]}"; do
      line=$(eval "${cmds[$i]}" 2>&1 | tail -1)
      outs[i]+="$line"$'\n'
    done
  done
  for i in "${!cmds[@]}"; do
    local lines=()
    mapfile -t lines < <(printf '%s' "${outs[i]}")
    median_line "${names[i]}" "${lines[@]}"
  done
}
pair() { alternate "$@"; }
median_line() {
  local name=$1 line; shift
  line=$(printf '%s\n' "$@" | awk '{ s = ""; for (i = 1; i <= NF; i++) if ($i ~ /^seconds=/) s = substr($i, 9); print s "\t" $0 }' \
    | sort -g | awk -v m=$(((reps + 1) / 2)) 'NR == m' | cut -f2-)
  echo "$name $line" >> "$log"
  echo "$name $line" >&2
}
field() { grep "^$1 " "$log" | tail -1 | tr ' ' '\n' | sed -n "s/^$2=//p" | head -1; }

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
# with_peer NAME_A COMMAND_A NAME_B COMMAND_B: the pair alternated when scikit-learn is there, else ours alone.
with_peer() { if [ $have_sk = 1 ]; then pair "$@"; else run "$1" "$2"; fi; }
# --- P1 dense, k = 32 ---
with_peer p1_ours_cd64 "$ours fit $P1 -k 32 --iters $it_cd --solver cd" p1_sk_cd "$sk $P1 -k 32 --iters $it_cd --solver cd"
run p1_ours_cd32 "$ours fit $P1 -k 32 --iters $it_cd --solver cd --dtype float32"
# Two threads against one, alternated like the peer pairs so that both sides share the minutes (a busy neighbour slows
# a two-thread fit, which waits for both cores at every step, more than a one-thread fit).
pair p1_ours_cd64_t2 "$ours fit $P1 -k 32 --iters $it_cd --solver cd" p1_ours_cd64_t1 "$ours fit $P1 -k 32 --iters $it_cd --solver cd --threads 1"
with_peer p1_ours_ehals "$ours fit $P1 -k 32 --iters 40 --solver ehals --target 0.085" \
  p1_sk_cd_target "$sk $P1 -k 32 --iters $it_sk_target --solver cd"
run p1_ours_hals "$ours fit $P1 -k 32 --iters 40 --solver hals --target 0.085"
# Growth in n: the first quarter and half of P1's rows and all of them, alternated.
alternate p1_ours_cd64_rows12500 "$ours fit $P1 -k 32 --iters $it_cd --solver cd --rows 12500" \
  p1_ours_cd64_rows25000 "$ours fit $P1 -k 32 --iters $it_cd --solver cd --rows 25000" \
  p1_ours_cd64_rows50000 "$ours fit $P1 -k 32 --iters $it_cd --solver cd"
# --- P2 sparse, k = 20 ---
with_peer p2_ours_cd "$ours fit $P2 -k 20 --iters $it_cd --solver cd" p2_sk_cd "$sk $P2 -k 20 --iters $it_cd --solver cd"
with_peer p2_ours_mu "$ours fit $P2 -k 20 --iters $it_mu --solver mu" p2_sk_mu "$sk $P2 -k 20 --iters $it_mu --solver mu"
with_peer p2_ours_cd32 "$ours fit $P2 -k 20 --iters $it_cd --solver cd --dtype float32" \
  p2_sk_cd32 "$sk $P2 -k 20 --iters $it_cd --solver cd --dtype float32"
pair p2_ours_cd_t2 "$ours fit $P2 -k 20 --iters $it_cd --solver cd" p2_ours_cd64_t1 "$ours fit $P2 -k 20 --iters $it_cd --solver cd --threads 1"
# Growth in stored entries: the first quarter and half of P2's documents (the peer scripts' X[:rows]) and all, alternated.
alternate p2_ours_cd_rows15883 "$ours fit $P2 -k 20 --iters $it_cd --solver cd --rows 15883" \
  p2_ours_cd_rows31766 "$ours fit $P2 -k 20 --iters $it_cd --solver cd --rows 31766" \
  p2_ours_cd_rows63532 "$ours fit $P2 -k 20 --iters $it_cd --solver cd"
# A default fit: scikit-learn's tol 1e-4 and max_iter 200, the same stopping rule on both sides (same iterations).
with_peer p2_ours_cd_default "$ours fit $P2 -k 20 --iters $it_default --tol 1e-4 --solver cd" \
  p2_sk_cd_default "$sk $P2 -k 20 --iters $it_default --tol 1e-4 --solver cd"
[ $have_rc = 1 ] && run p2_rcppml "$rc $P2 20 $it_cd 2"
# --- P3: P1 with Kullback-Leibler, mu, k = 32 ---
with_peer p3_ours_kl "$ours fit $P1 -k 32 --iters $it_kl --solver mu --loss kullback-leibler" \
  p3_sk_kl "$sk $P1 -k 32 --iters $it_kl --solver mu --loss kullback-leibler"
# --- kernels ---
kernels=$("$ours" time 0 10 "$P1" "$P2" 2>&1)
commands+=("$ours time 0 10 $P1 $P2")
peak=$("$ours" peak 2>&1)
commands+=("$ours peak")
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b + 0 == 0) print "n/a"; else printf "%.2fx", a / b }'; }
ms() { [ -n "$1" ] && echo "$1 ms" || echo "missing"; }
# ours: whole fit per iteration, and in brackets the steady state (first iteration left out: no JIT, no first touch)
ours_ms() { local a; a=$(field "$1" per_iter_ms); [ -n "$a" ] && echo "$a ms (steady $(field "$1" steady_ms) ms)" || echo "missing"; }
s() { [ -n "$1" ] && echo "$1 s" || echo "missing"; }
peer_note() { [ $have_sk = 1 ] || echo " (scikit-learn missing: apt-get install -y --no-install-recommends python3-sklearn)"; }

section=$(mktemp)
{
  echo "# Benchmark results"
  echo
  echo "Written by \`bench/run-peers.sh\` on $(date -u '+%Y-%m-%d %H:%M UTC'). Machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores,"
  echo "$(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo) RAM, $(uname -sr), .NET $(dotnet --version 2>/dev/null)."
  echo "Load average (1, 5, 15 min) before: $load_before; after: $load_after. With other work on the machine the"
  echo "absolute times are noisy; every command ran $reps times and the table takes the run with the median time; ratios come"
  echo "from runs in this one invocation, each of ours alternating with the scikit-learn command it is compared with."
  echo "scikit-learn: $([ $have_sk = 1 ] && /usr/bin/python3 -c 'import sklearn, numpy; print(sklearn.__version__, "numpy", numpy.__version__)' || echo missing), BLAS $blas."
  echo "RcppML: $([ $have_rc = 1 ] && Rscript -e 'cat(as.character(packageVersion("RcppML")))' 2>/dev/null || echo 'missing (apt-get install -y --no-install-recommends r-cran-rcppml)')."
  echo
  echo "| work | ours | peer | ratio (peer / ours) | rel_err ours | rel_err peer | target |"
  echo "|---|---|---|---|---|---|---|"
  a=$(field p1_ours_cd64 per_iter_ms); b=$(field p1_sk_cd per_iter_ms)
  echo "| P1 per iteration, cd, float64 | $(ours_ms p1_ours_cd64) | sklearn cd $(ms "$b")$(peer_note) | $(ratio "$b" "$a") | $(field p1_ours_cd64 rel_err) | $(field p1_sk_cd rel_err) | ≥ 5x |"
  a=$(field p1_ours_cd32 per_iter_ms)
  echo "| P1 per iteration, cd, float32 | $(ours_ms p1_ours_cd32) | sklearn cd float64 $(ms "$b") | $(ratio "$b" "$a") | $(field p1_ours_cd32 rel_err) | $(field p1_sk_cd rel_err) | ≥ 9x |"
  a=$(field p1_ours_ehals seconds_to_target); b=$(field p1_sk_cd_target seconds)
  echo "| P1 time to rel_err ≤ 0.0850, float64 | ehals $(s "$a") (iteration $(field p1_ours_ehals reached_at_iter)) | sklearn cd $it_sk_target iterations $(s "$b") | $(ratio "$b" "$a") | ≤ 0.085 | $(field p1_sk_cd_target rel_err) | ≥ 8x |"
  a=$(field p1_ours_hals seconds_to_target)
  echo "| P1 time to rel_err ≤ 0.0850, float64, without extrapolation | hals $(s "$a") (iteration $(field p1_ours_hals reached_at_iter)) | sklearn cd $it_sk_target iterations $(s "$b") | $(ratio "$b" "$a") | ≤ 0.085 | $(field p1_sk_cd_target rel_err) | (context) |"
  a=$(field p2_ours_cd per_iter_ms); b=$(field p2_sk_cd per_iter_ms)
  echo "| P2 per iteration, sparse, cd | $(ours_ms p2_ours_cd) | sklearn cd $(ms "$b") | $(ratio "$b" "$a") | $(field p2_ours_cd rel_err) | $(field p2_sk_cd rel_err) | ≥ 7x |"
  a=$(field p2_ours_cd_default per_iter_ms); b=$(field p2_sk_cd_default per_iter_ms)
  echo "| P2 per iteration, sparse, cd, default fit (tol 1e-4: ours $(field p2_ours_cd_default iters), sklearn $(field p2_sk_cd_default iters) iterations) | $(ours_ms p2_ours_cd_default) | sklearn cd $(ms "$b") | $(ratio "$b" "$a") | $(field p2_ours_cd_default rel_err) | $(field p2_sk_cd_default rel_err) | ≥ 7x |"
  a=$(field p2_ours_cd32 per_iter_ms); b=$(field p2_sk_cd per_iter_ms)
  echo "| P2 per iteration, sparse, cd, float32 | $(ours_ms p2_ours_cd32) | sklearn cd float64 $(ms "$b") | $(ratio "$b" "$a") | $(field p2_ours_cd32 rel_err) | $(field p2_sk_cd rel_err) | (context) |"
  a=$(field p2_ours_cd32 per_iter_ms); b=$(field p2_sk_cd32 per_iter_ms)
  echo "| P2 per iteration, sparse, cd, both float32 | $(ms "$a") | sklearn cd float32 $(ms "$b") | $(ratio "$b" "$a") | $(field p2_ours_cd32 rel_err) | $(field p2_sk_cd32 rel_err) | (context) |"
  a=$(field p2_ours_cd_t2 per_iter_ms); b=$(field p2_ours_cd64_t1 per_iter_ms)
  echo "| P2 cd, 2 threads vs 1 | $(ms "$a") | 1 thread $(ms "$b") | $(ratio "$b" "$a") | | | (context) |"
  a=$(field p2_ours_mu per_iter_ms); b=$(field p2_sk_mu per_iter_ms)
  echo "| P2 per iteration, sparse, mu | $(ms "$a") | sklearn mu $(ms "$b") | $(ratio "$b" "$a") | $(field p2_ours_mu rel_err) | $(field p2_sk_mu rel_err) | (context) |"
  a=$(field p2_ours_cd per_iter_ms); b=$(field p2_rcppml per_iter_ms)
  echo "| P2 per iteration, sparse, vs RcppML | cd $(ms "$a") | RcppML $(ms "$b") | $(ratio "$b" "$a") | $(field p2_ours_cd rel_err) | $(field p2_rcppml rel_err) | (context) |"
  a=$(field p3_ours_kl per_iter_ms); b=$(field p3_sk_kl per_iter_ms)
  echo "| P3 per iteration, mu, KL | $(ours_ms p3_ours_kl) | sklearn mu KL $(ms "$b") | $(ratio "$b" "$a") | $(field p3_ours_kl rel_err) | $(field p3_sk_kl rel_err) | ≥ 5.5x |"
  a=$(field p1_ours_cd64_t2 per_iter_ms); b=$(field p1_ours_cd64_t1 per_iter_ms)
  echo "| P1 cd, 2 threads vs 1 | $(ms "$a") | 1 thread $(ms "$b") | $(ratio "$b" "$a") | | | ≥ 1.7x |"
  a=$(field p1_ours_cd64_t2 steady_ms); b=$(field p1_ours_cd64_t1 steady_ms)
  echo "| P1 cd, 2 threads vs 1, steady state | $(ms "$a") | 1 thread $(ms "$b") | $(ratio "$b" "$a") | | | (context) |"
  a=$(field p2_ours_cd steady_ms); b=$(field p2_sk_cd per_iter_ms)
  echo "| P2 cd, our steady state vs sklearn's whole fit | $(ms "$a") | sklearn cd $(ms "$b") | $(ratio "$b" "$a") | | | (context) |"
  echo "| P1 cd growth in n | 12.5k: $(ms "$(field p1_ours_cd64_rows12500 per_iter_ms)"), 25k: $(ms "$(field p1_ours_cd64_rows25000 per_iter_ms)"), 50k: $(ms "$(field p1_ours_cd64_rows50000 per_iter_ms)") | | | | | linear |"
  # Steady state (the first iteration left out), per million stored entries: linear growth keeps the second number flat.
  per_nnz() { local t n; t=$(field "$1" steady_ms); n=$(field "$1" nnz)
    [ -n "$t" ] && [ -n "$n" ] && awk -v t="$t" -v n="$n" 'BEGIN { printf "%.2f M: %.2f ms (%.2f ms per M)", n / 1e6, t, t / (n / 1e6) }' || echo "missing"; }
  echo "| P2 cd growth in stored entries, steady state | $(per_nnz p2_ours_cd_rows15883), $(per_nnz p2_ours_cd_rows31766), $(per_nnz p2_ours_cd_rows63532) | | | | | linear |"
  # The history's loss per iteration (from `time`), as a share of the steady iteration it is added to.
  hist() { echo "$kernels" | awk -v pat="Double history loss, Gram form, k=$1 " 'index($0, pat) == 1 { for (i = 1; i <= NF; i++) if ($i == "best") { print $(i + 1); exit } }'; }
  share() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b + 0 == 0) print "n/a"; else printf "%.1f%%", 100 * a / b }'; }
  a=$(hist 32); b=$(field p1_ours_cd64 steady_ms); c=$(hist 20); d=$(field p2_ours_cd steady_ms)
  echo "| Fit history: each iteration's loss from the Gram identity, float64 | P1 $(ms "$a"), P2 $(ms "$c") | steady cd iteration: P1 $(ms "$b"), P2 $(ms "$d") | P1 $(share "$a" "$b"), P2 $(share "$c" "$d") of an iteration | | | < 5% |"
  a=$(field p2_ours_cd alloc_mb); b=$(field p2_ours_cd input_mb); c=$(field p2_ours_cd base_mb)
  echo "| P2 peak memory: input CSR $b MB + allocated by the fit (transpose, factors, buffers) $a MB | $(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.1f MB", a + b }') | input CSR + transpose + factors: $c MB | $(ratio "$(awk -v a="$a" -v b="$b" 'BEGIN { print a + b }')" "$c") | | | ≤ 1.5x |"
  echo
  echo "Kernels (\`Nmf.Bench time\`, best wall time of 10 and process CPU time per run; GFLOPS = 2·n·m·k or 2·nnz·k per product):"
  echo
  echo '```'
  echo "$kernels"
  echo '```'
  echo
  echo "The machine's multiply-add peak, the ceiling of the dense kernels (\`Nmf.Bench peak\`: twelve independent chains of"
  echo "fused multiply-adds per thread):"
  echo
  echo '```'
  echo "$peak"
  echo '```'
  echo
  echo "Raw output lines:"
  echo
  echo '```'
  cat "$log"
  echo '```'
  echo
  echo "Commands (in this order):"
  echo
  for c in "${commands[@]}"; do echo "    $c"; done
  if [ -f bench/RESULTS-notes.md ]; then echo; cat bench/RESULTS-notes.md; fi
} > "$section"

# Only this runner's section is rewritten; other sections of RESULTS.md (other benchmarks) are kept.
rest=""
if [ -f "$out" ]; then
  if grep -q '^<!-- run-peers: end -->' "$out"; then rest=$(sed '1,/^<!-- run-peers: end -->/d' "$out")
  else rest=$(awk 'f || /^## /{f=1; print}' "$out"); fi
fi
{
  echo "<!-- run-peers: begin -->"
  cat "$section"
  echo "<!-- run-peers: end -->"
  [ -n "$rest" ] && { echo; echo "$rest"; }
} > "$out"
rm -f "$section"
rm -f "$log"
echo "wrote $out" >&2
