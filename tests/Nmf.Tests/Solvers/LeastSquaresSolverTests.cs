using Nmf.Matrices;
using Nmf.Solvers;
using Nmf.Tests.Images;
using Xunit;

namespace Nmf.Tests.Solvers;

/// <summary>
/// ALS and projected gradient on the golden Frobenius cases: from scikit-learn's starting factors and with as
/// many iterations as scikit-learn's cd ran, both must lower the loss and end within 1% of cd's error.
/// </summary>
public class LeastSquaresSolverTests
{
    public static TheoryData<string, string> Cases => new()
    {
        { "als", "digits-cd" }, { "als", "golub-cd" }, { "als", "faces-fit-first80" },
        { "pg", "digits-cd" }, { "pg", "golub-cd" }, { "pg", "faces-fit-first80" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void DecreasesTheLossAndReachesCdsError(string solver, string name)
    {
        var (x, w0, h0, cdError, maxIter) = ImagesTestData.Golden(name);
        var w = w0.Clone();
        var h = h0.Clone();
        var losses = new List<double>();
        var settings = new LeastSquaresSettings(maxIter, 0, 1);
        int iterations = solver == "als"
            ? AlsSolver.Fit<double>(x, w, h, settings, (_, l) => losses.Add(l), TestContext.Current.CancellationToken)
            : ProjectedGradientSolver.Fit<double>(x, w, h, settings, (_, l) => losses.Add(l), TestContext.Current.CancellationToken);

        Assert.Equal(maxIter, iterations);
        Assert.Equal(maxIter, losses.Count);
        double start = FrobeniusError(x, w0, h0), end = FrobeniusError(x, w, h);
        Assert.True(end < start, $"{solver} on {name}: error {end} not below the start's {start}");
        Assert.True(losses[^1] <= losses[0], $"{solver} on {name}: loss went up from {losses[0]} to {losses[^1]}");
        // The loss reported from Gram matrices is the loss of the returned factors.
        Assert.Equal(end, Math.Sqrt(2 * losses[^1]), end * 1e-8);
        Assert.True(end <= 1.01 * cdError, $"{solver} on {name}: error {end} more than 1% above cd's {cdError}");
        Assert.All(w.Data, v => Assert.True(v >= 0));
        Assert.All(h.Data, v => Assert.True(v >= 0));
    }

    [Theory]
    [InlineData(NmfSolver.Als)]
    [InlineData(NmfSolver.Pg)]
    public void RunThroughTheEstimatorLikeTheOtherSolvers(NmfSolver solver)
    {
        var (x, w0, h0, _, _) = ImagesTestData.Golden("faces-fit-first80");
        var options = new NmfOptions { NComponents = 16, Solver = solver, Init = NmfInit.Custom, MaxIter = 30, Tol = 0 };
        var fit = new NmfEstimator<double>(options).Fit(x, w0, h0, cancellationToken: TestContext.Current.CancellationToken);
        var direct = (w0.Clone(), h0.Clone());
        var settings = new LeastSquaresSettings(30, 0, 0);
        if (solver == NmfSolver.Als)
        {
            AlsSolver.Fit<double>(x, direct.Item1, direct.Item2, settings, null, TestContext.Current.CancellationToken);
        }
        else
        {
            ProjectedGradientSolver.Fit<double>(x, direct.Item1, direct.Item2, settings, null, TestContext.Current.CancellationToken);
        }

        Assert.Equal(30, fit.NIter);
        Assert.Equal(30, fit.History.Count);
        Assert.Equal(direct.Item2.Data, fit.Components.Data);
        Assert.Equal(FrobeniusError(x, fit.W, fit.Components), fit.ReconstructionError, 1e-8);
        Assert.Equal(fit.ReconstructionError / Math.Sqrt(x.Data.Sum(v => v * v)), fit.History[^1].RelativeError, 1e-9);

        // Transform with H fixed: the rows' best non-negative encodings, close to those the fit found.
        var again = fit.Transform(x);
        Assert.True(FrobeniusError(x, again, fit.Components) <= fit.ReconstructionError * 1.001);
        Assert.All(again.Data, v => Assert.True(v >= 0));
    }

    [Fact]
    public void FloatAndDoubleAgree()
    {
        var (x, w0, h0, _, _) = ImagesTestData.Golden("golub-cd");
        var settings = new LeastSquaresSettings(20, 0, 1);
        foreach (bool pg in new[] { false, true })
        {
            var (wd, hd) = (w0.Clone(), h0.Clone());
            var (wf, hf) = (w0.Convert<float>(), h0.Convert<float>());
            var xf = x.Convert<float>();
            if (pg)
            {
                ProjectedGradientSolver.Fit<double>(x, wd, hd, settings, null, TestContext.Current.CancellationToken);
                ProjectedGradientSolver.Fit<float>(xf, wf, hf, settings, null, TestContext.Current.CancellationToken);
            }
            else
            {
                AlsSolver.Fit<double>(x, wd, hd, settings, null, TestContext.Current.CancellationToken);
                AlsSolver.Fit<float>(xf, wf, hf, settings, null, TestContext.Current.CancellationToken);
            }

            double ed = FrobeniusError(x, wd, hd), ef = FrobeniusError(x, wf.Convert<double>(), hf.Convert<double>());
            Assert.Equal(ed, ef, ed * 1e-3);
        }
    }

    [Fact]
    public void SparseAndDenseInputGiveTheSameFactors()
    {
        var (x, w0, h0, _, _) = ImagesTestData.Golden("faces-fit-first80");
        for (int i = 0; i < x.Data.Length; i++)
        {
            if (x.Data[i] < 0.4)
            {
                x.Data[i] = 0; // make it worth storing sparse
            }
        }

        var csr = CsrMatrix<double>.FromDense(x);
        var settings = new LeastSquaresSettings(5, 0, 1);
        var (wd, hd, ws, hs) = (w0.Clone(), h0.Clone(), w0.Clone(), h0.Clone());
        AlsSolver.Fit<double>(x, wd, hd, settings, null, TestContext.Current.CancellationToken);
        AlsSolver.Fit<double>(csr, ws, hs, settings, null, TestContext.Current.CancellationToken);
        for (int i = 0; i < wd.Data.Length; i++)
        {
            Assert.Equal(wd.Data[i], ws.Data[i], 1e-9);
        }
    }

    [Fact]
    public void RegularisationShrinksTheFactors()
    {
        var (x, w0, h0, _, _) = ImagesTestData.Golden("faces-fit-first80");
        var (w1, h1, w2, h2) = (w0.Clone(), h0.Clone(), w0.Clone(), h0.Clone());
        AlsSolver.Fit<double>(x, w1, h1, new LeastSquaresSettings(30, 0, 1), null, TestContext.Current.CancellationToken);
        var options = new NmfOptions { NComponents = 16, MaxIter = 30, Tol = 0, AlphaW = 0.01, L1Ratio = 1.0 };
        AlsSolver.Fit<double>(x, w2, h2, LeastSquaresSettings.From(options, x.Rows, x.Cols), null, TestContext.Current.CancellationToken);
        int zerosPlain = w1.Data.Count(v => v == 0) + h1.Data.Count(v => v == 0);
        int zerosL1 = w2.Data.Count(v => v == 0) + h2.Data.Count(v => v == 0);
        Assert.True(zerosL1 > zerosPlain, $"zeros with L1 {zerosL1}, without {zerosPlain}");
    }

    internal static double FrobeniusError(DenseMatrix<double> x, DenseMatrix<double> w, DenseMatrix<double> h)
    {
        double sum = 0;
        for (int i = 0; i < x.Rows; i++)
        {
            for (int j = 0; j < x.Cols; j++)
            {
                double v = 0;
                for (int c = 0; c < w.Cols; c++)
                {
                    v += w[i, c] * h[c, j];
                }

                double d = x[i, j] - v;
                sum += d * d;
            }
        }

        return Math.Sqrt(sum);
    }
}
