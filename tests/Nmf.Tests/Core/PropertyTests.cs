using CsCheck;
using Nmf.Losses;
using Nmf.Matrices;
using Xunit;

namespace Nmf.Tests.Core;

/// <summary>Properties that must hold for any input: monotone loss under mu, non-negativity, exact recovery.</summary>
public class PropertyTests
{
    /// <summary>A small problem: X (n x m), k, and a seed for the starting factors.</summary>
    public sealed record Problem(DenseMatrix<double> X, int K, int Seed);

    /// <summary>Positive X (no zeros, so that β ≤ 0 is allowed), 3–9 x 3–9, k 1–4.</summary>
    private static readonly Gen<Problem> Positive =
        from n in Gen.Int[3, 9]
        from m in Gen.Int[3, 9]
        from k in Gen.Int[1, 4]
        from values in Gen.Double[0.05, 5.0].Array[n * m]
        from seed in Gen.Int[0, 10_000]
        select new Problem(new DenseMatrix<double>(n, m, values), k, seed);

    /// <summary>Non-negative X with about a third exact zeros (but no all-zero matrix).</summary>
    private static readonly Gen<Problem> WithZeros =
        from n in Gen.Int[2, 9]
        from m in Gen.Int[2, 9]
        from k in Gen.Int[1, 4]
        from values in Gen.Double[-2.0, 4.0].Array[n * m]
        from seed in Gen.Int[0, 10_000]
        select new Problem(new DenseMatrix<double>(n, m, values.Select((v, i) => i == 0 ? 1.0 : Math.Max(v, 0.0)).ToArray()), k, seed);

    private static (DenseMatrix<double> W, DenseMatrix<double> H) Start(Problem p)
    {
        var rng = new Random(p.Seed);
        var w = new DenseMatrix<double>(p.X.Rows, p.K);
        var h = new DenseMatrix<double>(p.K, p.X.Cols);
        for (int i = 0; i < w.Data.Length; i++)
        {
            w.Data[i] = 0.1 + rng.NextDouble();
        }

        for (int i = 0; i < h.Data.Length; i++)
        {
            h.Data[i] = 0.1 + rng.NextDouble();
        }

        return (w, h);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.5)]
    [InlineData(1.0)]
    [InlineData(1.5)]
    [InlineData(2.0)]
    [InlineData(3.0)]
    public void MultiplicativeUpdatesNeverIncreaseTheLoss(double beta)
    {
        Positive.Sample(
            p =>
            {
                var (w, h) = Start(p);
                var options = new NmfOptions { NComponents = p.K, Solver = NmfSolver.Mu, BetaLoss = beta, Init = NmfInit.Custom, MaxIter = 1, Tol = 0 };
                double previous = BetaDivergence.Compute(p.X, w, h, beta);
                for (int it = 0; it < 25; it++)
                {
                    // One iteration at a time: mu keeps no state between iterations when it updates H.
                    var est = new NmfEstimator<double>(options).Fit(p.X, w, h, cancellationToken: TestContext.Current.CancellationToken);
                    (w, h) = (est.W, est.Components);
                    double loss = BetaDivergence.Compute(p.X, w, h, beta);
                    Assert.True(
                        loss <= previous + (1e-9 * Math.Abs(previous)) + 1e-12,
                        $"beta {beta}: loss rose from {previous:R} to {loss:R} at iteration {it + 1}");
                    previous = loss;
                }
            },
            iter: 40);
    }

    [Theory]
    [InlineData(NmfSolver.Cd, 2.0)]
    [InlineData(NmfSolver.Mu, 2.0)]
    [InlineData(NmfSolver.Mu, 1.0)]
    [InlineData(NmfSolver.Mu, 0.5)]
    [InlineData(NmfSolver.Mu, 3.0)]
    public void FactorsStayNonNegativeAndFinite(NmfSolver solver, double beta)
    {
        WithZeros.Sample(
            p =>
            {
                var options = new NmfOptions
                {
                    NComponents = p.K, Solver = solver, BetaLoss = beta, Init = NmfInit.Random, RandomState = p.Seed,
                    MaxIter = 30, AlphaW = 0.01, L1Ratio = 0.5,
                };
                foreach (IMatrix<double> x in new IMatrix<double>[] { p.X, CsrMatrix<double>.FromDense(p.X) })
                {
                    var est = new NmfEstimator<double>(options).Fit(x, cancellationToken: TestContext.Current.CancellationToken);
                    Assert.All(est.W.Data, v => Assert.True(v >= 0 && double.IsFinite(v), $"W has {v}"));
                    Assert.All(est.Components.Data, v => Assert.True(v >= 0 && double.IsFinite(v), $"H has {v}"));
                    Assert.True(double.IsFinite(est.ReconstructionError));
                }
            },
            iter: 40);
    }

    /// <summary>X = W*·H* of known non-negative separable factors is recovered by cd (relative error below 1e-4).</summary>
    [Fact]
    public void KnownFactorsAreRecovered()
    {
        var gen =
            from n in Gen.Int[8, 20]
            from m in Gen.Int[8, 20]
            from k in Gen.Int[1, 3]
            from w in Gen.Double[0.2, 2.0].Array[n * k]
            from h in Gen.Double[0.2, 2.0].Array[k * m]
            select (n, m, k, w, h);
        gen.Sample(
            t =>
            {
                var (n, m, k, wData, hData) = t;

                // Column j of H* belongs to component j mod k only (a separable factorization, unique up to scaling).
                for (int c = 0; c < k; c++)
                {
                    for (int j = 0; j < m; j++)
                    {
                        if (j % k != c)
                        {
                            hData[(c * m) + j] = 0;
                        }
                    }
                }

                // Row c of W* uses component c only: with the pure columns of H* this makes the factorization
                // unique up to scaling (Donoho & Stodden 2003, separability), so the optimum is the truth.
                for (int c = 0; c < k; c++)
                {
                    for (int r = 0; r < k; r++)
                    {
                        if (r != c)
                        {
                            wData[(c * k) + r] = 0;
                        }
                    }
                }

                var wTrue = new DenseMatrix<double>(n, k, wData);
                var hTrue = new DenseMatrix<double>(k, m, hData);
                var x = new DenseMatrix<double>(n, m);
                for (int i = 0; i < n; i++)
                {
                    for (int j = 0; j < m; j++)
                    {
                        for (int c = 0; c < k; c++)
                        {
                            x[i, j] += wTrue[i, c] * hTrue[c, j];
                        }
                    }
                }

                // NMF has local minima: as in practice, keep the best of a few starts (NNDSVDa, then random seeds).
                double relative = double.PositiveInfinity;
                double xNorm = Math.Sqrt(x.Data.Sum(v => v * v));
                for (int start = 0; start < 5 && relative >= 1e-4; start++)
                {
                    var options = new NmfOptions
                    {
                        NComponents = k, Init = start == 0 ? NmfInit.Nndsvda : NmfInit.Random, RandomState = start, Tol = 1e-14, MaxIter = 5000,
                    };
                    var est = new NmfEstimator<double>(options).Fit(x, cancellationToken: TestContext.Current.CancellationToken);
                    relative = Math.Min(relative, est.ReconstructionError / xNorm);
                }

                Assert.True(relative < 1e-4, $"relative error {relative:E3} for {n} x {m}, k = {k}");
            },
            iter: 40);
    }
}
