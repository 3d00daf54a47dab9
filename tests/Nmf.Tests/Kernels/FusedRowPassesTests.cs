using Nmf.Kernels;
using Nmf.Matrices;
using Xunit;

namespace Nmf.Tests.Kernels;

/// <summary>The fused W half (XHᵀ, passes over W, WᵀX, WᵀW in one pass over X) against the separate steps.</summary>
public class FusedRowPassesTests
{
    [Theory]
    [InlineData(1, 7, 5)]
    [InlineData(257, 33, 7)]
    [InlineData(1100, 70, 12)]
    [InlineData(1100, 300, 33)]
    public void OnePassEqualsSeparateSteps(int n, int m, int k)
    {
        var rng = new Random(n + m + k);
        var x = Random(n, m, rng);
        var w = Random(n, k, rng);
        var h = Random(k, m, rng);
        var gram = new DenseMatrix<double>(k, k);
        Products.GramRows(h, gram, 1);
        var order = Enumerable.Range(0, k).Reverse().ToArray();

        // Separate: XHᵀ, one pass over all of W, then WᵀX and WᵀW.
        var wSeparate = w.Clone();
        var xht = new DenseMatrix<double>(n, k);
        Products.XHt(x, h, xht, 1);
        var pass = CoordinateSweep<double>.Run(wSeparate.Data, n, k, 1, gram.Data, k, xht.Data, k, 1, 0.01, order, 1);
        var wtx = new DenseMatrix<double>(k, m);
        var wtw = new DenseMatrix<double>(k, k);
        Products.WtX(wSeparate, x, wtx, 1);
        Products.GramCols(wSeparate, wtw, 1);

        DenseMatrix<double>? firstW = null, firstWtx = null;
        foreach (int threads in new[] { 1, 2, 3 })
        {
            var wFused = w.Clone();
            var wtxFused = new DenseMatrix<double>(k, m);
            var wtwFused = new DenseMatrix<double>(k, k);
            double violation = FusedRowPasses<double>.Run(x, h, wFused, gram, 0.01, order, 1, 0.1, wtxFused, wtwFused, threads);
            Assert.Equal(wSeparate.Data, wFused.Data);
            Assert.InRange(violation, pass.Violation * (1 - 1e-12), pass.Violation * (1 + 1e-12));
            Close(wtx, wtxFused);
            Close(wtw, wtwFused);
            firstW ??= wFused;
            firstWtx ??= wtxFused;
            Assert.Equal(firstWtx.Data, wtxFused.Data);
        }
    }

    /// <summary>
    /// The CSR form (X·Hᵀ block by block, passes over W, WᵀW of the new W): W bit-identical to X·Hᵀ followed by one
    /// pass at every thread count, the same violation and WᵀW within rounding; float and double, with empty rows and
    /// more blocks than groups.
    /// </summary>
    [Theory]
    [InlineData(1, 7, 5)]
    [InlineData(257, 33, 7)]
    [InlineData(3001, 70, 20)]
    public void SparseBlocksEqualSeparateSteps(int n, int m, int k)
    {
        SparseBlocks<double>(n, m, k, 1e-12);
        SparseBlocks<float>(n, m, k, 1e-4);
    }

    /// <summary>
    /// As above with X's arrays streamed past the caches (non-temporal prefetches, <see cref="SparseProducts{T}.StreamBytes"/>
    /// at 0 instead of 16 MB): the same bits, as prefetches cannot change results.
    /// </summary>
    [Theory]
    [InlineData(257, 33, 7)]
    [InlineData(3001, 70, 20)]
    public void StreamedSparseBlocksEqualSeparateSteps(int n, int m, int k)
    {
        using var streamed = new StreamedSparseProducts();
        SparseBlocks<double>(n, m, k, 1e-12);
        SparseBlocks<float>(n, m, k, 1e-4);
    }

    private static void SparseBlocks<T>(int n, int m, int k, double tolerance)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        var rng = new Random(n + m + k);
        var dense = Random(n, m, rng);
        for (int i = 0; i < dense.Data.Length; i++)
        {
            dense.Data[i] = rng.NextDouble() < 0.8 ? 0 : dense.Data[i];
        }

        var x = CsrMatrix<T>.FromDense(dense.Convert<T>());
        var w = Random(n, k, rng).Convert<T>();
        var h = Random(k, m, rng).Convert<T>();
        var gram = new DenseMatrix<T>(k, k);
        Products.GramRows(h, gram, 1);
        var order = Enumerable.Range(0, k).Reverse().ToArray();
        T l1 = T.CreateChecked(0.01);

        var wSeparate = w.Clone();
        var xht = new DenseMatrix<T>(n, k);
        Products.XHt(x, h, xht, 1);
        var pass = CoordinateSweep<T>.Run(wSeparate.Data, n, k, 1, gram.Data, k, xht.Data, k, 1, l1, order, 1);
        var wtwSeparate = new DenseMatrix<T>(k, k);
        Products.GramCols(wSeparate, wtwSeparate, 1);
        T[]? firstWtw = null;
        foreach (int threads in new[] { 1, 2, 3 })
        {
            var wBlocks = w.Clone();
            var wtw = new DenseMatrix<T>(k, k);
            double violation = double.CreateChecked(FusedRowPasses<T>.Run(x, h, wBlocks, gram, l1, order, 1, 0.1, wtw, threads));
            Assert.Equal(wSeparate.Data, wBlocks.Data);
            double expected = double.CreateChecked(pass.Violation);
            Assert.InRange(violation, expected * (1 - (100 * tolerance)), expected * (1 + (100 * tolerance)));

            // WᵀW of the new W, block by block: the separate product's value within rounding, the same bits at any thread count.
            for (int i = 0; i < wtw.Data.Length; i++)
            {
                double e = double.CreateChecked(wtwSeparate.Data[i]), a = double.CreateChecked(wtw.Data[i]);
                Assert.True(Math.Abs(e - a) <= tolerance * Math.Abs(e), $"WᵀW element {i}: {a} vs {e}");
            }

            firstWtw ??= wtw.Data;
            Assert.Equal(firstWtw, wtw.Data);
            Assert.Equal(wSeparate.Data, wBlocks.Data);
        }

        var wWithout = w.Clone();
        FusedRowPasses<T>.Run(x, h, wWithout, gram, l1, order, 1, 0.1, null, 2);
        Assert.Equal(wSeparate.Data, wWithout.Data);
    }

    private static void Close(DenseMatrix<double> expected, DenseMatrix<double> actual)
    {
        for (int i = 0; i < expected.Data.Length; i++)
        {
            Assert.True(Math.Abs(expected.Data[i] - actual.Data[i]) <= 1e-12 * Math.Abs(expected.Data[i]) + 1e-300, $"element {i}: {actual.Data[i]} vs {expected.Data[i]}");
        }
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
