using Nmf.Losses;
using Nmf.Matrices;
using Nmf.Tests.Golden;
using Xunit;

namespace Nmf.Tests.Core;

/// <summary>Determinism, dense/sparse agreement, history, progress, cancellation and the small API members.</summary>
public class EstimatorTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    /// <summary>The first 300 digits: big enough for the products to split across threads.</summary>
    private static DenseMatrix<double> Digits() => ((DenseMatrix<double>)GoldenCase.Load("digits-cd").X()).SliceRows(0, 300);

    /// <summary>A 30 x 20 matrix with exact zeros, built from a fixed formula.</summary>
    private static DenseMatrix<double> WithZeros()
    {
        var x = new DenseMatrix<double>(30, 20);
        for (int i = 0; i < x.Rows; i++)
        {
            for (int j = 0; j < x.Cols; j++)
            {
                double v = Math.Sin((i * 1.7) + (j * 0.9)) + (0.3 * Math.Cos(i * j));
                x[i, j] = v > 0 ? v * (1 + (i % 3)) : 0;
            }
        }

        return x;
    }

    [Theory]
    [InlineData(NmfSolver.Cd, 2.0, true)]
    [InlineData(NmfSolver.Mu, 2.0, false)]
    [InlineData(NmfSolver.Mu, 1.0, false)]
    [InlineData(NmfSolver.Mu, 0.5, false)]
    public void SameSeedGivesBitIdenticalResultsAtAnyThreadCount(NmfSolver solver, double beta, bool shuffle)
    {
        var x = Digits();
        var options = new NmfOptions
        {
            NComponents = 8, Solver = solver, BetaLoss = beta, Init = NmfInit.Random, RandomState = 5, Shuffle = shuffle,
            MaxIter = 20, AlphaW = 0.001, L1Ratio = 0.5,
        };
        var one = new NmfEstimator<double>(options with { Threads = 1 }).Fit(x, cancellationToken: Token);
        var again = new NmfEstimator<double>(options with { Threads = 1 }).Fit(x, cancellationToken: Token);
        var two = new NmfEstimator<double>(options with { Threads = 2 }).Fit(x, cancellationToken: Token);
        var sparse = CsrMatrix<double>.FromDense(x);
        var sparseOne = new NmfEstimator<double>(options with { Threads = 1 }).Fit(sparse, cancellationToken: Token);
        var sparseTwo = new NmfEstimator<double>(options with { Threads = 2 }).Fit(sparse, cancellationToken: Token);
        Assert.Equal(one.W.Data, again.W.Data);
        Assert.Equal(one.Components.Data, again.Components.Data);
        Assert.Equal(one.W.Data, two.W.Data);
        Assert.Equal(one.Components.Data, two.Components.Data);
        Assert.Equal(sparseOne.W.Data, sparseTwo.W.Data);
        Assert.Equal(sparseOne.Components.Data, sparseTwo.Components.Data);
    }

    [Theory]
    [InlineData(NmfSolver.Cd, 2.0)]
    [InlineData(NmfSolver.Mu, 2.0)]
    [InlineData(NmfSolver.Mu, 1.0)]
    [InlineData(NmfSolver.Mu, 0.5)]
    [InlineData(NmfSolver.Mu, 1.5)]
    [InlineData(NmfSolver.Mu, 3.0)]
    public void SparseInputGivesTheDenseResult(NmfSolver solver, double beta)
    {
        var x = WithZeros();
        var options = new NmfOptions { NComponents = 4, Solver = solver, BetaLoss = beta, Init = NmfInit.Nndsvdar, RandomState = 1, MaxIter = 40, AlphaH = 0.01, L1Ratio = 0.2 };
        var dense = new NmfEstimator<double>(options).Fit(x, cancellationToken: Token);
        var sparse = new NmfEstimator<double>(options).Fit(CsrMatrix<double>.FromDense(x), cancellationToken: Token);
        Assert.True(GoldenTests.RelativeDifference(sparse.W, dense.W) < 1e-10);
        Assert.True(GoldenTests.RelativeDifference(sparse.Components, dense.Components) < 1e-10);
        Assert.Equal(dense.ReconstructionError, sparse.ReconstructionError, 1e-9 * dense.ReconstructionError);
    }

    [Theory]
    [InlineData(2.0)]
    [InlineData(1.0)]
    [InlineData(0.0)]
    [InlineData(0.5)]
    [InlineData(3.0)]
    public void SparseDivergenceEqualsDense(double beta)
    {
        var x = WithZeros();
        if (beta <= 0)
        {
            Array.ForEach(Enumerable.Range(0, x.Data.Length).ToArray(), p => x.Data[p] += 0.25);
        }

        var (w, h) = Nmf.Init.NmfInitializer.Initialize<double>(x, 3, NmfInit.Random, 2);
        double dense = BetaDivergence.Compute(x, w, h, beta);
        double sparse = BetaDivergence.Compute(CsrMatrix<double>.FromDense(x), w, h, beta);
        Assert.Equal(dense, sparse, 1e-10 * Math.Abs(dense));
    }

    [Fact]
    public void DivergenceOfNamedCasesFollowsTheirFormulas()
    {
        var x = DenseMatrix<double>.From2D(new double[,] { { 1, 2 }, { 3, 0 } });
        var w = DenseMatrix<double>.From2D(new double[,] { { 1 }, { 2 } });
        var h = DenseMatrix<double>.From2D(new double[,] { { 1.5, 0.5 } });

        // WH = [[1.5, 0.5], [3, 1]]
        Assert.Equal(0.5 * ((0.25) + (2.25) + 0 + 1), BetaDivergence.Compute(x, w, h, 2), 1e-15);
        double kl = (1 * Math.Log(1 / 1.5)) + (2 * Math.Log(2 / 0.5)) + (3 * Math.Log(3 / 3.0)) - 6 + 6;
        Assert.Equal(kl, BetaDivergence.Compute(x, w, h, 1), 1e-15);
        double b3 = new[] { (1.0, 1.5), (2.0, 0.5), (3.0, 3.0), (0.0, 1.0) }
            .Sum(t => (Math.Pow(t.Item1, 3) + (2 * Math.Pow(t.Item2, 3)) - (3 * t.Item1 * t.Item2 * t.Item2)) / 6);
        Assert.Equal(b3, BetaDivergence.Compute(x, w, h, 3), 1e-13);
        Assert.Equal(Math.Sqrt(2 * BetaDivergence.Compute(x, w, h, 3)), BetaDivergence.ReconstructionError(x, w, h, 3), 1e-15);
    }

    [Fact]
    public void FrobeniusHistoryTracksTheExactLossCheaply()
    {
        var x = Digits();
        foreach (var solver in new[] { NmfSolver.Cd, NmfSolver.Mu })
        {
            var est = new NmfEstimator<double>(new NmfOptions { NComponents = 6, Solver = solver, RandomState = 0, MaxIter = 30, Tol = 0 })
                .Fit(x, cancellationToken: Token);
            Assert.Equal(30, est.History.Count);
            Assert.Equal(Enumerable.Range(1, 30), est.History.Select(r => r.Iteration));
            var last = est.History[^1];
            double exact = BetaDivergence.Compute(x, est.W, est.Components, 2);
            Assert.Equal(exact, last.Loss, 1e-8 * exact);
            double xNorm = Math.Sqrt(x.Data.Sum(v => v * v));
            Assert.Equal(est.ReconstructionError / xNorm, last.RelativeError, 1e-8);
            Assert.True(est.History.Zip(est.History.Skip(1)).All(p => p.Second.ElapsedSeconds >= p.First.ElapsedSeconds));
            Assert.True(est.Seconds >= last.ElapsedSeconds);
        }
    }

    [Fact]
    public void OtherLossesAreRecordedOnlyWhereTheStoppingRuleComputesThem()
    {
        var x = Digits();
        var est = new NmfEstimator<double>(new NmfOptions { NComponents = 5, Solver = NmfSolver.Mu, BetaLoss = 1, RandomState = 0, MaxIter = 25, Tol = 1e-12 })
            .Fit(x, cancellationToken: Token);
        Assert.Equal(25, est.NIter);
        foreach (var r in est.History)
        {
            Assert.Equal(r.Iteration % 10 != 0, double.IsNaN(r.Loss));
            Assert.True(double.IsNaN(r.RelativeError));
        }
    }

    [Fact]
    public void ProgressReportsEachIterationAndCancellationStopsTheFit()
    {
        var x = WithZeros();
        using var cts = new CancellationTokenSource();
        var seen = new List<int>();
        var progress = new SynchronousProgress(r =>
        {
            seen.Add(r.Iteration);
            if (r.Iteration == 3)
            {
                cts.Cancel();
            }
        });
        var est = new NmfEstimator<double>(new NmfOptions { NComponents = 3, RandomState = 0, MaxIter = 50 });
        Assert.Throws<OperationCanceledException>(() => est.Fit(x, progress: progress, cancellationToken: cts.Token));
        Assert.Equal([1, 2, 3], seen);
    }

    [Fact]
    public void FitTransformReturnsWAndInverseTransformMultiplies()
    {
        var x = WithZeros();
        var est = new NmfEstimator<double>(new NmfOptions { NComponents = 3, RandomState = 0, MaxIter = 20 });
        var w = est.FitTransform(x, cancellationToken: Token);
        Assert.Same(est.W, w);
        var back = est.InverseTransform(w);
        Assert.Equal(x.Rows, back.Rows);
        Assert.Equal(x.Cols, back.Cols);
        double expected = 0;
        for (int c = 0; c < 3; c++)
        {
            expected += w[4, c] * est.Components[c, 7];
        }

        Assert.Equal(expected, back[4, 7], 1e-14);
        double diff = Math.Sqrt(x.Data.Zip(back.Data).Sum(p => (p.First - p.Second) * (p.First - p.Second)));
        Assert.Equal(est.ReconstructionError, diff, 1e-10);
    }

    [Fact]
    public void TransformOfTheTrainingRowsIsCloseToTheirFit()
    {
        var x = WithZeros();
        var est = new NmfEstimator<double>(new NmfOptions { NComponents = 3, RandomState = 0, MaxIter = 500, Tol = 1e-10 }).Fit(x, cancellationToken: Token);
        var w = est.Transform(x);
        Assert.True(GoldenTests.RelativeDifference(w, est.W) < 1e-3);
    }

    [Fact]
    public void FloatAndDoubleAgree()
    {
        var x = WithZeros();
        var options = new NmfOptions { NComponents = 3, Solver = NmfSolver.Mu, BetaLoss = 1.5, RandomState = 4, MaxIter = 50 };
        var d = new NmfEstimator<double>(options).Fit(x, cancellationToken: Token);
        var f = new NmfEstimator<float>(options).Fit(x.Convert<float>(), cancellationToken: Token);
        Assert.True(GoldenTests.RelativeDifference(f.W, d.W) < 1e-4);
        Assert.True(GoldenTests.RelativeDifference(f.Components, d.Components) < 1e-4);
    }

    [Fact]
    public void UnregisteredSolverIsNamed()
    {
        var missing = Enum.GetValues<NmfSolver>().Where(s => !global::Nmf.Solvers.SolverRegistry.IsRegistered(s)).ToList();
        foreach (var solver in missing)
        {
            var ex = Assert.Throws<NmfInputException>(() => new NmfEstimator<double>(new NmfOptions { NComponents = 2, Solver = solver }).Fit(WithZeros(), cancellationToken: Token));
            Assert.Contains(solver.ToString().ToLowerInvariant(), ex.Message);
        }
    }

    private sealed class SynchronousProgress(Action<NmfIteration> report) : IProgress<NmfIteration>
    {
        public void Report(NmfIteration value) => report(value);
    }
}
