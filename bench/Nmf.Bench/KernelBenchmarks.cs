using System.Numerics;
using BenchmarkDotNet.Attributes;
using Nmf.Kernels;
using Nmf.Matrices;

namespace Nmf.Bench;

/// <summary>
/// The products on P1's shape (dense 50000 x 256, k = 32) and P2's (CSR 63532 x 18836 with 1.75 M stored
/// entries, k = 20), with random data of the same shape, at 1 and 2 threads. Run with
/// <c>dotnet run -c Release --project bench/Nmf.Bench -- --filter '*KernelBenchmarks*'</c>.
/// </summary>
[GenericTypeArguments(typeof(double))]
[GenericTypeArguments(typeof(float))]
[MemoryDiagnoser]
public class KernelBenchmarks<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private DenseMatrix<T> _x = null!, _w = null!, _h = null!, _xht = null!, _wtx = null!, _gram = null!, _wh = null!;
    private CsrMatrix<T> _s = null!;
    private DenseMatrix<T> _sw = null!, _sh = null!, _sxht = null!, _swtx = null!;
    private T[] _values = null!;
    private int[] _order = null!;

    /// <summary>Threads given to the kernels.</summary>
    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(1);
        _x = Random(50000, 256, rng);
        _w = Random(50000, 32, rng);
        _h = Random(32, 256, rng);
        _xht = new DenseMatrix<T>(50000, 32);
        _wtx = new DenseMatrix<T>(32, 256);
        _gram = new DenseMatrix<T>(32, 32);
        _wh = new DenseMatrix<T>(50000, 256);
        Products.GramRows(_h, _gram, 1);
        Products.XHt(_x, _h, _xht, 1);
        _order = Enumerable.Range(0, 32).ToArray();

        const int n = 63532, m = 18836, nnz = 1_750_000;
        var ri = new int[nnz];
        var ci = new int[nnz];
        var v = new T[nnz];
        for (int t = 0; t < nnz; t++)
        {
            ri[t] = rng.Next(n);
            ci[t] = rng.Next(m);
            v[t] = T.CreateChecked(rng.NextDouble());
        }

        _s = CsrMatrix<T>.FromTriplets(n, m, ri, ci, v);
        _s.Transpose();
        _sw = Random(n, 20, rng);
        _sh = Random(20, m, rng);
        _sxht = new DenseMatrix<T>(n, 20);
        _swtx = new DenseMatrix<T>(20, m);
        _values = new T[_s.Values.Length];
    }

    [Benchmark(Description = "X·Hᵀ dense 50000x256 k=32")]
    public void DenseXHt() => Products.XHt(_x, _h, _xht, Threads);

    [Benchmark(Description = "Wᵀ·X dense 50000x256 k=32")]
    public void DenseWtX() => Products.WtX(_w, _x, _wtx, Threads);

    [Benchmark(Description = "W·H dense 50000x32x256")]
    public void DenseMultiply() => Products.Multiply(_w, _h, _wh, Threads);

    [Benchmark(Description = "WᵀW 50000x32")]
    public void GramCols() => Products.GramCols(_w, _gram, Threads);

    [Benchmark(Description = "cd pass over W 50000x32")]
    public void CoordinatePass() =>
        CoordinateSweep<T>.Run(_w.Data, 50000, 32, 1, _gram.Data, 32, _xht.Data, 32, 1, T.Zero, _order, Threads);

    [Benchmark(Description = "X·Hᵀ CSR 1.75M nnz k=20")]
    public void SparseXHt() => Products.XHt(_s, _sh, _sxht, Threads);

    [Benchmark(Description = "Wᵀ·X CSR 1.75M nnz k=20")]
    public void SparseWtX() => Products.WtX(_sw, _s, _swtx, Threads);

    [Benchmark(Description = "(WH) at nnz, CSR k=20")]
    public void SparseSampled() => Products.Sampled(_s, _sw, _sh, _values, Threads);

    private static DenseMatrix<T> Random(int rows, int cols, Random rng)
    {
        var m = new DenseMatrix<T>(rows, cols);
        for (int i = 0; i < m.Data.Length; i++)
        {
            m.Data[i] = T.CreateChecked(rng.NextDouble());
        }

        return m;
    }
}
