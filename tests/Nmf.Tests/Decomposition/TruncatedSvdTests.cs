using Nmf.Decomposition;
using Nmf.Init;
using Nmf.Matrices;
using Nmf.Tests.Init;
using Xunit;

namespace Nmf.Tests.Decomposition;

public class TruncatedSvdTests(ITestOutputHelper output)
{
    private static readonly Dictionary<string, double[]> Reference =
        ReferenceFile.Read("tests", "Nmf.Tests", "Decomposition", "data", "tsvd_austen.txt");

    private static readonly Lazy<CsrMatrix<double>> Austen =
        new(() => PcaTests.ReadMatrixMarket(Path.Combine(TestPaths.Shared, "data", "austen-tfidf.mtx")));

    [Fact]
    public void LsaOfAustenTfidfMatchesScikitLearnsTruncatedSvd()
    {
        var x = Austen.Value;
        var svd = new TruncatedSvd<double>(10, randomState: 0);
        var z = svd.FitTransform(x);
        double sv = ReferenceFile.MaxRelativeError(svd.SingularValues, Reference["singular_values"]);
        double ev = ReferenceFile.MaxRelativeError(svd.ExplainedVariance, Reference["explained_variance"]);
        double ratio = ReferenceFile.MaxRelativeError(svd.ExplainedVarianceRatio, Reference["ratio"]);
        var head = Enumerable.Range(0, 10).SelectMany(r => svd.Components.Row(r)[..50].ToArray()).ToArray();
        double comp = ReferenceFile.MaxRelativeError(head, Reference["components_head"]);
        var sums = Enumerable.Range(0, 10).Select(r => svd.Components.Row(r).ToArray().Sum()).ToArray();
        double compSums = ReferenceFile.MaxRelativeError(sums, Reference["components_rowsum"]);
        double coords = ReferenceFile.MaxRelativeError(z.Data.AsSpan(0, 200), Reference["transform_head"]);
        output.WriteLine($"TruncatedSvd austen k=10: singular values {sv:E2}, explained variance {ev:E2}, ratio {ratio:E2}, components {comp:E2}, row sums {compSums:E2}, coordinates {coords:E2}");
        Assert.True(sv <= 1e-9 && ev <= 1e-9 && ratio <= 1e-9 && comp <= 1e-8 && compSums <= 1e-8 && coords <= 1e-8);
        PcaTests.AssertOrthonormalRows(svd.Components);

        var model = Lsa.Fit(x, 10, randomState: 0);
        Assert.Equal(svd.Components.Data, model.Topics.Data);
        Assert.Equal(z.Data, model.DocumentCoordinates.Data);
        var vocabulary = File.ReadAllLines(Path.Combine(TestPaths.Shared, "data", "austen-vocab.txt"));
        var top = model.TopTerms(0, 5, vocabulary);
        Assert.Equal(5, top.Count);
        Assert.True(Math.Abs(top[0].Weight) >= Math.Abs(top[4].Weight));
    }

    [Fact]
    public void ExactAndRandomizedAgreeOnLeadingTriplets()
    {
        // The first 2500 terms keep the exact SVD quick.
        var dense = Austen.Value.ToDense();
        var x = new DenseMatrix<double>(dense.Rows, 2500);
        for (int i = 0; i < dense.Rows; i++)
        {
            dense.Row(i)[..2500].CopyTo(x.Row(i));
        }

        var exact = new TruncatedSvd<double>(5, SvdSolver.Full).Fit(x);
        var randomized = new TruncatedSvd<double>(5, nIter: 10, randomState: 1).Fit(x);
        double sv = ReferenceFile.MaxRelativeError(randomized.SingularValues, exact.SingularValues);
        output.WriteLine($"exact vs randomized singular values (k=5, 10 power iterations): {sv:E2}");
        Assert.True(sv <= 1e-6, $"singular values {sv}");

        // Both sign conventions are svd_flip on U, so the leading vectors agree with their signs.
        double v0 = ReferenceFile.MaxRelativeError(randomized.Components.Row(0), exact.Components.Row(0));
        Assert.True(v0 <= 1e-4, $"first component {v0}");
    }

    [Fact]
    public void DenseAndSparseInputGiveTheSameModel()
    {
        var rs = new NumpyRandomState(4);
        var d = new DenseMatrix<double>(60, 40);
        for (int i = 0; i < d.Data.Length; i++)
        {
            double u = rs.RandomSample();
            d.Data[i] = u < 0.7 ? 0 : u;
        }

        var a = new TruncatedSvd<double>(6, randomState: 2).Fit(d);
        var b = new TruncatedSvd<double>(6, randomState: 2).Fit(CsrMatrix<double>.FromDense(d));
        Assert.True(ReferenceFile.MaxRelativeError(a.Components.Data, b.Components.Data) <= 1e-12);
        Assert.True(ReferenceFile.MaxRelativeError(a.ExplainedVarianceRatio, b.ExplainedVarianceRatio) <= 1e-12);

        // All components of the exact solver reproduce X.
        var full = new TruncatedSvd<double>(40, SvdSolver.Full);
        var back = full.InverseTransform(full.FitTransform(d));
        Assert.True(ReferenceFile.MaxRelativeError(back.Data, d.Data) <= 1e-12);
    }

    [Fact]
    public void ExactSvdOfWideAndTallMatricesReconstructs()
    {
        var rs = new NumpyRandomState(8);
        foreach (var (n, m) in new[] { (7, 19), (19, 7), (12, 12), (1, 5), (5, 1) })
        {
            var a = new DenseMatrix<double>(n, m);
            for (int i = 0; i < a.Data.Length; i++)
            {
                a.Data[i] = rs.StandardNormal();
            }

            int p = Math.Min(n, m);
            var svd = ExactSvd.Compute(a, p);
            var rebuilt = new DenseMatrix<double>(n, m);
            for (int i = 0; i < n; i++)
            {
                for (int j = 0; j < m; j++)
                {
                    double s = 0;
                    for (int c = 0; c < p; c++)
                    {
                        s += svd.U[i, c] * svd.S[c] * svd.Vt[c, j];
                    }

                    rebuilt[i, j] = s;
                }
            }

            Assert.True(ReferenceFile.MaxRelativeError(rebuilt.Data, a.Data) <= 1e-13, $"{n} x {m}");
            PcaTests.AssertOrthonormalRows(svd.Vt);
            PcaTests.AssertOrthonormalRows(svd.U.Transpose());
            for (int c = 1; c < p; c++)
            {
                Assert.True(svd.S[c] <= svd.S[c - 1]);
            }
        }
    }

    /// <summary>
    /// An exactly rank-one matrix (a case the recovery property test once drew): rotating its rows leaves rounding
    /// noise whose updated squared norm can come out below zero; the SVD and the NNDSVDa start must stay finite.
    /// </summary>
    [Fact]
    public void RankOneMatrixHasFiniteSvdAndNndsvdStart()
    {
        double[] w = [45d / 56, 33d / 38, 11d / 15, 2, 1.6724367510987221, 43d / 39, 2, 1.5216921722199648, 1, 1.3880669968865096];
        double[] h = [2, 1.1623623409192319, 1, 0.9898216880569506, 0.3970586816754893, 91d / 93, 1, 1.46369538262178, 1.6493323230948618, 1d / 3];
        var x = new DenseMatrix<double>(10, 10);
        for (int i = 0; i < 10; i++)
        {
            for (int j = 0; j < 10; j++)
            {
                x[i, j] = w[i] * h[j];
            }
        }

        double expected = Math.Sqrt(w.Sum(v => v * v)) * Math.Sqrt(h.Sum(v => v * v));
        var svd = ExactSvd.Compute(x, 10);
        Assert.Equal(expected, svd.S[0], 1e-12 * expected);
        Assert.All(svd.S.ToArray(), s => Assert.True(double.IsFinite(s)));
        Assert.All(svd.S.ToArray()[1..], s => Assert.True(s <= 1e-12 * expected));
        var (w0, h0) = NmfInitializer.Initialize(x, 1, Nmf.NmfInit.Nndsvda, 0);
        Assert.All(w0.Data, v => Assert.True(double.IsFinite(v) && v > 0));
        Assert.All(h0.Data, v => Assert.True(double.IsFinite(v) && v > 0));
    }
}
