using System.Numerics;
using System.Numerics.Tensors;
using Nmf.Matrices;

namespace Nmf.Decomposition;

/// <summary>
/// The exact (thin) SVD of a dense matrix: Householder QR of the tall orientation, then one-sided
/// Jacobi rotations (Hestenes 1958) on the small triangular factor, as in Drmač &amp; Veselić (2008),
/// "New fast and accurate Jacobi SVD algorithm I", §2: the QR step makes the rotations cost O(p³) instead
/// of O(q p²) per sweep, and one-sided Jacobi gives singular values and vectors to high relative accuracy.
/// </summary>
internal static class ExactSvd
{
    private const int MaxSweeps = 80;

    /// <summary>The leading <paramref name="k"/> singular triplets of <paramref name="a"/> (all when k = min(n, m)),
    /// signs fixed by <c>svd_flip</c>. A left vector of a zero singular value is left zero (any unit vector would do).
    /// U is computed only when <paramref name="computeU"/> is set (else a 0 x k matrix);
    /// with <paramref name="allSingularValues"/> S holds all min(n, m) singular values, not only the first k.
    /// <paramref name="threads"/> (0: every core) only splits independent row updates, so results do not depend on it.</summary>
    public static SvdFactors<T> Compute<T>(DenseMatrix<T> a, int k, bool computeU = true, bool allSingularValues = false, int threads = 0)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = a.Rows, m = a.Cols;
        int p = Math.Min(n, m);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(k);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(k, p);

        // Work on M, the tall one of A and Aᵀ, given by its columns as rows (p rows of length q).
        bool tall = n >= m;
        DenseMatrix<T> columnsOfM = tall ? a.Transpose() : a.Clone();
        var tallSvd = TallFromColumns(columnsOfM, k, needLeft: tall ? computeU : true, needRight: tall || computeU, threads);

        DenseMatrix<T> u, vt;
        if (tall)
        {
            // A = M: U = left vectors of M (stored as rows), Vt = right vectors of M.
            u = computeU ? tallSvd.LeftRows!.Transpose() : new DenseMatrix<T>(0, k);
            vt = tallSvd.RightRows!;
        }
        else
        {
            // A = Mᵀ = V' Σ U'ᵀ: Vt = left vectors of M as rows, U = right vectors of M as columns.
            vt = tallSvd.LeftRows!;
            u = computeU ? tallSvd.RightRows!.Transpose() : new DenseMatrix<T>(0, k);
        }

        var result = new SvdFactors<T>(u, allSingularValues ? tallSvd.Sigma : tallSvd.Sigma[..k], vt);
        if (computeU)
        {
            result.FlipSigns();
        }

        return result;
    }

    /// <summary>
    /// SVD of a q x p matrix M (q ≥ p) given by its p columns as the rows of <paramref name="columns"/> (overwritten).
    /// Returns all p singular values (decreasing), the leading k left vectors as rows (k x q) and the right vectors as rows (k x p).
    /// </summary>
    internal static (T[] Sigma, DenseMatrix<T>? LeftRows, DenseMatrix<T>? RightRows) TallFromColumns<T>(
        DenseMatrix<T> columns, int k, bool needLeft, bool needRight, int threads = 0)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int p = columns.Rows, q = columns.Cols;
        var reflectors = HouseholderRows(columns, threads);

        // Rᵀ: row j holds column j of R, i.e. the first j + 1 entries of row j after the reflections.
        var rt = new DenseMatrix<T>(p, p);
        for (int j = 0; j < p; j++)
        {
            columns.Row(j)[..(j + 1)].CopyTo(rt.Row(j));
        }

        var v = Identity<T>(p);
        JacobiRows(rt, v);

        // Order by decreasing singular value (stable, so ties keep their column order).
        var sigma = new T[p];
        for (int i = 0; i < p; i++)
        {
            sigma[i] = T.Sqrt(TensorPrimitives.Dot<T>(rt.Row(i), rt.Row(i)));
        }

        var order = Enumerable.Range(0, p).OrderByDescending(i => sigma[i]).ToArray();
        var s = new T[p];
        for (int i = 0; i < p; i++)
        {
            s[i] = sigma[order[i]];
        }

        DenseMatrix<T>? right = null;
        if (needRight)
        {
            right = new DenseMatrix<T>(k, p);
            for (int i = 0; i < k; i++)
            {
                v.Row(order[i]).CopyTo(right.Row(i));
            }
        }

        DenseMatrix<T>? left = null;
        if (needLeft)
        {
            // u_i = Q [u_R,i; 0] with u_R,i = (row i of rotated Rᵀ) / σ_i; Q = H_0 ··· H_{p-1}.
            var leftRows = new DenseMatrix<T>(k, q);
            ForRows(0, k, (long)p * q, threads, i =>
            {
                var row = leftRows.Row(i);
                T si = s[i];
                if (si > T.Zero)
                {
                    TensorPrimitives.Divide(rt.Row(order[i]), si, row[..p]);
                }

                for (int j = p - 1; j >= 0; j--)
                {
                    reflectors[j].Apply(row);
                }
            });
            left = leftRows;
        }

        return (s, left, right);
    }

    /// <summary>An identity matrix.</summary>
    internal static DenseMatrix<T> Identity<T>(int size)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var e = new DenseMatrix<T>(size, size);
        for (int i = 0; i < size; i++)
        {
            e[i, i] = T.One;
        }

        return e;
    }

    /// <summary>
    /// Householder QR of the q x p matrix whose columns are the rows of <paramref name="columns"/> (Golub &amp;
    /// Van Loan, Matrix Computations, Alg. 5.2.1). In place: afterwards row j holds R's column j in its first
    /// j + 1 entries and zeros after. Returns the reflectors H_j (acting on entries j..q−1).
    /// </summary>
    internal static Reflector<T>[] HouseholderRows<T>(DenseMatrix<T> columns, int threads = 0)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int p = columns.Rows, q = columns.Cols;
        var reflectors = new Reflector<T>[p];
        for (int j = 0; j < p; j++)
        {
            var x = columns.Row(j)[j..];
            var h = Reflector<T>.Zeroing(x);
            reflectors[j] = h;
            h.SetImage(x);
            ForRows(j + 1, p, (long)(q - j), threads, r => h.Apply(columns.Row(r)));
        }

        return reflectors;
    }

    /// <summary>Runs <paramref name="body"/> for rows [from, to), in parallel when the work is large enough.
    /// Each row is computed by one thread alone, so the results do not depend on the thread count.</summary>
    internal static void ForRows(int from, int to, long workPerRow, int threads, Action<int> body)
    {
        const long ParallelWork = 1L << 18;
        if (threads == 1 || (to - from) * workPerRow < ParallelWork || to - from < 2)
        {
            for (int r = from; r < to; r++)
            {
                body(r);
            }

            return;
        }

        var options = new ParallelOptions { MaxDegreeOfParallelism = threads <= 0 ? Environment.ProcessorCount : threads };
        Parallel.For(from, to, options, body);
    }

    /// <summary>
    /// One-sided Jacobi: rotates pairs of rows of <paramref name="a"/> until all rows are mutually orthogonal
    /// (Hestenes 1958; rotation angle by Rutishauser's formulas, Demmel &amp; Veselić 1992, §4), applying the same
    /// rotations to the rows of <paramref name="v"/>. Cyclic row-by-row order, so the result is deterministic.
    /// </summary>
    internal static void JacobiRows<T>(DenseMatrix<T> a, DenseMatrix<T> v)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int p = a.Rows;
        T eps = T.CreateChecked(Math.Sqrt(Math.Max(p, 1))) * MachineEpsilon<T>();
        var norms = new T[p];
        var scratch = new T[Math.Max(a.Cols, v.Cols)];
        for (int sweep = 0; sweep < MaxSweeps; sweep++)
        {
            // Squared norms recomputed once a sweep, updated by the exact formulas in between.
            for (int i = 0; i < p; i++)
            {
                norms[i] = TensorPrimitives.Dot<T>(a.Row(i), a.Row(i));
            }

            bool rotated = false;
            for (int i = 0; i < p - 1; i++)
            {
                for (int j = i + 1; j < p; j++)
                {
                    // A row of a rank-deficient matrix can be rotated down to rounding noise, where the updated norm
                    // below may come out zero: such a row has nothing left to rotate against.
                    T alpha = norms[i], beta = norms[j];
                    if (alpha <= T.Zero || beta <= T.Zero)
                    {
                        continue;
                    }

                    var ai = a.Row(i);
                    var aj = a.Row(j);
                    T gamma = TensorPrimitives.Dot<T>(ai, aj);
                    if (T.Abs(gamma) <= eps * T.Sqrt(alpha) * T.Sqrt(beta))
                    {
                        continue;
                    }

                    rotated = true;
                    T zeta = (beta - alpha) / (gamma + gamma);
                    T t = T.CopySign(T.One, zeta) / (T.Abs(zeta) + T.Sqrt(T.One + (zeta * zeta)));
                    T c = T.One / T.Sqrt(T.One + (t * t));
                    T s = c * t;
                    Rotate(ai, aj, c, s, scratch);
                    Rotate(v.Row(i), v.Row(j), c, s, scratch);
                    norms[i] = T.Max(alpha - (t * gamma), T.Zero);
                    norms[j] = T.Max(beta + (t * gamma), T.Zero);
                }
            }

            if (!rotated)
            {
                return;
            }
        }
    }

    /// <summary>The machine epsilon of T (2⁻⁵² for double, 2⁻²³ for float).</summary>
    internal static T MachineEpsilon<T>()
        where T : unmanaged, IFloatingPointIeee754<T> => T.BitIncrement(T.One) - T.One;

    /// <summary>(x, y) ← (c x − s y, s x + c y), vectorised through a scratch copy of x.</summary>
    private static void Rotate<T>(Span<T> x, Span<T> y, T c, T s, T[] scratch)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var x0 = scratch.AsSpan(0, x.Length);
        x.CopyTo(x0);
        TensorPrimitives.Multiply<T>(x, c, x);
        TensorPrimitives.MultiplyAdd<T>(y, -s, x, x);
        TensorPrimitives.Multiply<T>(y, c, y);
        TensorPrimitives.MultiplyAdd<T>(x0, s, y, y);
    }
}

/// <summary>A Householder reflector H = I − β v vᵀ acting on the trailing |v| entries of a vector.</summary>
internal readonly struct Reflector<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly T[] _v;
    private readonly T _beta;
    private readonly T _image;

    private Reflector(T[] v, T beta, T image)
    {
        _v = v;
        _beta = beta;
        _image = image;
    }

    /// <summary>The reflector mapping <paramref name="x"/> (non-empty) to (∓‖x‖, 0, …, 0); the sign avoids cancellation.</summary>
    public static Reflector<T> Zeroing(ReadOnlySpan<T> x)
    {
        var v = x.ToArray();
        var tail = x[1..];

        // As LAPACK's dlarfg: nothing to annihilate below the first entry means H = I (its sign is kept).
        if (TensorPrimitives.Dot(tail, tail) == T.Zero)
        {
            return new Reflector<T>(v, T.Zero, T.Zero);
        }

        T norm = T.Sqrt(TensorPrimitives.Dot(x, x));

        T alpha = x[0] >= T.Zero ? -norm : norm;
        v[0] -= alpha;
        T vv = TensorPrimitives.Dot<T>(v, v);
        return new Reflector<T>(v, T.CreateChecked(2) / vv, alpha);
    }

    /// <summary>Writes H x into the span the reflector was built from: (α, 0, …, 0).</summary>
    public void SetImage(Span<T> x)
    {
        if (_beta == T.Zero)
        {
            return;
        }

        x.Clear();
        x[0] = _image;
    }

    /// <summary>y ← H y on the entries of <paramref name="row"/> that the reflector acts on (the last |v| entries).</summary>
    public void Apply(Span<T> row)
    {
        if (_beta == T.Zero)
        {
            return;
        }

        var y = row[(row.Length - _v.Length)..];
        T d = _beta * TensorPrimitives.Dot<T>(_v, y);
        TensorPrimitives.MultiplyAdd<T>(_v, -d, y, y);
    }
}
