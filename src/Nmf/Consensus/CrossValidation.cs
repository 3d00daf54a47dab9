using System.Diagnostics;
using System.Numerics;
using Nmf.Matrices;
using Nmf.Solvers;

namespace Nmf.Consensus;

/// <summary>Parameters of <see cref="CrossValidation.Run{T}"/>.</summary>
public sealed record CrossValidationOptions
{
    /// <summary>Fraction of the observed entries held out in each replicate, in (0, 1); default 0.05 (RcppML's <c>test_density</c>).</summary>
    public double Holdout { get; init; } = 0.05;

    /// <summary>Replicates: independent hold-out sets and starts per rank; default 3.</summary>
    public int Replicates { get; init; } = 3;

    /// <summary>Loss fitted to the kept entries: 2 (Frobenius, default) or 1 (Kullback–Leibler).</summary>
    public double BetaLoss { get; init; } = 2.0;

    /// <summary>Most iterations per fit; default 500.</summary>
    public int MaxIter { get; init; } = 500;

    /// <summary>Relative decrease of the error per 10 iterations below which a fit stops; default 1e-4.</summary>
    public double Tol { get; init; } = 1e-4;

    /// <summary>Base seed of hold-out sets and starts; default 123456.</summary>
    public long Seed { get; init; } = 123456;

    /// <summary>Fits run at once; 0 (default) uses every core. Results do not depend on it.</summary>
    public int Threads { get; init; }
}

/// <summary>The error of one fit of a cross-validation.</summary>
/// <param name="Rank">k.</param>
/// <param name="Replicate">Replicate number, from 1.</param>
/// <param name="TestError">Mean squared error on the held-out entries.</param>
/// <param name="TrainError">Mean squared error on the entries the fit saw.</param>
/// <param name="Iterations">Iterations of the fit.</param>
/// <param name="Seconds">Seconds of the fit.</param>
public readonly record struct CrossValidationScore(int Rank, int Replicate, double TestError, double TrainError, int Iterations, double Seconds);

/// <summary>
/// Cross-validation of the rank by held-out entries, as RcppML's <c>crossValidate</c>: in each replicate a random
/// fraction of the entries is hidden (treated as missing by <see cref="MaskedMultiplicativeUpdate"/>), the model is
/// fitted to the rest, and the error on the hidden entries is reported. The test error is lowest near the rank that
/// generalises; past it, extra components fit noise. Entries already missing (NaN) in X are never in either set.
/// </summary>
public static class CrossValidation
{
    /// <summary>Scores every (rank, replicate) pair, in parallel; identical for a given seed at any thread count.</summary>
    /// <param name="x">Non-negative data, samples x features; NaN marks missing entries.</param>
    /// <param name="ranks">Ranks to try.</param>
    /// <param name="options">Hold-out fraction, replicates, loss, seed.</param>
    /// <param name="cancellationToken">Cancels between iterations.</param>
    /// <returns>One score per rank and replicate, ordered by rank then replicate.</returns>
    public static IReadOnlyList<CrossValidationScore> Run<T>(DenseMatrix<T> x, IEnumerable<int> ranks, CrossValidationOptions options,
        CancellationToken cancellationToken = default)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(ranks);
        ArgumentNullException.ThrowIfNull(options);
        var rankList = ranks.ToArray();
        Validate(x, rankList, options);

        // The hold-out set of replicate r is the same for every rank, so ranks are compared on equal terms.
        var holdouts = Enumerable.Range(0, options.Replicates).Select(r => HoldOut(x, options.Holdout, options.Seed, r)).ToArray();
        var jobs = rankList.SelectMany(k => Enumerable.Range(0, options.Replicates).Select(r => (k, r))).ToArray();
        var scores = new CrossValidationScore[jobs.Length];
        var parallel = new ParallelOptions
        {
            MaxDegreeOfParallelism = options.Threads > 0 ? options.Threads : Environment.ProcessorCount,
            CancellationToken = cancellationToken,
        };
        Parallel.For(0, jobs.Length, parallel, j => scores[j] = Score(x, holdouts[jobs[j].r], jobs[j].k, jobs[j].r, options, cancellationToken));
        return scores;
    }

    /// <summary>Which entries replicate <paramref name="replicate"/> hides: each observed entry independently with probability <paramref name="fraction"/>.</summary>
    internal static bool[] HoldOut<T>(DenseMatrix<T> x, double fraction, long seed, int replicate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var random = new SplitMix64(SplitMix64.Mix(unchecked((ulong)seed) ^ 0xC3A5C85C97CB3127UL) ^ SplitMix64.Mix((ulong)replicate + 1));
        var hidden = new bool[x.Data.Length];
        for (int i = 0; i < hidden.Length; i++)
        {
            hidden[i] = random.NextDouble() < fraction && !T.IsNaN(x.Data[i]);
        }

        return hidden;
    }

    private static CrossValidationScore Score<T>(DenseMatrix<T> x, bool[] hidden, int rank, int replicate, CrossValidationOptions options,
        CancellationToken cancellationToken)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var clock = Stopwatch.StartNew();
        var train = x.Clone();
        for (int i = 0; i < hidden.Length; i++)
        {
            if (hidden[i])
            {
                train.Data[i] = T.NaN;
            }
        }

        var (w, h) = ScaledStart(train, rank, options.Seed, replicate);
        var result = MaskedMultiplicativeUpdate.Fit(train, w, h, options.BetaLoss,
            new MultiplicativeStopping(options.MaxIter, options.Tol, false), cancellationToken);

        double testSum = 0, trainSum = 0;
        long testCount = 0, trainCount = 0;
        var wh = new T[x.Cols];
        for (int i = 0; i < x.Rows; i++)
        {
            Brunet.ReconstructRow(w.Row(i), h, wh);
            for (int j = 0; j < x.Cols; j++)
            {
                int p = (i * x.Cols) + j;
                if (T.IsNaN(x.Data[p]))
                {
                    continue;
                }

                double d = double.CreateChecked(x.Data[p] - wh[j]);
                if (hidden[p])
                {
                    testSum += d * d;
                    testCount++;
                }
                else
                {
                    trainSum += d * d;
                    trainCount++;
                }
            }
        }

        return new CrossValidationScore(rank, replicate + 1, testSum / Math.Max(testCount, 1), trainSum / Math.Max(trainCount, 1),
            result.Iterations, clock.Elapsed.TotalSeconds);
    }

    /// <summary>A random start at the scale of the data, uniform in [0, 2·sqrt(mean(X) / k)] (mean of the observed entries).</summary>
    private static (DenseMatrix<T> W, DenseMatrix<T> H) ScaledStart<T>(DenseMatrix<T> x, int rank, long seed, int replicate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        double sum = 0;
        long count = 0;
        foreach (T v in x.Data)
        {
            if (!T.IsNaN(v))
            {
                sum += double.CreateChecked(v);
                count++;
            }
        }

        T scale = T.CreateChecked(2 * Math.Sqrt(sum / Math.Max(count, 1) / rank));
        var random = new SplitMix64(SplitMix64.Mix(unchecked((ulong)seed)) ^ SplitMix64.Mix(((ulong)rank << 32) | (uint)replicate));
        var w = new DenseMatrix<T>(x.Rows, rank);
        var h = new DenseMatrix<T>(rank, x.Cols);
        foreach (var data in new[] { w.Data, h.Data })
        {
            for (int i = 0; i < data.Length; i++)
            {
                data[i] = scale * T.CreateChecked(random.NextDouble());
            }
        }

        return (w, h);
    }

    private static void Validate<T>(DenseMatrix<T> x, int[] ranks, CrossValidationOptions options)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (ranks.Length == 0 || ranks.Any(k => k < 1 || k > Math.Min(x.Rows, x.Cols)))
        {
            throw new ArgumentOutOfRangeException(nameof(ranks), $"ranks must be between 1 and min(samples, features) = {Math.Min(x.Rows, x.Cols)}.");
        }

        if (!(options.Holdout > 0 && options.Holdout < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"holdout must be in (0, 1), got {options.Holdout}.");
        }

        if (options.Replicates < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"replicates must be at least 1, got {options.Replicates}.");
        }

        if (options.BetaLoss is not (1.0 or 2.0))
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"beta loss must be 2 (Frobenius) or 1 (Kullback-Leibler), got {options.BetaLoss}.");
        }

        ConsensusNmf.CheckValues(x, allowMissing: true);
    }
}
