using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Nmf.Kernels;
using Nmf.Losses;
using Nmf.Matrices;

namespace Nmf.Solvers;

/// <summary>
/// One iteration of Brunet et al.'s (2004) KL multiplicative updates, in R NMF's order, with one pass over X. In our
/// orientation (X samples x features, W = H_Rᵀ, H = W_Rᵀ) R updates W first, W[s, c] ← W[s, c] Σⱼ H[c, j] X[s, j] /
/// (WH)[s, j] / Σⱼ H[c, j], then H with the new W, H[c, j] ← H[c, j] Σₛ W[s, c] X[s, j] / (WH)[s, j] / Σₛ W[s, c].
/// Row s of the new W needs only row s of X and the old H, and its terms of the H numerator need only that new row
/// and the old H; so X is read block of rows by block of rows: the W update of the block's rows (four at a time,
/// sharing each vector of H), then the block's terms of the H numerator, while the block of X is still in the L2
/// cache. The H numerator is summed over samples in ascending order, as in the plain rule, whatever the blocks;
/// the sums over features are split over vector lanes, so results equal the plain rule's up to rounding.
/// </summary>
/// <remarks>
/// The quotients X / WH are formed a vector at a time and consumed at once, never stored; the H numerator
/// (k x m) is the only array written besides W and H. The cost is two divisions and 4k multiply-adds per entry of
/// X, as in the plain rule (the divisions bound it in double precision); reading X once instead of twice and H
/// once per four samples is what is saved, with the components held in registers for k ≤ <see cref="MaxRank"/>.
/// Every step of an iteration runs in code optimised at first call: a consensus is many short fits, and tier-0
/// code would run a good part of the first ones.
/// </remarks>
/// <typeparam name="T">float or double.</typeparam>
internal sealed unsafe class BrunetPasses<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Largest rank of the fused passes.</summary>
    public const int MaxRank = 4;

    /// <summary>Bytes of X per block of rows: the block stays in a 1 MB L2 cache with H and the H numerator.</summary>
    private const int BlockBytes = 512 * 1024;

    private readonly DenseMatrix<T> x;
    private readonly int rank;
    private readonly SimdPath path;
    private readonly int rowsPerBlock;
    private readonly T[] numerator;
    private readonly T[] hRowSums;
    private readonly T[] wColSums;
    private readonly T[] scratch = new T[MaxRank];

    /// <summary>Workspace for fits of X at <paramref name="rank"/> with the vector width <paramref name="path"/>.</summary>
    /// <param name="x">The data, samples x features, dense and without missing entries.</param>
    /// <param name="rank">k, 1 to <see cref="MaxRank"/>.</param>
    /// <param name="path">The vector width; not <see cref="SimdPath.Scalar"/>.</param>
    /// <param name="rowsPerBlock">Rows of X per block; by default as many as fit in <see cref="BlockBytes"/>. Any value gives
    /// the same result: the H numerator is summed over samples in ascending order whatever the blocks.</param>
    public BrunetPasses(DenseMatrix<T> x, int rank, SimdPath path, int rowsPerBlock = 0)
    {
        if (!Supports(rank, path))
        {
            throw new ArgumentOutOfRangeException(nameof(rank), $"the fused Brunet passes need 1 ≤ rank ≤ {MaxRank} and a vector path, got rank {rank}, {path}.");
        }

        this.x = x;
        this.rank = rank;
        this.path = path;
        // A multiple of 4 rows by default: the W update takes rows four at a time.
        int fit = BlockBytes / Math.Max(1, x.Cols * Unsafe.SizeOf<T>());
        this.rowsPerBlock = rowsPerBlock > 0 ? rowsPerBlock : Math.Clamp(fit >= 8 ? fit & ~3 : fit, 1, Math.Max(1, x.Rows));
        numerator = new T[rank * x.Cols];
        hRowSums = new T[rank];
        wColSums = new T[rank];
    }

    /// <summary>Whether the fused passes handle this rank on this vector path.</summary>
    public static bool Supports(int rank, SimdPath path) => rank is >= 1 and <= MaxRank && path != SimdPath.Scalar && SimdSelect.IsSupported(path);

    /// <summary>One iteration in place: W, then H with the new W (H left alone unless <paramref name="updateH"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Iterate(DenseMatrix<T> w, DenseMatrix<T> h, bool updateH)
    {
        fixed (T* px = x.Data, pw = w.Data, ph = h.Data, pn = numerator, pscratch = scratch)
        {
            var args = new Pointers(px, pw, ph, pn, pscratch);
            switch (path)
            {
                case SimdPath.V512:
                    Dispatch<Vector512<T>, Simd512<T>>(args, updateH);
                    break;
                case SimdPath.V256:
                    Dispatch<Vector256<T>, Simd256<T>>(args, updateH);
                    break;
                default:
                    Dispatch<Vector128<T>, Simd128<T>>(args, updateH);
                    break;
            }
        }
    }

    /// <summary>
    /// The divergence D(X ‖ WH) = Σ x log(x / wh) − x + wh as <see cref="Losses.BetaDivergence"/> forms it for β = 1
    /// (scikit-learn's rule: only entries with x above 2⁻²³ add x log(x / wh) − x, a zero wh counts as 2⁻²³; Σ wh is
    /// (column sums of W)·(row sums of H)), a row of WH at a time with vector logarithms.
    /// </summary>
    /// <remarks>All in code optimised at first call: a consensus of ten short fits would otherwise compute its first
    /// losses with unoptimised library code.</remarks>
    public static double KullbackLeibler(DenseMatrix<T> x, DenseMatrix<T> w, DenseMatrix<T> h)
    {
        var path = SimdSelect.Path;
        return path switch
        {
            SimdPath.V512 => KullbackLeibler<Vector512<T>, Simd512<T>>(x, w, h),
            SimdPath.V256 => KullbackLeibler<Vector256<T>, Simd256<T>>(x, w, h),
            SimdPath.V128 => KullbackLeibler<Vector128<T>, Simd128<T>>(x, w, h),
            _ => KullbackLeiblerScalar(x, w, h),
        };
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double KullbackLeibler<TV, TS>(DenseMatrix<T> x, DenseMatrix<T> w, DenseMatrix<T> h)
        where TV : struct
        where TS : ISimd<T, TV>
    {
        int m = x.Cols, k = w.Cols;
        nint lanes = TS.Count;
        T floor = NumericGuards<T>.Epsilon;
        var terms = new T[m];
        double xLogDiv = 0, xSum = 0;
        fixed (T* px = x.Data, pw = w.Data, ph = h.Data, pt = terms)
        {
            TV floorV = TS.Broadcast(floor);
            for (int i = 0; i < x.Rows; i++)
            {
                T* xi = px + ((nint)i * m), wi = pw + ((nint)i * k);
                nint j = 0;
                for (; j + lanes <= m; j += lanes)
                {
                    TV wh = TS.Multiply(TS.Broadcast(wi[0]), TS.Load(ph + j));
                    for (int c = 1; c < k; c++)
                    {
                        wh = TS.MulAdd(TS.Broadcast(wi[c]), TS.Load(ph + (c * m) + j), wh);
                    }

                    TV xv = TS.Load(xi + j);
                    TS.Store(TS.Multiply(xv, Log<TV>(TS.Divide(xv, TS.SelectWhereZero(wh, floorV, wh)))), pt + j);
                }

                for (; j < m; j++)
                {
                    T wh = T.Zero;
                    for (int c = 0; c < k; c++)
                    {
                        wh += wi[c] * ph[(c * m) + j];
                    }

                    pt[j] = xi[j] * T.Log(xi[j] / (wh == T.Zero ? floor : wh));
                }

                // Entries at or below 2⁻²³ (zeros included, whose term is NaN) add nothing.
                for (j = 0; j < m; j++)
                {
                    if (xi[j] > floor)
                    {
                        xLogDiv += double.CreateTruncating(pt[j]);
                        xSum += double.CreateTruncating(xi[j]);
                    }
                }
            }
        }

        return xLogDiv + Losses.BetaDivergence.SumOfProduct(w, h) - xSum;
    }

    /// <summary><see cref="KullbackLeibler(DenseMatrix{T}, DenseMatrix{T}, DenseMatrix{T})"/> without vectors.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double KullbackLeiblerScalar(DenseMatrix<T> x, DenseMatrix<T> w, DenseMatrix<T> h)
    {
        T floor = NumericGuards<T>.Epsilon;
        var wh = new T[x.Cols];
        double xLogDiv = 0, xSum = 0;
        for (int i = 0; i < x.Rows; i++)
        {
            Brunet.ReconstructRow(w.Row(i), h, wh);
            var xi = x.Row(i);
            for (int j = 0; j < wh.Length; j++)
            {
                if (xi[j] > floor)
                {
                    xLogDiv += double.CreateTruncating(xi[j] * T.Log(xi[j] / (wh[j] == T.Zero ? floor : wh[j])));
                    xSum += double.CreateTruncating(xi[j]);
                }
            }
        }

        return xLogDiv + Losses.BetaDivergence.SumOfProduct(w, h) - xSum;
    }

    /// <summary>Lane-wise natural logarithm (the runtime's vector logarithm for float and double).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV Log<TV>(TV v) where TV : struct
    {
        if (typeof(TV) == typeof(Vector512<double>))
        {
            var r = Vector512.Log(Unsafe.As<TV, Vector512<double>>(ref v));
            return Unsafe.As<Vector512<double>, TV>(ref r);
        }

        if (typeof(TV) == typeof(Vector512<float>))
        {
            var r = Vector512.Log(Unsafe.As<TV, Vector512<float>>(ref v));
            return Unsafe.As<Vector512<float>, TV>(ref r);
        }

        if (typeof(TV) == typeof(Vector256<double>))
        {
            var r = Vector256.Log(Unsafe.As<TV, Vector256<double>>(ref v));
            return Unsafe.As<Vector256<double>, TV>(ref r);
        }

        if (typeof(TV) == typeof(Vector256<float>))
        {
            var r = Vector256.Log(Unsafe.As<TV, Vector256<float>>(ref v));
            return Unsafe.As<Vector256<float>, TV>(ref r);
        }

        if (typeof(TV) == typeof(Vector128<double>))
        {
            var r = Vector128.Log(Unsafe.As<TV, Vector128<double>>(ref v));
            return Unsafe.As<Vector128<double>, TV>(ref r);
        }

        if (typeof(TV) == typeof(Vector128<float>))
        {
            var r = Vector128.Log(Unsafe.As<TV, Vector128<float>>(ref v));
            return Unsafe.As<Vector128<float>, TV>(ref r);
        }

        throw new NotSupportedException(typeof(TV).Name);
    }

    /// <summary>The pinned arrays of one iteration.</summary>
    private readonly struct Pointers(T* x, T* w, T* h, T* numerator, T* scratch)
    {
        /// <summary>A row of W that a padded group of rows writes and nobody reads.</summary>
        public T* Scratch { get; } = scratch;

        public T* X { get; } = x;

        public T* W { get; } = w;

        public T* H { get; } = h;

        public T* Numerator { get; } = numerator;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Dispatch<TV, TS>(Pointers args, bool updateH)
        where TV : struct
        where TS : ISimd<T, TV>
    {
        switch (rank)
        {
            case 1:
                Blocks<TV, TS, One>(args, updateH);
                break;
            case 2:
                Blocks<TV, TS, Two>(args, updateH);
                break;
            case 3:
                Blocks<TV, TS, Three>(args, updateH);
                break;
            default:
                Blocks<TV, TS, Four>(args, updateH);
                break;
        }
    }

    // Optimised at first call, as everything an iteration runs: a fit is a few hundred short iterations.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Blocks<TV, TS, TK>(Pointers args, bool updateH)
        where TV : struct
        where TS : ISimd<T, TV>
        where TK : ISmallCount
    {
        int n = x.Rows, m = x.Cols;
        for (int c = 0; c < TK.Value; c++)
        {
            hRowSums[c] = Sum<TV, TS>(args.H + ((nint)c * m), m);
        }

        for (int first = 0, end; first < n; first = end)
        {
            // A short last block joins the one before: its H numerator would cost a whole pass over H for a few rows.
            end = n - (first + rowsPerBlock) < 4 ? n : first + rowsPerBlock;

            // Rows four at a time (two for k = 4, whose four-row sums would not fit in the vector registers); a last
            // short group is padded with copies of its last row whose results go to a scratch row and are dropped.
            int group = TK.Value <= 3 ? 4 : 2;
            for (int s = first; s < end; s += group)
            {
                int last = Math.Min(end, s + group) - 1;
                T* scratch = args.Scratch;
                for (int c = 0; c < TK.Value; c++)
                {
                    scratch[c] = args.W[((nint)last * TK.Value) + c];
                }

                T* Xr(int r) => args.X + ((nint)Math.Min(s + r, last) * m);
                T* Wr(int r) => s + r <= last ? args.W + ((nint)(s + r) * TK.Value) : scratch;
                if (TK.Value <= 3)
                {
                    UpdateRowsOfW<TV, TS, TK, Four>(args.H, m, hRowSums, Xr(0), Xr(1), Xr(2), Xr(3), Wr(0), Wr(1), Wr(2), Wr(3));
                }
                else
                {
                    UpdateRowsOfW<TV, TS, TK, Two>(args.H, m, hRowSums, Xr(0), Xr(1), Xr(1), Xr(1), Wr(0), Wr(1), Wr(1), Wr(1));
                }
            }

            if (updateH)
            {
                AccumulateNumeratorOfH<TV, TS, TK>(args, m, first, end);
            }
        }

        if (updateH)
        {
            FinishH<TV, TS, TK>(args, n, m);
        }
    }

    /// <summary>Σⱼ values[j], a vector of partial sums then the tail, in a fixed order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T Sum<TV, TS>(T* values, nint length)
        where TV : struct
        where TS : ISimd<T, TV>
    {
        nint lanes = TS.Count, j = 0;
        TV acc = TS.Zero;
        for (; j + lanes <= length; j += lanes)
        {
            acc = TS.Add(acc, TS.Load(values + j));
        }

        T sum = TS.Sum(acc);
        for (; j < length; j++)
        {
            sum += values[j];
        }

        return sum;
    }

    /// <summary>H[c, j] ← H[c, j] · numerator[c, j] / Σₛ W[s, c], with the column sums of the new W.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void FinishH<TV, TS, TK>(Pointers args, int n, nint m)
        where TV : struct
        where TS : ISimd<T, TV>
        where TK : ISmallCount
    {
        for (int c = 0; c < TK.Value; c++)
        {
            T colSum = T.Zero;
            for (int s = 0; s < n; s++)
            {
                colSum += args.W[((nint)s * TK.Value) + c];
            }

            wColSums[c] = colSum;
            T scale = T.One / colSum;
            TV scaleV = TS.Broadcast(scale);
            T* hc = args.H + (c * m), nc = args.Numerator + (c * m);
            nint lanes = TS.Count, j = 0;
            for (; j + lanes <= m; j += lanes)
            {
                TS.Store(TS.Multiply(TS.Multiply(TS.Load(hc + j), TS.Load(nc + j)), scaleV), hc + j);
            }

            for (; j < m; j++)
            {
                hc[j] = hc[j] * nc[j] * scale;
            }
        }
    }

    /// <summary>WH at one vector of columns: Σ_c w_c H[c, cols], components beyond k absent.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV Reconstruct<TV, TS, TK>(TV w0, TV w1, TV w2, TV w3, TV v0, TV v1, TV v2, TV v3)
        where TV : struct
        where TS : ISimd<T, TV>
        where TK : ISmallCount
    {
        TV wh = TS.Multiply(w0, v0);
        wh = TK.Value > 1 ? TS.MulAdd(w1, v1, wh) : wh;
        wh = TK.Value > 2 ? TS.MulAdd(w2, v2, wh) : wh;
        return TK.Value > 3 ? TS.MulAdd(w3, v3, wh) : wh;
    }

    /// <summary>Vector of row c of a k-row matrix at column offset j, or zero for an absent component.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV LoadRow<TV, TS, TK>(T* matrix, nint m, int c, nint j)
        where TV : struct
        where TS : ISimd<T, TV>
        where TK : ISmallCount
        => c < TK.Value ? TS.Load(matrix + (c * m) + j) : TS.Zero;

    /// <summary>Broadcast of w[c], or zero for an absent component.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV Weight<TV, TS, TK>(T* w, int c)
        where TV : struct
        where TS : ISimd<T, TV>
        where TK : ISmallCount
        => c < TK.Value ? TS.Broadcast(w[c]) : TS.Zero;

    /// <summary>
    /// Brunet's W update of TR.Value samples (R NMF's H update of as many columns): for each row r,
    /// W[r, c] ← W[r, c] · (Σⱼ H[c, j] X[r, j] / (W[r, :] H)[j]) / hRowSums[c]. The rows share each vector of H they
    /// read, which stays in registers: reading H (k vectors per vector of X) from the L2 cache, not the divisions,
    /// bounds a one-row loop on a 1 MB L2. Each row's k sums have their own accumulators.
    /// </summary>
    /// <param name="h">H, k x m.</param>
    /// <param name="m">Columns of X.</param>
    /// <param name="hRowSums">Σⱼ H[c, j] for each c.</param>
    /// <param name="x0">Row of X of the first sample; <paramref name="x1"/> to <paramref name="x3"/> those of the next (beyond TR.Value unused).</param>
    /// <param name="x1">Row of X of the second sample.</param>
    /// <param name="x2">Row of X of the third sample.</param>
    /// <param name="x3">Row of X of the fourth sample.</param>
    /// <param name="w0">Row of W (k entries) of the first sample, updated in place; <paramref name="w1"/> to <paramref name="w3"/> likewise.</param>
    /// <param name="w1">Row of W of the second sample.</param>
    /// <param name="w2">Row of W of the third sample.</param>
    /// <param name="w3">Row of W of the fourth sample.</param>
    // Optimised at first call: a fit spends its time in this loop, which tier-0 code would run for many iterations.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void UpdateRowsOfW<TV, TS, TK, TR>(T* h, nint m, T[] hRowSums, T* x0, T* x1, T* x2, T* x3, T* w0, T* w1, T* w2, T* w3)
        where TV : struct
        where TS : ISimd<T, TV>
        where TK : ISmallCount
        where TR : ISmallCount
    {
        nint lanes = TS.Count;
        bool row1 = TR.Value > 1, row2 = TR.Value > 2, row3 = TR.Value > 3;
        TV w00 = Weight<TV, TS, TK>(w0, 0), w01 = Weight<TV, TS, TK>(w0, 1), w02 = Weight<TV, TS, TK>(w0, 2), w03 = Weight<TV, TS, TK>(w0, 3);
        TV w10 = row1 ? Weight<TV, TS, TK>(w1, 0) : TS.Zero, w11 = row1 ? Weight<TV, TS, TK>(w1, 1) : TS.Zero;
        TV w12 = row1 ? Weight<TV, TS, TK>(w1, 2) : TS.Zero, w13 = row1 ? Weight<TV, TS, TK>(w1, 3) : TS.Zero;
        TV w20 = row2 ? Weight<TV, TS, TK>(w2, 0) : TS.Zero, w21 = row2 ? Weight<TV, TS, TK>(w2, 1) : TS.Zero;
        TV w22 = row2 ? Weight<TV, TS, TK>(w2, 2) : TS.Zero, w23 = row2 ? Weight<TV, TS, TK>(w2, 3) : TS.Zero;
        TV w30 = row3 ? Weight<TV, TS, TK>(w3, 0) : TS.Zero, w31 = row3 ? Weight<TV, TS, TK>(w3, 1) : TS.Zero;
        TV w32 = row3 ? Weight<TV, TS, TK>(w3, 2) : TS.Zero, w33 = row3 ? Weight<TV, TS, TK>(w3, 3) : TS.Zero;
        TV a00 = TS.Zero, a01 = a00, a02 = a00, a03 = a00, a10 = a00, a11 = a00, a12 = a00, a13 = a00;
        TV a20 = a00, a21 = a00, a22 = a00, a23 = a00, a30 = a00, a31 = a00, a32 = a00, a33 = a00;
        nint j = 0;
        for (; j + lanes <= m; j += lanes)
        {
            TV v0 = LoadRow<TV, TS, TK>(h, m, 0, j), v1 = LoadRow<TV, TS, TK>(h, m, 1, j), v2 = LoadRow<TV, TS, TK>(h, m, 2, j), v3 = LoadRow<TV, TS, TK>(h, m, 3, j);
            TV q = TS.Divide(TS.Load(x0 + j), Reconstruct<TV, TS, TK>(w00, w01, w02, w03, v0, v1, v2, v3));
            a00 = TS.MulAdd(v0, q, a00);
            a01 = TK.Value > 1 ? TS.MulAdd(v1, q, a01) : a01;
            a02 = TK.Value > 2 ? TS.MulAdd(v2, q, a02) : a02;
            a03 = TK.Value > 3 ? TS.MulAdd(v3, q, a03) : a03;
            if (row1)
            {
                q = TS.Divide(TS.Load(x1 + j), Reconstruct<TV, TS, TK>(w10, w11, w12, w13, v0, v1, v2, v3));
                a10 = TS.MulAdd(v0, q, a10);
                a11 = TK.Value > 1 ? TS.MulAdd(v1, q, a11) : a11;
                a12 = TK.Value > 2 ? TS.MulAdd(v2, q, a12) : a12;
                a13 = TK.Value > 3 ? TS.MulAdd(v3, q, a13) : a13;
            }

            if (row2)
            {
                q = TS.Divide(TS.Load(x2 + j), Reconstruct<TV, TS, TK>(w20, w21, w22, w23, v0, v1, v2, v3));
                a20 = TS.MulAdd(v0, q, a20);
                a21 = TK.Value > 1 ? TS.MulAdd(v1, q, a21) : a21;
                a22 = TK.Value > 2 ? TS.MulAdd(v2, q, a22) : a22;
                a23 = TK.Value > 3 ? TS.MulAdd(v3, q, a23) : a23;
            }

            if (row3)
            {
                q = TS.Divide(TS.Load(x3 + j), Reconstruct<TV, TS, TK>(w30, w31, w32, w33, v0, v1, v2, v3));
                a30 = TS.MulAdd(v0, q, a30);
                a31 = TK.Value > 1 ? TS.MulAdd(v1, q, a31) : a31;
                a32 = TK.Value > 2 ? TS.MulAdd(v2, q, a32) : a32;
                a33 = TK.Value > 3 ? TS.MulAdd(v3, q, a33) : a33;
            }
        }

        // Row r's sums at sums[r · MaxRank + c]: the vector sums, then the scalar tail in column order.
        Span<T> sums =
        [
            TS.Sum(a00), TS.Sum(a01), TS.Sum(a02), TS.Sum(a03), TS.Sum(a10), TS.Sum(a11), TS.Sum(a12), TS.Sum(a13),
            TS.Sum(a20), TS.Sum(a21), TS.Sum(a22), TS.Sum(a23), TS.Sum(a30), TS.Sum(a31), TS.Sum(a32), TS.Sum(a33),
        ];
        for (int r = 0; r < TR.Value; r++)
        {
            T* xr = r == 0 ? x0 : r == 1 ? x1 : r == 2 ? x2 : x3;
            T* wr = r == 0 ? w0 : r == 1 ? w1 : r == 2 ? w2 : w3;
            for (nint t = j; t < m; t++)
            {
                T wh = T.Zero;
                for (int c = 0; c < TK.Value; c++)
                {
                    wh += wr[c] * h[(c * m) + t];
                }

                T q = xr[t] / wh;
                for (int c = 0; c < TK.Value; c++)
                {
                    sums[(r * MaxRank) + c] += h[(c * m) + t] * q;
                }
            }

            for (int c = 0; c < TK.Value; c++)
            {
                wr[c] *= sums[(r * MaxRank) + c] / hRowSums[c];
            }
        }
    }

    /// <summary>
    /// Adds rows [first, end) to the numerator of Brunet's H update (R NMF's W update):
    /// numerator[c, j] += Σₛ W[s, c] X[s, j] / (WH)[s, j], with the new W and the old H, summed in ascending s. The
    /// first block starts the sums from zero. Two vectors of columns per step, each with its own accumulators.
    /// </summary>
    // Optimised at first call: a fit spends its time in this loop, which tier-0 code would run for many iterations.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AccumulateNumeratorOfH<TV, TS, TK>(Pointers args, nint m, int first, int end)
        where TV : struct
        where TS : ISimd<T, TV>
        where TK : ISmallCount
    {
        T* h = args.H, num = args.Numerator, w = args.W, x = args.X;
        bool fresh = first == 0;
        nint lanes = TS.Count;
        nint j = 0;
        for (; j + (2 * lanes) <= m; j += 2 * lanes)
        {
            nint o = j + lanes;
            TV u0 = LoadRow<TV, TS, TK>(h, m, 0, j), u1 = LoadRow<TV, TS, TK>(h, m, 1, j), u2 = LoadRow<TV, TS, TK>(h, m, 2, j), u3 = LoadRow<TV, TS, TK>(h, m, 3, j);
            TV v0 = LoadRow<TV, TS, TK>(h, m, 0, o), v1 = LoadRow<TV, TS, TK>(h, m, 1, o), v2 = LoadRow<TV, TS, TK>(h, m, 2, o), v3 = LoadRow<TV, TS, TK>(h, m, 3, o);
            TV a0 = TS.Zero, a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0;
            if (!fresh)
            {
                a0 = LoadRow<TV, TS, TK>(num, m, 0, j);
                a1 = LoadRow<TV, TS, TK>(num, m, 1, j);
                a2 = LoadRow<TV, TS, TK>(num, m, 2, j);
                a3 = LoadRow<TV, TS, TK>(num, m, 3, j);
                b0 = LoadRow<TV, TS, TK>(num, m, 0, o);
                b1 = LoadRow<TV, TS, TK>(num, m, 1, o);
                b2 = LoadRow<TV, TS, TK>(num, m, 2, o);
                b3 = LoadRow<TV, TS, TK>(num, m, 3, o);
            }

            for (int s = first; s < end; s++)
            {
                T* ws = w + ((nint)s * TK.Value);
                T* xs = x + ((nint)s * m);
                TV w0 = Weight<TV, TS, TK>(ws, 0), w1 = Weight<TV, TS, TK>(ws, 1), w2 = Weight<TV, TS, TK>(ws, 2), w3 = Weight<TV, TS, TK>(ws, 3);
                TV qu = TS.Divide(TS.Load(xs + j), Reconstruct<TV, TS, TK>(w0, w1, w2, w3, u0, u1, u2, u3));
                TV qv = TS.Divide(TS.Load(xs + o), Reconstruct<TV, TS, TK>(w0, w1, w2, w3, v0, v1, v2, v3));
                a0 = TS.MulAdd(w0, qu, a0);
                b0 = TS.MulAdd(w0, qv, b0);
                if (TK.Value > 1)
                {
                    a1 = TS.MulAdd(w1, qu, a1);
                    b1 = TS.MulAdd(w1, qv, b1);
                }

                if (TK.Value > 2)
                {
                    a2 = TS.MulAdd(w2, qu, a2);
                    b2 = TS.MulAdd(w2, qv, b2);
                }

                if (TK.Value > 3)
                {
                    a3 = TS.MulAdd(w3, qu, a3);
                    b3 = TS.MulAdd(w3, qv, b3);
                }
            }

            StoreRow<TV, TS, TK>(a0, num, m, 0, j);
            StoreRow<TV, TS, TK>(a1, num, m, 1, j);
            StoreRow<TV, TS, TK>(a2, num, m, 2, j);
            StoreRow<TV, TS, TK>(a3, num, m, 3, j);
            StoreRow<TV, TS, TK>(b0, num, m, 0, o);
            StoreRow<TV, TS, TK>(b1, num, m, 1, o);
            StoreRow<TV, TS, TK>(b2, num, m, 2, o);
            StoreRow<TV, TS, TK>(b3, num, m, 3, o);
        }

        if (j + lanes <= m)
        {
            TV u0 = LoadRow<TV, TS, TK>(h, m, 0, j), u1 = LoadRow<TV, TS, TK>(h, m, 1, j), u2 = LoadRow<TV, TS, TK>(h, m, 2, j), u3 = LoadRow<TV, TS, TK>(h, m, 3, j);
            TV a0 = TS.Zero, a1 = a0, a2 = a0, a3 = a0;
            if (!fresh)
            {
                a0 = LoadRow<TV, TS, TK>(num, m, 0, j);
                a1 = LoadRow<TV, TS, TK>(num, m, 1, j);
                a2 = LoadRow<TV, TS, TK>(num, m, 2, j);
                a3 = LoadRow<TV, TS, TK>(num, m, 3, j);
            }

            for (int s = first; s < end; s++)
            {
                T* ws = w + ((nint)s * TK.Value);
                TV w0 = Weight<TV, TS, TK>(ws, 0), w1 = Weight<TV, TS, TK>(ws, 1), w2 = Weight<TV, TS, TK>(ws, 2), w3 = Weight<TV, TS, TK>(ws, 3);
                TV qu = TS.Divide(TS.Load(x + ((nint)s * m) + j), Reconstruct<TV, TS, TK>(w0, w1, w2, w3, u0, u1, u2, u3));
                a0 = TS.MulAdd(w0, qu, a0);
                a1 = TK.Value > 1 ? TS.MulAdd(w1, qu, a1) : a1;
                a2 = TK.Value > 2 ? TS.MulAdd(w2, qu, a2) : a2;
                a3 = TK.Value > 3 ? TS.MulAdd(w3, qu, a3) : a3;
            }

            StoreRow<TV, TS, TK>(a0, num, m, 0, j);
            StoreRow<TV, TS, TK>(a1, num, m, 1, j);
            StoreRow<TV, TS, TK>(a2, num, m, 2, j);
            StoreRow<TV, TS, TK>(a3, num, m, 3, j);
            j += lanes;
        }

        for (; j < m; j++)
        {
            for (int s = first; s < end; s++)
            {
                T* ws = w + ((nint)s * TK.Value);
                T wh = T.Zero;
                for (int c = 0; c < TK.Value; c++)
                {
                    wh += ws[c] * h[(c * m) + j];
                }

                T q = x[((nint)s * m) + j] / wh;
                for (int c = 0; c < TK.Value; c++)
                {
                    T term = ws[c] * q;
                    num[(c * m) + j] = fresh && s == first ? term : num[(c * m) + j] + term;
                }
            }
        }
    }

    /// <summary>Stores a vector into row c of a k-row matrix at column offset j; nothing for an absent component.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRow<TV, TS, TK>(TV value, T* matrix, nint m, int c, nint j)
        where TV : struct
        where TS : ISimd<T, TV>
        where TK : ISmallCount
    {
        if (c < TK.Value)
        {
            TS.Store(value, matrix + (c * m) + j);
        }
    }
}
