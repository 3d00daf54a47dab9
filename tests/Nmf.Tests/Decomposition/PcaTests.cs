using System.Globalization;
using Nmf.Decomposition;
using Nmf.Matrices;
using Nmf.Tests.Init;
using Xunit;

namespace Nmf.Tests.Decomposition;

public class PcaTests(ITestOutputHelper output)
{
    private static readonly Dictionary<string, double[]> Reference =
        ReferenceFile.Read("tests", "Nmf.Tests", "Decomposition", "data", "pca_digits.txt");

    private static readonly Lazy<DenseMatrix<double>> Digits =
        new(() => NmfInitializerTests.ReadCsv(Path.Combine(TestPaths.Shared, "data", "digits.csv")));

    [Fact]
    public void FullPcaOfDigitsMatchesAnExactSvdOfTheCentredData()
    {
        var pca = new Pca<double>(64, SvdSolver.Full).Fit(Digits.Value);
        var expected = Reference["svd_explained_variance"];
        double max = expected.Max();
        double worstRelative = 0, worstTinyAbsolute = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            double d = Math.Abs(pca.ExplainedVariance[i] - expected[i]);
            if (expected[i] > 1e-12 * max)
            {
                worstRelative = Math.Max(worstRelative, d / expected[i]);
            }
            else
            {
                worstTinyAbsolute = Math.Max(worstTinyAbsolute, d / max);
            }
        }

        output.WriteLine($"PCA explained variance vs LAPACK SVD: max relative error {worstRelative:E2} (61 non-zero), zero ones within {worstTinyAbsolute:E2} of the largest");
        Assert.True(worstRelative <= 1e-9, $"explained variance relative error {worstRelative}");
        Assert.True(worstTinyAbsolute <= 1e-12, $"null variances {worstTinyAbsolute}");
        Assert.True(ReferenceFile.MaxRelativeError(pca.SingularValues, Reference["svd_s"]) <= 1e-12);

        // Ratios sum to one when every component is kept.
        Assert.Equal(1.0, pca.ExplainedVarianceRatio.Sum(), 12);
    }

    [Fact]
    public void TwentyComponentPcaMatchesScikitLearn()
    {
        var x = Digits.Value;
        var pca = new Pca<double>(20, SvdSolver.Full).Fit(x);
        Assert.Equal(SvdSolver.Full, pca.FittedSolver);
        Assert.Equal((20, 64), (pca.Components.Rows, pca.Components.Cols));
        double ev = ReferenceFile.MaxRelativeError(pca.ExplainedVariance, Reference["full_explained_variance"]);
        double ratio = ReferenceFile.MaxRelativeError(pca.ExplainedVarianceRatio, Reference["full_ratio"]);
        double comp = ReferenceFile.MaxRelativeError(pca.Components.Data, Reference["full_components"]);
        double mean = ReferenceFile.MaxRelativeError(pca.Mean, Reference["full_mean"]);
        double noise = Math.Abs(pca.NoiseVariance - Reference["full_noise_variance"][0]) / Reference["full_noise_variance"][0];
        var scores = pca.Transform(x.SliceRows(0, 5));
        double tr = ReferenceFile.MaxRelativeError(scores.Data, Reference["full_transform_head"]);
        output.WriteLine($"full PCA k=20: explained variance {ev:E2}, ratio {ratio:E2}, components (signed) {comp:E2}, mean {mean:E2}, noise {noise:E2}, transform {tr:E2}");
        Assert.True(ev <= 1e-9 && ratio <= 1e-9 && comp <= 1e-8 && mean <= 1e-14 && noise <= 1e-9 && tr <= 1e-9);
        AssertOrthonormalRows(pca.Components);
    }

    [Fact]
    public void AutoPcaOnDigitsIsScikitLearnsRandomizedPca()
    {
        var pca = new Pca<double>(10, randomState: 3).Fit(Digits.Value);
        Assert.Equal(SvdSolver.Randomized, pca.FittedSolver);
        double ev = ReferenceFile.MaxRelativeError(pca.ExplainedVariance, Reference["auto_explained_variance"]);
        double ratio = ReferenceFile.MaxRelativeError(pca.ExplainedVarianceRatio, Reference["auto_ratio"]);
        double comp = ReferenceFile.MaxRelativeError(pca.Components.Data, Reference["auto_components"]);
        double noise = Math.Abs(pca.NoiseVariance - Reference["auto_noise_variance"][0]) / Reference["auto_noise_variance"][0];
        output.WriteLine($"randomized PCA k=10: explained variance {ev:E2}, ratio {ratio:E2}, components {comp:E2}, noise {noise:E2}");
        Assert.True(ev <= 1e-9 && ratio <= 1e-9 && comp <= 1e-8 && noise <= 1e-9);
        AssertOrthonormalRows(pca.Components);
    }

    [Fact]
    public void InverseTransformOfAllComponentsGivesTheDataBack()
    {
        var x = Digits.Value.SliceRows(0, 300);
        var pca = new Pca<double>(64, SvdSolver.Full);
        var back = pca.InverseTransform(pca.FitTransform(x));
        Assert.True(ReferenceFile.MaxRelativeError(back.Data, x.Data) <= 1e-12);

        // Fewer components: the rank-k reconstruction error is the discarded variance (Eckart–Young).
        var pca10 = new Pca<double>(10, SvdSolver.Full);
        var approx = pca10.InverseTransform(pca10.FitTransform(x));
        double sq = 0;
        for (int i = 0; i < x.Data.Length; i++)
        {
            sq += (approx.Data[i] - x.Data[i]) * (approx.Data[i] - x.Data[i]);
        }

        double discarded = pca.SingularValues.Skip(10).Sum(s => s * s);
        Assert.Equal(discarded, sq, discarded * 1e-10);
    }

    [Fact]
    public void FloatPcaAgreesWithDouble()
    {
        var pca = new Pca<float>(10, SvdSolver.Full).Fit(Digits.Value.Convert<float>());
        double ev = ReferenceFile.MaxRelativeError(pca.ExplainedVariance.Select(v => (double)v).ToArray(), Reference["full_explained_variance"][..10]);
        Assert.True(ev <= 1e-4, $"float explained variance {ev}");
        AssertOrthonormalRows(pca.Components.Convert<double>(), 1e-5);
    }

    [Fact]
    public void RejectsBadShapes()
    {
        Assert.Throws<ArgumentException>(() => new Pca<double>(65).Fit(Digits.Value));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Pca<double>(0));
        var pca = new Pca<double>(3).Fit(Digits.Value.SliceRows(0, 50));
        Assert.Throws<ArgumentException>(() => pca.Transform(new DenseMatrix<double>(2, 63)));
        Assert.Throws<InvalidOperationException>(() => new Pca<double>(3).Components);
    }

    internal static void AssertOrthonormalRows(DenseMatrix<double> v, double tol = 1e-12)
    {
        for (int a = 0; a < v.Rows; a++)
        {
            for (int b = 0; b < v.Rows; b++)
            {
                double dot = 0;
                for (int j = 0; j < v.Cols; j++)
                {
                    dot += v[a, j] * v[b, j];
                }

                Assert.True(Math.Abs(dot - (a == b ? 1.0 : 0.0)) <= tol, $"rows {a}, {b}: {dot}");
            }
        }
    }

    internal static CsrMatrix<double> ReadMatrixMarket(string path)
    {
        var lines = File.ReadLines(path).Where(l => !l.StartsWith('%')).ToList();
        var header = lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToArray();
        var ri = new List<int>();
        var ci = new List<int>();
        var vals = new List<double>();
        foreach (var line in lines.Skip(1))
        {
            var p = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            ri.Add(int.Parse(p[0], CultureInfo.InvariantCulture) - 1);
            ci.Add(int.Parse(p[1], CultureInfo.InvariantCulture) - 1);
            vals.Add(double.Parse(p[2], CultureInfo.InvariantCulture));
        }

        return CsrMatrix<double>.FromTriplets(header[0], header[1], ri.ToArray(), ci.ToArray(), vals.ToArray());
    }
}
