using System.Numerics;
using Nmf.Matrices;

namespace Nmf.Decomposition;

/// <summary>
/// A (truncated) singular value decomposition A ≈ U · diag(S) · Vt, singular values in decreasing order,
/// signs fixed by scikit-learn's <c>svd_flip</c> rule: in each column of U the entry of largest magnitude
/// (the first such entry on a tie) is positive, and the matching row of Vt carries the same sign.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
/// <param name="U">Left singular vectors, n x k (orthonormal columns).</param>
/// <param name="S">Singular values, non-increasing: k of them, or all min(n, m) where asked for.</param>
/// <param name="Vt">Right singular vectors as rows, k x m (orthonormal rows).</param>
public sealed record SvdFactors<T>(DenseMatrix<T> U, T[] S, DenseMatrix<T> Vt)
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Applies scikit-learn's <c>svd_flip</c> with <c>u_based_decision=True</c> in place.</summary>
    internal void FlipSigns()
    {
        int n = U.Rows, k = U.Cols;
        for (int c = 0; c < k; c++)
        {
            int best = 0;
            T bestAbs = T.Abs(U[0, c]);
            for (int i = 1; i < n; i++)
            {
                T a = T.Abs(U[i, c]);
                if (a > bestAbs)
                {
                    bestAbs = a;
                    best = i;
                }
            }

            if (U[best, c] < T.Zero)
            {
                for (int i = 0; i < n; i++)
                {
                    U[i, c] = -U[i, c];
                }

                var v = Vt.Row(c);
                for (int j = 0; j < v.Length; j++)
                {
                    v[j] = -v[j];
                }
            }
        }
    }
}
