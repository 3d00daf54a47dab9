using Nmf.Matrices;
using Xunit;

namespace Nmf.Tests.Core;

/// <summary>Each input error throws <see cref="NmfInputException"/> with a message naming what is wrong and where.</summary>
public class ValidationTests
{
    private static readonly DenseMatrix<double> Good = DenseMatrix<double>.From2D(new double[,]
    {
        { 1, 2, 3 }, { 4, 5, 6 }, { 7, 8, 9 }, { 1, 0, 2 },
    });

    private static NmfOptions Options(int k = 2) => new() { NComponents = k, Init = NmfInit.Custom, MaxIter = 5 };

    private static DenseMatrix<double> Ones(int r, int c)
    {
        var m = new DenseMatrix<double>(r, c);
        Array.Fill(m.Data, 1.0);
        return m;
    }

    private static string Fails(NmfOptions options, IMatrix<double> x, DenseMatrix<double>? w0 = null, DenseMatrix<double>? h0 = null)
    {
        var est = new NmfEstimator<double>(options);
        var ex = Assert.Throws<NmfInputException>(() => est.Fit(x, w0 ?? Ones(x.Rows, options.NComponents), h0 ?? Ones(options.NComponents, x.Cols), cancellationToken: TestContext.Current.CancellationToken));
        Assert.DoesNotContain('\n', ex.Message);
        return ex.Message;
    }

    [Fact]
    public void NegativeValueNamesRowAndColumn()
    {
        var x = Good.Clone();
        x[2, 1] = -0.5;
        string msg = Fails(Options(), x);
        Assert.Contains("negative", msg);
        Assert.Contains("row 2, column 1", msg);
    }

    [Fact]
    public void NegativeValueInSparseXNamesRowAndColumn()
    {
        var x = Good.Clone();
        x[3, 2] = -1;
        string msg = Fails(Options(), CsrMatrix<double>.FromDense(x));
        Assert.Contains("row 3, column 2", msg);
    }

    [Theory]
    [InlineData(double.NaN, "NaN")]
    [InlineData(double.PositiveInfinity, "Infinity")]
    public void NonFiniteValueNamesRowAndColumn(double value, string shown)
    {
        var x = Good.Clone();
        x[1, 2] = value;
        string msg = Fails(Options(), x);
        Assert.Contains("non-finite", msg);
        Assert.Contains(shown, msg);
        Assert.Contains("row 1, column 2", msg);
    }

    [Fact]
    public void EmptyMatrixIsRejected()
    {
        var msg = Assert.Throws<NmfInputException>(() => new NmfEstimator<double>(Options()).Fit(new DenseMatrix<double>(0, 3), cancellationToken: TestContext.Current.CancellationToken)).Message;
        Assert.Contains("empty", msg);
        Assert.Contains("0 x 3", msg);
    }

    [Fact]
    public void ComponentsBelowOneAreRejected() => Assert.Contains("NComponents", Fails(Options(1) with { NComponents = 0 }, Good, Ones(4, 1), Ones(1, 3)));

    [Fact]
    public void NndsvdWithTooManyComponentsIsRejected()
    {
        var est = new NmfEstimator<double>(new NmfOptions { NComponents = 4, Init = NmfInit.Nndsvd });
        string msg = Assert.Throws<NmfInputException>(() => est.Fit(Good, cancellationToken: TestContext.Current.CancellationToken)).Message;
        Assert.Contains("nndsvd", msg);
        Assert.Contains("min(n_samples, n_features) = 3", msg);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-0.5)]
    public void NonPositiveBetaWithZerosIsRejected(double beta)
    {
        string msg = Fails(Options() with { Solver = NmfSolver.Mu, BetaLoss = beta }, Good);
        Assert.Contains("zero", msg);
        Assert.Contains("row 3, column 1", msg);
    }

    [Fact]
    public void NonPositiveBetaWithImplicitZeroOfSparseXIsRejected()
    {
        string msg = Fails(Options() with { Solver = NmfSolver.Mu, BetaLoss = 0 }, CsrMatrix<double>.FromDense(Good));
        Assert.Contains("row 3, column 1", msg);
    }

    [Fact]
    public void CoordinateDescentWithOtherLossIsRejected()
    {
        string msg = Fails(Options() with { Solver = NmfSolver.Cd, BetaLoss = 1 }, Good);
        Assert.Contains("solver cd", msg);
        Assert.Contains("beta_loss = 1", msg);
    }

    [Fact]
    public void WrongW0ShapeIsRejected()
    {
        string msg = Fails(Options(), Good, w0: Ones(3, 2));
        Assert.Contains("W0 has shape 3 x 2, expected 4 x 2", msg);
    }

    [Fact]
    public void WrongH0ShapeIsRejected()
    {
        string msg = Fails(Options(), Good, h0: Ones(2, 4));
        Assert.Contains("H0 has shape 2 x 4, expected 2 x 3", msg);
    }

    [Fact]
    public void MissingCustomFactorIsRejected()
    {
        var est = new NmfEstimator<double>(Options());
        Assert.Contains("W0", Assert.Throws<NmfInputException>(() => est.Fit(Good, null, Ones(2, 3), cancellationToken: TestContext.Current.CancellationToken)).Message);
    }

    [Fact]
    public void NegativeOrZeroStartingFactorIsRejected()
    {
        var w0 = Ones(4, 2);
        w0[1, 1] = -1;
        Assert.Contains("W0 has a negative value", Fails(Options(), Good, w0: w0));
        Assert.Contains("H0 is full of zeros", Fails(Options(), Good, h0: new DenseMatrix<double>(2, 3)));
    }

    [Fact]
    public void NegativeAlphaIsRejected()
    {
        Assert.Contains("alpha_W (AlphaW)", Fails(Options() with { AlphaW = -0.1 }, Good));
        Assert.Contains("alpha_H (AlphaH)", Fails(Options() with { AlphaH = -1 }, Good));
    }

    [Theory]
    [InlineData(-0.01)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    public void L1RatioOutsideUnitIntervalIsRejected(double l1Ratio) =>
        Assert.Contains("l1_ratio (L1Ratio) must be in [0, 1]", Fails(Options() with { L1Ratio = l1Ratio }, Good));

    [Fact]
    public void OtherParametersAreChecked()
    {
        Assert.Contains("max_iter", Fails(Options() with { MaxIter = 0 }, Good));
        Assert.Contains("tol", Fails(Options() with { Tol = -1 }, Good));
        Assert.Contains("random_state", Fails(Options() with { RandomState = -3 }, Good));
    }

    [Fact]
    public void TransformChecksFeatureCount()
    {
        var est = new NmfEstimator<double>(Options()).Fit(Good, Ones(4, 2), Ones(2, 3), cancellationToken: TestContext.Current.CancellationToken);
        Assert.Contains("3", Assert.Throws<NmfInputException>(() => est.Transform(Ones(2, 4))).Message);
        Assert.Throws<InvalidOperationException>(() => new NmfEstimator<double>(Options()).Transform(Good));
    }
}
