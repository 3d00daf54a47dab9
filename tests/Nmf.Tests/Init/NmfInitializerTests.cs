using System.Globalization;
using Nmf.Init;
using Nmf.Matrices;
using Xunit;

namespace Nmf.Tests.Init;

public class NmfInitializerTests(ITestOutputHelper output)
{
    private static readonly Dictionary<string, double[]> Small =
        ReferenceFile.Read("tests", "Nmf.Tests", "Init", "data", "initialize_small.txt");

    private static readonly Dictionary<string, double[]> Randomized =
        ReferenceFile.Read("tests", "Nmf.Tests", "Init", "data", "initialize_randomized.txt");

    internal static DenseMatrix<double> ReadCsv(string path)
    {
        var rows = File.ReadLines(path)
            .Where(l => l.Length > 0)
            .Select(l => l.Split(',').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray())
            .ToList();
        return DenseMatrix<double>.FromRows(rows);
    }

    private static string Golden(string caseName, string file) => Path.Combine(TestPaths.Shared, "golden", caseName, file);

    private static double FrobeniusRelative<T>(DenseMatrix<T> actual, ReadOnlySpan<double> expected)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        Assert.Equal(expected.Length, actual.Data.Length);
        double num = 0, den = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            double d = double.CreateChecked(actual.Data[i]) - expected[i];
            num += d * d;
            den += expected[i] * expected[i];
        }

        return Math.Sqrt(num / den);
    }

    [Theory]
    [InlineData("digits-nndsvd-cd", NmfInit.Nndsvd)]
    [InlineData("digits-nndsvda-mu", NmfInit.Nndsvda)]
    public void GoldenNndsvdStartMatchesScikitLearnsExactSvdStart(string caseName, NmfInit init)
    {
        var x = ReadCsv(Path.Combine(TestPaths.Shared, "data", "digits.csv"));
        var wRef = ReadCsv(Golden(caseName, "Winit.csv"));
        var hRef = ReadCsv(Golden(caseName, "Hinit.csv"));
        var (w, h) = NmfInitializer.Initialize(x, 10, init, randomState: 0);
        double ew = FrobeniusRelative(w, wRef.Data), eh = FrobeniusRelative(h, hRef.Data);
        double mw = ReferenceFile.MaxRelativeError(w.Data, wRef.Data), mh = ReferenceFile.MaxRelativeError(h.Data, hRef.Data);
        output.WriteLine($"{caseName} double: W rel Frobenius {ew:E2} (max entry {mw:E2}), H {eh:E2} (max entry {mh:E2})");
        Assert.True(ew <= 1e-6, $"W relative error {ew}");
        Assert.True(eh <= 1e-6, $"H relative error {eh}");
        Assert.True(mw <= 1e-6 && mh <= 1e-6, $"max entry error W {mw}, H {mh}");

        // The float path from the same data, to float precision.
        var (wf, hf) = NmfInitializer.Initialize(x.Convert<float>(), 10, init, randomState: 0);
        double ewf = FrobeniusRelative(wf, wRef.Data), ehf = FrobeniusRelative(hf, hRef.Data);
        output.WriteLine($"{caseName} float: W rel Frobenius {ewf:E2}, H {ehf:E2}");
        Assert.True(ewf <= 1e-4 && ehf <= 1e-4, $"float W {ewf}, H {ehf}");

        // Sparse input gives the same start.
        var (ws, hs) = NmfInitializer.Initialize(CsrMatrix<double>.FromDense(x), 10, init, randomState: 0);
        Assert.True(FrobeniusRelative(ws, wRef.Data) <= 1e-6 && FrobeniusRelative(hs, hRef.Data) <= 1e-6);
    }

    [Fact]
    public void ToyRandomStartIsScikitLearnsDrawBitForBit()
    {
        var x = ReadCsv(Golden("toy-sklearn-random-init", "X.csv"));
        foreach (int seed in new[] { 0, 3 })
        {
            var (w, h) = NmfInitializer.Initialize(x, 2, NmfInit.Random, seed);
            Assert.Equal(Small[$"toy_random_{seed}_W"], w.Data);
            Assert.Equal(Small[$"toy_random_{seed}_H"], h.Data);
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    public void RandomStartMatchesScikitLearn(int seed)
    {
        var x = SmallX();
        var (w, h) = NmfInitializer.Initialize(x, 5, NmfInit.Random, seed);
        Assert.True(ReferenceFile.MaxRelativeError(w.Data, Small[$"random_{seed}_W"]) <= 1e-15);
        Assert.True(ReferenceFile.MaxRelativeError(h.Data, Small[$"random_{seed}_H"]) <= 1e-15);

        var (wf, hf) = NmfInitializer.Initialize(x.Convert<float>(), 5, NmfInit.Random, seed);
        Assert.True(ReferenceFile.MaxRelativeError(wf.Data.Select(v => (double)v).ToArray(), Small[$"random32_{seed}_W"]) <= 1e-6);
        Assert.True(ReferenceFile.MaxRelativeError(hf.Data.Select(v => (double)v).ToArray(), Small[$"random32_{seed}_H"]) <= 1e-6);

        // The float factors are the double draws rounded to float, then scaled and made positive in float, element by element.
        var rs = NumpyRandomState.FromSeed(seed);
        float avg = MathF.Sqrt(NmfInitializer.Mean(x.Convert<float>()) / 5);
        var normals = new double[hf.Data.Length + wf.Data.Length];
        for (int i = 0; i < normals.Length; i++)
        {
            normals[i] = rs.StandardNormal();
        }

        Assert.Equal(normals[..hf.Data.Length].Select(v => MathF.Abs(avg * (float)v)), hf.Data);
        Assert.Equal(normals[hf.Data.Length..].Select(v => MathF.Abs(avg * (float)v)), wf.Data);

        // Same seed, same numbers; sparse X draws the same.
        var (w2, h2) = NmfInitializer.Initialize(CsrMatrix<double>.FromDense(x), 5, NmfInit.Random, seed);
        Assert.True(ReferenceFile.MaxRelativeError(w2.Data, w.Data) <= 1e-15 && ReferenceFile.MaxRelativeError(h2.Data, h.Data) <= 1e-15);
    }

    [Theory]
    [InlineData(NmfInit.Nndsvd, "nndsvd")]
    [InlineData(NmfInit.Nndsvda, "nndsvda")]
    [InlineData(NmfInit.Nndsvdar, "nndsvdar")]
    public void NndsvdVariantsMatchScikitLearnOnASmallMatrix(NmfInit init, string name)
    {
        var (w, h) = NmfInitializer.Initialize(SmallX(), 5, init, 7);
        double ew = ReferenceFile.MaxRelativeError(w.Data, Small[$"{name}_W"]);
        double eh = ReferenceFile.MaxRelativeError(h.Data, Small[$"{name}_H"]);
        output.WriteLine($"{name}: W {ew:E2}, H {eh:E2}");
        Assert.True(ew <= 1e-10 && eh <= 1e-10, $"W {ew}, H {eh}");
    }

    [Fact]
    public void SparseNndsvdaAndAutoMatchScikitLearn()
    {
        var (w, h) = NmfInitializer.Initialize(CsrMatrix<double>.FromDense(SmallX()), 5, NmfInit.Nndsvda, 7);
        Assert.True(ReferenceFile.MaxRelativeError(w.Data, Small["csr_nndsvda_W"]) <= 1e-10);
        Assert.True(ReferenceFile.MaxRelativeError(h.Data, Small["csr_nndsvda_H"]) <= 1e-10);

        var (wa, ha) = NmfInitializer.Initialize(SmallX(), 4, NmfInit.Auto, 7);
        Assert.True(ReferenceFile.MaxRelativeError(wa.Data, Small["auto_W"]) <= 1e-10);
        Assert.True(ReferenceFile.MaxRelativeError(ha.Data, Small["auto_H"]) <= 1e-10);

        // k > min(n, m): Auto falls back to random.
        var (wr, hr) = NmfInitializer.Initialize(SmallX(), 13, NmfInit.Auto, 4);
        Assert.True(ReferenceFile.MaxRelativeError(wr.Data, Small["auto_random_4_W"]) <= 1e-15);
        Assert.True(ReferenceFile.MaxRelativeError(hr.Data, Small["auto_random_4_H"]) <= 1e-15);
    }

    [Fact]
    public void LargeDenseMatrixUsesScikitLearnsRandomizedSvd()
    {
        // X = RandomState(11).random_sample((3000, 200)), regenerated here from the same generator.
        var x = Uniform(11, 3000, 200, 0.0);
        var (w, h) = NmfInitializer.Initialize(x, 6, NmfInit.Nndsvd, 2);
        double eh = ReferenceFile.MaxRelativeError(h.Data, Randomized["dense_H"]);
        double ew = ReferenceFile.MaxRelativeError(w.Data.AsSpan(0, 20 * 6), Randomized["dense_W_head"]);
        double es = ReferenceFile.MaxRelativeError(ColumnSums(w), Randomized["dense_W_colsum"]);
        output.WriteLine($"randomized dense: W head {ew:E2}, W column sums {es:E2}, H {eh:E2}");
        Assert.True(ew <= 1e-8 && es <= 1e-8 && eh <= 1e-8, $"W {ew}, sums {es}, H {eh}");
    }

    [Fact]
    public void LargeSparseMatrixUsesScikitLearnsRandomizedSvd()
    {
        var x = CsrMatrix<double>.FromDense(Uniform(12, 400, 2500, 0.95));
        var (w, h) = NmfInitializer.Initialize(x, 8, NmfInit.Nndsvda, 5);
        double ew = ReferenceFile.MaxRelativeError(w.Data.AsSpan(0, 20 * 8), Randomized["sparse_W_head"]);
        double es = ReferenceFile.MaxRelativeError(ColumnSums(w), Randomized["sparse_W_colsum"]);
        var hHead = Enumerable.Range(0, 8).SelectMany(r => h.Row(r)[..40].ToArray()).ToArray();
        double eh = ReferenceFile.MaxRelativeError(hHead, Randomized["sparse_H_head"]);
        var hSums = Enumerable.Range(0, 8).Select(r => h.Row(r).ToArray().Sum()).ToArray();
        double ehs = ReferenceFile.MaxRelativeError(hSums, Randomized["sparse_H_rowsum"]);
        output.WriteLine($"randomized sparse: W head {ew:E2}, W sums {es:E2}, H head {eh:E2}, H sums {ehs:E2}");
        Assert.True(ew <= 1e-8 && es <= 1e-8 && eh <= 1e-8 && ehs <= 1e-8, $"W {ew}, sums {es}, H {eh}, sums {ehs}");
    }

    [Fact]
    public void RandomizedStartIsTheSameAtAnyThreadCountAndCloseInFloat()
    {
        var x = CsrMatrix<double>.FromDense(Uniform(12, 400, 2500, 0.95));
        var (w1, h1) = NmfInitializer.Initialize(x, 8, NmfInit.Nndsvda, 5, threads: 1);
        var (w3, h3) = NmfInitializer.Initialize(x, 8, NmfInit.Nndsvda, 5, threads: 3);
        Assert.Equal(w1.Data, w3.Data);
        Assert.Equal(h1.Data, h3.Data);

    }

    [Fact]
    public void RandomizedStartInFloatIsCloseToDouble()
    {
        // A rank-6 matrix with well separated singular values, large enough for the randomized SVD.
        var rs = new NumpyRandomState(13);
        var w = new DenseMatrix<double>(3000, 6);
        var h = new DenseMatrix<double>(6, 200);
        for (int i = 0; i < w.Data.Length; i++)
        {
            w.Data[i] = rs.RandomSample() * Math.Pow(0.5, i % 6);
        }

        for (int i = 0; i < h.Data.Length; i++)
        {
            h.Data[i] = rs.RandomSample();
        }

        var x = new DenseMatrix<double>(3000, 200);
        Nmf.Kernels.Products.Multiply(w, h, x, 1);
        var (wd, hd) = NmfInitializer.Initialize(x, 4, NmfInit.Nndsvda, 5);
        var (wf, hf) = NmfInitializer.Initialize(x.Convert<float>(), 4, NmfInit.Nndsvda, 5);
        double ew = FrobeniusRelative(wf, wd.Data), eh = FrobeniusRelative(hf, hd.Data);
        output.WriteLine($"randomized dense float vs double: W {ew:E2}, H {eh:E2}");
        Assert.True(ew <= 1e-4 && eh <= 1e-4, $"float W {ew}, H {eh}");
    }

    [Fact]
    public void NullSeedDrawsAValidStart()
    {
        var (w, h) = NmfInitializer.Initialize(SmallX(), 5, NmfInit.Random, randomState: null);
        Assert.Equal((30, 5), (w.Rows, w.Cols));
        Assert.Equal((5, 12), (h.Rows, h.Cols));
        Assert.All(w.Data, v => Assert.True(v >= 0));
        Assert.All(h.Data, v => Assert.True(v >= 0));
        Assert.Contains(w.Data, v => v > 0);
    }

    [Fact]
    public void RejectsBadArguments()
    {
        var x = SmallX();
        var e = Assert.Throws<ArgumentException>(() => NmfInitializer.Initialize(x, 13, NmfInit.Nndsvd, 0));
        Assert.Contains("n_components (13) <= min(n_samples, n_features) = 12", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => NmfInitializer.Initialize(x, 0, NmfInit.Random, 0));
        Assert.Throws<ArgumentException>(() => NmfInitializer.Initialize(x, 3, NmfInit.Custom, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => NmfInitializer.Initialize(x, 3, NmfInit.Random, -1));
    }

    private static DenseMatrix<double> SmallX() => new(30, 12, Small["X"]);

    private static DenseMatrix<double> Uniform(int seed, int rows, int cols, double zeroBelow)
    {
        var rs = new NumpyRandomState(seed);
        var x = new DenseMatrix<double>(rows, cols);
        for (int i = 0; i < x.Data.Length; i++)
        {
            double u = rs.RandomSample();
            x.Data[i] = u < zeroBelow ? 0.0 : u;
        }

        return x;
    }

    private static double[] ColumnSums(DenseMatrix<double> w)
    {
        var s = new double[w.Cols];
        for (int i = 0; i < w.Rows; i++)
        {
            for (int c = 0; c < w.Cols; c++)
            {
                s[c] += w[i, c];
            }
        }

        return s;
    }
}
