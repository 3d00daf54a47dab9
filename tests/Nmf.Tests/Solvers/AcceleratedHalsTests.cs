using System.Numerics;
using Nmf.Init;
using Nmf.Matrices;
using Nmf.Solvers;
using Xunit;

namespace Nmf.Tests.Solvers;

/// <summary>Accelerated HALS: its relation to cd, monotone loss, determinism, and that it gets further per iteration.</summary>
public class AcceleratedHalsTests
{
    [Fact]
    public void OneInnerPassIsExactlyCdOnSparseX()
    {
        var x = CsrMatrix<double>.FromDense(SolverRuns.Digits.SliceRows(0, 300));
        var options = Options(k: 8, iters: 15);
        var (w0, h0) = NmfInitializer.Initialize<double>(x, 8, NmfInit.Nndsvda, 0);
        var (wCd, hCd, _) = SolverRuns.Solve(new CoordinateDescent(), x, options, w0, h0);
        var (wHals, hHals, _) = SolverRuns.Solve(new AcceleratedHals(alpha: 0), x, options, w0, h0);
        Assert.Equal(wCd.Data, wHals.Data);
        Assert.Equal(hCd.Data, hHals.Data);
    }

    [Fact]
    public void OneInnerPassMatchesCdOnDenseXWithinRounding()
    {
        // Dense X takes the fused pass: W is updated exactly as cd does, WᵀX and WᵀW are summed per block group.
        var x = SolverRuns.Digits;
        var options = Options(k: 8, iters: 15);
        var (w0, h0) = NmfInitializer.Initialize<double>(x, 8, NmfInit.Nndsvda, 0);
        var (wCd, hCd, _) = SolverRuns.Solve(new CoordinateDescent(), x, options, w0, h0);
        var (wHals, hHals, _) = SolverRuns.Solve(new AcceleratedHals(alpha: 0), x, options, w0, h0);
        Assert.True(RelativeDifference(wCd, wHals) < 1e-10, $"W differs by {RelativeDifference(wCd, wHals)}");
        Assert.True(RelativeDifference(hCd, hHals) < 1e-10, $"H differs by {RelativeDifference(hCd, hHals)}");
    }

    private static double RelativeDifference(DenseMatrix<double> a, DenseMatrix<double> b)
    {
        double num = 0, den = 0;
        for (int i = 0; i < a.Data.Length; i++)
        {
            num += (a.Data[i] - b.Data[i]) * (a.Data[i] - b.Data[i]);
            den += a.Data[i] * a.Data[i];
        }

        return Math.Sqrt(num / den);
    }

    [Fact]
    public void LossNeverIncreasesAndBeatsCdPerIterationDense() => LossChecks(SolverRuns.Digits, k: 10);

    [Fact]
    public void LossNeverIncreasesAndBeatsCdPerIterationSparse() =>
        LossChecks(CsrMatrix<double>.FromDense(SolverRuns.Digits), k: 10);

    [Fact]
    public void FloatFitIsCloseToDouble()
    {
        var x = SolverRuns.Digits;
        var options = Options(k: 6, iters: 20);
        var (w0, h0) = NmfInitializer.Initialize<double>(x, 6, NmfInit.Nndsvda, 0);
        var (_, _, lossDouble) = SolverRuns.Solve(new AcceleratedHals(), x, options, w0, h0);
        var (_, _, lossFloat) = SolverRuns.Solve(new AcceleratedHals(), x.Convert<float>(), options, w0.Convert<float>(), h0.Convert<float>());
        Assert.InRange(lossFloat[^1] / lossDouble[^1], 1 - 1e-3, 1 + 1e-3);
    }

    [Fact]
    public void ThreadCountDoesNotChangeTheResult()
    {
        var x = SolverRuns.Digits;
        var (w0, h0) = NmfInitializer.Initialize<double>(x, 12, NmfInit.Nndsvda, 0);
        var (w1, h1, _) = SolverRuns.Solve(new AcceleratedHals(), x, Options(12, 10) with { Threads = 1 }, w0, h0);
        var (w2, h2, _) = SolverRuns.Solve(new AcceleratedHals(), x, Options(12, 10) with { Threads = 2 }, w0, h0);
        Assert.Equal(w1.Data, w2.Data);
        Assert.Equal(h1.Data, h2.Data);
    }

    [Fact]
    public void EstimatorRunsHalsByName()
    {
        var x = SolverRuns.Digits.SliceRows(0, 200);
        var model = new NmfEstimator<double>(new NmfOptions { NComponents = 5, Solver = NmfSolver.Hals, RandomState = 1, MaxIter = 50 }).Fit(x, cancellationToken: TestContext.Current.CancellationToken);
        Assert.True(model.NIter is > 0 and <= 50);
        Assert.All(model.Components.Data, v => Assert.True(v >= 0));
        var w = model.Transform(x);
        Assert.Equal(x.Rows, w.Rows);
    }

    [Fact]
    public void InnerPassesFollowTheCostRatio()
    {
        // P1's shape: products cost about m/(k+1) passes over W, so 1 + floor(0.5 · (1 + 256/33)) = 5 passes.
        Assert.Equal(5, AcceleratedHals.MaxPasses(50000L * 256, 256, 50000, 32, 0.5));
        Assert.Equal(1, AcceleratedHals.MaxPasses(50000L * 256, 256, 50000, 32, 0));
    }

    private static void LossChecks<T>(IMatrix<T> x, int k) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var options = Options(k, iters: 25);
        var (w0, h0) = NmfInitializer.Initialize(x, k, NmfInit.Random, 3);
        var (_, _, hals) = SolverRuns.Solve(new AcceleratedHals(), x, options, w0, h0);
        var (_, _, cd) = SolverRuns.Solve(new CoordinateDescent(), x, options, w0, h0);
        for (int i = 1; i < hals.Count; i++)
        {
            Assert.True(hals[i] <= hals[i - 1] * (1 + 1e-12), $"loss rose at iteration {i + 1}: {hals[i - 1]} -> {hals[i]}");
        }

        // Several passes per product: after the same number of iterations it is at least as far as cd.
        Assert.True(hals[^1] < cd[^1], $"hals {hals[^1]} vs cd {cd[^1]} after {hals.Count} iterations");
    }

    private static NmfOptions Options(int k, int iters) => new() { NComponents = k, MaxIter = iters, Tol = 0, Init = NmfInit.Custom };
}
