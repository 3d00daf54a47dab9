using Nmf.Matrices;
using Xunit;

namespace Nmf.Tests.MiniBatch;

public class MiniBatchValidationTests
{
    private static readonly DenseMatrix<double> X = DenseMatrix<double>.From2D(new double[,] { { 1, 0, 2 }, { 0, 3, 1 }, { 2, 1, 0 }, { 1, 1, 1 } });

    private static (DenseMatrix<double> W0, DenseMatrix<double> H0) Start(int n = 4, int m = 3, int k = 2)
    {
        var w = new DenseMatrix<double>(n, k);
        var h = new DenseMatrix<double>(k, m);
        w.Data.AsSpan().Fill(0.5);
        h.Data.AsSpan().Fill(0.5);
        h[0, 0] = 1;
        return (w, h);
    }

    private static MiniBatchNmfOptions Options => new() { NComponents = 2, Init = NmfInit.Custom, BatchSize = 2, MaxIter = 3 };

    [Theory]
    [InlineData(nameof(MiniBatchNmfOptions.NComponents))]
    [InlineData(nameof(MiniBatchNmfOptions.BatchSize))]
    [InlineData(nameof(MiniBatchNmfOptions.ForgetFactor))]
    [InlineData(nameof(MiniBatchNmfOptions.FreshRestartsMaxIter))]
    [InlineData(nameof(MiniBatchNmfOptions.TransformMaxIter))]
    [InlineData(nameof(MiniBatchNmfOptions.MaxNoImprovement))]
    [InlineData(nameof(MiniBatchNmfOptions.MaxIter))]
    [InlineData(nameof(MiniBatchNmfOptions.Tol))]
    [InlineData(nameof(MiniBatchNmfOptions.L1Ratio))]
    [InlineData(nameof(MiniBatchNmfOptions.AlphaW))]
    public void BadOptionIsNamed(string parameter)
    {
        var o = parameter switch
        {
            nameof(MiniBatchNmfOptions.NComponents) => Options with { NComponents = 0 },
            nameof(MiniBatchNmfOptions.BatchSize) => Options with { BatchSize = 0 },
            nameof(MiniBatchNmfOptions.ForgetFactor) => Options with { ForgetFactor = 1.5 },
            nameof(MiniBatchNmfOptions.FreshRestartsMaxIter) => Options with { FreshRestartsMaxIter = 0 },
            nameof(MiniBatchNmfOptions.TransformMaxIter) => Options with { TransformMaxIter = 0 },
            nameof(MiniBatchNmfOptions.MaxNoImprovement) => Options with { MaxNoImprovement = 0 },
            nameof(MiniBatchNmfOptions.MaxIter) => Options with { MaxIter = 0 },
            nameof(MiniBatchNmfOptions.Tol) => Options with { Tol = -1 },
            nameof(MiniBatchNmfOptions.L1Ratio) => Options with { L1Ratio = 2 },
            _ => Options with { AlphaW = -1 },
        };
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new MiniBatchNmf<double>(o));
        Assert.Equal(parameter, e.ParamName);
    }

    [Fact]
    public void NegativeValueNamesRowAndColumn()
    {
        var x = X.Clone();
        x[2, 1] = -1;
        var (w0, h0) = Start();
        var e = Assert.Throws<NmfInputException>(() => new MiniBatchNmf<double>(Options).Fit(x, w0, h0, TestContext.Current.CancellationToken));
        Assert.Contains("row 3, column 2", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NegativeValueInStreamNamesAbsoluteRow()
    {
        var x = X.Clone();
        x[3, 0] = double.NaN;
        var (w0, h0) = Start();
        var e = Assert.Throws<NmfInputException>(() => new MiniBatchNmf<double>(Options).Fit(new MatrixRowBatches<double>(x), w0, h0, TestContext.Current.CancellationToken));
        Assert.Contains("row 4, column 1", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ZerosWithNonPositiveBetaAreRefused()
    {
        var (w0, h0) = Start();
        var e = Assert.Throws<NmfInputException>(() => new MiniBatchNmf<double>(Options with { BetaLoss = 0 }).Fit(X, w0, h0, TestContext.Current.CancellationToken));
        Assert.Contains("beta_loss", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void StartOfWrongShapeIsRefused()
    {
        var (w0, _) = Start();
        var (_, h0) = Start(m: 4);
        var e = Assert.Throws<ArgumentException>(() => new MiniBatchNmf<double>(Options).Fit(X, w0, h0, TestContext.Current.CancellationToken));
        Assert.Contains("H0 is 2 x 4, expected 2 x 3", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PartialFitWithOtherColumnCountIsRefused()
    {
        var (w0, h0) = Start();
        var model = new MiniBatchNmf<double>(Options).PartialFit(X, w0, h0);
        var e = Assert.Throws<NmfInputException>(() => model.PartialFit(new DenseMatrix<double>(2, 5)));
        Assert.Contains("5 columns", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FactorsStayNonNegativeAndLossFallsOnLowRankData()
    {
        // X = A·B of known non-negative factors: the mini-batch fit must drive the error well below the start's.
        var rng = new Random(7);
        var a = new DenseMatrix<double>(60, 3);
        var b = new DenseMatrix<double>(3, 12);
        for (int p = 0; p < a.Data.Length; p++)
        {
            a.Data[p] = rng.NextDouble();
        }

        for (int p = 0; p < b.Data.Length; p++)
        {
            b.Data[p] = rng.NextDouble();
        }

        var x = new DenseMatrix<double>(60, 12);
        for (int i = 0; i < 60; i++)
        {
            for (int j = 0; j < 12; j++)
            {
                for (int c = 0; c < 3; c++)
                {
                    x[i, j] += a[i, c] * b[c, j];
                }
            }
        }

        var (w0, h0) = Start(60, 12, 3);
        for (int p = 0; p < h0.Data.Length; p++)
        {
            h0.Data[p] = 0.2 + rng.NextDouble();
        }

        foreach (double beta in new[] { 0.5, 1, 1.5, 2, 3 })
        {
            var o = new MiniBatchNmfOptions { NComponents = 3, Init = NmfInit.Custom, BatchSize = 20, MaxIter = 300, Tol = 0, MaxNoImprovement = null, BetaLoss = beta };
            var model = new MiniBatchNmf<double>(o).Fit(x, w0, h0, TestContext.Current.CancellationToken);
            var start = new MiniBatchNmf<double>(o with { MaxIter = 1 }).Fit(x, w0, h0, TestContext.Current.CancellationToken);
            Assert.All(model.W.Data, v => Assert.True(v >= 0));
            Assert.All(model.Components.Data, v => Assert.True(v >= 0));
            Assert.True(model.ReconstructionError < 0.4 * start.ReconstructionError, $"beta {beta}: {model.ReconstructionError} vs {start.ReconstructionError}");
        }
    }
}
