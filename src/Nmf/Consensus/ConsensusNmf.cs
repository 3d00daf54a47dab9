using System.Collections.Concurrent;
using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;
using Nmf.Matrices;
using Nmf.Solvers;

namespace Nmf.Consensus;

/// <summary>
/// Multiple-run NMF and consensus clustering (Brunet et al. 2004, PNAS 101:4164): the same rank is fitted from
/// several random starts, each run clusters the samples (rows of X) by their largest coefficient in W, and the
/// consensus matrix counts how often each pair of samples is clustered together.
/// </summary>
public static class ConsensusNmf
{
    /// <summary>
    /// Fits <see cref="ConsensusOptions.Runs"/> factorisations of X (samples x features) at rank
    /// <see cref="ConsensusOptions.Rank"/>, in parallel over runs; the result is identical for a given seed at any
    /// thread count. Each run starts from W and H drawn uniformly in [0, max X] (R NMF's "random" seed).
    /// </summary>
    /// <param name="x">Non-negative data, samples x features. NaN marks a missing entry: runs then use the masked
    /// multiplicative updates of the method's loss, which fit the observed entries only.</param>
    /// <param name="options">Rank, runs, method, seed.</param>
    /// <param name="cancellationToken">Cancels between iterations.</param>
    public static ConsensusResult<T> Run<T>(DenseMatrix<T> x, ConsensusOptions options, CancellationToken cancellationToken = default)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(options);
        Validate(x, options);
        var clock = Stopwatch.StartNew();
        int runs = options.Runs;
        var fits = new (DenseMatrix<T> W, DenseMatrix<T> H, MultiplicativeResult Result)[runs];
        var parallel = new ParallelOptions
        {
            MaxDegreeOfParallelism = options.Threads > 0 ? options.Threads : Environment.ProcessorCount,
            CancellationToken = cancellationToken,
        };
        // Once for all runs: whether X has missing entries and its largest observed value (the scale of the starts).
        bool missing = HasMissing(x);
        T max = LargestObserved(x);
        // One run at a time to whichever worker is free: runs stop after different numbers of iterations, and chunks of
        // runs would leave a core idle at the end.
        var order = Partitioner.Create(Enumerable.Range(0, runs), EnumerablePartitionerOptions.NoBuffering);
        Parallel.ForEach(order, parallel, r => fits[r] = FitOnce(x, options, r, max, missing, cancellationToken));

        // Accumulate in run order so that the consensus does not depend on which run finished first.
        int n = x.Rows;
        var together = new int[n, n];
        int best = 0;
        for (int r = 0; r < runs; r++)
        {
            var labels = Memberships.ArgmaxRows(fits[r].W);
            for (int i = 0; i < n; i++)
            {
                for (int j = 0; j < n; j++)
                {
                    together[i, j] += labels[i] == labels[j] ? 1 : 0;
                }
            }

            if (fits[r].Result.Loss < fits[best].Result.Loss)
            {
                best = r;
            }
        }

        var consensus = new double[n, n];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                consensus[i, j] = (double)together[i, j] / runs;
            }
        }

        var (w, h, _) = fits[best];
        return new ConsensusResult<T>(options, consensus, w, h, best,
            [.. fits.Select(f => f.Result.Loss)], [.. fits.Select(f => f.Result.Iterations)],
            2 * MaskedMultiplicativeUpdate.Loss(x, w, h, 2.0), clock.Elapsed.TotalSeconds);
    }

    /// <summary>Draws the start of run <paramref name="run"/>: W (n x k) then H (k x m), uniform in [0, max X].</summary>
    internal static (DenseMatrix<T> W, DenseMatrix<T> H) RandomStart<T>(DenseMatrix<T> x, int rank, long seed, int run)
        where T : unmanaged, IFloatingPointIeee754<T>
        => RandomStart(x, rank, seed, run, LargestObserved(x));

    /// <summary>Largest entry of X that is not NaN (zero for an empty or all-missing X).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static T LargestObserved<T>(DenseMatrix<T> x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T max = T.Zero;
        foreach (T v in x.Data)
        {
            max = T.IsNaN(v) ? max : T.Max(max, v);
        }

        return max;
    }

    /// <summary><see cref="RandomStart{T}(DenseMatrix{T}, int, long, int)"/> with max X already known.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static (DenseMatrix<T> W, DenseMatrix<T> H) RandomStart<T>(DenseMatrix<T> x, int rank, long seed, int run, T max)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var random = new SplitMix64(SplitMix64.Mix(unchecked((ulong)seed)) ^ SplitMix64.Mix(unchecked((ulong)run + 0x9E3779B97F4A7C15UL)));
        var w = new DenseMatrix<T>(x.Rows, rank);
        var h = new DenseMatrix<T>(rank, x.Cols);
        foreach (var data in new[] { w.Data, h.Data })
        {
            for (int i = 0; i < data.Length; i++)
            {
                data[i] = max * T.CreateChecked(random.NextDouble());
            }
        }

        return (w, h);
    }

    private static (DenseMatrix<T> W, DenseMatrix<T> H, MultiplicativeResult Result) FitOnce<T>(DenseMatrix<T> x, ConsensusOptions options, int run,
        T max, bool missing, CancellationToken cancellationToken)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var (w, h) = RandomStart(x, options.Rank, options.Seed, run, max);
        var stopping = new MultiplicativeStopping(options.MaxIter, options.Tol, options.ConnectivityStop);
        if (missing)
        {
            // Missing entries: the masked updates of the method's loss (KL for brunet, Frobenius for lee and cd).
            double beta = options.Method switch
            {
                NmfSolver.Brunet => 1.0,
                NmfSolver.Mu when options.BetaLoss == 1.0 => 1.0,
                _ => 2.0,
            };
            return (w, h, MaskedMultiplicativeUpdate.Fit(x, w, h, beta, stopping, cancellationToken));
        }

        switch (options.Method)
        {
            case NmfSolver.Brunet:
                return (w, h, Brunet.Fit(x, w, h, stopping, cancellationToken: cancellationToken));
            case NmfSolver.Lee:
                return (w, h, Lee.Fit(x, w, h, stopping, cancellationToken: cancellationToken));
            default:
                var estimator = new NmfEstimator<T>(new NmfOptions
                {
                    NComponents = options.Rank,
                    Solver = options.Method,
                    BetaLoss = options.BetaLoss,
                    Init = NmfInit.Custom,
                    MaxIter = options.MaxIter,
                    Tol = options.Tol,
                    RandomState = run,
                    Threads = 1,
                });
                estimator.Fit(x, w, h, cancellationToken: cancellationToken);

                // The fit already holds its divergence: reconstruction_err_ = sqrt(2·D).
                double error = estimator.ReconstructionError;
                return (estimator.W, estimator.Components, new MultiplicativeResult(estimator.NIter, 0.5 * error * error));
        }
    }

    private static void Validate<T>(DenseMatrix<T> x, ConsensusOptions options) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (options.Rank < 1 || options.Rank > Math.Min(x.Rows, x.Cols))
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"rank must be between 1 and min(samples, features) = {Math.Min(x.Rows, x.Cols)}, got {options.Rank}.");
        }

        if (options.Runs < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"runs must be at least 1, got {options.Runs}.");
        }

        if (options.MaxIter < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"max iterations must be at least 1, got {options.MaxIter}.");
        }

        CheckValues(x, allowMissing: true);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool HasMissing<T>(DenseMatrix<T> x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        foreach (T v in x.Data)
        {
            if (T.IsNaN(v))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Throws unless every entry is finite and non-negative (or NaN, a missing entry, when allowed).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void CheckValues<T>(DenseMatrix<T> x, bool allowMissing) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < x.Data.Length; i++)
        {
            T v = x.Data[i];
            if (!(v >= T.Zero && T.IsFinite(v)) && !(allowMissing && T.IsNaN(v)))
            {
                throw new NmfInputException($"X[{(i / x.Cols) + 1}, {(i % x.Cols) + 1}] = {v}: NMF needs finite non-negative data"
                    + (allowMissing ? " (NaN marks a missing entry)." : "; missing entries (NaN) need the masked solver (--missing nan)."));
            }
        }
    }
}
