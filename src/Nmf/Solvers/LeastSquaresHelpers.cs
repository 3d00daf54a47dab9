using System.Numerics;
using Nmf.Kernels;
using Nmf.Matrices;

namespace Nmf.Solvers;

/// <summary>
/// Small dense algebra shared by the least-squares solvers (ALS, projected gradient): k x k Cholesky solves and
/// the Frobenius loss from Gram matrices, so that no solver forms W·H.
/// </summary>
internal static class LeastSquaresHelpers
{
    /// <summary>Machine epsilon of <typeparamref name="T"/> (the gap between 1 and the next number).</summary>
    public static T MachineEpsilon<T>() where T : unmanaged, IFloatingPointIeee754<T>
        => T.BitIncrement(T.One) - T.One;

    /// <summary>‖X‖²_F, summed in double in a fixed order.</summary>
    public static double SquaredNorm<T>(IMatrix<T> x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ReadOnlySpan<T> values = x switch
        {
            DenseMatrix<T> d => d.Data,
            CsrMatrix<T> s => s.Values.AsSpan(0, s.RowPtr[s.Rows]),
            _ => throw new NotSupportedException(x.GetType().Name),
        };
        double sum = 0;
        foreach (T v in values)
        {
            double d = double.CreateChecked(v);
            sum += d * d;
        }

        return sum;
    }

    /// <summary>Σ_ij A_ij B_ij for two matrices of the same shape, in double.</summary>
    public static double Dot<T>(DenseMatrix<T> a, DenseMatrix<T> b) where T : unmanaged, IFloatingPointIeee754<T>
    {
        double sum = 0;
        for (int i = 0; i < a.Data.Length; i++)
        {
            sum += double.CreateChecked(a.Data[i]) * double.CreateChecked(b.Data[i]);
        }

        return sum;
    }

    /// <summary>
    /// ½‖X − WH‖²_F by the trace identity ½(‖X‖² − 2 tr(Hᵀ WᵀX) + tr(WᵀW · HHᵀ)) (the Frobenius objective
    /// in scikit-learn's scaling), clipped at 0 against cancellation.
    /// </summary>
    /// <param name="squaredNormX">‖X‖²_F.</param>
    /// <param name="wtx">WᵀX (k x m) for the current W.</param>
    /// <param name="wtw">WᵀW (k x k) for the current W.</param>
    /// <param name="h">The current H (k x m).</param>
    /// <param name="threads">Threads for the kernels.</param>
    public static double HalfSquaredError<T>(double squaredNormX, DenseMatrix<T> wtx, DenseMatrix<T> wtw, DenseMatrix<T> h, int threads)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var hht = new DenseMatrix<T>(h.Rows, h.Rows);
        Products.GramRows(h, hht, threads);
        double value = squaredNormX - (2 * Dot(wtx, h)) + Dot(wtw, hht);
        return Math.Max(0, value) / 2;
    }

    /// <summary>
    /// The lower Cholesky factor L of G + δI (G symmetric k x k), with the smallest ridge δ ∈ {0, ε·tr G,
    /// 10 ε·tr G, ...} that makes the factorisation succeed; a ridge is needed when a component has died
    /// (a zero row of H or column of W makes G singular). Returns null when G is zero.
    /// </summary>
    public static DenseMatrix<T>? Cholesky<T>(DenseMatrix<T> g) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int k = g.Rows;
        T trace = T.Zero;
        for (int i = 0; i < k; i++)
        {
            trace += g[i, i];
        }

        if (!(trace > T.Zero))
        {
            return null;
        }

        T ridge = T.Zero;
        T step = MachineEpsilon<T>() * trace;
        var l = new DenseMatrix<T>(k, k);
        for (int attempt = 0; attempt < 40; attempt++)
        {
            if (TryCholesky(g, ridge, l))
            {
                return l;
            }

            ridge = ridge == T.Zero ? step : ridge * T.CreateChecked(10);
        }

        return null;
    }

    /// <summary>Solves (L Lᵀ) z = b for every row b of <paramref name="rows"/> (n x k), in place.</summary>
    public static void SolveRows<T>(DenseMatrix<T> l, DenseMatrix<T> rows) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int k = l.Rows;
        for (int r = 0; r < rows.Rows; r++)
        {
            var z = rows.Row(r);
            for (int i = 0; i < k; i++)
            {
                T s = z[i];
                for (int j = 0; j < i; j++)
                {
                    s -= l[i, j] * z[j];
                }

                z[i] = s / l[i, i];
            }

            for (int i = k - 1; i >= 0; i--)
            {
                T s = z[i];
                for (int j = i + 1; j < k; j++)
                {
                    s -= l[j, i] * z[j];
                }

                z[i] = s / l[i, i];
            }
        }
    }

    /// <summary>Solves (L Lᵀ) Z = B for B of shape k x p (one right-hand side a column), in place, row by row.</summary>
    public static void SolveColumns<T>(DenseMatrix<T> l, DenseMatrix<T> b) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int k = l.Rows;
        for (int i = 0; i < k; i++)
        {
            var bi = b.Row(i);
            for (int j = 0; j < i; j++)
            {
                T lij = l[i, j];
                var bj = b.Row(j);
                for (int c = 0; c < bi.Length; c++)
                {
                    bi[c] -= lij * bj[c];
                }
            }

            T inv = T.One / l[i, i];
            for (int c = 0; c < bi.Length; c++)
            {
                bi[c] *= inv;
            }
        }

        for (int i = k - 1; i >= 0; i--)
        {
            var bi = b.Row(i);
            for (int j = i + 1; j < k; j++)
            {
                T lji = l[j, i];
                var bj = b.Row(j);
                for (int c = 0; c < bi.Length; c++)
                {
                    bi[c] -= lji * bj[c];
                }
            }

            T inv = T.One / l[i, i];
            for (int c = 0; c < bi.Length; c++)
            {
                bi[c] *= inv;
            }
        }
    }

    /// <summary>Sets negative entries (and NaN) to zero.</summary>
    public static void ClampNegatives<T>(Span<T> values) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < values.Length; i++)
        {
            if (!(values[i] > T.Zero))
            {
                values[i] = T.Zero;
            }
        }
    }

    private static bool TryCholesky<T>(DenseMatrix<T> g, T ridge, DenseMatrix<T> l) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int k = g.Rows;
        Array.Clear(l.Data);
        for (int i = 0; i < k; i++)
        {
            for (int j = 0; j <= i; j++)
            {
                T s = g[i, j];
                if (i == j)
                {
                    s += ridge;
                }

                for (int p = 0; p < j; p++)
                {
                    s -= l[i, p] * l[j, p];
                }

                if (i == j)
                {
                    if (!(s > T.Zero))
                    {
                        return false;
                    }

                    l[i, i] = T.Sqrt(s);
                }
                else
                {
                    l[i, j] = s / l[j, j];
                }
            }
        }

        return true;
    }
}
