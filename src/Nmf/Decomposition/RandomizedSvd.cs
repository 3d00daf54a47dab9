using System.Numerics;
using Nmf.Init;
using Nmf.Kernels;
using Nmf.Matrices;

namespace Nmf.Decomposition;

/// <summary>
/// Randomized truncated SVD (Halko, Martinsson &amp; Tropp 2011, "Finding structure with randomness", SIAM Review
/// 53(2): Algorithm 4.4, randomized subspace iteration, with the LU renormalisation of scikit-learn's
/// <c>randomized_range_finder</c>), step for step as scikit-learn 1.2's <c>randomized_svd</c>: the wide
/// orientation is transposed, the Gaussian test matrix is drawn from NumPy's RandomState in the same order,
/// and the result's signs follow <c>svd_flip</c> on U. X is touched only through products with thin dense
/// matrices (<see cref="Products"/>), so CSR input is never densified.
/// </summary>
internal static class RandomizedSvd
{
    /// <summary>scikit-learn's <c>n_iter='auto'</c>: 7 power iterations when k &lt; 0.1 · min(n, m), else 4.</summary>
    public static int AutoPowerIterations(int k, int n, int m) => k < 0.1 * Math.Min(n, m) ? 7 : 4;

    /// <summary>The leading <paramref name="k"/> singular triplets of <paramref name="a"/>, approximately.</summary>
    /// <param name="a">The matrix, n x m, dense or CSR.</param>
    /// <param name="k">Number of triplets, 1 ≤ k ≤ min(n, m).</param>
    /// <param name="powerIterations">Power (subspace) iterations q.</param>
    /// <param name="oversamples">Extra sample vectors p; k + p vectors are drawn.</param>
    /// <param name="rng">Source of the Gaussian test matrix.</param>
    /// <param name="threads">Threads for the products.</param>
    public static SvdFactors<T> Compute<T>(IMatrix<T> a, int k, int powerIterations, int oversamples, NumpyRandomState rng, int threads)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(rng);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(k);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(k, Math.Min(a.Rows, a.Cols));
        ArgumentOutOfRangeException.ThrowIfNegative(powerIterations);
        ArgumentOutOfRangeException.ThrowIfNegative(oversamples);

        bool transpose = a.Rows < a.Cols;
        IMatrix<T> m = transpose ? TransposeOf(a) : a;
        int rows = m.Rows, cols = m.Cols;
        int samples = k + oversamples;

        // Q = random_state.normal(size=(cols, samples)), row-major draws; kept as its transpose (samples x cols).
        var omega = new DenseMatrix<T>(cols, samples);
        for (int i = 0; i < omega.Data.Length; i++)
        {
            omega.Data[i] = T.CreateTruncating(rng.Normal(0.0, 1.0));
        }

        var qt = omega.Transpose();

        // 'auto' normaliser: none for at most 2 iterations, LU otherwise.
        bool useLu = powerIterations > 2;
        for (int it = 0; it < powerIterations; it++)
        {
            var y = new DenseMatrix<T>(rows, qt.Rows);
            Products.XHt(m, qt, y, threads);
            if (useLu)
            {
                y = PermutedLowerOfLu(y);
            }

            var zt = new DenseMatrix<T>(y.Cols, cols);
            Products.WtX(y, m, zt, threads);
            qt = useLu ? PermutedLowerOfLu(zt.Transpose()).Transpose() : zt;
        }

        var sample = new DenseMatrix<T>(rows, qt.Rows);
        Products.XHt(m, qt, sample, threads);
        var q = OrthonormalBasis(sample);

        // B = Qᵀ M is small (l x cols); its exact SVD gives M ≈ (Q Û) Σ Vᵀ.
        var b = new DenseMatrix<T>(q.Cols, cols);
        Products.WtX(q, m, b, threads);
        var small = ExactSvd.Compute(b, Math.Min(b.Rows, b.Cols));
        var u = new DenseMatrix<T>(rows, small.U.Cols);
        Products.Multiply(q, small.U, u, threads);

        // Back to the caller's orientation, keep k, then svd_flip on the caller's U.
        DenseMatrix<T> uOut, vtOut;
        if (transpose)
        {
            uOut = TakeRows(small.Vt, k).Transpose();
            vtOut = TakeRows(u.Transpose(), k);
        }
        else
        {
            uOut = TakeColumns(u, k);
            vtOut = TakeRows(small.Vt, k);
        }

        var result = new SvdFactors<T>(uOut, small.S[..k], vtOut);
        result.FlipSigns();
        return result;
    }

    /// <summary>
    /// P·L of the LU factorisation with partial pivoting A = P L U (LAPACK's getrf pivot choice: the first entry
    /// of largest magnitude), as <c>scipy.linalg.lu(A, permute_l=True)[0]</c>: r x min(r, c).
    /// </summary>
    internal static DenseMatrix<T> PermutedLowerOfLu<T>(DenseMatrix<T> a)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int r = a.Rows, c = a.Cols, kk = Math.Min(r, c);
        var work = a.Clone();
        var perm = new int[r];
        for (int i = 0; i < r; i++)
        {
            perm[i] = i;
        }

        for (int j = 0; j < kk; j++)
        {
            int piv = j;
            T best = T.Abs(work[j, j]);
            for (int i = j + 1; i < r; i++)
            {
                T v = T.Abs(work[i, j]);
                if (v > best)
                {
                    best = v;
                    piv = i;
                }
            }

            if (piv != j)
            {
                var rj = work.Row(j);
                var rp = work.Row(piv);
                for (int t = 0; t < c; t++)
                {
                    (rj[t], rp[t]) = (rp[t], rj[t]);
                }

                (perm[j], perm[piv]) = (perm[piv], perm[j]);
            }

            T pivot = work[j, j];
            if (pivot == T.Zero)
            {
                continue;
            }

            var pivotTail = work.Row(j)[(j + 1)..];
            for (int i = j + 1; i < r; i++)
            {
                var row = work.Row(i);
                T l = row[j] / pivot;
                row[j] = l;
                if (l != T.Zero)
                {
                    System.Numerics.Tensors.TensorPrimitives.MultiplyAdd<T>(pivotTail, -l, row[(j + 1)..], row[(j + 1)..]);
                }
            }
        }

        var pl = new DenseMatrix<T>(r, kk);
        for (int i = 0; i < r; i++)
        {
            var src = work.Row(i);
            var dst = pl.Row(perm[i]);
            int below = Math.Min(i, kk);
            src[..below].CopyTo(dst);
            if (i < kk)
            {
                dst[i] = T.One;
            }
        }

        return pl;
    }

    /// <summary>The Q of the thin Householder QR of <paramref name="y"/> (r x c): r x min(r, c), orthonormal columns
    /// (<c>scipy.linalg.qr(Y, mode='economic')[0]</c>).</summary>
    internal static DenseMatrix<T> OrthonormalBasis<T>(DenseMatrix<T> y)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int r = y.Rows, c = y.Cols, kk = Math.Min(r, c);
        var columns = y.Transpose();
        if (c > r)
        {
            columns = columns.SliceRows(0, kk);
        }

        var reflectors = ExactSvd.HouseholderRows(columns);
        var qt = new DenseMatrix<T>(kk, r);
        for (int i = 0; i < kk; i++)
        {
            var row = qt.Row(i);
            row[i] = T.One;
            for (int j = kk - 1; j >= 0; j--)
            {
                reflectors[j].Apply(row);
            }
        }

        return qt.Transpose();
    }

    private static IMatrix<T> TransposeOf<T>(IMatrix<T> a)
        where T : unmanaged, IFloatingPointIeee754<T> => a switch
        {
            DenseMatrix<T> d => d.Transpose(),
            CsrMatrix<T> s => s.Transpose(),
            _ => throw new NotSupportedException($"matrix type {a.GetType().Name} is not supported."),
        };

    private static DenseMatrix<T> TakeRows<T>(DenseMatrix<T> a, int count)
        where T : unmanaged, IFloatingPointIeee754<T> => count == a.Rows ? a : a.SliceRows(0, count);

    private static DenseMatrix<T> TakeColumns<T>(DenseMatrix<T> a, int count)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (count == a.Cols)
        {
            return a;
        }

        var r = new DenseMatrix<T>(a.Rows, count);
        for (int i = 0; i < a.Rows; i++)
        {
            a.Row(i)[..count].CopyTo(r.Row(i));
        }

        return r;
    }
}
