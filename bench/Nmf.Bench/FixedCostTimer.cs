using System.Diagnostics;
using System.Globalization;
using System.Numerics;
using Nmf.Kernels;
using Nmf.Losses;
using Nmf.Matrices;

namespace Nmf.Bench;

/// <summary>
/// "fixed MATRIX [-k K] [--threads T] [--reps R]": times the pieces of a fit that do not depend on the number of
/// iterations (validation of X and W0, ‖X‖², the final reconstruction error) on the vector path and, for the
/// loss, on the plain scalar definition, printing best wall time and CPU time per run.
/// </summary>
internal static class FixedCostTimer
{
    public static void Run(string[] args)
    {
        string path = args[0];
        int k = 32, threads = 1, reps = 5;
        bool single = false;
        for (int a = 1; a + 1 < args.Length; a += 2)
        {
            if (args[a] == "--dtype")
            {
                single = args[a + 1] == "float32";
                continue;
            }

            int v = int.Parse(args[a + 1], CultureInfo.InvariantCulture);
            switch (args[a])
            {
                case "-k": k = v; break;
                case "--threads": threads = v; break;
                case "--reps": reps = v; break;
                default: throw new ArgumentException($"unknown option {args[a]}");
            }
        }

        IMatrix<double> x = path.Contains(".mtx", StringComparison.Ordinal) ? BenchData.ReadMtx(path) : BenchData.ReadNpy(path);
        if (single)
        {
            Pieces<float>(x is DenseMatrix<double> d ? d.Convert<float>() : ((CsrMatrix<double>)x).Convert<float>(), k, threads, reps);
        }
        else
        {
            Pieces(x, k, threads, reps);
        }
    }

    private static void Pieces<T>(IMatrix<T> x, int k, int threads, int reps) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var (w, h) = Init.NmfInitializer.Initialize(x, k, NmfInit.Random, 0);
        string shape = $"{x.Rows}x{x.Cols} k={k} threads={threads}";
        Report($"ValidateData X {shape}", Time(() => NmfValidation.ValidateData(x, "X", 2.0, threads), reps));
        Report("init random (mean of X, normals, W and H)", Time(() => Init.NmfInitializer.Initialize(x, k, NmfInit.Random, 0), reps));
        Report("  mean of X", Time(() => Init.NmfInitializer.Mean(x), reps));
        Report("  standard normals for W and H", Time(() => Init.NumpyRandomState.FromSeed(0).StandardNormal(new double[(x.Rows + x.Cols) * k]), reps));
        Report("ValidateFactor W0", Time(() => NmfValidation.ValidateFactor(w, "W0", x.Rows, k, "n x k", threads), reps));
        Report("ValidateFactor H0", Time(() => NmfValidation.ValidateFactor(h, "H0", k, x.Cols, "k x m", threads), reps));
        Report("clone W0 + H0", Time(() => { w.Clone(); h.Clone(); }, reps));
        Report("SquaredNorm X", Time(() => BetaDivergence.SquaredNorm(x, threads), reps));
        if (x is CsrMatrix<T> csr)
        {
            Report("transpose of X (CSR, built in parallel)", Time(() => SparseTranspose<T>.Build(csr, threads), reps));
        }
        Report("ReconstructionError beta=2", Time(() => BetaDivergence.ReconstructionError(x, w, h, 2.0, threads), reps));
        Report("  plain scalar definition", Time(() => BetaDivergence.ComputeOnPath(x, w, h, 2.0, 1, SimdPath.Scalar), 1));
        if (x is DenseMatrix<T>)
        {
            Report("ReconstructionError beta=1 (KL)", Time(() => BetaDivergence.ReconstructionError(x, w, h, 1.0, threads), reps));
            Report("  plain scalar definition", Time(() => BetaDivergence.ComputeOnPath(x, w, h, 1.0, 1, SimdPath.Scalar), 1));
        }
        else
        {
            Report("ReconstructionError beta=1 (KL)", Time(() => BetaDivergence.ReconstructionError(x, w, h, 1.0, threads), reps));
        }
    }

    private static (double First, double Best, double Cpu) Time(Action a, int reps)
    {
        var first = Stopwatch.StartNew();
        a();
        double firstSeconds = first.Elapsed.TotalSeconds;
        var (best, cpu) = KernelTimer.Time(a, reps);
        return (firstSeconds, best, cpu);
    }

    // First call (with JIT, as in a one-shot fit), best wall time of the repeats, and CPU time per repeat (the
    // steadier figure on a loaded machine).
    private static void Report(string what, (double First, double Best, double Cpu) t) =>
        Console.WriteLine($"{what,-45} first {t.First * 1e3,8:F2} ms | best {t.Best * 1e3,8:F2} ms | cpu/run {t.Cpu * 1e3,8:F2} ms");
}
