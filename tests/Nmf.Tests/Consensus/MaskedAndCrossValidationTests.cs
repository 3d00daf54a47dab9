using Nmf.Consensus;
using Nmf.Matrices;
using Nmf.Solvers;
using Xunit;

namespace Nmf.Tests.Consensus;

public class MaskedAndCrossValidationTests
{
    /// <summary>X = W H exactly, rank 2, entries in about [0.2, 2].</summary>
    private static DenseMatrix<double> LowRank(int n, int m, int k, int seed, double noise = 0)
    {
        var random = new Random(seed);
        var w = new DenseMatrix<double>(n, k);
        var h = new DenseMatrix<double>(k, m);
        for (int i = 0; i < w.Data.Length; i++)
        {
            w.Data[i] = 0.1 + random.NextDouble();
        }

        for (int i = 0; i < h.Data.Length; i++)
        {
            h.Data[i] = 0.1 + random.NextDouble();
        }

        var x = new DenseMatrix<double>(n, m);
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < m; j++)
            {
                double s = 0;
                for (int c = 0; c < k; c++)
                {
                    s += w[i, c] * h[c, j];
                }

                x[i, j] = s * (1 + (noise * ((2 * random.NextDouble()) - 1)));
            }
        }

        return x;
    }

    private static (DenseMatrix<double> W, DenseMatrix<double> H) Start(int n, int m, int k)
    {
        var random = new Random(99);
        var w = new DenseMatrix<double>(n, k);
        var h = new DenseMatrix<double>(k, m);
        for (int i = 0; i < w.Data.Length; i++)
        {
            w.Data[i] = 0.5 + random.NextDouble();
        }

        for (int i = 0; i < h.Data.Length; i++)
        {
            h.Data[i] = 0.5 + random.NextDouble();
        }

        return (w, h);
    }

    [Theory]
    [InlineData(2.0)]
    [InlineData(1.0)]
    public void MaskedSolverIgnoresMaskedEntries(double beta)
    {
        var truth = LowRank(30, 40, 2, 1);
        var gappy = truth.Clone();
        var zeroed = truth.Clone();
        var missing = new List<int>();
        for (int p = 0; p < gappy.Data.Length; p += 7)
        {
            gappy.Data[p] = double.NaN;
            zeroed.Data[p] = 0;
            missing.Add(p);
        }

        double MissingError(DenseMatrix<double> x)
        {
            var (w, h) = Start(30, 40, 2);
            MaskedMultiplicativeUpdate.Fit(x, w, h, beta, new MultiplicativeStopping(3000, 0, false), TestContext.Current.CancellationToken);
            var wh = new double[40];
            double worst = 0;
            foreach (int p in missing)
            {
                Brunet.ReconstructRow(w.Row(p / 40), h, wh);
                worst = Math.Max(worst, Math.Abs(wh[p % 40] - truth.Data[p]) / truth.Data[p]);
            }

            return worst;
        }

        // Hidden entries are predicted from the low-rank structure; treated as zeros they are pulled far off.
        Assert.InRange(MissingError(gappy), 0, 0.02);
        Assert.InRange(MissingError(zeroed), 0.2, double.PositiveInfinity);
    }

    [Fact]
    public void MaskedLossSkipsMissingEntries()
    {
        var x = DenseMatrix<double>.From2D(new[,] { { 1.0, double.NaN }, { 3.0, 4.0 } });
        var w = DenseMatrix<double>.From2D(new[,] { { 1.0 }, { 2.0 } });
        var h = DenseMatrix<double>.From2D(new[,] { { 1.0, 1.0 } });

        // WH = [[1, 1], [2, 2]]: residuals 0, (missing), 1, 2 → ½ (0 + 1 + 4).
        Assert.Equal(2.5, MaskedMultiplicativeUpdate.Loss(x, w, h, 2.0), 12);

        // KL: 3 log(3/2) − 3 + 2 + 4 log(4/2) − 4 + 2 (the first entry fits exactly).
        Assert.Equal((3 * Math.Log(1.5)) - 1 + (4 * Math.Log(2)) - 2, MaskedMultiplicativeUpdate.Loss(x, w, h, 1.0), 12);
    }

    [Fact]
    public void CrossValidationPrefersTheTrueRankAndIsDeterministic()
    {
        var x = LowRank(40, 60, 3, 5, noise: 0.05);
        var options = new CrossValidationOptions { Holdout = 0.1, Replicates = 2, Threads = 1 };
        var scores = CrossValidation.Run(x, [1, 3, 6], options, TestContext.Current.CancellationToken);
        Assert.Equal(6, scores.Count);
        double Mean(int k) => scores.Where(s => s.Rank == k).Average(s => s.TestError);
        Assert.True(Mean(3) < Mean(1) / 4, $"k=1 {Mean(1)}, k=3 {Mean(3)}");
        Assert.True(Mean(3) < Mean(6), $"k=3 {Mean(3)}, k=6 {Mean(6)}");
        Assert.All(scores, s => Assert.True(s.TrainError <= s.TestError * 1.5 || s.Rank == 1));

        var again = CrossValidation.Run(x, [1, 3, 6], options with { Threads = 3 }, TestContext.Current.CancellationToken);
        Assert.Equal(scores.Select(s => s.TestError), again.Select(s => s.TestError));
    }
}
