using Nmf.Matrices;
using Nmf.Tests.Golden;
using Xunit;

namespace Nmf.Tests.Core;

/// <summary>
/// scikit-learn 1.2.1 results for the paths the shared golden cases leave out (made by
/// <c>reference/make_reference.py</c>): cd's shuffle, both stopping rules, sparse X with β ∉ {1, 2}, regularised
/// Itakura-Saito, random init with mu, and transform with mu and cd. Same bounds as the golden cases (double).
/// </summary>
public class SklearnReferenceTests
{
    private static string Folder => Path.Combine(TestPaths.Root, "tests", "Nmf.Tests", "Core", "reference");

    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (string dir in Directory.GetDirectories(Folder).Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(dir));
        }

        return data;
    }

    [Fact]
    public void ThirteenReferenceCasesArePresent() => Assert.Equal(13, Cases().Count);

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesSklearn(string name)
    {
        var c = GoldenCase.LoadFrom(Path.Combine(Folder, name));
        var est = GoldenTests.Fit<double>(c);
        Assert.Equal(c.NIter, est.NIter);
        double dw = GoldenTests.RelativeDifference(est.W, c.Factor("W")!);
        double dh = GoldenTests.RelativeDifference(est.Components, c.Factor("H")!);
        Assert.True(dw <= GoldenTests.DoubleBound, $"{name}: W differs by {dw:E3}");
        Assert.True(dh <= GoldenTests.DoubleBound, $"{name}: H differs by {dh:E3}");
        Assert.True(
            Math.Abs(est.ReconstructionError - c.ReconstructionError) <= GoldenTests.DoubleBound * c.ReconstructionError,
            $"{name}: reconstruction error {est.ReconstructionError:R}, sklearn {c.ReconstructionError:R}");
        double objective = Losses.BetaDivergence.Compute(c.X(), est.W, est.Components, est.Options.BetaLoss);
        Assert.True(Math.Abs(objective - c.Objective) <= GoldenTests.DoubleBound * Math.Abs(c.Objective), $"{name}: objective {objective:R}, sklearn {c.Objective:R}");
        string line = $"{name}: W {dw:E2}, H {dh:E2}";
        if (c.Factor("Xnew") is DenseMatrix<double> xNew)
        {
            var wNew = est.Transform(xNew);
            double dt = GoldenTests.RelativeDifference(wNew, c.Factor("Wnew")!);
            Assert.True(dt <= GoldenTests.DoubleBound, $"{name}: transform differs by {dt:E3}");
            line += $", transform {dt:E2}";
        }

        TestContext.Current.TestOutputHelper?.WriteLine(line);
    }
}
