using Nmf.Consensus;
using Nmf.Kernels;
using Nmf.Matrices;
using Nmf.Solvers;
using Xunit;

namespace Nmf.Tests.Consensus;

public class BrunetPassesTests
{
    /// <summary>9 Golub samples and 4999 genes, so that a scalar tail follows the last full vector at every width.</summary>
    private static DenseMatrix<double> Data()
    {
        var x = GolubData.Samples.SliceRows(0, 9);
        return DenseMatrix<double>.FromRows([.. Enumerable.Range(0, x.Rows).Select(i => x.Row(i)[..4999].ToArray())]);
    }

    /// <summary>
    /// Brunet's rule written out entry by entry as R NMF states it (in our orientation): W from the old W and H,
    /// then H from the new W and the old H.
    /// </summary>
    private static void PlainIteration(DenseMatrix<double> x, DenseMatrix<double> w, DenseMatrix<double> h)
    {
        int n = x.Rows, m = x.Cols, k = w.Cols;
        double Wh(int s, int j)
        {
            double v = 0;
            for (int c = 0; c < k; c++)
            {
                v += w[s, c] * h[c, j];
            }

            return v;
        }

        var hRowSums = Enumerable.Range(0, k).Select(c => h.Row(c).ToArray().Sum()).ToArray();
        for (int s = 0; s < n; s++)
        {
            var numerator = new double[k];
            for (int j = 0; j < m; j++)
            {
                double q = x[s, j] / Wh(s, j);
                for (int c = 0; c < k; c++)
                {
                    numerator[c] += h[c, j] * q;
                }
            }

            for (int c = 0; c < k; c++)
            {
                w[s, c] *= numerator[c] / hRowSums[c];
            }
        }

        var wColSums = Enumerable.Range(0, k).Select(c => Enumerable.Range(0, n).Sum(s => w[s, c])).ToArray();
        var hNew = new DenseMatrix<double>(k, m);
        for (int j = 0; j < m; j++)
        {
            var numerator = new double[k];
            for (int s = 0; s < n; s++)
            {
                double q = x[s, j] / Wh(s, j);
                for (int c = 0; c < k; c++)
                {
                    numerator[c] += w[s, c] * q;
                }
            }

            for (int c = 0; c < k; c++)
            {
                hNew[c, j] = h[c, j] * numerator[c] / wColSums[c];
            }
        }

        hNew.Data.CopyTo(h.Data, 0);
    }

    /// <summary>Rank and vector width in bits.</summary>
    public static TheoryData<int, int> RanksAndWidths()
    {
        var data = new TheoryData<int, int>();
        foreach (int path in new[] { 512, 256, 128 })
        {
            for (int k = 1; k <= BrunetPasses<double>.MaxRank; k++)
            {
                data.Add(k, path);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(RanksAndWidths))]
    public void OnePassIterationsEqualThePlainRuleWithinRounding(int k, int bits)
    {
        var path = bits switch { 512 => SimdPath.V512, 256 => SimdPath.V256, _ => SimdPath.V128 };
        Assert.SkipUnless(SimdSelect.IsSupported(path), $"{path} is not accelerated here");
        var x = Data();
        var (w0, h0) = ConsensusNmf.RandomStart(x, k, 7, 0);
        var (w, h) = (w0.Clone(), h0.Clone());
        var (wPlain, hPlain) = (w0.Clone(), h0.Clone());

        // Blocks of 4, 4 and 1 rows: the H numerator is carried from block to block.
        var passes = new BrunetPasses<double>(x, k, path, rowsPerBlock: 4);
        for (int iteration = 0; iteration < 3; iteration++)
        {
            passes.Iterate(w, h, updateH: true);
            PlainIteration(x, wPlain, hPlain);
        }

        Assert.Equal(wPlain.Data, w.Data, (a, b) => Math.Abs(a - b) <= 1e-12 * Math.Abs(b));
        Assert.Equal(hPlain.Data, h.Data, (a, b) => Math.Abs(a - b) <= 1e-12 * Math.Abs(b));
        Assert.NotEqual(w0.Data, w.Data);
        Assert.NotEqual(h0.Data, h.Data);
    }

    [Theory]
    [InlineData(512)]
    [InlineData(256)]
    [InlineData(128)]
    public void MatricesNarrowerThanAVectorTakeTheScalarTails(int bits)
    {
        var path = bits switch { 512 => SimdPath.V512, 256 => SimdPath.V256, _ => SimdPath.V128 };
        Assert.SkipUnless(SimdSelect.IsSupported(path), $"{path} is not accelerated here");
        var x = DenseMatrix<double>.FromRows([.. Enumerable.Range(0, 3).Select(i => GolubData.Samples.Row(i)[..5].ToArray())]);
        var (w0, h0) = ConsensusNmf.RandomStart(x, 2, 12, 0);
        var (w, h) = (w0.Clone(), h0.Clone());
        var (wPlain, hPlain) = (w0.Clone(), h0.Clone());
        var passes = new BrunetPasses<double>(x, 2, path);
        for (int iteration = 0; iteration < 3; iteration++)
        {
            passes.Iterate(w, h, updateH: true);
            PlainIteration(x, wPlain, hPlain);
        }

        Assert.Equal(wPlain.Data, w.Data, (a, b) => Math.Abs(a - b) <= 1e-12 * Math.Abs(b));
        Assert.Equal(hPlain.Data, h.Data, (a, b) => Math.Abs(a - b) <= 1e-12 * Math.Abs(b));
    }

    [Fact]
    public void BlockSizeDoesNotChangeTheResult()
    {
        var x = Data();
        var (w0, h0) = ConsensusNmf.RandomStart(x, 3, 8, 0);
        DenseMatrix<double>[] results = [.. new[] { 1, 2, 4, 9 }.SelectMany(rows =>
        {
            var (w, h) = (w0.Clone(), h0.Clone());
            var passes = new BrunetPasses<double>(x, 3, SimdSelect.Path == SimdPath.Scalar ? SimdPath.V128 : SimdSelect.Path, rows);
            passes.Iterate(w, h, updateH: true);
            passes.Iterate(w, h, updateH: true);
            return new[] { w, h };
        })];
        for (int i = 2; i < results.Length; i++)
        {
            Assert.Equal(results[i % 2].Data, results[i].Data);
        }
    }

    [Fact]
    public void WithHFixedOnlyWMoves()
    {
        var x = Data();
        var (w0, h0) = ConsensusNmf.RandomStart(x, 2, 9, 0);
        var (w, h) = (w0.Clone(), h0.Clone());
        var (wPlain, hPlain) = (w0.Clone(), h0.Clone());
        new BrunetPasses<double>(x, 2, SimdSelect.Path == SimdPath.Scalar ? SimdPath.V128 : SimdSelect.Path).Iterate(w, h, updateH: false);
        Brunet.BlockedUpdateW(x, wPlain, hPlain, [.. Enumerable.Range(0, 2).Select(c => h0.Row(c).ToArray().Sum())]);
        Assert.Equal(h0.Data, h.Data);
        Assert.Equal(wPlain.Data, w.Data, (a, b) => Math.Abs(a - b) <= 1e-12 * Math.Abs(b));
        Assert.NotEqual(w0.Data, w.Data);
    }

    [Fact]
    public void SinglePrecisionFollowsTheDoubleRule()
    {
        var x = Data();
        var (w0, h0) = ConsensusNmf.RandomStart(x, 3, 10, 0);
        var (wPlain, hPlain) = (w0.Clone(), h0.Clone());
        var (w, h) = (w0.Convert<float>(), h0.Convert<float>());
        var passes = new BrunetPasses<float>(x.Convert<float>(), 3, SimdSelect.Path == SimdPath.Scalar ? SimdPath.V128 : SimdSelect.Path);
        for (int iteration = 0; iteration < 3; iteration++)
        {
            passes.Iterate(w, h, updateH: true);
            PlainIteration(x, wPlain, hPlain);
        }

        Assert.Equal(wPlain.Data, w.Convert<double>().Data, (a, b) => Math.Abs(a - b) <= 1e-4 * Math.Abs(b));
        Assert.Equal(hPlain.Data, h.Convert<double>().Data, (a, b) => Math.Abs(a - b) <= 1e-4 * Math.Abs(b));
    }

    [Fact]
    public void VectorKullbackLeiblerEqualsTheBetaDivergence()
    {
        var x = Data();
        x[0, 0] = 0;                  // a zero of X adds only its wh
        x[1, 2] = 1e-9;               // below 2^-23: counts as zero, as in scikit-learn
        var (w, h) = ConsensusNmf.RandomStart(x, 3, 11, 0);
        w[2, 0] = w[2, 1] = w[2, 2] = 0;   // a row of WH that is zero: counted as 2^-23
        double expected = Nmf.Losses.BetaDivergence.Compute(x, w, h, 1.0);
        Assert.Equal(expected, BrunetPasses<double>.KullbackLeibler(x, w, h), 1e-12 * Math.Abs(expected));
        var (xf, wf, hf) = (x.Convert<float>(), w.Convert<float>(), h.Convert<float>());
        double expectedF = Nmf.Losses.BetaDivergence.Compute(xf, wf, hf, 1.0);
        Assert.Equal(expectedF, BrunetPasses<float>.KullbackLeibler(xf, wf, hf), 1e-6 * Math.Abs(expectedF));
    }
}
