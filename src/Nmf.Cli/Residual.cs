using System.Numerics;
using Nmf.Matrices;

namespace Nmf.Cli;

/// <summary>Figures of a fit the summaries report: ‖X − WH‖_F / ‖X‖_F and where X has a zero.</summary>
internal static class Residual
{
    /// <summary>
    /// ‖X − WH‖_F / ‖X‖_F, accumulated in double. Dense X: row by row. Sparse X: by the trace identity
    /// ‖X − WH‖² = ‖X‖² − 2 Σ x_ij (WH)_ij + tr((WᵀW)(HHᵀ)), so WH is evaluated only at the non-zeros.
    /// </summary>
    public static double RelativeFrobenius<T>(IMatrix<T> x, DenseMatrix<T> w, DenseMatrix<T> h)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int k = w.Cols, m = h.Cols;
        double norm2 = 0, residual2 = 0;
        if (x is DenseMatrix<T> d)
        {
            var wh = new double[m];
            for (int i = 0; i < d.Rows; i++)
            {
                Array.Clear(wh);
                var wi = w.Row(i);
                for (int c = 0; c < k; c++)
                {
                    double a = double.CreateChecked(wi[c]);
                    if (a == 0)
                    {
                        continue;
                    }

                    var hc = h.Row(c);
                    for (int j = 0; j < m; j++)
                    {
                        wh[j] += a * double.CreateChecked(hc[j]);
                    }
                }

                var xi = d.Row(i);
                for (int j = 0; j < m; j++)
                {
                    double v = double.CreateChecked(xi[j]);
                    norm2 += v * v;
                    residual2 += (v - wh[j]) * (v - wh[j]);
                }
            }
        }
        else
        {
            var s = (CsrMatrix<T>)x;
            double cross = 0;
            for (int i = 0; i < s.Rows; i++)
            {
                var wi = w.Row(i);
                for (int p = s.RowPtr[i]; p < s.RowPtr[i + 1]; p++)
                {
                    int j = s.ColIndices[p];
                    double v = double.CreateChecked(s.Values[p]), dot = 0;
                    for (int c = 0; c < k; c++)
                    {
                        dot += double.CreateChecked(wi[c]) * double.CreateChecked(h[c, j]);
                    }

                    norm2 += v * v;
                    cross += v * dot;
                }
            }

            var wtw = Gram(w.Transpose());
            var hht = Gram(h);
            double trace = 0;
            for (int a = 0; a < k; a++)
            {
                for (int b = 0; b < k; b++)
                {
                    trace += wtw[a, b] * hht[a, b];
                }
            }

            residual2 = Math.Max(0, norm2 - (2 * cross) + trace);
        }

        return norm2 > 0 ? Math.Sqrt(residual2 / norm2) : double.NaN;
    }

    /// <summary>The first zero of X in row-major order (explicit or, for CSR, implicit), or null.</summary>
    public static (int Row, int Col)? FirstZero<T>(IMatrix<T> x)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (x is DenseMatrix<T> d)
        {
            int at = Array.IndexOf(d.Data, T.Zero);
            return at < 0 ? null : (at / d.Cols, at % d.Cols);
        }

        var s = (CsrMatrix<T>)x;
        for (int i = 0; i < s.Rows; i++)
        {
            int expected = 0;
            for (int p = s.RowPtr[i]; p < s.RowPtr[i + 1]; p++, expected++)
            {
                if (s.ColIndices[p] != expected || s.Values[p] == T.Zero)
                {
                    return (i, s.ColIndices[p] != expected ? expected : s.ColIndices[p]);
                }
            }

            if (expected < s.Cols)
            {
                return (i, expected);
            }
        }

        return null;
    }

    /// <summary>A·Aᵀ of a small k x r matrix, in double.</summary>
    private static double[,] Gram<T>(DenseMatrix<T> a)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var g = new double[a.Rows, a.Rows];
        for (int p = 0; p < a.Rows; p++)
        {
            for (int q = 0; q <= p; q++)
            {
                double sum = 0;
                var rp = a.Row(p);
                var rq = a.Row(q);
                for (int j = 0; j < rp.Length; j++)
                {
                    sum += double.CreateChecked(rp[j]) * double.CreateChecked(rq[j]);
                }

                g[p, q] = g[q, p] = sum;
            }
        }

        return g;
    }
}
