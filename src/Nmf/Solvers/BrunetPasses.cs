using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using Nmf.Kernels;
using Nmf.Matrices;

namespace Nmf.Solvers;

/// <summary>A number of components as a type, so that a kernel is compiled once per rank with every component in registers.</summary>
internal interface IRank
{
    /// <summary>The number of components.</summary>
    static abstract int K { get; }
}

/// <summary>One component.</summary>
internal readonly struct Rank1 : IRank
{
    /// <inheritdoc />
    public static int K => 1;
}

/// <summary>Two components.</summary>
internal readonly struct Rank2 : IRank
{
    /// <inheritdoc />
    public static int K => 2;
}

/// <summary>Three components.</summary>
internal readonly struct Rank3 : IRank
{
    /// <inheritdoc />
    public static int K => 3;
}

/// <summary>Four components.</summary>
internal readonly struct Rank4 : IRank
{
    /// <inheritdoc />
    public static int K => 4;
}

/// <summary>
/// One iteration of Brunet et al.'s (2004) KL multiplicative updates, in R NMF's order, with one pass over X. In our
/// orientation (X samples x features, W = H_Rᵀ, H = W_Rᵀ) R updates W first, W[s, c] ← W[s, c] Σⱼ H[c, j] X[s, j] /
/// (WH)[s, j] / Σⱼ H[c, j], then H with the new W, H[c, j] ← H[c, j] Σₛ W[s, c] X[s, j] / (WH)[s, j] / Σₛ W[s, c].
/// Row s of the new W needs only row s of X and the old H, and its terms of the H numerator need only that new row
/// and the old H; so X is read block of rows by block of rows: the W update of each row of the block, then the
/// block's terms of the H numerator, while the block of X is still in the L2 cache. Only the order in which the
/// H numerator is summed over samples is that of the plain rule (ascending s); the other sums are split over two
/// vector accumulators, so results equal the plain rule's up to rounding.
/// </summary>
/// <remarks>
/// The quotients X / WH are formed a vector at a time and consumed at once, never stored; the H numerator
/// (k x m) is the only array written besides W and H. The cost is two divisions and 4k multiply-adds per entry of
/// X, as in the plain rule; reading X once instead of twice is what is saved, with the components held in
/// registers for k ≤ <see cref="MaxRank"/>.
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
        this.rowsPerBlock = rowsPerBlock > 0 ? rowsPerBlock : Math.Clamp(BlockBytes / Math.Max(1, x.Cols * Unsafe.SizeOf<T>()), 1, Math.Max(1, x.Rows));
        numerator = new T[rank * x.Cols];
        hRowSums = new T[rank];
        wColSums = new T[rank];
    }

    /// <summary>Whether the fused passes handle this rank on this vector path.</summary>
    public static bool Supports(int rank, SimdPath path) => rank is >= 1 and <= MaxRank && path != SimdPath.Scalar && SimdSelect.IsSupported(path);

    /// <summary>One iteration in place: W, then H with the new W (H left alone unless <paramref name="updateH"/>).</summary>
    public void Iterate(DenseMatrix<T> w, DenseMatrix<T> h, bool updateH)
    {
        int m = x.Cols;
        for (int c = 0; c < rank; c++)
        {
            hRowSums[c] = TensorPrimitives.Sum<T>(h.Row(c));
        }

        fixed (T* px = x.Data, pw = w.Data, ph = h.Data, pn = numerator)
        {
            var args = new Pointers(px, pw, ph, pn);
            switch (path)
            {
                case SimdPath.V512:
                    Dispatch<System.Runtime.Intrinsics.Vector512<T>, Simd512<T>>(args, updateH);
                    break;
                case SimdPath.V256:
                    Dispatch<System.Runtime.Intrinsics.Vector256<T>, Simd256<T>>(args, updateH);
                    break;
                default:
                    Dispatch<System.Runtime.Intrinsics.Vector128<T>, Simd128<T>>(args, updateH);
                    break;
            }
        }

        if (!updateH)
        {
            return;
        }

        Brunet.ColumnSums(w, wColSums);
        for (int c = 0; c < rank; c++)
        {
            var hc = h.Row(c);
            TensorPrimitives.Multiply(hc, numerator.AsSpan(c * m, m), hc);
            TensorPrimitives.Multiply(hc, T.One / wColSums[c], hc);
        }
    }

    /// <summary>The pinned arrays of one iteration.</summary>
    private readonly struct Pointers(T* x, T* w, T* h, T* numerator)
    {
        public T* X { get; } = x;

        public T* W { get; } = w;

        public T* H { get; } = h;

        public T* Numerator { get; } = numerator;
    }

    private void Dispatch<TV, TS>(Pointers args, bool updateH)
        where TV : struct
        where TS : ISimd<T, TV>
    {
        switch (rank)
        {
            case 1:
                Blocks<TV, TS, Rank1>(args, updateH);
                break;
            case 2:
                Blocks<TV, TS, Rank2>(args, updateH);
                break;
            case 3:
                Blocks<TV, TS, Rank3>(args, updateH);
                break;
            default:
                Blocks<TV, TS, Rank4>(args, updateH);
                break;
        }
    }

    private void Blocks<TV, TS, TK>(Pointers args, bool updateH)
        where TV : struct
        where TS : ISimd<T, TV>
        where TK : IRank
    {
        int n = x.Rows, m = x.Cols;
        for (int first = 0; first < n; first += rowsPerBlock)
        {
            int end = Math.Min(n, first + rowsPerBlock);
            for (int s = first; s < end; s++)
            {
                UpdateRowOfW<TV, TS, TK>(args.X + ((nint)s * m), args.H, m, args.W + ((nint)s * TK.K), hRowSums);
            }

            if (updateH)
            {
                AccumulateNumeratorOfH<TV, TS, TK>(args, m, first, end);
            }
        }
    }

    /// <summary>WH at one vector of columns: Σ_c w_c H[c, cols], components beyond k absent.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV Reconstruct<TV, TS, TK>(TV w0, TV w1, TV w2, TV w3, TV v0, TV v1, TV v2, TV v3)
        where TV : struct
        where TS : ISimd<T, TV>
        where TK : IRank
    {
        TV wh = TS.Multiply(w0, v0);
        wh = TK.K > 1 ? TS.MulAdd(w1, v1, wh) : wh;
        wh = TK.K > 2 ? TS.MulAdd(w2, v2, wh) : wh;
        return TK.K > 3 ? TS.MulAdd(w3, v3, wh) : wh;
    }

    /// <summary>Vector of row c of a k-row matrix at column offset j, or zero for an absent component.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV LoadRow<TV, TS, TK>(T* matrix, nint m, int c, nint j)
        where TV : struct
        where TS : ISimd<T, TV>
        where TK : IRank
        => c < TK.K ? TS.Load(matrix + (c * m) + j) : TS.Zero;

    /// <summary>Broadcast of w[c], or zero for an absent component.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV Weight<TV, TS, TK>(T* w, int c)
        where TV : struct
        where TS : ISimd<T, TV>
        where TK : IRank
        => c < TK.K ? TS.Broadcast(w[c]) : TS.Zero;

    /// <summary>
    /// Brunet's W update of one sample (R NMF's H update of one column): ws[c] ← ws[c] · (Σⱼ H[c, j] xs[j] / (ws H)[j]) /
    /// hRowSums[c]. Two vectors of columns per step, each with its own accumulators, so that the multiply-add
    /// latency of one accumulator does not bound the loop.
    /// </summary>
    // Optimised at first call: a fit spends its time in this loop, which tier-0 code would run for many iterations.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void UpdateRowOfW<TV, TS, TK>(T* xs, T* h, nint m, T* ws, T[] hRowSums)
        where TV : struct
        where TS : ISimd<T, TV>
        where TK : IRank
    {
        nint lanes = TS.Count;
        TV w0 = Weight<TV, TS, TK>(ws, 0), w1 = Weight<TV, TS, TK>(ws, 1), w2 = Weight<TV, TS, TK>(ws, 2), w3 = Weight<TV, TS, TK>(ws, 3);
        TV a0 = TS.Zero, a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0;
        nint j = 0;
        for (; j + (2 * lanes) <= m; j += 2 * lanes)
        {
            nint o = j + lanes;
            TV u0 = LoadRow<TV, TS, TK>(h, m, 0, j), u1 = LoadRow<TV, TS, TK>(h, m, 1, j), u2 = LoadRow<TV, TS, TK>(h, m, 2, j), u3 = LoadRow<TV, TS, TK>(h, m, 3, j);
            TV v0 = LoadRow<TV, TS, TK>(h, m, 0, o), v1 = LoadRow<TV, TS, TK>(h, m, 1, o), v2 = LoadRow<TV, TS, TK>(h, m, 2, o), v3 = LoadRow<TV, TS, TK>(h, m, 3, o);
            TV qu = TS.Divide(TS.Load(xs + j), Reconstruct<TV, TS, TK>(w0, w1, w2, w3, u0, u1, u2, u3));
            TV qv = TS.Divide(TS.Load(xs + o), Reconstruct<TV, TS, TK>(w0, w1, w2, w3, v0, v1, v2, v3));
            a0 = TS.MulAdd(u0, qu, a0);
            b0 = TS.MulAdd(v0, qv, b0);
            if (TK.K > 1)
            {
                a1 = TS.MulAdd(u1, qu, a1);
                b1 = TS.MulAdd(v1, qv, b1);
            }

            if (TK.K > 2)
            {
                a2 = TS.MulAdd(u2, qu, a2);
                b2 = TS.MulAdd(v2, qv, b2);
            }

            if (TK.K > 3)
            {
                a3 = TS.MulAdd(u3, qu, a3);
                b3 = TS.MulAdd(v3, qv, b3);
            }
        }

        if (j + lanes <= m)
        {
            TV u0 = LoadRow<TV, TS, TK>(h, m, 0, j), u1 = LoadRow<TV, TS, TK>(h, m, 1, j), u2 = LoadRow<TV, TS, TK>(h, m, 2, j), u3 = LoadRow<TV, TS, TK>(h, m, 3, j);
            TV qu = TS.Divide(TS.Load(xs + j), Reconstruct<TV, TS, TK>(w0, w1, w2, w3, u0, u1, u2, u3));
            a0 = TS.MulAdd(u0, qu, a0);
            a1 = TK.K > 1 ? TS.MulAdd(u1, qu, a1) : a1;
            a2 = TK.K > 2 ? TS.MulAdd(u2, qu, a2) : a2;
            a3 = TK.K > 3 ? TS.MulAdd(u3, qu, a3) : a3;
            j += lanes;
        }

        Span<T> sums = stackalloc T[MaxRank];
        sums[0] = TS.Sum(TS.Add(a0, b0));
        sums[1] = TK.K > 1 ? TS.Sum(TS.Add(a1, b1)) : T.Zero;
        sums[2] = TK.K > 2 ? TS.Sum(TS.Add(a2, b2)) : T.Zero;
        sums[3] = TK.K > 3 ? TS.Sum(TS.Add(a3, b3)) : T.Zero;
        for (; j < m; j++)
        {
            T wh = T.Zero;
            for (int c = 0; c < TK.K; c++)
            {
                wh += ws[c] * h[(c * m) + j];
            }

            T q = xs[j] / wh;
            for (int c = 0; c < TK.K; c++)
            {
                sums[c] += h[(c * m) + j] * q;
            }
        }

        for (int c = 0; c < TK.K; c++)
        {
            ws[c] *= sums[c] / hRowSums[c];
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
        where TK : IRank
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
                T* ws = w + ((nint)s * TK.K);
                T* xs = x + ((nint)s * m);
                TV w0 = Weight<TV, TS, TK>(ws, 0), w1 = Weight<TV, TS, TK>(ws, 1), w2 = Weight<TV, TS, TK>(ws, 2), w3 = Weight<TV, TS, TK>(ws, 3);
                TV qu = TS.Divide(TS.Load(xs + j), Reconstruct<TV, TS, TK>(w0, w1, w2, w3, u0, u1, u2, u3));
                TV qv = TS.Divide(TS.Load(xs + o), Reconstruct<TV, TS, TK>(w0, w1, w2, w3, v0, v1, v2, v3));
                a0 = TS.MulAdd(w0, qu, a0);
                b0 = TS.MulAdd(w0, qv, b0);
                if (TK.K > 1)
                {
                    a1 = TS.MulAdd(w1, qu, a1);
                    b1 = TS.MulAdd(w1, qv, b1);
                }

                if (TK.K > 2)
                {
                    a2 = TS.MulAdd(w2, qu, a2);
                    b2 = TS.MulAdd(w2, qv, b2);
                }

                if (TK.K > 3)
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
                T* ws = w + ((nint)s * TK.K);
                TV w0 = Weight<TV, TS, TK>(ws, 0), w1 = Weight<TV, TS, TK>(ws, 1), w2 = Weight<TV, TS, TK>(ws, 2), w3 = Weight<TV, TS, TK>(ws, 3);
                TV qu = TS.Divide(TS.Load(x + ((nint)s * m) + j), Reconstruct<TV, TS, TK>(w0, w1, w2, w3, u0, u1, u2, u3));
                a0 = TS.MulAdd(w0, qu, a0);
                a1 = TK.K > 1 ? TS.MulAdd(w1, qu, a1) : a1;
                a2 = TK.K > 2 ? TS.MulAdd(w2, qu, a2) : a2;
                a3 = TK.K > 3 ? TS.MulAdd(w3, qu, a3) : a3;
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
                T* ws = w + ((nint)s * TK.K);
                T wh = T.Zero;
                for (int c = 0; c < TK.K; c++)
                {
                    wh += ws[c] * h[(c * m) + j];
                }

                T q = x[((nint)s * m) + j] / wh;
                for (int c = 0; c < TK.K; c++)
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
        where TK : IRank
    {
        if (c < TK.K)
        {
            TS.Store(value, matrix + (c * m) + j);
        }
    }
}
