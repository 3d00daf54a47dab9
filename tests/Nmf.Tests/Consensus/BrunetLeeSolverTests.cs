using Nmf.Consensus;
using Nmf.Losses;
using Nmf.Matrices;
using Nmf.Solvers;
using Xunit;

namespace Nmf.Tests.Consensus;

public class BrunetLeeSolverTests
{
    private static DenseMatrix<double> Data() => GolubData.Samples.SliceRows(0, 20);

    [Theory]
    [InlineData(NmfSolver.Brunet, 1.0, 2)]
    [InlineData(NmfSolver.Brunet, 1.0, 6)]
    [InlineData(NmfSolver.Lee, 2.0, 3)]
    public void EstimatorRunsTheMethodAndItsLossNeverRises(NmfSolver solver, double beta, int k)
    {
        var x = Data();
        var (w0, h0) = ConsensusNmf.RandomStart(x, k, 3, 0);
        var estimator = new NmfEstimator<double>(new NmfOptions
        {
            NComponents = k, Solver = solver, BetaLoss = beta, Init = NmfInit.Custom, Tol = 0, MaxIter = 60,
        });
        estimator.Fit(x, w0, h0, new Progress<NmfIteration>(), TestContext.Current.CancellationToken);
        Assert.Equal(60, estimator.NIter);

        // The same updates called directly from the same start give the same factors.
        var (w, h) = (w0.Clone(), h0.Clone());
        var stopping = new MultiplicativeStopping(60, 0, false);
        if (solver == NmfSolver.Brunet)
        {
            Brunet.Fit(x, w, h, stopping, cancellationToken: TestContext.Current.CancellationToken);
        }
        else
        {
            Lee.Fit(x, w, h, stopping, cancellationToken: TestContext.Current.CancellationToken);
        }

        Assert.Equal(w.Data, estimator.W.Data);
        Assert.Equal(h.Data, estimator.Components.Data);

        // Lee & Seung's updates never increase their objective (up to rounding and the ε guards).
        var losses = estimator.History.Select(r => r.Loss).ToArray();
        Assert.Equal(60, losses.Length);
        for (int i = 1; i < losses.Length; i++)
        {
            Assert.True(losses[i] <= losses[i - 1] * (1 + 1e-9), $"iteration {i + 1}: {losses[i]} > {losses[i - 1]}");
        }

        Assert.True(losses[^1] < BetaDivergence.Compute(x, w0, h0, beta) / 2);
    }

    [Fact]
    public void BrunetRefusesOtherLosses()
    {
        var estimator = new NmfEstimator<double>(new NmfOptions { NComponents = 2, Solver = NmfSolver.Brunet, BetaLoss = 2 });
        Assert.Throws<NmfInputException>(() => estimator.Fit(Data(), cancellationToken: TestContext.Current.CancellationToken));
    }

    [Fact]
    public void ConnectivityRuleStopsAfterFortyStableChecks()
    {
        var x = Data();
        var (w, h) = ConsensusNmf.RandomStart(x, 2, 1, 0);
        var result = Brunet.Fit(x, w, h, new MultiplicativeStopping(5000, 0, true), cancellationToken: TestContext.Current.CancellationToken);

        // At least 41 checks of 10 iterations with no change after the last change of clustering.
        Assert.True(result.Iterations >= 410 && result.Iterations < 5000 && result.Iterations % 10 == 0, $"{result.Iterations} iterations");
    }
}
