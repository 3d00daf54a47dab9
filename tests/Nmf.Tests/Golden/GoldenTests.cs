using System.Numerics;
using Nmf.Matrices;
using Xunit;

namespace Nmf.Tests.Golden;

/// <summary>
/// Runs every scikit-learn 1.2.1 golden case from the same start and compares W, H and the reconstruction error.
/// Double: ‖W − W_sk‖_F / ‖W_sk‖_F ≤ 1e-6, the same for H, and |err − err_sk| ≤ 1e-6·err_sk (+ 1e-12·‖X‖_F, 1e-5·‖X‖_F for float, which
/// only matters for the exact-fit toy cases whose sklearn error, ~1e-16, is rounding noise).
/// Float: the same comparisons at <see cref="FloatBound"/>.
/// </summary>
public class GoldenTests
{
    /// <summary>The bound of the double path.</summary>
    public const double DoubleBound = 1e-6;

    /// <summary>The bound of the float path (float32 arithmetic over 50–200 iterations; measured worst 3.4e-4, golub-cd H).</summary>
    public const double FloatBound = 1e-3;

    private const string TransformCase = "faces-transform-last20";
    private const string TransformFitCase = "faces-fit-first80";

    /// <summary>The fit cases (everything but the transform case).</summary>
    public static TheoryData<string> FitCases()
    {
        var data = new TheoryData<string>();
        foreach (string name in GoldenCase.AllNames.Where(n => n != TransformCase))
        {
            data.Add(name);
        }

        return data;
    }

    [Fact]
    public void AllNineteenCasesArePresent() => Assert.Equal(19, GoldenCase.AllNames.Count());

    [Theory]
    [MemberData(nameof(FitCases))]
    public void FitMatchesSklearnInDouble(string name) => CheckFit<double>(GoldenCase.Load(name), DoubleBound);

    [Theory]
    [MemberData(nameof(FitCases))]
    public void FitMatchesSklearnInFloat(string name) => CheckFit<float>(GoldenCase.Load(name), FloatBound);

    [Fact]
    public void TransformMatchesSklearnInDouble() => CheckTransform<double>(DoubleBound);

    [Fact]
    public void TransformMatchesSklearnInFloat() => CheckTransform<float>(FloatBound);

    internal static NmfEstimator<T> Fit<T>(GoldenCase c, int threads = 0)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var est = new NmfEstimator<T>(c.Options() with { Threads = threads });
        est.Fit(Convert<T>(c.X()), c.Factor("W0")?.Convert<T>(), c.Factor("H0")?.Convert<T>(), cancellationToken: TestContext.Current.CancellationToken);
        return est;
    }

    internal static IMatrix<T> Convert<T>(IMatrix<double> x)
        where T : unmanaged, IFloatingPointIeee754<T> => x switch
        {
            DenseMatrix<double> d => d.Convert<T>(),
            CsrMatrix<double> s => s.Convert<T>(),
            _ => throw new NotSupportedException(x.GetType().Name),
        };

    internal static double RelativeDifference<T>(DenseMatrix<T> actual, DenseMatrix<double> expected)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Assert.Equal(expected.Rows, actual.Rows);
        Assert.Equal(expected.Cols, actual.Cols);
        double diff = 0, norm = 0;
        for (int p = 0; p < expected.Data.Length; p++)
        {
            double e = expected.Data[p], d = double.CreateChecked(actual.Data[p]) - e;
            diff += d * d;
            norm += e * e;
        }

        return Math.Sqrt(diff / norm);
    }

    private static void CheckFit<T>(GoldenCase c, double bound)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (c.Factor("Winit") is { } wInit)
        {
            // NNDSVD(a) starting factors, compared on their own before the iterations.
            var o = c.Options();
            var (w0, h0) = Nmf.Init.NmfInitializer.Initialize(Convert<T>(c.X()), o.NComponents, o.Init, o.RandomState);
            double dw0 = RelativeDifference(w0, wInit), dh0 = RelativeDifference(h0, c.Factor("Hinit")!);
            Assert.True(dw0 <= bound, $"{c.Name}: initial W differs from sklearn's by {dw0:E3} (relative)");
            Assert.True(dh0 <= bound, $"{c.Name}: initial H differs from sklearn's by {dh0:E3} (relative)");
            TestContext.Current.TestOutputHelper?.WriteLine($"{c.Name} {typeof(T).Name}: Winit {dw0:E2}, Hinit {dh0:E2}");
        }

        var est = Fit<T>(c);
        Assert.Equal(c.NIter, est.NIter);
        double dw = RelativeDifference(est.W, c.Factor("W")!);
        double dh = RelativeDifference(est.Components, c.Factor("H")!);
        double xNorm = Math.Sqrt(Losses.BetaDivergence.Compute(c.X(), new DenseMatrix<double>(c.X().Rows, 1), new DenseMatrix<double>(1, c.X().Cols), 2.0) * 2);
        double derr = Math.Abs(est.ReconstructionError - c.ReconstructionError);
        Assert.True(dw <= bound, $"{c.Name}: W differs from sklearn's by {dw:E3} (relative), bound {bound:E1}");
        Assert.True(dh <= bound, $"{c.Name}: H differs from sklearn's by {dh:E3} (relative), bound {bound:E1}");
        Assert.True(
            derr <= (bound * c.ReconstructionError) + (AbsoluteSlack<T>() * xNorm),
            $"{c.Name}: reconstruction error {est.ReconstructionError:R}, sklearn {c.ReconstructionError:R}");
        TestContext.Current.TestOutputHelper?.WriteLine($"{c.Name} {typeof(T).Name}: W {dw:E2}, H {dh:E2}, err {derr / c.ReconstructionError:E2}");
    }

    /// <summary>
    /// The absolute part of the error bound, relative to ‖X‖_F: rounding level of the type, for the exact-fit cases
    /// whose sklearn error is itself rounding noise.
    /// </summary>
    private static double AbsoluteSlack<T>()
        where T : unmanaged, IFloatingPointIeee754<T> => typeof(T) == typeof(float) ? 1e-5 : 1e-12;

    private static void CheckTransform<T>(double bound)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var fitCase = GoldenCase.Load(TransformFitCase);
        var transformCase = GoldenCase.Load(TransformCase);
        var est = Fit<T>(fitCase);
        double dh = RelativeDifference(est.Components, transformCase.Factor("H")!);
        Assert.True(dh <= bound, $"fitted H differs from the transform case's H by {dh:E3}");
        var w = est.Transform(Convert<T>(transformCase.X()));
        double dw = RelativeDifference(w, transformCase.Factor("W")!);
        Assert.True(dw <= bound, $"transform W differs from sklearn's by {dw:E3} (relative), bound {bound:E1}");
        TestContext.Current.TestOutputHelper?.WriteLine($"{TransformCase} {typeof(T).Name}: W {dw:E2}, H {dh:E2}");
    }
}
