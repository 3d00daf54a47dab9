using System.Numerics;
using Nmf.Kernels;
using Nmf.Matrices;
using Xunit;

namespace Nmf.Tests.Kernels;

/// <summary>
/// Every fast product against the plain triple loops of <see cref="ReferenceProducts"/>: float and double,
/// dense and CSR, every vector path this machine has, odd sizes, and bit-identical results at 1, 2 and 3 threads.
/// </summary>
public class ProductsTests
{
    // (rows n, columns m, components k): odd sizes around the vector widths and the blocking (K-block 256,
    // row block 128, column block 512); the last two give the CSR kernels' 32 fixed parts more than one 64-row
    // tile each (Wᵀ·X's transposed write-out) and odd row counts per part (X·Hᵀ's row pairs).
    private static readonly (int N, int M, int K)[] Shapes =
    [
        (1, 1, 1), (7, 1, 7), (1, 7, 3), (9, 7, 20), (33, 33, 8), (70, 257, 33), (300, 33, 7), (130, 257, 17),
        (17, 530, 5), (260, 40, 64), (100, 300, 70), (23, 4501, 20), (4501, 23, 20), (2100, 9, 70), (1500, 33, 3),
    ];

    public static TheoryData<string> Paths()
    {
        var data = new TheoryData<string>();
        foreach (var p in new[] { SimdPath.V512, SimdPath.V256, SimdPath.V128 })
        {
            if (SimdSelect.IsSupported(p))
            {
                data.Add(p.ToString());
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void DenseProductsMatchReferenceDouble(string path) => DenseProducts<double>(Enum.Parse<SimdPath>(path));

    [Theory]
    [MemberData(nameof(Paths))]
    public void DenseProductsMatchReferenceFloat(string path) => DenseProducts<float>(Enum.Parse<SimdPath>(path));

    [Theory]
    [MemberData(nameof(Paths))]
    public void SparseProductsMatchReferenceDouble(string path) => SparseProducts<double>(Enum.Parse<SimdPath>(path));

    [Theory]
    [MemberData(nameof(Paths))]
    public void SparseProductsMatchReferenceFloat(string path) => SparseProducts<float>(Enum.Parse<SimdPath>(path));

    [Theory]
    [MemberData(nameof(Paths))]
    public void SparseBlockingDoesNotChangeBits(string path)
    {
        var p = Enum.Parse<SimdPath>(path);
        var x = CsrMatrix<double>.FromDense(Random<double>(300, 530, 5, 0.6));
        var w = Random<double>(300, 20, 6, 0.1);
        var h = Random<double>(20, 530, 7, 0.1);
        var xht = new DenseMatrix<double>(300, 20);
        var wtx = new DenseMatrix<double>(20, 530);
        var values = new double[x.Values.Length];
        Products.XHt(x, h, xht, 2, p);
        Products.WtX(w, x, wtx, 2, p);
        Products.Sampled(x, w, h, values, 2, p);
        int saved = Nmf.Kernels.SparseProducts<double>.BlockBytes;
        try
        {
            // Blocks of 64 rows of Hᵀ / W: 9 blocks over the 530 columns, 5 over the 300 rows.
            Nmf.Kernels.SparseProducts<double>.BlockBytes = 1;
            var xhtBlocked = new DenseMatrix<double>(300, 20);
            var wtxBlocked = new DenseMatrix<double>(20, 530);
            var valuesBlocked = new double[x.Values.Length];
            Products.XHt(x, h, xhtBlocked, 2, p);
            Products.WtX(w, x, wtxBlocked, 2, p);
            Products.Sampled(x, w, h, valuesBlocked, 2, p);
            Assert.Equal(xht.Data, xhtBlocked.Data);
            Assert.Equal(wtx.Data, wtxBlocked.Data);
            Assert.Equal(values, valuesBlocked);
            SparseProducts<double>(p);
        }
        finally
        {
            Nmf.Kernels.SparseProducts<double>.BlockBytes = saved;
        }
    }

    /// <summary>
    /// X·Hᵀ with X's arrays streamed past the caches (<see cref="Nmf.Kernels.SparseProducts{T}.StreamBytes"/> at 0): the
    /// reference within rounding at every shape (k = 64 and 70 walk the rows once per chunk of columns, streaming on the
    /// last walk only), and the same bits as without.
    /// </summary>
    [Theory]
    [MemberData(nameof(Paths))]
    public void SparseStreamingDoesNotChangeBits(string path)
    {
        var p = Enum.Parse<SimdPath>(path);
        var x = CsrMatrix<double>.FromDense(Random<double>(300, 530, 5, 0.6));
        var h = Random<double>(70, 530, 7, 0.1);
        var xht = new DenseMatrix<double>(300, 70);
        Products.XHt(x, h, xht, 2, p);
        using var streamed = new StreamedSparseProducts();
        var xhtStreamed = new DenseMatrix<double>(300, 70);
        Products.XHt(x, h, xhtStreamed, 2, p);
        Assert.Equal(xht.Data, xhtStreamed.Data);
        SparseProducts<double>(p);
        SparseProducts<float>(p);
    }

    /// <summary>
    /// WᵀW and HHᵀ on thin factors (k up to the register-tiled Gram kernel's limit and past the vector width, k not a
    /// multiple of it) and long dimensions that cross chunk and part boundaries: within rounding of the triple loop,
    /// exactly symmetric, and the same bits at every thread count.
    /// </summary>
    [Theory]
    [MemberData(nameof(Paths))]
    public void GramMatricesOfThinFactorsMatchReference(string path)
    {
        var p = Enum.Parse<SimdPath>(path);
        Gram<double>(p);
        Gram<float>(p);
    }

    private static void Gram<T>(SimdPath path) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int seed = 500;
        // Long dimensions from GramProducts' minimum up: vector tails, chunk and part boundaries.
        foreach (int n in new[] { GramProducts<T>.MinLength, 257, 1001, 5000 })
        {
            foreach (int k in new[] { 1, 3, 7, 20, 33 })
            {
                var w = Random<T>(n, k, seed++, 0.1);
                var h = Random<T>(k, n, seed++, 0.1);
                string at = $"{typeof(T).Name} {path} n={n} k={k}";
                Check(at + " GramCols", new DenseMatrix<T>(k, k), n, r => ReferenceProducts.GramCols(w, r), (r, t) => Products.GramCols(w, r, t, path));
                Check(at + " GramRows", new DenseMatrix<T>(k, k), n, r => ReferenceProducts.GramRows(h, r), (r, t) => Products.GramRows(h, r, t, path));
                var g = new DenseMatrix<T>(k, k);
                Products.GramCols(w, g, 1, path);
                Assert.Equal(g.Data, g.Transpose().Data);
                Products.GramRows(h, g, 1, path);
                Assert.Equal(g.Data, g.Transpose().Data);
            }
        }
    }

    [Fact]
    public void ScalarPathIsTheReference()
    {
        var x = Random<double>(13, 9, 1, 0.0);
        var h = Random<double>(4, 9, 2, 0.0);
        var fast = new DenseMatrix<double>(13, 4);
        var plain = new DenseMatrix<double>(13, 4);
        Products.XHt(x, h, fast, 2, SimdPath.Scalar);
        ReferenceProducts.XHt(x, h, plain);
        Assert.Equal(plain.Data, fast.Data);
    }

    [Fact]
    public void WrongShapesAreRejected()
    {
        var x = new DenseMatrix<double>(5, 4);
        var h = new DenseMatrix<double>(3, 5);
        var ex = Assert.Throws<ArgumentException>(() => Products.XHt(x, h, new DenseMatrix<double>(5, 3), 1));
        Assert.Contains("h is 3 x 5, expected 3 x 4", ex.Message, StringComparison.Ordinal);
    }

    private static void DenseProducts<T>(SimdPath path) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int seed = 1;
        foreach (var (n, m, k) in Shapes)
        {
            var x = Random<T>(n, m, seed++, 0.2);
            var w = Random<T>(n, k, seed++, 0.1);
            var h = Random<T>(k, m, seed++, 0.1);
            string at = $"{typeof(T).Name} {path} n={n} m={m} k={k}";

            Check(at + " XHt", new DenseMatrix<T>(n, k), m, r => ReferenceProducts.XHt(x, h, r), (r, t) => Products.XHt(x, h, r, t, path));
            Check(at + " WtX", new DenseMatrix<T>(k, m), n, r => ReferenceProducts.WtX(w, x, r), (r, t) => Products.WtX(w, x, r, t, path));
            Check(at + " GramCols", new DenseMatrix<T>(k, k), n, r => ReferenceProducts.GramCols(w, r), (r, t) => Products.GramCols(w, r, t, path));
            Check(at + " GramRows", new DenseMatrix<T>(k, k), m, r => ReferenceProducts.GramRows(h, r), (r, t) => Products.GramRows(h, r, t, path));
            Check(at + " Multiply", new DenseMatrix<T>(n, m), k, r => ReferenceProducts.Multiply(w, h, r), (r, t) => Products.Multiply(w, h, r, t, path));
        }
    }

    private static void SparseProducts<T>(SimdPath path) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int seed = 100;
        foreach (var (n, m, k) in Shapes)
        {
            // About 70% zeros, so some rows and columns are empty.
            var x = CsrMatrix<T>.FromDense(Random<T>(n, m, seed++, 0.7));
            var w = Random<T>(n, k, seed++, 0.1);
            var h = Random<T>(k, m, seed++, 0.1);
            string at = $"{typeof(T).Name} {path} CSR n={n} m={m} k={k}";

            Check(at + " XHt", new DenseMatrix<T>(n, k), m, r => ReferenceProducts.XHt(x, h, r), (r, t) => Products.XHt(x, h, r, t, path));
            Check(at + " WtX", new DenseMatrix<T>(k, m), n, r => ReferenceProducts.WtX(w, x, r), (r, t) => Products.WtX(w, x, r, t, path));
            var values = new DenseMatrix<T>(1, x.Values.Length);
            Check(at + " Sampled", values, k, r => ReferenceProducts.Sampled(x, w, h, r.Data), (r, t) => Products.Sampled(x, w, h, r.Data, t, path));
        }
    }

    /// <summary>
    /// The fast result at 1 thread is within the rounding bound of the reference (all terms are non-negative,
    /// so each element is within 2·terms·eps of the reference relative to itself), and 2 and 3 threads give
    /// exactly the same bits as 1. The result buffer starts filled with NaN, so unwritten elements fail.
    /// </summary>
    private static void Check<T>(string what, DenseMatrix<T> shape, int terms, Action<DenseMatrix<T>> reference, Action<DenseMatrix<T>, int> fast)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var expected = new DenseMatrix<T>(shape.Rows, shape.Cols);
        reference(expected);
        var one = Filled(shape, T.NaN);
        fast(one, 1);
        double bound = 2.0 * (terms + 2) * double.CreateChecked(Eps<T>());
        for (int i = 0; i < expected.Data.Length; i++)
        {
            double e = double.CreateChecked(expected.Data[i]), f = double.CreateChecked(one.Data[i]);
            Assert.True(Math.Abs(e - f) <= (bound * Math.Abs(e)) + 1e-300, $"{what}: element {i} is {f}, reference {e}");
        }

        foreach (int threads in new[] { 2, 3, 0 })
        {
            var many = Filled(shape, T.NaN);
            fast(many, threads);
            Assert.True(one.Data.AsSpan().SequenceEqual(many.Data), $"{what}: {threads} threads differ from 1 thread");
        }
    }

    private static T Eps<T>() where T : unmanaged, IFloatingPointIeee754<T> =>
        T.BitIncrement(T.One) - T.One;

    private static DenseMatrix<T> Filled<T>(DenseMatrix<T> shape, T value) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var m = new DenseMatrix<T>(shape.Rows, shape.Cols);
        m.Data.AsSpan().Fill(value);
        return m;
    }

    private static DenseMatrix<T> Random<T>(int rows, int cols, int seed, double zeroFraction)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var rng = new Random(seed);
        var m = new DenseMatrix<T>(rows, cols);
        for (int i = 0; i < m.Data.Length; i++)
        {
            m.Data[i] = rng.NextDouble() < zeroFraction ? T.Zero : T.CreateChecked(rng.NextDouble());
        }

        return m;
    }
}
