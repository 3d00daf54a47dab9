using System.Globalization;
using System.Numerics;
using Nmf.Matrices;

namespace Nmf.Bench;

/// <summary>
/// Times one fit the way the peer scripts in ../shared/peers do and prints one line in their format:
/// <c>fit MATRIX [-k K] [--iters N] [--solver cd|mu|hals] [--loss frobenius|kullback-leibler]
/// [--dtype float64|float32] [--threads T] [--rows R] [--target REL] [--tol TOL]</c> (tol 0 by default: exactly --iters
/// iterations; with --tol, scikit-learn's stopping rule, as the peer scripts' --tol). With <c>--target</c> it also reports
/// the first iteration whose relative error ‖X − WH‖_F/‖X‖_F is at or below REL and the fit time up to it.
/// The start is scikit-learn's random init with random_state 0, made inside the fit as in the peer scripts; per_iter_ms is
/// the fit's time (validation, init, iterations, final error) divided by the iterations, as the peers time their whole fit_transform. As the command-line tool does, the fit's kernels are compiled on
/// the idle core while the matrix is read (<see cref="NmfWarmup"/>; NMF_NO_WARMUP=1 leaves that out). Diagnostics on stderr: NMF_ITER_MS=1 (each iteration's time and the
/// collections during the fit), NMF_JITLOG=1 (what the fit compiles), NMF_JITLOG=2 (every compilation of the process).
/// </summary>
internal static class FitRunner
{
    /// <summary>With NMF_JITLOG=2: every compilation of the process, printed in order after the fit.</summary>
    private static JitLog? ProcessLog { get; set; }

    public static void Run(string[] args)
    {
        string path = args[0];
        int k = 20, iters = 100, threads = 0, rows = 0;
        string solver = "cd", loss = "frobenius", dtype = "float64";
        double target = double.NaN, tol = 0;
        for (int a = 1; a < args.Length; a += 2)
        {
            string v = args[a + 1];
            switch (args[a])
            {
                case "-k": k = int.Parse(v, CultureInfo.InvariantCulture); break;
                case "--iters": iters = int.Parse(v, CultureInfo.InvariantCulture); break;
                case "--solver": solver = v; break;
                case "--loss": loss = v; break;
                case "--dtype": dtype = v; break;
                case "--threads": threads = int.Parse(v, CultureInfo.InvariantCulture); break;
                case "--rows": rows = int.Parse(v, CultureInfo.InvariantCulture); break;
                case "--target": target = double.Parse(v, CultureInfo.InvariantCulture); break;
                case "--tol": tol = double.Parse(v, CultureInfo.InvariantCulture); break;
                default: throw new ArgumentException($"unknown option {args[a]}");
            }
        }

        var options = new NmfOptions
        {
            NComponents = k,
            Init = NmfInit.Random,
            RandomState = 0,
            Solver = solver switch
            {
                "cd" => NmfSolver.Cd,
                "mu" => NmfSolver.Mu,
                "hals" => NmfSolver.Hals,
                "ehals" => NmfSolver.Ehals,
                _ => throw new ArgumentException($"unknown solver {solver}"),
            },
            BetaLoss = loss switch
            {
                "frobenius" => 2.0,
                "kullback-leibler" => 1.0,
                "itakura-saito" => 0.0,
                _ => double.Parse(loss, CultureInfo.InvariantCulture),
            },
            MaxIter = iters,
            Tol = tol,
            Threads = threads,
        };

        // As the command-line tool does: the kernels the fit will run are compiled on the idle core while the input is read.
        bool sparse = path.Contains(".mtx", StringComparison.Ordinal);
        ProcessLog = Environment.GetEnvironmentVariable("NMF_JITLOG") == "2" ? new JitLog() : null;
        using var read = new CancellationTokenSource();
        var warmup = Environment.GetEnvironmentVariable("NMF_NO_WARMUP") is not null
            ? Task.CompletedTask
            : dtype == "float32" ? NmfWarmup.Start<float>(options, sparse, read.Token) : NmfWarmup.Start<double>(options, sparse, read.Token);
        IMatrix<double> x = sparse ? BenchData.ReadMtx(path) : BenchData.ReadNpy(path);
        read.Cancel();
        if (rows > 0 && rows < x.Rows)
        {
            // The first rows (the peer scripts' X[:rows]): P1's growth in n, P2's in stored entries.
            x = MatrixRows.Slice(x, 0, rows);
        }

        warmup.Wait();
        if (dtype == "float32")
        {
            Fit(Convert<float>(x), options, solver, loss, dtype, target);
        }
        else
        {
            Fit(x, options, solver, loss, dtype, target);
        }
    }

    /// <summary>Bytes of the input (with its cached transpose for CSR) and of W and H.</summary>
    private static long BaseBytes<T>(IMatrix<T> x, int k) where T : unmanaged, IFloatingPointIeee754<T>
    {
        long size = System.Runtime.CompilerServices.Unsafe.SizeOf<T>();
        long factors = ((long)x.Rows + x.Cols) * k * size;
        return x is CsrMatrix<T> s ? InputBytes(x) + CsrBytes(s.StoredCount, s.Cols, size) + factors : InputBytes(x) + factors;
    }

    /// <summary>Bytes of the input as read (CSR arrays or dense values), which exist before the fit.</summary>
    private static long InputBytes<T>(IMatrix<T> x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        long size = System.Runtime.CompilerServices.Unsafe.SizeOf<T>();
        return x is CsrMatrix<T> s ? CsrBytes(s.StoredCount, s.Rows, size) : x.StoredCount * size;
    }

    /// <summary>Bytes of a CSR matrix's arrays: values and column indices per entry, one row pointer per row and one more.</summary>
    private static long CsrBytes(long entries, int rows, long valueSize) => (entries * (valueSize + sizeof(int))) + ((long)(rows + 1) * sizeof(int));

    private static IMatrix<T> Convert<T>(IMatrix<double> x) where T : unmanaged, IFloatingPointIeee754<T> =>
        x is DenseMatrix<double> d ? d.Convert<T>() : ((CsrMatrix<double>)x).Convert<T>();

    private static void Fit<T>(IMatrix<T> x, NmfOptions options, string solver, string loss, string dtype, double target)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        // The reader's and the warm-up's garbage is collected before the fit, as the command-line tool does (Python
        // frees the peer's parsing buffers by reference counting as its reader returns): left to the runtime, a full
        // collection came due during P2's first iterations (first iteration 11.6 → 8.6 ms, median of 8 runs).
        GC.Collect();

        // scikit-learn's random init with random_state 0, inside the fit as the peers' fit_transform has it.
        long allocated0 = GC.GetTotalAllocatedBytes(true);
        var process = System.Diagnostics.Process.GetCurrentProcess();
        var cpu0 = process.TotalProcessorTime;
        var jit0 = System.Runtime.JitInfo.GetCompilationTime();
        int gc0 = GC.CollectionCount(0), gc1 = GC.CollectionCount(1), gc2 = GC.CollectionCount(2);
        using var jitLog = Environment.GetEnvironmentVariable("NMF_JITLOG") is null ? null : new JitLog();
        long fitStart = System.Diagnostics.Stopwatch.GetTimestamp();
        var model = new NmfEstimator<T>(options).Fit(x);
        double initSeconds = model.InitSeconds;
        if (ProcessLog is not null)
        {
            Console.Error.WriteLine($"fit from {ProcessLog.Since(fitStart):F0} ms");
        }
        jitLog?.Report();
        ProcessLog?.Timeline();
        if (Environment.GetEnvironmentVariable("NMF_ITER_MS") is not null)
        {
            Console.Error.WriteLine($"collections during the fit: gen0 {GC.CollectionCount(0) - gc0}, gen1 {GC.CollectionCount(1) - gc1}, gen2 {GC.CollectionCount(2) - gc2}");
        }
        double xNorm = Math.Sqrt(Losses.BetaDivergence.SquaredNorm(x));
        double rel = options.BetaLoss == 2.0 ? model.ReconstructionError / xNorm : model.ReconstructionError;
        int n = model.NIter;
        double seconds = model.Seconds;
        double jitMs = (System.Runtime.JitInfo.GetCompilationTime() - jit0).TotalMilliseconds;
        double allocatedMb = (GC.GetTotalAllocatedBytes(true) - allocated0) / 1e6;
        double baseMb = BaseBytes(x, options.NComponents) / 1e6;
        double inputMb = InputBytes(x) / 1e6;
        process.Refresh();
        double cpuSeconds = (process.TotalProcessorTime - cpu0).TotalSeconds;
        // Steady state: the time between the end of the first iteration and the end of the last, per iteration; it
        // leaves out what a fresh process pays once (JIT compilation of the kernels, first touch of new arrays,
        // validation, the final loss), which per_iter_ms spreads over the iterations as the peers' fit time does.
        var history = model.History;
        string steady = history.Count > 1
            ? (1000 * (history[^1].ElapsedSeconds - history[0].ElapsedSeconds) / (history.Count - 1)).ToString("F2", CultureInfo.InvariantCulture)
            : "n/a";
        string line = $"ours {solver} {loss} {dtype} shape=({x.Rows}, {x.Cols}) nnz={x.StoredCount} k={options.NComponents} threads={options.Threads} "
            + $"iters={n} seconds={seconds:F3} per_iter_ms={1000 * seconds / Math.Max(n, 1):F2} steady_ms={steady} rel_err={rel:F6} init_ms={1000 * initSeconds:F0} cpu_seconds={cpuSeconds:F3} jit_ms={jitMs:F0} alloc_mb={allocatedMb:F1} input_mb={inputMb:F1} base_mb={baseMb:F1}";
        if (!double.IsNaN(target))
        {
            // The iterations' clock starts after validation and the init; what the fit spent outside the loop (those, and
            // the final error) is added to the time of the iteration that reached the target.
            double outsideLoop = model.Seconds - history[^1].ElapsedSeconds;
            var hit = model.History.FirstOrDefault(h => h.RelativeError <= target);
            line += hit.Iteration > 0
                ? $" target={target} reached_at_iter={hit.Iteration} seconds_to_target={hit.ElapsedSeconds + outsideLoop:F3}"
                : $" target={target} not_reached";
        }

        Console.WriteLine(line);
        if (Environment.GetEnvironmentVariable("NMF_ITER_MS") is not null)
        {
            Console.Error.WriteLine(string.Join(" ", history.Select((h, i) => (1000 * (h.ElapsedSeconds - (i == 0 ? 0 : history[i - 1].ElapsedSeconds))).ToString("F2", CultureInfo.InvariantCulture))));
        }
    }
}
