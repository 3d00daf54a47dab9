using System.Numerics;
using Nmf.Matrices;

namespace Nmf.Kernels;

/// <summary>
/// Plain triple loops for the products of <see cref="Products"/>: the definition the fast kernels are tested
/// against, and the path used where no vector instructions are available. Single-threaded.
/// </summary>
internal static class ReferenceProducts
{
    /// <summary>result (n x k) = X (n x m) · Hᵀ, H is k x m.</summary>
    public static void XHt<T>(IMatrix<T> x, DenseMatrix<T> h, DenseMatrix<T> result)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int k = h.Rows;
        switch (x)
        {
            case DenseMatrix<T> d:
                for (int i = 0; i < d.Rows; i++)
                {
                    var xi = d.Row(i);
                    for (int c = 0; c < k; c++)
                    {
                        var hc = h.Row(c);
                        T s = T.Zero;
                        for (int j = 0; j < xi.Length; j++)
                        {
                            s += xi[j] * hc[j];
                        }

                        result[i, c] = s;
                    }
                }

                break;
            case CsrMatrix<T> s:
                for (int i = 0; i < s.Rows; i++)
                {
                    var ri = result.Row(i);
                    ri.Clear();
                    for (int p = s.RowPtr[i]; p < s.RowPtr[i + 1]; p++)
                    {
                        int j = s.ColIndices[p];
                        T v = s.Values[p];
                        for (int c = 0; c < k; c++)
                        {
                            ri[c] += v * h[c, j];
                        }
                    }
                }

                break;
            default:
                throw new NotSupportedException(x.GetType().Name);
        }
    }

    /// <summary>result (k x m) = Wᵀ · X, W is n x k, X is n x m.</summary>
    public static void WtX<T>(DenseMatrix<T> w, IMatrix<T> x, DenseMatrix<T> result)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int k = w.Cols;
        Array.Clear(result.Data);
        switch (x)
        {
            case DenseMatrix<T> d:
                for (int i = 0; i < d.Rows; i++)
                {
                    var xi = d.Row(i);
                    for (int c = 0; c < k; c++)
                    {
                        T wic = w[i, c];
                        var rc = result.Row(c);
                        for (int j = 0; j < xi.Length; j++)
                        {
                            rc[j] += wic * xi[j];
                        }
                    }
                }

                break;
            case CsrMatrix<T> s:
                for (int i = 0; i < s.Rows; i++)
                {
                    for (int p = s.RowPtr[i]; p < s.RowPtr[i + 1]; p++)
                    {
                        int j = s.ColIndices[p];
                        T v = s.Values[p];
                        for (int c = 0; c < k; c++)
                        {
                            result[c, j] += w[i, c] * v;
                        }
                    }
                }

                break;
            default:
                throw new NotSupportedException(x.GetType().Name);
        }
    }

    /// <summary>result (k x k) = Aᵀ · A for A of shape r x k (for example WᵀW).</summary>
    public static void GramCols<T>(DenseMatrix<T> a, DenseMatrix<T> result)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int k = a.Cols;
        for (int p = 0; p < k; p++)
        {
            for (int q = 0; q < k; q++)
            {
                T s = T.Zero;
                for (int i = 0; i < a.Rows; i++)
                {
                    s += a[i, p] * a[i, q];
                }

                result[p, q] = s;
            }
        }
    }

    /// <summary>result (k x k) = A · Aᵀ for A of shape k x c (for example HHᵀ).</summary>
    public static void GramRows<T>(DenseMatrix<T> a, DenseMatrix<T> result)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int k = a.Rows;
        for (int p = 0; p < k; p++)
        {
            var ap = a.Row(p);
            for (int q = 0; q < k; q++)
            {
                var aq = a.Row(q);
                T s = T.Zero;
                for (int j = 0; j < ap.Length; j++)
                {
                    s += ap[j] * aq[j];
                }

                result[p, q] = s;
            }
        }
    }

    /// <summary>result (r x c) = A (r x k) · B (k x c); used for dense W·H and small products.</summary>
    public static void Multiply<T>(DenseMatrix<T> a, DenseMatrix<T> b, DenseMatrix<T> result)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Array.Clear(result.Data);
        for (int i = 0; i < a.Rows; i++)
        {
            var ri = result.Row(i);
            for (int c = 0; c < a.Cols; c++)
            {
                T aic = a[i, c];
                var bc = b.Row(c);
                for (int j = 0; j < ri.Length; j++)
                {
                    ri[j] += aic * bc[j];
                }
            }
        }
    }

    /// <summary>values[p] = (W · H)[i, j] at every stored entry p = (i, j) of X (the sampled product).</summary>
    public static void Sampled<T>(CsrMatrix<T> x, DenseMatrix<T> w, DenseMatrix<T> h, T[] values)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int k = w.Cols;
        for (int i = 0; i < x.Rows; i++)
        {
            for (int p = x.RowPtr[i]; p < x.RowPtr[i + 1]; p++)
            {
                int j = x.ColIndices[p];
                T s = T.Zero;
                for (int c = 0; c < k; c++)
                {
                    s += w[i, c] * h[c, j];
                }

                values[p] = s;
            }
        }
    }
}
