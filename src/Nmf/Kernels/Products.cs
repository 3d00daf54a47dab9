using System.Numerics;
using System.Runtime.CompilerServices;
using Nmf.Matrices;

namespace Nmf.Kernels;

/// <summary>
/// The products NMF lives on. Solvers call only these; only these know whether X is dense or sparse.
/// Every method overwrites <c>result</c> and gives bit-identical results at any thread count
/// (<c>threads</c>: how many threads to use, 0 = every core). Dense products run on <see cref="Gemm{T}"/> (Gram
/// matrices with up to <see cref="GramProducts{T}.MaxK"/> components and a long dimension of at least
/// <see cref="GramProducts{T}.MinLength"/> on <see cref="GramProducts{T}"/>),
/// CSR products on <see cref="SparseProducts{T}"/>; <see cref="ReferenceProducts"/> holds the plain loops
/// they are tested against, used where no vector instructions are available.
/// </summary>
internal static unsafe class Products
{
    /// <summary>result (n x k) = X (n x m) · Hᵀ, H is k x m.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void XHt<T>(IMatrix<T> x, DenseMatrix<T> h, DenseMatrix<T> result, int threads)
        where T : unmanaged, IFloatingPointIeee754<T>
        => XHt(x, h, result, threads, SimdSelect.Path);

    /// <summary>As above, on a chosen vector path (for tests and benchmarks of each path).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void XHt<T>(IMatrix<T> x, DenseMatrix<T> h, DenseMatrix<T> result, int threads, SimdPath path)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(x);
        CheckShape(h, h.Rows, x.Cols, nameof(h));
        CheckShape(result, x.Rows, h.Rows, nameof(result));
        if (!Vectorized<T>(path))
        {
            ReferenceProducts.XHt(x, h, result);
            return;
        }

        switch (x)
        {
            case DenseMatrix<T> d:
                fixed (T* px = d.Data, ph = h.Data, pr = result.Data)
                {
                    Gemm<T>.Run(d.Rows, h.Rows, d.Cols, px, d.Cols, 1, ph, h.Cols, true, pr, result.Cols, threads, path);
                }

                break;
            case CsrMatrix<T> s:
                SparseProducts<T>.XHt(s, h, result, threads, path);
                break;
            default:
                throw new NotSupportedException($"matrix type {x.GetType().Name}");
        }
    }

    /// <summary>result (k x m) = Wᵀ · X, W is n x k, X is n x m.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void WtX<T>(DenseMatrix<T> w, IMatrix<T> x, DenseMatrix<T> result, int threads)
        where T : unmanaged, IFloatingPointIeee754<T>
        => WtX(w, x, result, threads, SimdSelect.Path);

    /// <summary>As above, on a chosen vector path (for tests and benchmarks of each path).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void WtX<T>(DenseMatrix<T> w, IMatrix<T> x, DenseMatrix<T> result, int threads, SimdPath path)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(x);
        CheckShape(w, x.Rows, w.Cols, nameof(w));
        CheckShape(result, w.Cols, x.Cols, nameof(result));
        if (!Vectorized<T>(path))
        {
            ReferenceProducts.WtX(w, x, result);
            return;
        }

        switch (x)
        {
            case DenseMatrix<T> d:
                fixed (T* pw = w.Data, px = d.Data, pr = result.Data)
                {
                    if (TallProducts<T>.Serves(d.Rows, d.Cols, w.Cols))
                    {
                        TallProducts<T>.WtX(pw, px, d.Rows, d.Cols, w.Cols, pr, threads, path);
                    }
                    else
                    {
                        Gemm<T>.Run(w.Cols, d.Cols, d.Rows, pw, 1, w.Cols, px, d.Cols, false, pr, result.Cols, threads, path);
                    }
                }

                break;
            case CsrMatrix<T> s:
                SparseProducts<T>.WtX(w, s, result, threads, path);
                break;
            default:
                throw new NotSupportedException($"matrix type {x.GetType().Name}");
        }
    }

    /// <summary>result (k x k) = Aᵀ · A for A of shape r x k (for example WᵀW).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void GramCols<T>(DenseMatrix<T> a, DenseMatrix<T> result, int threads)
        where T : unmanaged, IFloatingPointIeee754<T>
        => GramCols(a, result, threads, SimdSelect.Path);

    /// <summary>As above, on a chosen vector path (for tests and benchmarks of each path).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void GramCols<T>(DenseMatrix<T> a, DenseMatrix<T> result, int threads, SimdPath path)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(a);
        CheckShape(result, a.Cols, a.Cols, nameof(result));
        if (!Vectorized<T>(path))
        {
            ReferenceProducts.GramCols(a, result);
            return;
        }

        fixed (T* pa = a.Data, pr = result.Data)
        {
            if (GramProducts<T>.ServesCols(a.Rows, a.Cols, path))
            {
                GramProducts<T>.Cols(pa, a.Rows, a.Cols, pr, threads, path);
            }
            else
            {
                Gemm<T>.Run(a.Cols, a.Cols, a.Rows, pa, 1, a.Cols, pa, a.Cols, false, pr, result.Cols, threads, path);
            }
        }
    }

    /// <summary>result (k x k) = A · Aᵀ for A of shape k x c (for example HHᵀ).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void GramRows<T>(DenseMatrix<T> a, DenseMatrix<T> result, int threads)
        where T : unmanaged, IFloatingPointIeee754<T>
        => GramRows(a, result, threads, SimdSelect.Path);

    /// <summary>As above, on a chosen vector path (for tests and benchmarks of each path).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void GramRows<T>(DenseMatrix<T> a, DenseMatrix<T> result, int threads, SimdPath path)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(a);
        CheckShape(result, a.Rows, a.Rows, nameof(result));
        if (!Vectorized<T>(path))
        {
            ReferenceProducts.GramRows(a, result);
            return;
        }

        fixed (T* pa = a.Data, pr = result.Data)
        {
            if (a.Rows is > 0 and <= GramProducts<T>.MaxK && a.Cols >= GramProducts<T>.MinLength)
            {
                GramProducts<T>.Rows(pa, a.Rows, a.Cols, pr, threads, path);
            }
            else
            {
                Gemm<T>.Run(a.Rows, a.Rows, a.Cols, pa, a.Cols, 1, pa, a.Cols, true, pr, result.Cols, threads, path);
            }
        }
    }

    /// <summary>result (r x c) = A (r x k) · B (k x c); used for dense W·H and small products.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Multiply<T>(DenseMatrix<T> a, DenseMatrix<T> b, DenseMatrix<T> result, int threads)
        where T : unmanaged, IFloatingPointIeee754<T>
        => Multiply(a, b, result, threads, SimdSelect.Path);

    /// <summary>As above, on a chosen vector path (for tests and benchmarks of each path).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Multiply<T>(DenseMatrix<T> a, DenseMatrix<T> b, DenseMatrix<T> result, int threads, SimdPath path)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(a);
        CheckShape(b, a.Cols, b.Cols, nameof(b));
        CheckShape(result, a.Rows, b.Cols, nameof(result));
        if (!Vectorized<T>(path))
        {
            ReferenceProducts.Multiply(a, b, result);
            return;
        }

        fixed (T* pa = a.Data, pb = b.Data, pr = result.Data)
        {
            Gemm<T>.Run(a.Rows, b.Cols, a.Cols, pa, a.Cols, 1, pb, b.Cols, false, pr, result.Cols, threads, path);
        }
    }

    /// <summary>values[p] = (W · H)[i, j] at every stored entry p = (i, j) of X (the sampled product).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Sampled<T>(CsrMatrix<T> x, DenseMatrix<T> w, DenseMatrix<T> h, T[] values, int threads)
        where T : unmanaged, IFloatingPointIeee754<T>
        => Sampled(x, w, h, values, threads, SimdSelect.Path);

    /// <summary>As above, on a chosen vector path (for tests and benchmarks of each path).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Sampled<T>(CsrMatrix<T> x, DenseMatrix<T> w, DenseMatrix<T> h, T[] values, int threads, SimdPath path)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(values);
        CheckShape(w, x.Rows, w.Cols, nameof(w));
        CheckShape(h, w.Cols, x.Cols, nameof(h));
        if (values.Length != x.Values.Length)
        {
            throw new ArgumentException($"values has {values.Length} entries, X stores {x.Values.Length}.", nameof(values));
        }

        if (!Vectorized<T>(path))
        {
            ReferenceProducts.Sampled(x, w, h, values);
            return;
        }

        SparseProducts<T>.Sampled(x, w, h, values, threads, path);
    }

    /// <summary>Whether the vector kernels serve this element type on the selected path.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool Vectorized<T>(SimdPath path) =>
        (typeof(T) == typeof(double) || typeof(T) == typeof(float)) && path != SimdPath.Scalar && SimdSelect.IsSupported(path);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void CheckShape<T>(DenseMatrix<T> m, int rows, int cols, string name)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(m, name);
        if (m.Rows != rows || m.Cols != cols)
        {
            throw new ArgumentException($"{name} is {m.Rows} x {m.Cols}, expected {rows} x {cols}.", name);
        }
    }
}
