using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Nmf.Kernels;

/// <summary>What one coordinate-descent pass reports.</summary>
/// <param name="Violation">Sum of |projected gradient| over all coordinates (scikit-learn's violation), in T.</param>
/// <param name="SquaredChange">Σ (new − old)² over all coordinates (for accelerated HALS's inner stopping rule).</param>
internal readonly record struct SweepResult<T>(T Violation, double SquaredChange);

/// <summary>
/// One pass of cyclic coordinate descent (HALS) over the k columns of a factor F (rows x k), scikit-learn's
/// <c>_update_cdnmf_fast</c> (Cichocki &amp; Phan 2009, eq. 9–10), for components t in the given order:
/// <code>
/// grad = −(R[i,t] − l1) + Σ_c G[t,c]·F[i,c]        (c in 0..k−1, in order)
/// pg = F[i,t] == 0 ? min(0, grad) : grad;  violation += |pg|
/// F[i,t] = max(F[i,t] − grad / G[t,t], 0)           (skipped when G[t,t] == 0)
/// </code>
/// </summary>
/// <remarks>
/// Row i's updates read only row i of F, so the rows are independent and scikit-learn's order (component outer,
/// row inner) can be turned into blocks of rows, each swept over all components while it sits in L1. Lanes of a
/// vector hold different rows and each lane does exactly scikit-learn's scalar arithmetic (separate multiply and
/// add, the same order over c), so F comes out bit-identical to the scalar loop at any thread count. Only the
/// violation is summed in another order (per lane, then fixed blocks in order): it serves the stopping rule.
/// Getting rows into lanes: a row-major factor (W, rows of k contiguous elements) is moved into the block's
/// buffer and back by square register tile transposes (<see cref="ISimd{T, TV}.TransposeSquare"/>: full-width loads,
/// log₂(lanes) shuffle rounds, masked stores for the last partial tile), with the next block's rows prefetched
/// while a block is swept; a column-major factor (Hᵀ, whose rows already lie lane-per-row) is swept in place.
/// </remarks>
/// <typeparam name="T">float or double.</typeparam>
internal static unsafe class CoordinateSweep<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private const int MaxParts = 64;

    /// <summary>
    /// Runs one pass. F's element (i, c) is <c>f[i·fRow + c·fComp]</c>, R's element (i, t) is
    /// <c>rhs[i·rRow + t·rComp]</c>, G is k x k (with any L2 term already on its diagonal).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static SweepResult<T> Run(
        T[] f, int rows, int fRow, int fComp, T[] gram, int k, T[] rhs, int rRow, int rComp, T l1, int[] order, int threads) =>
        Run(f, rows, fRow, fComp, gram, k, rhs, rRow, rComp, l1, order, threads, SimdSelect.Path);

    /// <summary>
    /// As above, on a chosen vector path, for the rows starting at element <paramref name="fOffset"/> of
    /// <paramref name="f"/> and <paramref name="rOffset"/> of <paramref name="rhs"/>; <paramref name="swept"/>, when
    /// given, sees each block of rows after its sweep, on the thread that swept it (in row order at one thread).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static SweepResult<T> Run(
        T[] f, int rows, int fRow, int fComp, T[] gram, int k, T[] rhs, int rRow, int rComp, T l1, int[] order, int threads,
        SimdPath path, int fOffset = 0, int rOffset = 0, ISweptBlocks<T>? swept = null)
    {
        ArgumentNullException.ThrowIfNull(f);
        ArgumentNullException.ThrowIfNull(gram);
        ArgumentNullException.ThrowIfNull(rhs);
        ArgumentNullException.ThrowIfNull(order);
        if (rows == 0 || k == 0)
        {
            return default;
        }

        if ((typeof(T) != typeof(double) && typeof(T) != typeof(float)) || !SimdSelect.IsSupported(path))
        {
            path = SimdPath.Scalar;
        }

        return path switch
        {
            SimdPath.V512 => Job<Vector512<T>, Simd512<T>>.Execute(f, rows, fRow, fComp, gram, k, rhs, rRow, rComp, l1, order, threads, fOffset, rOffset, swept),
            SimdPath.V256 => Job<Vector256<T>, Simd256<T>>.Execute(f, rows, fRow, fComp, gram, k, rhs, rRow, rComp, l1, order, threads, fOffset, rOffset, swept),
            SimdPath.V128 => Job<Vector128<T>, Simd128<T>>.Execute(f, rows, fRow, fComp, gram, k, rhs, rRow, rComp, l1, order, threads, fOffset, rOffset, swept),
            _ => Reference(f.AsSpan(fOffset), rows, fRow, fComp, gram, k, rhs.AsSpan(rOffset), rRow, rComp, l1, order),
        };
    }

    /// <summary>The plain loop in scikit-learn's order (component outer, row inner), the definition.</summary>
    public static SweepResult<T> Reference(
        Span<T> f, int rows, int fRow, int fComp, T[] gram, int k, ReadOnlySpan<T> rhs, int rRow, int rComp, T l1, int[] order)
    {
        ArgumentNullException.ThrowIfNull(gram);
        ArgumentNullException.ThrowIfNull(order);
        T violation = T.Zero;
        double change = 0;
        foreach (int t in order)
        {
            T hess = gram[(t * k) + t];
            for (int i = 0; i < rows; i++)
            {
                T grad = -(rhs[(i * rRow) + (t * rComp)] - l1);
                for (int c = 0; c < k; c++)
                {
                    grad += gram[(t * k) + c] * f[(i * fRow) + (c * fComp)];
                }

                ref T fit = ref f[(i * fRow) + (t * fComp)];
                T pg = fit == T.Zero ? T.Min(T.Zero, grad) : grad;
                violation += T.Abs(pg);
                if (hess != T.Zero)
                {
                    T updated = T.Max(fit - (grad / hess), T.Zero);
                    double d = double.CreateChecked(updated - fit);
                    change += d * d;
                    fit = updated;
                }
            }
        }

        return new SweepResult<T>(violation, change);
    }

    private sealed class Job<TV, TS> : IPartitionedWork
        where TV : struct
        where TS : ISimd<T, TV>
    {
        [ThreadStatic]
        private static Job<TV, TS>? _cached;

        private readonly T[] _violations = new T[MaxParts];
        private readonly double[] _changes = new double[MaxParts];
        private T[]? _f, _gram, _rhs;
        private int[]? _order;
        private int _rows, _fRow, _fComp, _k, _rRow, _rComp, _blocks, _parts, _fOffset, _rOffset;
        private T _l1;
        private ISweptBlocks<T>? _swept;

        /// <summary>Rows per block: eight vectors of lanes, eight independent chains over c.</summary>
        private static int Lanes => 8 * TS.Count;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static SweepResult<T> Execute(
            T[] f, int rows, int fRow, int fComp, T[] gram, int k, T[] rhs, int rRow, int rComp, T l1, int[] order, int threads,
            int fOffset, int rOffset, ISweptBlocks<T>? swept)
        {
            var job = _cached ??= new Job<TV, TS>();
            job._swept = swept;
            job._fOffset = fOffset;
            job._rOffset = rOffset;
            job._f = f;
            job._rows = rows;
            job._fRow = fRow;
            job._fComp = fComp;
            job._gram = gram;
            job._k = k;
            job._rhs = rhs;
            job._rRow = rRow;
            job._rComp = rComp;
            job._l1 = l1;
            job._order = order;
            job._blocks = (rows + Lanes - 1) / Lanes;
            job._parts = Math.Min(MaxParts, job._blocks);
            // Below about half a million multiply-adds (Hᵀ on P1: 256 x 32, 0.04 ms) a second thread costs more than it saves.
            int t = (long)rows * k * k < (1 << 19) ? 1 : threads;
            try
            {
                KernelThreads.Run(job, job._parts, t);
                T violation = T.Zero;
                double change = 0;
                for (int p = 0; p < job._parts; p++)
                {
                    violation += job._violations[p];
                    change += job._changes[p];
                }

                return new SweepResult<T>(violation, change);
            }
            finally
            {
                job._f = job._gram = job._rhs = null;
                job._swept = null;
                job._order = null;
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void RunPart(int part)
        {
            int b0 = (int)((long)_blocks * part / _parts), b1 = (int)((long)_blocks * (part + 1) / _parts);
            int lanes = Lanes, k = _k, v = TS.Count;
            int padded = (k + v - 1) / v * v;
            var fBuffer = Scratch<T>.First(padded * lanes);
            var rBuffer = Scratch<T>.Second(padded * lanes);
            TV violation = TS.Zero, change = TS.Zero;
            fixed (T* fb = fBuffer, rb = rBuffer, f = _f, rhs = _rhs, gram = _gram)
            {
                T* f0 = f + _fOffset, r0 = rhs + _rOffset;
                long fLength = _f!.Length - _fOffset, rLength = _rhs!.Length - _rOffset;
                for (int b = b0; b < b1; b++)
                {
                    int i0 = b * lanes, count = Math.Min(lanes, _rows - i0);
                    if (count == lanes && _fRow == 1 && _rRow == 1)
                    {
                        // Lane-per-row already (a column-major factor such as Hᵀ): swept where it lies.
                        SweepBlock(f0 + i0, _fComp, r0 + i0, _rComp, gram, ref violation, ref change);
                        _swept?.Swept(f0 + i0, _fComp, lanes);
                        continue;
                    }

                    T* fSource = Gather(f0, _fRow, _fComp, i0, count, fb, fLength);
                    T* rSource = Gather(r0, _rRow, _rComp, i0, count, rb, rLength);
                    if (b + 1 < b1)
                    {
                        // The next block's rows are fetched while this one is swept (row-major rows are contiguous).
                        Prefetch(f0, _fRow, _fComp, i0 + lanes, fLength);
                        Prefetch(r0, _rRow, _rComp, i0 + lanes, rLength);
                    }

                    SweepBlock(fSource, fSource == fb ? lanes : _fComp, rSource, rSource == rb ? lanes : _rComp, gram, ref violation, ref change);
                    _swept?.Swept(fSource, fSource == fb ? lanes : _fComp, lanes);
                    if (fSource == fb)
                    {
                        Scatter(fb, i0, count, f0, fLength);
                    }
                }
            }

            _violations[part] = TS.Sum(violation);
            _changes[part] = double.CreateChecked(TS.Sum(change));
        }

        /// <summary>Asks for the cache lines of rows i0..i0+lanes−1 when they are contiguous (component stride 1).</summary>
        private void Prefetch(T* source, int row, int comp, int i0, long length)
        {
            if (!Sse.IsSupported || comp != 1 || row < _k)
            {
                return;
            }

            long start = (long)i0 * row, end = Math.Min(length, (long)(i0 + Lanes) * row);
            byte* p = (byte*)(source + start), stop = (byte*)(source + end);
            for (; p < stop; p += 64)
            {
                Sse.Prefetch0(p);
            }
        }

        /// <summary>
        /// Whether the block's rows i0..i0+lanes−1 are whole row-major rows (component stride 1) that can be moved by
        /// square tile transposes: the tiles' full-width loads of the last row stay inside the array.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private bool TileMoves(int row, int comp, int i0, int count, long length)
        {
            int v = TS.Count, padded = (_k + v - 1) / v * v;
            return TS.HasTranspose && comp == 1 && count == Lanes && row >= _k
                && ((long)(i0 + count - 1) * row) + padded <= length;
        }

        /// <summary>
        /// buffer[c·lanes + l] = source(i0 + l, c), zero for l ≥ count; returns the buffer, or, when the rows are
        /// already lane-per-row and complete (row stride 1), the block's own start in <paramref name="source"/>.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private T* Gather(T* source, int row, int comp, int i0, int count, T* buffer, long length)
        {
            int lanes = Lanes, k = _k, v = TS.Count;
            T* origin = source + ((long)i0 * row);
            if (row == 1)
            {
                if (count == lanes)
                {
                    return origin;
                }

                for (int c = 0; c < k; c++)
                {
                    T* dst = buffer + (c * lanes);
                    new Span<T>(origin + ((long)c * comp), count).CopyTo(new Span<T>(dst, count));
                    new Span<T>(dst + count, lanes - count).Clear();
                }

                return buffer;
            }

            if (TileMoves(row, comp, i0, count, length))
            {
                // Each V x V tile (V rows, V components) is read with V full-width loads and transposed in registers.
                for (int q = 0; q < lanes; q += v)
                {
                    T* src = origin + ((long)q * row);
                    for (int c0 = 0; c0 < k; c0 += v)
                    {
                        TS.TransposeSquare(src + c0, row, buffer + (c0 * lanes) + q, lanes, v);
                    }
                }

                return buffer;
            }

            if (count == lanes)
            {
                // Each vector of the buffer (one component, V rows) is assembled in registers and stored once.
                for (int c = 0; c < k; c++)
                {
                    T* src = origin + ((long)c * comp);
                    T* dst = buffer + (c * lanes);
                    for (int q = 0; q < lanes; q += v)
                    {
                        TS.Store(TS.LoadStrided(src + ((long)q * row), row), dst + q);
                    }
                }

                return buffer;
            }

            // Row by row, so memory is read in order (the strided writes land in the L1-resident buffer).
            for (int l = 0; l < count; l++)
            {
                T* src = origin + ((long)l * row);
                T* dst = buffer + l;
                for (int c = 0; c < k; c++)
                {
                    dst[c * lanes] = src[(long)c * comp];
                }
            }

            for (int l = count; l < lanes; l++)
            {
                for (int c = 0; c < k; c++)
                {
                    buffer[(c * lanes) + l] = T.Zero;
                }
            }

            return buffer;
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void Scatter(T* buffer, int i0, int count, T* f, long length)
        {
            int lanes = Lanes, k = _k, row = _fRow, v = TS.Count;
            long comp = _fComp;
            T* origin = f + ((long)i0 * row);
            if (TileMoves(row, _fComp, i0, count, length))
            {
                // The transpose back; masked stores keep the tiles past component k−1 off the next row.
                for (int q = 0; q < lanes; q += v)
                {
                    T* dst = origin + ((long)q * row);
                    for (int c0 = 0; c0 < k; c0 += v)
                    {
                        TS.TransposeSquare(buffer + (c0 * lanes) + q, lanes, dst + c0, row, Math.Min(v, k - c0));
                    }
                }

                return;
            }

            if (row == 1)
            {
                for (int c = 0; c < k; c++)
                {
                    new Span<T>(buffer + (c * lanes), count).CopyTo(new Span<T>(origin + (c * comp), count));
                }

                return;
            }

            for (int l = 0; l < count; l++)
            {
                T* dst = origin + ((long)l * row);
                T* src = buffer + l;
                for (int c = 0; c < k; c++)
                {
                    dst[c * comp] = src[c * lanes];
                }
            }
        }

        /// <summary>
        /// All components t (in order) for the block's rows; component c of F at <c>fb + c·fStride</c>, of R at
        /// <c>rb + c·rStride</c>. Padded lanes hold zeros and stay zero.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void SweepBlock(T* fb, nint fStride, T* rb, nint rStride, T* gram, ref TV violation, ref TV change)
        {
            int v = TS.Count, k = _k;
            TV l1 = TS.Broadcast(_l1), zero = TS.Zero;

            // Two accumulators each for the violation and the change, so their chains do not pace the sweep.
            TV violA = violation, chgA = change, violB = TS.Zero, chgB = TS.Zero;
            foreach (int t in _order!)
            {
                T* gt = gram + (t * k);
                T* rt = rb + (t * rStride);

                // grad = −(R − l1), then + G[t,c]·F[c] for c in order: a separate multiply and add per term. Eight
                // independent chains cover the latency of the adds.
                TV g0 = TS.Subtract(zero, TS.Subtract(TS.Load(rt), l1));
                TV g1 = TS.Subtract(zero, TS.Subtract(TS.Load(rt + v), l1));
                TV g2 = TS.Subtract(zero, TS.Subtract(TS.Load(rt + (2 * v)), l1));
                TV g3 = TS.Subtract(zero, TS.Subtract(TS.Load(rt + (3 * v)), l1));
                TV g4 = TS.Subtract(zero, TS.Subtract(TS.Load(rt + (4 * v)), l1));
                TV g5 = TS.Subtract(zero, TS.Subtract(TS.Load(rt + (5 * v)), l1));
                TV g6 = TS.Subtract(zero, TS.Subtract(TS.Load(rt + (6 * v)), l1));
                TV g7 = TS.Subtract(zero, TS.Subtract(TS.Load(rt + (7 * v)), l1));
                T* fc = fb;
                for (int c = 0; c < k; c++, fc += fStride)
                {
                    TV gtc = TS.Broadcast(gt[c]);
                    g0 = TS.Add(g0, TS.Multiply(gtc, TS.Load(fc)));
                    g1 = TS.Add(g1, TS.Multiply(gtc, TS.Load(fc + v)));
                    g2 = TS.Add(g2, TS.Multiply(gtc, TS.Load(fc + (2 * v))));
                    g3 = TS.Add(g3, TS.Multiply(gtc, TS.Load(fc + (3 * v))));
                    g4 = TS.Add(g4, TS.Multiply(gtc, TS.Load(fc + (4 * v))));
                    g5 = TS.Add(g5, TS.Multiply(gtc, TS.Load(fc + (5 * v))));
                    g6 = TS.Add(g6, TS.Multiply(gtc, TS.Load(fc + (6 * v))));
                    g7 = TS.Add(g7, TS.Multiply(gtc, TS.Load(fc + (7 * v))));
                }

                T hessian = gt[t];
                T* ft = fb + (t * fStride);
                Update(ft, g0, hessian, ref violA, ref chgA);
                Update(ft + v, g1, hessian, ref violB, ref chgB);
                Update(ft + (2 * v), g2, hessian, ref violA, ref chgA);
                Update(ft + (3 * v), g3, hessian, ref violB, ref chgB);
                Update(ft + (4 * v), g4, hessian, ref violA, ref chgA);
                Update(ft + (5 * v), g5, hessian, ref violB, ref chgB);
                Update(ft + (6 * v), g6, hessian, ref violA, ref chgA);
                Update(ft + (7 * v), g7, hessian, ref violB, ref chgB);
            }

            violation = TS.Add(violA, violB);
            change = TS.Add(chgA, chgB);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Update(T* ft, TV grad, T hessian, ref TV violation, ref TV change)
        {
            TV old = TS.Load(ft);
            TV pg = TS.SelectWhereZero(old, TS.Min(TS.Zero, grad), grad);
            violation = TS.Add(violation, TS.Abs(pg));
            if (hessian != T.Zero)
            {
                TV updated = TS.Max(TS.Subtract(old, TS.Divide(grad, TS.Broadcast(hessian))), TS.Zero);
                TV d = TS.Subtract(updated, old);
                change = TS.MulAdd(d, d, change);
                TS.Store(updated, ft);
            }
        }
    }
}

/// <summary>
/// Sees each block of a factor right after the sweep updated it, while it lies lane-per-row in L1: component c's values
/// for the block's rows at <c>block + c·stride</c>, <c>length</c> lanes (rows past the factor's end read as zero).
/// </summary>
/// <typeparam name="T">float or double.</typeparam>
internal unsafe interface ISweptBlocks<T> where T : unmanaged
{
    /// <summary>Called once per block, after its sweep.</summary>
    void Swept(T* block, nint stride, int length);
}
