using Nmf.Kernels;
using Nmf.Losses;
using Nmf.Matrices;
using Nmf.Solvers;
using Xunit;

namespace Nmf.Tests.Solvers;

/// <summary>The one-pass Kullback-Leibler iteration of <c>mu</c> against the plain rule written out with the products.</summary>
public class KullbackLeiblerRowPassesTests
{
    /// <summary>
    /// W bit-identical to the plain rule (the same products in the same order); the H numerator equal within rounding and
    /// bit-identical at 1, 2 and 3 threads; zeros of WH (a zero row of W) take scikit-learn's 2⁻²³ guard; with l2 the
    /// denominator grows by l2·W.
    /// </summary>
    [Theory]
    [InlineData(1, 7, 5, 0.0)]
    [InlineData(63, 33, 7, 0.0)]
    [InlineData(65, 1, 3, 0.5)]
    [InlineData(3001, 70, 20, 0.0)]
    [InlineData(2100, 257, 32, 0.1)]
    public void OnePassEqualsPlainRule(int n, int m, int k, double l2)
    {
        if (!KullbackLeiblerRowPasses<double>.IsAvailable)
        {
            return;
        }

        var rng = new Random(n + m + k);
        var x = Random(n, m, rng);
        var w = Random(n, k, rng);
        var h = Random(k, m, rng);
        w.Row(n / 2).Clear();
        var den = new double[k];
        for (int c = 0; c < k; c++)
        {
            den[c] = h.Row(c).ToArray().Sum();
        }

        // Plain rule: WH, X ⊘ WH, (X ⊘ WH)·Hᵀ, the W update; then the same with the new W for Wᵀ(X ⊘ WH).
        var wPlain = w.Clone();
        var numW = new DenseMatrix<double>(n, k);
        Products.XHt(Quotients(x, wPlain, h), h, numW, 1);
        for (int p = 0; p < wPlain.Data.Length; p++)
        {
            double d = den[p % k] + (l2 * wPlain.Data[p]);
            wPlain.Data[p] *= numW.Data[p] / (d == 0 ? NumericGuards<double>.Epsilon : d);
        }

        var numH = new DenseMatrix<double>(k, m);
        Products.WtX(wPlain, Quotients(x, wPlain, h), numH, 1);

        DenseMatrix<double>? firstNumH = null;
        foreach (int threads in new[] { 1, 2, 3 })
        {
            var wFused = w.Clone();
            var numHFused = new DenseMatrix<double>(k, m);
            new KullbackLeiblerRowPasses<double>(x, k, threads).Iterate(wFused, h, den, l2, l2 > 0, updateH: true, numHFused);
            Assert.Equal(wPlain.Data, wFused.Data);
            for (int p = 0; p < numH.Data.Length; p++)
            {
                Assert.True(Math.Abs(numH.Data[p] - numHFused.Data[p]) <= 1e-12 * Math.Abs(numH.Data[p]), $"element {p}: {numHFused.Data[p]} vs {numH.Data[p]}");
            }

            firstNumH ??= numHFused;
            Assert.Equal(firstNumH.Data, numHFused.Data);
        }
    }

    /// <summary>Without the H half only W changes, as in <c>transform</c>; float matches the plain rule too.</summary>
    [Fact]
    public void WithoutHUpdatesOnlyW()
    {
        if (!KullbackLeiblerRowPasses<float>.IsAvailable)
        {
            return;
        }

        var rng = new Random(5);
        var x = Random(130, 19, rng).Convert<float>();
        var w = Random(130, 4, rng).Convert<float>();
        var h = Random(4, 19, rng).Convert<float>();
        var den = new float[] { 1.5f, 2f, 0.25f, 3f };
        var wPlain = w.Clone();
        var numW = new DenseMatrix<float>(130, 4);
        Products.XHt(Quotients(x, wPlain, h), h, numW, 1);
        for (int p = 0; p < wPlain.Data.Length; p++)
        {
            wPlain.Data[p] *= numW.Data[p] / den[p % 4];
        }

        var numH = new DenseMatrix<float>(4, 19);
        numH.Data.AsSpan().Fill(7f);
        var hBefore = h.Clone();
        new KullbackLeiblerRowPasses<float>(x, 4, 2).Iterate(w, h, den, 0f, false, updateH: false, numH);
        Assert.Equal(wPlain.Data, w.Data);
        Assert.Equal(hBefore.Data, h.Data);
        Assert.All(numH.Data, v => Assert.Equal(7f, v));
    }

    private static DenseMatrix<T> Quotients<T>(DenseMatrix<T> x, DenseMatrix<T> w, DenseMatrix<T> h)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        var wh = new DenseMatrix<T>(x.Rows, x.Cols);
        Products.Multiply(w, h, wh, 1);
        for (int p = 0; p < wh.Data.Length; p++)
        {
            T v = wh.Data[p];
            wh.Data[p] = x.Data[p] / (v == T.Zero ? NumericGuards<T>.Epsilon : v);
        }

        return wh;
    }

    private static DenseMatrix<double> Random(int rows, int cols, Random rng)
    {
        var m = new DenseMatrix<double>(rows, cols);
        for (int i = 0; i < m.Data.Length; i++)
        {
            m.Data[i] = rng.NextDouble();
        }

        return m;
    }
}
