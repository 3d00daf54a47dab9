using Nmf.Distributed;
using Nmf.Matrices;
using Xunit;

namespace Nmf.Tests.Distributed;

/// <summary>
/// The block-parallel fit in one process against the single-machine estimator: W and H within 1e-9 (relative,
/// Frobenius) for any partition; only the order of H's sums differs.
/// </summary>
public class BlockParallelTests
{
    public static TheoryData<string, NmfSolver, double, int> Cases() => new()
    {
        { "dense", NmfSolver.Mu, 2.0, 1 },
        { "dense", NmfSolver.Mu, 2.0, 4 },
        { "dense", NmfSolver.Mu, 1.0, 3 },
        { "dense", NmfSolver.Mu, 0.5, 3 },
        { "dense", NmfSolver.Mu, 3.0, 3 },
        { "dense", NmfSolver.Cd, 2.0, 1 },
        { "dense", NmfSolver.Cd, 2.0, 4 },
        { "sparse", NmfSolver.Mu, 2.0, 3 },
        { "sparse", NmfSolver.Mu, 1.0, 3 },
        { "sparse", NmfSolver.Mu, 1.5, 3 },
        { "sparse", NmfSolver.Cd, 2.0, 3 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task BlockFitEqualsSingleMachineFit(string data, NmfSolver solver, double beta, int blocks)
    {
        IMatrix<double> x = data == "dense" ? DistributedTestData.Digits() : DistributedTestData.Austen();
        if (beta <= 0.5 && data == "dense")
        {
            // a positive matrix, as the loss needs for beta < 1 to stay well conditioned
            var d = ((DenseMatrix<double>)x).Clone();
            for (int p = 0; p < d.Data.Length; p++)
            {
                d.Data[p] += 0.1;
            }

            x = d;
        }

        var options = DistributedTestData.Options(solver, beta, 4, 25) with { AlphaW = 0.001, L1Ratio = 0.5 };
        var (w0, h0) = DistributedTestData.Start(x, 4, 11);
        var estimator = new NmfEstimator<double>(options).Fit(x, w0.Clone(), h0.Clone(), cancellationToken: TestContext.Current.CancellationToken);
        var (w, result) = await DistributedTestData.LocalFit(x, options, w0, h0, LocalRowBlocks<double>.EvenPartition(x.Rows, blocks));

        Assert.Equal(estimator.NIter, result.NIter);
        Assert.InRange(DistributedTestData.RelativeDifference(result.H, estimator.Components), 0, 1e-9);
        Assert.InRange(DistributedTestData.RelativeDifference(w, estimator.W), 0, 1e-9);
        Assert.InRange(Math.Abs(result.ReconstructionError - estimator.ReconstructionError) / estimator.ReconstructionError, 0, 1e-9);
    }

    [Fact]
    public async Task MuStopsWhereTheEstimatorStops()
    {
        var x = DistributedTestData.Digits();
        var options = DistributedTestData.Options(NmfSolver.Mu, 1.0, 4, 200) with { Tol = 1e-3 };
        var (w0, h0) = DistributedTestData.Start(x, 4, 5);
        var estimator = new NmfEstimator<double>(options).Fit(x, w0.Clone(), h0.Clone(), cancellationToken: TestContext.Current.CancellationToken);
        var (_, result) = await DistributedTestData.LocalFit(x, options, w0, h0, [50, 50, 50]);
        Assert.True(estimator.NIter < 200);
        Assert.Equal(estimator.NIter, result.NIter);
    }
}

/// <summary>The block fit in float: the same algorithm, single precision (1e-4 relative to the float estimator).</summary>
public class BlockParallelFloatTests
{
    [Theory]
    [InlineData(NmfSolver.Mu, 2.0)]
    [InlineData(NmfSolver.Mu, 1.0)]
    [InlineData(NmfSolver.Cd, 2.0)]
    public async Task FloatBlockFitEqualsFloatEstimator(NmfSolver solver, double beta)
    {
        var xd = DistributedTestData.Digits();
        var (w0d, h0d) = DistributedTestData.Start(xd, 4, 9);
        var x = xd.Convert<float>();
        var w0 = w0d.Convert<float>();
        var h0 = h0d.Convert<float>();
        var options = DistributedTestData.Options(solver, beta, 4, 15);
        var estimator = new NmfEstimator<float>(options).Fit(x, w0.Clone(), h0.Clone(), cancellationToken: TestContext.Current.CancellationToken);
        var blocks = new LocalRowBlocks<float>(x, w0, [50, 50, 50]);
        var result = await new BlockParallelNmf<float>(options, checkpointInterval: 0).FitAsync(blocks, h0, TestContext.Current.CancellationToken);
        Assert.InRange(DistributedTestData.RelativeDifference(result.H.Convert<double>(), estimator.Components.Convert<double>()), 0, 1e-4);
    }
}
