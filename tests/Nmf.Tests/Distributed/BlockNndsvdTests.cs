using Nmf.Decomposition;
using Nmf.Distributed;
using Nmf.Init;
using Nmf.Matrices;
using Xunit;

namespace Nmf.Tests.Distributed;

/// <summary>
/// NNDSVD starts for X in row blocks: the randomized SVD through the block products equals the single-machine
/// randomized SVD up to rounding, the NNDSVD rules hold, and a fit from it is as good as one from the exact NNDSVD.
/// </summary>
public class BlockNndsvdTests
{
    public static TheoryData<string, int> Shapes() => new()
    {
        { "dense", 1 },
        { "dense", 4 },
        { "sparse", 3 },
    };

    private static IMatrix<double> Data(string kind) => kind == "dense" ? DistributedTestData.Digits() : DistributedTestData.Austen();

    private static LocalRowBlocks<double> Blocks(IMatrix<double> x, int blocks)
        => new(x, new DenseMatrix<double>(x.Rows, 1), LocalRowBlocks<double>.EvenPartition(x.Rows, blocks));

    [Theory]
    [MemberData(nameof(Shapes))]
    public async Task BlockRandomizedSvdEqualsSingleMachineRandomizedSvd(string kind, int blocks)
    {
        // digits (150 x 64) is tall, the Austen TF-IDF (80 x 400) wide: both orientations of scikit-learn's code
        var x = Data(kind);
        int k = 5;
        var single = RandomizedSvd.Compute(x, k, 7, 10, NumpyRandomState.FromSeed(42), 1);
        var block = await BlockNndsvd.RandomizedSvdAsync(Blocks(x, blocks), k, 7, 10, NumpyRandomState.FromSeed(42), 1, TestContext.Current.CancellationToken);
        Assert.InRange(DistributedTestData.RelativeDifference(block.U, single.U), 0, 1e-9);
        Assert.InRange(DistributedTestData.RelativeDifference(block.Vt, single.Vt), 0, 1e-9);
        for (int c = 0; c < k; c++)
        {
            Assert.InRange(Math.Abs(block.S[c] - single.S[c]) / single.S[0], 0, 1e-12);
        }
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public async Task NndsvdRulesHold(string kind, int blocks)
    {
        var x = Data(kind);
        int k = 6, n = x.Rows, m = x.Cols;
        var ct = TestContext.Current.CancellationToken;
        var (w, h) = await BlockNndsvd.InitializeAsync(Blocks(x, blocks), k, NmfInit.Nndsvd, 7, 1, ct);
        var (wa, ha) = await BlockNndsvd.InitializeAsync(Blocks(x, blocks), k, NmfInit.Nndsvda, 7, 1, ct);
        var (war, har) = await BlockNndsvd.InitializeAsync(Blocks(x, blocks), k, NmfInit.Nndsvdar, 7, 1, ct);
        Assert.Equal((n, k, k, m), (w.Rows, w.Cols, h.Rows, h.Cols));
        double mean = Nmf.Solvers.MiniBatchMultiplicativeUpdate.SumOf(x) / ((double)n * m);

        foreach (var (plain, a, ar) in new[] { (w.Data, wa.Data, war.Data), (h.Data, ha.Data, har.Data) })
        {
            // NNDSVD: non-negative, nothing between 0 and eps = 1e-6, and the sign split leaves zeros
            Assert.All(plain, v => Assert.True(v == 0 || v >= NmfInitializer.Eps, $"{v}"));
            Assert.Contains(0.0, plain);
            for (int p = 0; p < plain.Length; p++)
            {
                if (plain[p] == 0)
                {
                    // NNDSVDA fills the zeros with mean(X), NNDSVDAR with small |mean · N(0, 1) / 100|
                    Assert.Equal(mean, a[p], 1e-12);
                    Assert.InRange(ar[p], 0, mean * 0.1);
                }
                else
                {
                    Assert.Equal(plain[p], a[p]);
                    Assert.Equal(plain[p], ar[p]);
                }
            }
        }

        Assert.Contains(war.Data.Concat(har.Data), v => v > 0 && v < mean * 0.1);
        Assert.DoesNotContain(0.0, wa.Data);
    }

    [Theory]
    [InlineData("dense", NmfInit.Nndsvd)]
    [InlineData("dense", NmfInit.Nndsvda)]
    [InlineData("sparse", NmfInit.Nndsvda)]
    public async Task FitFromBlockNndsvdIsAsGoodAsFromExactNndsvd(string kind, NmfInit init)
    {
        // the single machine uses the exact SVD for matrices this small; the blocks use the randomized one
        var x = Data(kind);
        var ct = TestContext.Current.CancellationToken;
        var options = DistributedTestData.Options(NmfSolver.Mu, 2.0, 5, 10) with { Init = init, RandomState = 0 };
        var estimator = new NmfEstimator<double>(options).Fit(x, cancellationToken: ct);

        var (w0, h0) = await BlockNndsvd.InitializeAsync(Blocks(x, 3), 5, init, 0, 1, ct);
        var (_, result) = await DistributedTestData.LocalFit(x, options with { Init = NmfInit.Custom }, w0, h0, LocalRowBlocks<double>.EvenPartition(x.Rows, 3));
        Assert.InRange(result.ReconstructionError / estimator.ReconstructionError, 0.97, 1.03);
    }
}
