using System.Diagnostics;
using System.Numerics;
using Nmf.Kernels;
using Nmf.Losses;
using Nmf.Matrices;

namespace Nmf.Bench;

/// <summary>
/// A quick stopwatch timing of the products on P1's and P2's shapes (best of several runs), for a fast look
/// while developing; BenchmarkDotNet (<see cref="KernelBenchmarks"/>) gives the careful numbers.
/// </summary>
internal static class KernelTimer
{
    public static void Run(string[] args)
    {
        int threads = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 0;
        int reps = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 10;
        string? p1 = args.Length > 2 ? args[2] : null;
        string? p2 = args.Length > 3 ? args[3] : null;
        if (p1 != "-")
        {
            var x = p1 is null ? Random(50000, 256, 1) : BenchData.ReadNpy(p1);
            Dense(x, 32, threads, reps);
            Dense(x.Convert<float>(), 32, threads, reps);
        }

        if (p2 is not null)
        {
            var s = BenchData.ReadMtx(p2);
            if (Environment.GetEnvironmentVariable("NMF_BLOCK_AB") is not null)
            {
                // Interleaved A/B of the sparse block size (the results are identical; only the time differs).
                for (int round = 0; round < 4; round++)
                {
                    foreach (int bytes in new[] { int.MaxValue / 2, 640 * 1024 })
                    {
                        Nmf.Kernels.SparseProducts<double>.BlockBytes = bytes;
                        Console.Write($"block {bytes,10} ");
                        Sparse(s, 20, threads, reps);
                    }
                }

                return;
            }

            Sparse(s, 20, threads, reps);
            Sparse(s.Convert<float>(), 20, threads, reps);
        }
    }

    private static void Dense<T>(DenseMatrix<T> x, int k, int threads, int reps) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = x.Rows, m = x.Cols;
        var w = Random(n, k, 2).Convert<T>();
        var h = Random(k, m, 3).Convert<T>();
        var xht = new DenseMatrix<T>(n, k);
        var wtx = new DenseMatrix<T>(k, m);
        var gram = new DenseMatrix<T>(k, k);
        var wh = new DenseMatrix<T>(n, m);
        double flops = 2.0 * n * m * k;
        Report($"{typeof(T).Name} XHt {n}x{m} k={k}", flops, Time(() => Products.XHt(x, h, xht, threads), reps));
        Report($"{typeof(T).Name} WtX", flops, Time(() => Products.WtX(w, x, wtx, threads), reps));
        Report($"{typeof(T).Name} W·H", flops, Time(() => Products.Multiply(w, h, wh, threads), reps));
        Report($"{typeof(T).Name} WᵀW", 2.0 * n * k * k, Time(() => Products.GramCols(w, gram, threads), reps));
        Report($"{typeof(T).Name} HHᵀ", 2.0 * m * k * k, Time(() => Products.GramRows(h, gram, threads), reps));
        Products.GramRows(h, gram, threads);
        Products.XHt(x, h, xht, threads);
        var order = Enumerable.Range(0, k).ToArray();
        var w2 = w.Clone();
        Report($"{typeof(T).Name} cd sweep W", 2.0 * n * k * k, Time(() => CoordinateSweep<T>.Run(w2.Data, n, k, 1, gram.Data, k, xht.Data, k, 1, T.Zero, order, threads), reps));
        foreach (int rows in new[] { 1000, 5000 })
        {
            var ws = w.SliceRows(0, rows);
            var rs = xht.SliceRows(0, rows);
            Report($"{typeof(T).Name} cd sweep W rows={rows}", 2.0 * rows * k * k, Time(() => CoordinateSweep<T>.Run(ws.Data, rows, k, 1, gram.Data, k, rs.Data, k, 1, T.Zero, order, threads), reps * 10));
        }

        var h2 = h.Clone();
        Report($"{typeof(T).Name} cd sweep H", 2.0 * m * k * k, Time(() => CoordinateSweep<T>.Run(h2.Data, m, 1, m, gram.Data, k, wtx.Data, 1, m, T.Zero, order, threads), reps));
        HistoryLoss(w, h, wtx, threads, reps);
    }

    /// <summary>
    /// What the fit history adds to a Frobenius iteration: its loss from the Gram-matrix identity, ‖X‖² − 2⟨H, WᵀX⟩ +
    /// ⟨WᵀW, HHᵀ⟩, from the products the iteration has formed anyway (no pass over X).
    /// </summary>
    private static void HistoryLoss<T>(DenseMatrix<T> w, DenseMatrix<T> h, DenseMatrix<T> wtx, int threads, int reps)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int k = h.Rows, m = h.Cols;
        var wtw = new DenseMatrix<T>(k, k);
        var hht = new DenseMatrix<T>(k, k);
        Products.GramCols(w, wtw, threads);
        Products.GramRows(h, hht, threads);
        Report($"{typeof(T).Name} history loss, Gram form, k={k} m={m}", (2.0 * k * m) + (2.0 * k * k),
            Time(() => BetaDivergence.FrobeniusFromGram(1.0, h, wtx, wtw, hht), reps * 10));
    }

    private static void Sparse<T>(CsrMatrix<T> x, int k, int threads, int reps) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = x.Rows, m = x.Cols;
        var w = Random(n, k, 2).Convert<T>();
        var h = Random(k, m, 3).Convert<T>();
        var xht = new DenseMatrix<T>(n, k);
        var wtx = new DenseMatrix<T>(k, m);
        var values = new T[x.Values.Length];
        x.Transpose();
        double flops = 2.0 * x.StoredCount * k;
        Report($"{typeof(T).Name} CSR XHt {n}x{m} nnz={x.StoredCount} k={k}", flops, Time(() => Products.XHt(x, h, xht, threads), reps));
        Report($"{typeof(T).Name} CSR WtX", flops, Time(() => Products.WtX(w, x, wtx, threads), reps));
        Report($"{typeof(T).Name} CSR Sampled", flops, Time(() => Products.Sampled(x, w, h, values, threads), reps));
        var gram = new DenseMatrix<T>(k, k);
        Products.GramRows(h, gram, threads);
        Products.XHt(x, h, xht, threads);
        Products.WtX(w, x, wtx, threads);
        var order = Enumerable.Range(0, k).ToArray();
        Report($"{typeof(T).Name} WᵀW {n}x{k}", 2.0 * n * k * k, Time(() => Products.GramCols(w, gram, threads), reps));
        Report($"{typeof(T).Name} HHᵀ {k}x{m}", 2.0 * m * k * k, Time(() => Products.GramRows(h, gram, threads), reps));
        Report($"{typeof(T).Name} cd pass W", 2.0 * n * k * k, Time(() => CoordinateSweep<T>.Run(w.Data, n, k, 1, gram.Data, k, xht.Data, k, 1, T.Zero, order, threads), reps));
        var wt = w.Transpose();
        var xhtT = xht.Transpose();
        Report($"{typeof(T).Name} cd pass W, column-major copy", 2.0 * n * k * k, Time(() => CoordinateSweep<T>.Run(wt.Data, n, 1, n, gram.Data, k, xhtT.Data, 1, n, T.Zero, order, threads), reps));
        Report($"{typeof(T).Name} cd pass H", 2.0 * m * k * k, Time(() => CoordinateSweep<T>.Run(h.Data, m, 1, m, gram.Data, k, wtx.Data, 1, m, T.Zero, order, threads), reps));
        HistoryLoss(w, h, wtx, threads, reps);
    }

    /// <summary>Runs <paramref name="a"/> once to warm up, then <paramref name="reps"/> times: best wall time and process CPU time per run.</summary>
    internal static (double Best, double Cpu) Time(Action a, int reps)
    {
        a();
        double best = double.MaxValue;
        var process = Process.GetCurrentProcess();
        var cpu0 = process.TotalProcessorTime;
        for (int r = 0; r < reps; r++)
        {
            var sw = Stopwatch.StartNew();
            a();
            best = Math.Min(best, sw.Elapsed.TotalSeconds);
        }

        process.Refresh();
        return (best, (process.TotalProcessorTime - cpu0).TotalSeconds / reps);
    }

    // Wall time (best of the runs) and process CPU time per run: on a loaded machine the CPU time per run
    // divided by the thread count is the steadier estimate.
    private static void Report(string what, double flops, (double Best, double Cpu) t) =>
        Console.WriteLine($"{what,-50} best {t.Best * 1e3,8:F3} ms {flops / t.Best / 1e9,7:F1} GFLOPS | cpu/run {t.Cpu * 1e3,8:F3} ms");

    private static DenseMatrix<double> Random(int rows, int cols, int seed)
    {
        var rng = new Random(seed);
        var m = new DenseMatrix<double>(rows, cols);
        for (int i = 0; i < m.Data.Length; i++)
        {
            m.Data[i] = rng.NextDouble();
        }

        return m;
    }
}
