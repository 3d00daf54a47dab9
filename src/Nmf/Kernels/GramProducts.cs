using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Nmf.Kernels;

/// <summary>
/// Gram matrices of a thin factor, G = AᵀA for A (n x k, row-major, like W) and G = AAᵀ for A (k x n,
/// row-major, like H), for small k: both are k x k sums over the long dimension n of products of the factor's k
/// "signals" (W's columns, H's rows). The signals are laid lane-per-element (W's rows moved there by register
/// tile transposes, H's rows are so already), and a 4 x 4 register tile of vector accumulators runs down a
/// cache-sized chunk for each pair of component blocks on or above the diagonal, so only about k(k+1)/2 dot products are
/// formed, all with full vectors however k relates to the vector width.
/// </summary>
/// <remarks>
/// Determinism: the long dimension is cut into a number of parts fixed by the shape (never by the thread
/// count); within a part each lane of an accumulator is one fused multiply-add chain in index order, lanes are
/// summed in the runtime's fixed order, and the parts' sums are added in part order. G is exactly symmetric.
/// </remarks>
/// <typeparam name="T">float or double.</typeparam>
internal static unsafe class GramProducts<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>The largest k served here (larger Gram matrices go to the blocked matrix product).</summary>
    public const int MaxK = 48;

    /// <summary>
    /// The shortest long dimension served here. Shorter ones go to the blocked matrix product, whose single
    /// in-order multiply-add chain per element rounds like scikit-learn's BLAS call does on such small inputs (so
    /// tiny, nearly exact fits keep scikit-learn's rounding); their cost is negligible either way.
    /// </summary>
    public const int MinLength = 256;

    private const int TileSize = 4;

    /// <summary>Chunk of the long dimension kept in L1 while every tile pair runs down it.</summary>
    private const int ChunkBytes = 24 * 1024;

    /// <summary>Elements of the long dimension per part (parts are fixed by n alone).</summary>
    private const int PartLength = 2048;

    private const int MaxParts = 32;

    /// <summary>Below this many multiply-adds one thread is faster than waking another.</summary>
    private const long SerialWork = 1 << 16;

    /// <summary>
    /// Whether AᵀA for A (n x k) is served here: k up to <see cref="MaxK"/>, n from <see cref="MinLength"/>, and k not
    /// a multiple of the blocked product's panel width (two vectors), where that product wastes no lanes and needs no
    /// transposes.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool ServesCols(int n, int k, SimdPath path)
    {
        int lanes = SimdSelect.Lanes<T>(path);
        return k is > 0 and <= MaxK && n >= MinLength && k % (2 * lanes) != 0;
    }

    /// <summary>result (k x k) = Aᵀ·A for A (n x k) row-major at <paramref name="a"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Cols(T* a, int n, int k, T* result, int threads, SimdPath path) => Run(a, n, k, true, result, threads, path);

    /// <summary>result (k x k) = A·Aᵀ for A (k x n) row-major at <paramref name="a"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Rows(T* a, int k, int n, T* result, int threads, SimdPath path) => Run(a, n, k, false, result, threads, path);

    /// <summary>
    /// Starts a running AᵀA on the calling thread for a factor with k components whose rows come in blocks already laid
    /// lane-per-row (the coordinate sweep's buffers): <see cref="AddBlock"/> for each, then <see cref="EndBlocks"/>.
    /// Nothing else on this thread may use this class in between.
    /// </summary>
    public static void BeginBlocks(int k, SimdPath path)
    {
        switch (path)
        {
            case SimdPath.V512: Job<Vector512<T>, Simd512<T>>.Begin(k); break;
            case SimdPath.V256: Job<Vector256<T>, Simd256<T>>.Begin(k); break;
            case SimdPath.V128: Job<Vector128<T>, Simd128<T>>.Begin(k); break;
            default: throw new InvalidOperationException("the scalar path uses the reference products.");
        }
    }

    /// <summary>Adds a block: component c's values for <paramref name="length"/> rows (a multiple of the vector width) at <c>signals + c·stride</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void AddBlock(T* signals, nint stride, int length, SimdPath path)
    {
        switch (path)
        {
            case SimdPath.V512: Job<Vector512<T>, Simd512<T>>.Add(signals, stride, length); break;
            case SimdPath.V256: Job<Vector256<T>, Simd256<T>>.Add(signals, stride, length); break;
            default: Job<Vector128<T>, Simd128<T>>.Add(signals, stride, length); break;
        }
    }

    /// <summary>Writes the running AᵀA (k x k, exactly symmetric) to <paramref name="result"/>.</summary>
    public static void EndBlocks(T* result, SimdPath path)
    {
        switch (path)
        {
            case SimdPath.V512: Job<Vector512<T>, Simd512<T>>.End(result); break;
            case SimdPath.V256: Job<Vector256<T>, Simd256<T>>.End(result); break;
            default: Job<Vector128<T>, Simd128<T>>.End(result); break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Run(T* a, int n, int k, bool transposed, T* result, int threads, SimdPath path)
    {
        switch (path)
        {
            case SimdPath.V512:
                Job<Vector512<T>, Simd512<T>>.Execute(a, n, k, transposed, result, threads);
                break;
            case SimdPath.V256:
                Job<Vector256<T>, Simd256<T>>.Execute(a, n, k, transposed, result, threads);
                break;
            case SimdPath.V128:
                Job<Vector128<T>, Simd128<T>>.Execute(a, n, k, transposed, result, threads);
                break;
            default:
                throw new InvalidOperationException("the scalar path uses the reference products.");
        }
    }

    private sealed class Job<TV, TS> : IPartitionedWork
        where TV : struct
        where TS : ISimd<T, TV>
    {
        [ThreadStatic]
        private static Job<TV, TS>? _cached;

        [ThreadStatic]
        private static T[]? _accumulators;

        [ThreadStatic]
        private static T[]? _chunk;

        private T[] _partials = [];
        private T* _a;
        private int _n, _k, _parts;
        private bool _transposed;

        /// <summary>Component blocks of <see cref="TileSize"/> (the last one repeats component k−1).</summary>
        private int Blocks => (_k + TileSize - 1) / TileSize;

        /// <summary>Width of a chunk of the long dimension: a multiple of the vector width that keeps k signals in L1.</summary>
        private int ChunkWidth
        {
            get
            {
                int v = TS.Count, padded = (_k + v - 1) / v * v;
                return Math.Max(v, ChunkBytes / Unsafe.SizeOf<T>() / padded / v * v);
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void Execute(T* a, int n, int k, bool transposed, T* result, int threads)
        {
            var job = _cached ??= new Job<TV, TS>();
            job._a = a;
            job._n = n;
            job._k = k;
            job._transposed = transposed;
            job._parts = Math.Clamp(n / PartLength, 1, MaxParts);
            if (job._partials.Length < job._parts * k * k)
            {
                job._partials = new T[job._parts * k * k];
            }

            int t = (long)n * k * k < SerialWork ? 1 : threads;
            try
            {
                KernelThreads.Run(job, job._parts, t);
            }
            finally
            {
                job._a = null;
            }

            // Parts in order; the upper triangle mirrored, so G is exactly symmetric.
            var partials = job._partials;
            for (int r = 0; r < k; r++)
            {
                for (int c = r; c < k; c++)
                {
                    T sum = partials[(r * k) + c];
                    for (int p = 1; p < job._parts; p++)
                    {
                        sum += partials[(p * k * k) + (r * k) + c];
                    }

                    result[(r * k) + c] = sum;
                    result[(c * k) + r] = sum;
                }
            }
        }

        /// <summary>See <see cref="BeginBlocks"/>: this thread's job takes k and clears its accumulators.</summary>
        public static void Begin(int k)
        {
            var job = _cached ??= new Job<TV, TS>();
            job._k = k;
            job.Buffers(out int accLength);
            new Span<T>(_accumulators, 0, accLength).Clear();
        }

        /// <summary>See <see cref="AddBlock"/>.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void Add(T* signals, nint stride, int length)
        {
            fixed (T* acc = _accumulators)
            {
                _cached!.Tiles(signals, stride, length, acc);
            }
        }

        /// <summary>See <see cref="EndBlocks"/>.</summary>
        public static void End(T* result)
        {
            var job = _cached!;
            int k = job._k;
            fixed (T* acc = _accumulators)
            {
                job.SumLanes(acc, result);
            }

            for (int r = 0; r < k; r++)
            {
                for (int c = r + 1; c < k; c++)
                {
                    result[(c * k) + r] = result[(r * k) + c];
                }
            }
        }

        /// <summary>Sizes this thread's accumulators and chunk for the job's k.</summary>
        private void Buffers(out int accLength)
        {
            int v = TS.Count, k = _k, blocks = Blocks, width = ChunkWidth;
            int pairs = blocks * (blocks + 1) / 2;
            accLength = pairs * TileSize * TileSize * v;
            if (_accumulators is null || _accumulators.Length < accLength)
            {
                _accumulators = GC.AllocateUninitializedArray<T>(accLength, pinned: true);
            }

            int padded = (k + v - 1) / v * v;
            int chunkLength = Math.Max(padded, k) * width;
            if (_chunk is null || _chunk.Length < chunkLength)
            {
                _chunk = GC.AllocateUninitializedArray<T>(chunkLength, pinned: true);
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void RunPart(int part)
        {
            int v = TS.Count, k = _k, width = ChunkWidth;
            int s0 = (int)((long)_n * part / _parts), s1 = (int)((long)_n * (part + 1) / _parts);
            Buffers(out int accLength);
            new Span<T>(_accumulators, 0, accLength).Clear();
            fixed (T* acc = _accumulators, chunk = _chunk, partials = _partials)
            {
                for (int s = s0; s < s1; s += width)
                {
                    int count = Math.Min(width, s1 - s);
                    if (!_transposed && count % v == 0)
                    {
                        // A's rows are the signals: read in place.
                        Tiles(_a + s, _n, count, acc);
                        continue;
                    }

                    int length = Fill(s, count, chunk, width);
                    Tiles(chunk, width, length, acc);
                }

                SumLanes(acc, partials + ((long)part * k * k));
            }
        }

        /// <summary>Lanes summed per accumulator into a k x k partial (upper triangle).</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void SumLanes(T* acc, T* partial)
        {
            int v = TS.Count, k = _k, blocks = Blocks;
            int pair = 0;
            for (int tb = 0; tb < blocks; tb++)
            {
                for (int cb = tb; cb < blocks; cb++, pair++)
                {
                    T* tile = acc + ((long)pair * TileSize * TileSize * v);
                    for (int i = 0; i < TileSize; i++)
                    {
                        for (int j = 0; j < TileSize; j++)
                        {
                            int r = (tb * TileSize) + i, c = (cb * TileSize) + j;
                            if (c < k && r <= c)
                            {
                                partial[(r * k) + c] = TS.Sum(TS.Load(tile + (((i * TileSize) + j) * v)));
                            }
                        }
                    }
                }
            }
        }

        /// <summary>
        /// Copies signals for indices s..s+count−1 into <paramref name="chunk"/> (signal c at <c>chunk + c·width</c>),
        /// zero-padded to a whole number of vectors; returns that padded length.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private int Fill(int s, int count, T* chunk, int width)
        {
            int v = TS.Count, k = _k, length = (count + v - 1) / v * v;
            if (!_transposed)
            {
                for (int c = 0; c < k; c++)
                {
                    T* dst = chunk + ((long)c * width);
                    new Span<T>(_a + ((long)c * _n) + s, count).CopyTo(new Span<T>(dst, count));
                    new Span<T>(dst + count, length - count).Clear();
                }

                return length;
            }

            // W's rows: V x V tiles transposed in registers while their full-width loads stay inside A.
            int padded = (k + v - 1) / v * v;
            long end = (long)_n * k;
            int l = 0;
            if (TS.HasTranspose)
            {
                for (; l + v <= count && ((long)(s + l + v - 1) * k) + padded <= end; l += v)
                {
                    T* src = _a + ((long)(s + l) * k);
                    for (int c0 = 0; c0 < k; c0 += v)
                    {
                        TS.TransposeSquare(src + c0, k, chunk + ((long)c0 * width) + l, width, v);
                    }
                }
            }

            for (; l < count; l++)
            {
                T* src = _a + ((long)(s + l) * k);
                for (int c = 0; c < k; c++)
                {
                    chunk[((long)c * width) + l] = src[c];
                }
            }

            for (int c = 0; c < k; c++)
            {
                new Span<T>(chunk + ((long)c * width) + count, length - count).Clear();
            }

            return length;
        }

        /// <summary>
        /// For every pair of component blocks (tb ≤ cb): the 4 x 4 accumulators += signal r ⊙ signal c over
        /// <paramref name="length"/> elements (a multiple of the vector width), signal c at <c>p + c·stride</c>.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void Tiles(T* p, nint stride, int length, T* acc)
        {
            int v = TS.Count, k = _k, blocks = Blocks;
            int pair = 0;
            for (int tb = 0; tb < blocks; tb++)
            {
                T* x0 = p + (Math.Min((tb * TileSize) + 0, k - 1) * stride);
                T* x1 = p + (Math.Min((tb * TileSize) + 1, k - 1) * stride);
                T* x2 = p + (Math.Min((tb * TileSize) + 2, k - 1) * stride);
                T* x3 = p + (Math.Min((tb * TileSize) + 3, k - 1) * stride);
                for (int cb = tb; cb < blocks; cb++, pair++)
                {
                    T* y0 = p + (Math.Min((cb * TileSize) + 0, k - 1) * stride);
                    T* y1 = p + (Math.Min((cb * TileSize) + 1, k - 1) * stride);
                    T* y2 = p + (Math.Min((cb * TileSize) + 2, k - 1) * stride);
                    T* y3 = p + (Math.Min((cb * TileSize) + 3, k - 1) * stride);
                    T* tile = acc + ((long)pair * TileSize * TileSize * v);
                    TV a00 = TS.Load(tile), a01 = TS.Load(tile + v), a02 = TS.Load(tile + (2 * v)), a03 = TS.Load(tile + (3 * v));
                    TV a10 = TS.Load(tile + (4 * v)), a11 = TS.Load(tile + (5 * v)), a12 = TS.Load(tile + (6 * v)), a13 = TS.Load(tile + (7 * v));
                    TV a20 = TS.Load(tile + (8 * v)), a21 = TS.Load(tile + (9 * v)), a22 = TS.Load(tile + (10 * v)), a23 = TS.Load(tile + (11 * v));
                    TV a30 = TS.Load(tile + (12 * v)), a31 = TS.Load(tile + (13 * v)), a32 = TS.Load(tile + (14 * v)), a33 = TS.Load(tile + (15 * v));
                    for (int j = 0; j < length; j += v)
                    {
                        TV r0 = TS.Load(x0 + j), r1 = TS.Load(x1 + j), r2 = TS.Load(x2 + j), r3 = TS.Load(x3 + j);
                        TV c0 = TS.Load(y0 + j), c1 = TS.Load(y1 + j), c2 = TS.Load(y2 + j), c3 = TS.Load(y3 + j);
                        a00 = TS.MulAdd(r0, c0, a00); a01 = TS.MulAdd(r0, c1, a01); a02 = TS.MulAdd(r0, c2, a02); a03 = TS.MulAdd(r0, c3, a03);
                        a10 = TS.MulAdd(r1, c0, a10); a11 = TS.MulAdd(r1, c1, a11); a12 = TS.MulAdd(r1, c2, a12); a13 = TS.MulAdd(r1, c3, a13);
                        a20 = TS.MulAdd(r2, c0, a20); a21 = TS.MulAdd(r2, c1, a21); a22 = TS.MulAdd(r2, c2, a22); a23 = TS.MulAdd(r2, c3, a23);
                        a30 = TS.MulAdd(r3, c0, a30); a31 = TS.MulAdd(r3, c1, a31); a32 = TS.MulAdd(r3, c2, a32); a33 = TS.MulAdd(r3, c3, a33);
                    }

                    TS.Store(a00, tile); TS.Store(a01, tile + v); TS.Store(a02, tile + (2 * v)); TS.Store(a03, tile + (3 * v));
                    TS.Store(a10, tile + (4 * v)); TS.Store(a11, tile + (5 * v)); TS.Store(a12, tile + (6 * v)); TS.Store(a13, tile + (7 * v));
                    TS.Store(a20, tile + (8 * v)); TS.Store(a21, tile + (9 * v)); TS.Store(a22, tile + (10 * v)); TS.Store(a23, tile + (11 * v));
                    TS.Store(a30, tile + (12 * v)); TS.Store(a31, tile + (13 * v)); TS.Store(a32, tile + (14 * v)); TS.Store(a33, tile + (15 * v));
                }
            }
        }
    }
}
