using System.Numerics;
using System.Numerics.Tensors;
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

    /// <summary>
    /// scikit-learn's test matrix Q = random_state.normal(size=(cols, samples)), drawn in row-major order, returned as
    /// its transpose (samples x cols) so that each sample vector is a contiguous row.
    /// </summary>
    internal static DenseMatrix<T> GaussianTestMatrixTransposed<T>(NumpyRandomState rng, int cols, int samples)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var omega = new DenseMatrix<T>(cols, samples);
        for (int i = 0; i < omega.Data.Length; i++)
        {
            omega.Data[i] = T.CreateTruncating(rng.Normal(0.0, 1.0));
        }

        return omega.Transpose();
    }

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

        var qt = GaussianTestMatrixTransposed<T>(rng, cols, samples);

        // 'auto' normaliser: none for at most 2 iterations, LU otherwise.
        bool useLu = powerIterations > 2;
        for (int it = 0; it < powerIterations; it++)
        {
            var y = new DenseMatrix<T>(rows, qt.Rows);
            Products.XHt(m, qt, y, threads);
            if (useLu)
            {
                y = PermutedLowerOfLuColumns(y.Transpose()).Transpose();
            }

            // (Mᵀ Y)ᵀ has the columns of Mᵀ Y as rows: the column form the LU wants.
            var zt = new DenseMatrix<T>(y.Cols, cols);
            Products.WtX(y, m, zt, threads);
            qt = useLu ? PermutedLowerOfLuColumns(zt) : zt;
        }

        var sample = new DenseMatrix<T>(rows, qt.Rows);
        Products.XHt(m, qt, sample, threads);
        var q = OrthonormalBasis(sample, threads);

        // B = Qᵀ M is small (l x cols); its exact SVD gives M ≈ (Q Û) Σ Vᵀ.
        var b = new DenseMatrix<T>(q.Cols, cols);
        Products.WtX(q, m, b, threads);
        var small = ExactSvd.Compute(b, Math.Min(b.Rows, b.Cols), threads: threads);
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
        where T : unmanaged, IFloatingPointIeee754<T> => PermutedLowerOfLuColumns(a.Transpose()).Transpose();

    /// <summary>
    /// <see cref="PermutedLowerOfLu"/> on a matrix given by its columns (the rows of <paramref name="columns"/>,
    /// overwritten), returning the columns of P·L (min(r, c) x r). Column storage makes the pivot search and the
    /// rank-one updates run along contiguous memory.
    /// </summary>
    internal static DenseMatrix<T> PermutedLowerOfLuColumns<T>(DenseMatrix<T> columns)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int c = columns.Rows, r = columns.Cols, kk = Math.Min(r, c);
        var perm = new int[r];
        for (int i = 0; i < r; i++)
        {
            perm[i] = i;
        }

        for (int j = 0; j < kk; j++)
        {
            var colJ = columns.Row(j);
            int piv = j;
            T best = T.Abs(colJ[j]);
            for (int i = j + 1; i < r; i++)
            {
                T v = T.Abs(colJ[i]);
                if (v > best)
                {
                    best = v;
                    piv = i;
                }
            }

            if (piv != j)
            {
                for (int t = 0; t < c; t++)
                {
                    var col = columns.Row(t);
                    (col[j], col[piv]) = (col[piv], col[j]);
                }

                (perm[j], perm[piv]) = (perm[piv], perm[j]);
            }

            T pivot = colJ[j];
            if (pivot == T.Zero)
            {
                continue;
            }

            var multipliers = colJ[(j + 1)..];
            TensorPrimitives.Divide<T>(multipliers, pivot, multipliers);
            for (int t = j + 1; t < c; t++)
            {
                var col = columns.Row(t);
                T f = col[j];
                if (f != T.Zero)
                {
                    TensorPrimitives.MultiplyAdd<T>(multipliers, -f, col[(j + 1)..], col[(j + 1)..]);
                }
            }
        }

        // Row i of L (unit diagonal, multipliers left of it) is row perm[i] of P·L.
        var plColumns = new DenseMatrix<T>(kk, r);
        for (int j = 0; j < kk; j++)
        {
            var src = columns.Row(j);
            var dst = plColumns.Row(j);
            dst[perm[j]] = T.One;
            for (int i = j + 1; i < r; i++)
            {
                dst[perm[i]] = src[i];
            }
        }

        return plColumns;
    }

    /// <summary>The Q of the thin Householder QR of <paramref name="y"/> (r x c): r x min(r, c), orthonormal columns
    /// (<c>scipy.linalg.qr(Y, mode='economic')[0]</c>).</summary>
    internal static DenseMatrix<T> OrthonormalBasis<T>(DenseMatrix<T> y, int threads = 0)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int r = y.Rows, c = y.Cols, kk = Math.Min(r, c);
        var columns = y.Transpose();
        if (c > r)
        {
            columns = columns.SliceRows(0, kk);
        }

        var reflectors = ExactSvd.HouseholderRows(columns, threads);
        var qt = new DenseMatrix<T>(kk, r);
        ExactSvd.ForRows(0, kk, (long)kk * r, threads, i =>
        {
            var row = qt.Row(i);
            row[i] = T.One;

            // e_i is zero from entry i + 1 on, where H_j (j > i) acts: only H_i ... H_0 change it.
            for (int j = i; j >= 0; j--)
            {
                reflectors[j].Apply(row);
            }
        });

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
