using System.Numerics;
using Nmf.Init;
using Nmf.Losses;
using Nmf.Matrices;
using Nmf.Solvers;
using Xunit;

namespace Nmf.Tests.Solvers;

/// <summary>Extrapolated A-HALS: its history is that of its non-negative iterates, it gets further than hals, and it is deterministic.</summary>
public class ExtrapolatedHalsTests
{
    /// <summary>
    /// Dense and CSR X: the returned factors are non-negative, the last loss of the history is ½‖X − WH‖² of exactly
    /// those factors (not of the extrapolated ones), and after the same number of iterations the error is below hals's.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ReturnsItsIteratesAndGetsFurtherThanHals(bool sparse)
    {
        IMatrix<double> x = sparse ? CsrMatrix<double>.FromDense(SolverRuns.Digits) : SolverRuns.Digits;
        var options = new NmfOptions { NComponents = 10, MaxIter = 40, Tol = 0, Init = NmfInit.Custom };
        var (w0, h0) = NmfInitializer.Initialize(x, 10, NmfInit.Random, 3);
        var (w, h, loss) = SolverRuns.Solve(new ExtrapolatedHals(), x, options, w0, h0);
        var (_, _, hals) = SolverRuns.Solve(new AcceleratedHals(), x, options, w0, h0);

        Assert.All(w.Data, v => Assert.True(v >= 0));
        Assert.All(h.Data, v => Assert.True(v >= 0));
        double direct = BetaDivergence.Compute(x, w, h, 2.0, 1);
        Assert.InRange(loss[^1], direct * (1 - 1e-8), direct * (1 + 1e-8));
        Assert.Equal(40, loss.Count);
        Assert.True(loss[^1] < hals[^1], $"ehals {loss[^1]} vs hals {hals[^1]} after 40 iterations");
    }

    /// <summary>Bit-identical factors at 1 and 2 threads, float and double.</summary>
    [Fact]
    public void SameResultAtAnyThreadCount()
    {
        Deterministic<double>();
        Deterministic<float>();
    }

    [Fact]
    public void EstimatorRunsItByNameAndTransforms()
    {
        var x = SolverRuns.Digits.SliceRows(0, 200);
        var model = new NmfEstimator<double>(new NmfOptions { NComponents = 5, Solver = NmfSolver.Ehals, RandomState = 1, MaxIter = 50 })
            .Fit(x, cancellationToken: TestContext.Current.CancellationToken);
        Assert.True(model.NIter is > 0 and <= 50);
        Assert.All(model.Components.Data, v => Assert.True(v >= 0));
        var w = model.Transform(x);
        Assert.Equal(x.Rows, w.Rows);
        Assert.All(w.Data, v => Assert.True(v >= 0));
    }

    private static void Deterministic<T>() where T : unmanaged, IFloatingPointIeee754<T>
    {
        var x = SolverRuns.Digits.Convert<T>();
        var (w0, h0) = NmfInitializer.Initialize<T>(x, 12, NmfInit.Nndsvda, 0);
        var options = new NmfOptions { NComponents = 12, MaxIter = 12, Tol = 0, Init = NmfInit.Custom };
        var (w1, h1, _) = SolverRuns.Solve(new ExtrapolatedHals(), x, options with { Threads = 1 }, w0, h0);
        var (w2, h2, _) = SolverRuns.Solve(new ExtrapolatedHals(), x, options with { Threads = 2 }, w0, h0);
        Assert.Equal(w1.Data, w2.Data);
        Assert.Equal(h1.Data, h2.Data);
    }

}
