using Nmf.Consensus;
using Nmf.Matrices;
using Xunit;

namespace Nmf.Tests.Core;

/// <summary>The warm-up compiles ahead and changes nothing: fits after it equal fits without it, bit for bit.</summary>
public class WarmupTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(NmfSolver.Cd, 2.0, false)]
    [InlineData(NmfSolver.Cd, 2.0, true)]
    [InlineData(NmfSolver.Mu, 1.0, false)]
    [InlineData(NmfSolver.Hals, 2.0, true)]
    [InlineData(NmfSolver.Ehals, 2.0, false)]
    public void FitAfterWarmupEqualsFitWithout(NmfSolver solver, double beta, bool sparse)
    {
        var x = NmfWarmup.Synthetic<double>(120, 90, sparse, seed: 7);
        var options = new NmfOptions { NComponents = 6, Solver = solver, BetaLoss = beta, Init = NmfInit.Random, RandomState = 3, MaxIter = 40, Tol = 0 };
        var before = new NmfEstimator<double>(options).Fit(x, cancellationToken: Token);
        Assert.True(NmfWarmup.Fit<double>(options, sparse));
        var after = new NmfEstimator<double>(options).Fit(x, cancellationToken: Token);
        Assert.Equal(before.Components.Data, after.Components.Data);
        Assert.Equal(before.W.Data, after.W.Data);
        Assert.Equal(before.ReconstructionError, after.ReconstructionError);
    }

    [Fact]
    public void SyntheticMatrixIsFixedNonNegativeAndSparseWhenAsked()
    {
        var dense = (DenseMatrix<float>)NmfWarmup.Synthetic<float>(200, 100, sparse: false, seed: 1);
        var again = (DenseMatrix<float>)NmfWarmup.Synthetic<float>(200, 100, sparse: false, seed: 1);
        Assert.Equal(dense.Data, again.Data);
        Assert.All(dense.Data, v => Assert.True(v > 0));
        var sparse = (CsrMatrix<float>)NmfWarmup.Synthetic<float>(200, 100, sparse: true, seed: 1);
        double density = (double)sparse.StoredCount / (200 * 100);
        Assert.InRange(density, 0.02, 0.06);
    }

    [Fact]
    public async Task UnusableOptionsAreSkippedAndStartNeverFaults()
    {
        var bad = new NmfOptions { NComponents = 4, Solver = NmfSolver.Cd, BetaLoss = 1.0 };
        Assert.False(NmfWarmup.Fit<double>(bad, sparse: false));
        var task = NmfWarmup.Start<double>(bad, sparse: false, Token);
        await task.WaitAsync(Token);
        Assert.True(task.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task KeepsTheKernelsBusyUntilTheReadIsDoneThenStops()
    {
        var options = new NmfOptions { NComponents = 5, Solver = NmfSolver.Cd, Init = NmfInit.Custom, MaxIter = 50 };
        using var read = CancellationTokenSource.CreateLinkedTokenSource(Token);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var task = NmfWarmup.Start<float>(options, sparse: true, read.Token);
        var stoppedAt = task.ContinueWith(_ => clock.Elapsed, TaskScheduler.Default);
        await Task.Delay(50, Token);
        var cancelledAt = clock.Elapsed;
        await read.CancelAsync();
        await task.WaitAsync(Token);
        Assert.True(task.IsCompletedSuccessfully);

        // Before the read was done it may stop only once its settle time is up (a loaded machine can hold this test's
        // thread past it); after, it stops at once.
        var stopped = await stoppedAt.WaitAsync(Token);
        Assert.True(stopped >= cancelledAt || stopped >= NmfWarmup.SettleTime, $"stopped at {stopped.TotalMilliseconds:F0} ms, before the read was done at {cancelledAt.TotalMilliseconds:F0} ms");
        Assert.True(stopped - cancelledAt < TimeSpan.FromSeconds(5), $"still busy {(stopped - cancelledAt).TotalMilliseconds:F0} ms after the read was done");
    }

    [Fact]
    public void LargeRanksWarmUpAtAReducedRank()
    {
        var options = new NmfOptions { NComponents = 300, Solver = NmfSolver.Cd, Init = NmfInit.Random, RandomState = 0, MaxIter = 2 };
        Assert.True(NmfWarmup.Fit<float>(options, sparse: true));
    }

    [Fact]
    public async Task SurveyAfterWarmupEqualsSurveyWithout()
    {
        var x = (DenseMatrix<double>)NmfWarmup.Synthetic<double>(24, 60, sparse: false, seed: 5);
        var options = new ConsensusOptions { Runs = 3, MaxIter = 200, Seed = 11 };
        int[] ranks = [2, 3, 5];
        var before = RankSurvey.Run(x, ranks, options, Token);
        var warmup = RankSurvey.StartWarmup<double>(ranks, options);
        await warmup.WaitAsync(Token);
        Assert.True(warmup.IsCompletedSuccessfully);
        var after = RankSurvey.Run(x, ranks, options, Token);
        for (int r = 0; r < ranks.Length; r++)
        {
            Assert.Equal(before[r].W.Data, after[r].W.Data);
            Assert.Equal(before[r].Cophenetic, after[r].Cophenetic);
        }
    }
}
