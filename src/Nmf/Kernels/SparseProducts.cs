using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Nmf.Matrices;

namespace Nmf.Kernels;

/// <summary>
/// CSR products: X·Hᵀ row by row (each stored x_ij adds x_ij · H[:, j] to row i), Wᵀ·X through the cached
/// transpose of X (each thread owns whole columns of the result), and W·H sampled at X's non-zeros.
/// The k values of one output row are held in up to four vector registers; H is transposed once per call
/// into a zero-padded m x kp block so that its columns are contiguous.
/// </summary>
/// <remarks>
/// Every output element is one sum over the stored entries of a row (or column) in storage order, so the
/// result does not depend on the thread count. Rows are split into fixed blocks of about equal non-zeros.
/// </remarks>
/// <typeparam name="T">float or double.</typeparam>
internal static unsafe class SparseProducts<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private const int Parts = 32;

    /// <summary>
    /// Bytes of the dense table (Hᵀ or W) read per block: the stored entries are visited block by block so that
    /// the rows they pick stay in cache instead of coming from memory at random. Blocks sized for L2 (640 KB)
    /// measured about 1.7x slower than one pass on P2 here (the extra passes over the partial sums cost more
    /// than the misses they save while the 3–10 MB tables fit L3), so only tables larger than L3 are blocked.
    /// </summary>
    /// <remarks>Results do not depend on it (the same sums in the same order); tests make it small.</remarks>
    internal static int BlockBytes { get; set; } = 32 * 1024 * 1024;

    /// <summary>Whether the CSR kernels prefetch the dense rows they will read (for measurement).</summary>
    internal static readonly bool Prefetch = Environment.GetEnvironmentVariable("NMF_NO_PREFETCH") is null;

    /// <summary>
    /// Stored entries (values and column indices) from which X·Hᵀ reads X's arrays ahead with non-temporal prefetches
    /// (<see cref="StreamAhead"/>). A line fetched that way is kept out of L2, and so out of L3, which on AMD's cores
    /// is filled by what L2 evicts: X's arrays, read once per iteration, then no longer push the factors and Xᵀ out of
    /// L3. P2 in double (X's arrays 21 MB): W pass 3.3–3.9 → 3.1–3.7 ms, 6 of 6 alternated fits faster (3–5% per
    /// iteration); in float (14 MB) it was slower in 4 of 5, since X's lines then partly survive in L3 from one
    /// iteration to the next, so it starts at half of a 32 MB L3. Results do not depend on it.
    /// </summary>
    internal static long StreamBytes { get; set; } = 16L * 1024 * 1024;

    /// <summary>How many stored entries ahead X·Hᵀ streams X's arrays (2 KB of double values, 1 KB of indices).</summary>
    private const int StreamAhead = 256;

    private const int CacheLine = 64;

    /// <summary>Rows of Wᵀ·X's transposed output gathered before they are written (see GatheredColumns).</summary>
    private const int TileRows = 64;

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<CsrMatrix<T>, BlockStartIndex> BlockIndex = [];

    private sealed record BlockStartIndex(int BlockRows, int[] Starts);

    /// <summary>result (n x k) = X · Hᵀ.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void XHt(CsrMatrix<T> x, DenseMatrix<T> h, DenseMatrix<T> result, int threads, SimdPath path)
    {
        switch (path)
        {
            case SimdPath.V512: Job<Vector512<T>, Simd512<T>>.Run(Kind.XHt, x, h.Data, h.Rows, result.Data, null, threads); break;
            case SimdPath.V256: Job<Vector256<T>, Simd256<T>>.Run(Kind.XHt, x, h.Data, h.Rows, result.Data, null, threads); break;
            default: Job<Vector128<T>, Simd128<T>>.Run(Kind.XHt, x, h.Data, h.Rows, result.Data, null, threads); break;
        }
    }

    /// <summary>result (k x m) = Wᵀ · X, computed from the rows of Xᵀ.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void WtX(DenseMatrix<T> w, CsrMatrix<T> x, DenseMatrix<T> result, int threads, SimdPath path)
    {
        var xt = SparseTranspose<T>.Of(x, threads);
        switch (path)
        {
            case SimdPath.V512: Job<Vector512<T>, Simd512<T>>.Run(Kind.WtX, xt, w.Data, w.Cols, result.Data, null, threads); break;
            case SimdPath.V256: Job<Vector256<T>, Simd256<T>>.Run(Kind.WtX, xt, w.Data, w.Cols, result.Data, null, threads); break;
            default: Job<Vector128<T>, Simd128<T>>.Run(Kind.WtX, xt, w.Data, w.Cols, result.Data, null, threads); break;
        }
    }

    /// <summary>values[p] = (W · H)[i, j] at each stored entry p = (i, j) of X.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Sampled(CsrMatrix<T> x, DenseMatrix<T> w, DenseMatrix<T> h, T[] values, int threads, SimdPath path)
    {
        switch (path)
        {
            case SimdPath.V512: Job<Vector512<T>, Simd512<T>>.Run(Kind.Sampled, x, h.Data, h.Rows, values, w.Data, threads); break;
            case SimdPath.V256: Job<Vector256<T>, Simd256<T>>.Run(Kind.Sampled, x, h.Data, h.Rows, values, w.Data, threads); break;
            default: Job<Vector128<T>, Simd128<T>>.Run(Kind.Sampled, x, h.Data, h.Rows, values, w.Data, threads); break;
        }
    }

    private enum Kind
    {
        XHt,
        WtX,
        Sampled,
    }

    /// <summary>
    /// Hᵀ (k x m) as an m x kp table, each row zero-padded to kp (a multiple of the vector width of
    /// <paramref name="path"/>) and the table aligned to 64 bytes, in a per-thread scratch array of the caller;
    /// <paramref name="start"/> is the table's first element in it. Read by <see cref="TableRows"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static T[] PaddedTable(DenseMatrix<T> h, int threads, SimdPath path, out int start, out int kp)
    {
        int v = SimdSelect.Lanes<T>(path);
        int k = h.Rows, padded = (k + v - 1) / v * v;

        // When a row's last vector needs at most half its lanes, rows are left unpadded (k = 20 doubles: 160 bytes, not
        // 192): the kernels load that half only, every row still touches 3 cache lines, and the table and its hot rows
        // take a sixth less cache.
        kp = k % v != 0 && k % v <= v / 2 ? k : padded;
        return BuildTable(h.Data, k, h.Cols, kp, threads, out start);
    }

    /// <summary>
    /// Hᵀ with rows padded to kp: column j of H becomes a contiguous, vector-aligned row. The table starts on a
    /// 64-byte boundary, so a row of kp·sizeof(T) bytes (a multiple of the vector width) touches the fewest cache
    /// lines: on P2 (k = 20, kp = 24, 192-byte rows read at random from L2/L3) an unaligned table costs about a third
    /// more time, one more line in three of four rows.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static T[] BuildTable(T[] h, int k, int m, int kp, int threads, out int start)
    {
        var padded = Scratch<T>.Operand((m * kp) + (CacheLine / sizeof(T)));
        start = AlignedStart(padded);
        TransposeJob.Run(h, k, m, padded, start, kp, threads);
        return padded;
    }

    /// <summary>
    /// dst[(r − r0)·k + c] = (X·Hᵀ)[r, c] for rows r0..r1 from a <see cref="PaddedTable"/>, on one thread, the same
    /// sums in the same order as <see cref="XHt"/>. <paramref name="temp"/> holds at least 4·(V + kp) elements.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void TableRows(CsrMatrix<T> x, T* table, int kp, int k, int r0, int r1, T* dst, T* temp, SimdPath path)
    {
        T* output = dst - ((long)r0 * k);
        bool stream = Streams(x);
        fixed (int* rowPtr = x.RowPtr, cols = x.ColIndices)
        fixed (T* vals = x.Values)
        {
            switch (path)
            {
                case SimdPath.V512: Job<Vector512<T>, Simd512<T>>.AllColumns(rowPtr, cols, vals, table, kp, k, r0, r1, output, temp, stream); break;
                case SimdPath.V256: Job<Vector256<T>, Simd256<T>>.AllColumns(rowPtr, cols, vals, table, kp, k, r0, r1, output, temp, stream); break;
                default: Job<Vector128<T>, Simd128<T>>.AllColumns(rowPtr, cols, vals, table, kp, k, r0, r1, output, temp, stream); break;
            }
        }
    }

    /// <summary>Whether X·Hᵀ streams <paramref name="x"/>'s arrays past L2 and L3 (<see cref="StreamBytes"/>).</summary>
    private static bool Streams(CsrMatrix<T> x) =>
        Sse.IsSupported && (long)x.StoredCount * (sizeof(T) + sizeof(int)) >= StreamBytes;

    /// <summary>The first element of a pinned array that lies on a 64-byte boundary.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int AlignedStart(T[] pinned)
    {
        fixed (T* p = pinned)
        {
            int misalignment = (int)((nint)p & (CacheLine - 1));
            return misalignment == 0 ? 0 : (CacheLine - misalignment) / sizeof(T);
        }
    }

    /// <summary>
    /// Hᵀ into the padded table, in fixed column blocks spread over the threads (each block of Hᵀ being written stays
    /// in L1 while H's rows are read in order; the padding columns are zeroed).
    /// </summary>
    private sealed class TransposeJob : IPartitionedWork
    {
        private const int BlockColumns = 256;

        [ThreadStatic]
        private static TransposeJob? _cached;

        private T[]? _h, _table;
        private int _k, _m, _start, _kp;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void Run(T[] h, int k, int m, T[] table, int start, int kp, int threads)
        {
            var job = _cached ??= new TransposeJob();
            job._h = h;
            job._table = table;
            job._k = k;
            job._m = m;
            job._start = start;
            job._kp = kp;
            int parts = (m + BlockColumns - 1) / BlockColumns;
            try
            {
                KernelThreads.Run(job, parts, (long)m * k < (1 << 16) ? 1 : threads);
            }
            finally
            {
                job._h = job._table = null;
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void RunPart(int part)
        {
            int k = _k, m = _m, kp = _kp, j0 = part * BlockColumns, j1 = Math.Min(m, j0 + BlockColumns);
            var table = _table.AsSpan(_start + (j0 * kp), (j1 - j0) * kp);
            if (kp > k)
            {
                for (int j = 0; j < j1 - j0; j++)
                {
                    table.Slice((j * kp) + k, kp - k).Clear();
                }
            }

            // Whole V x V tiles (V components of V columns) by register transposes; the components past the last
            // whole tile and the columns past the last whole tile of the part one element at a time.
            int tiled = 0, tiledColumns = 0;
            if (Simd512<T>.HasTranspose)
            {
                int v = Simd512<T>.Count;
                tiled = k / v * v;
                tiledColumns = (j1 - j0) / v * v;
                fixed (T* ph = _h, pt = table)
                {
                    for (int c0 = 0; c0 < tiled; c0 += v)
                    {
                        for (int j = 0; j < tiledColumns; j += v)
                        {
                            Simd512<T>.TransposeSquare(ph + ((long)c0 * m) + j0 + j, m, pt + ((long)j * kp) + c0, kp, v);
                        }
                    }
                }
            }

            for (int c = 0; c < k; c++)
            {
                var hc = _h.AsSpan((c * m) + j0, j1 - j0);
                for (int j = c < tiled ? tiledColumns : 0; j < hc.Length; j++)
                {
                    table[(j * kp) + c] = hc[j];
                }
            }
        }
    }

    private sealed class Job<TV, TS> : IPartitionedWork
        where TV : struct
        where TS : ISimd<T, TV>
    {
        [ThreadStatic]
        private static Job<TV, TS>? _cached;

        private readonly int[] _bounds = new int[Parts + 1];
        private Kind _kind;
        private CsrMatrix<T>? _x;
        private T* _dense;     // XHt, Sampled: Hᵀ padded (cols x kp); WtX: W (n x k)
        private T* _out;       // XHt: result (n x k); WtX: result (k x m); Sampled: values
        private T* _w;         // Sampled: W (n x k)
        private T* _tail;      // WtX: W's last rows, zero-padded (see GatheredColumns)
        private int _k, _kp, _denseRows, _tailFirstRow;
        private int _blockRows, _blockCount;   // the dense table is read in blocks of _blockRows rows
        private int[]? _starts;                // per stored row r and block b: first entry of r in block b
        private T* _accumulator;               // rows x kp partial sums when there are several blocks

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void Run(Kind kind, CsrMatrix<T> x, T[] factor, int k, T[] output, T[]? w, int threads)
        {
            var job = _cached ??= new Job<TV, TS>();
            int v = TS.Count, kp = (k + v - 1) / v * v;
            job._kind = kind;
            job._x = x;
            job._k = k;
            job._kp = kp;
            T[]? padded = null;
            int start = 0;
            if (kind != Kind.WtX)
            {
                padded = BuildTable(factor, k, x.Cols, kp, threads, out start);
                job._denseRows = x.Cols;
            }
            else
            {
                // W's last rows (those within 4 vectors of the array's end), followed by zeros.
                job._denseRows = factor.Length / Math.Max(k, 1);
                int tailRows = Math.Min(job._denseRows, ((4 * v) / Math.Max(k, 1)) + 2);
                padded = Scratch<T>.Operand((tailRows * k) + (4 * v));
                factor.AsSpan(factor.Length - (tailRows * k)).CopyTo(padded);
                padded.AsSpan(tailRows * k, 4 * v).Clear();
                job._tailFirstRow = job._denseRows - tailRows;
            }

            OffsetSplit.Bounds(x.RowPtr, job._bounds); // fixed row blocks of about equal stored entries
            int stride = kind == Kind.WtX ? k : kp;
            job._blockRows = Math.Max(64, BlockBytes / Math.Max(1, stride * sizeof(T)));
            job._blockCount = (job._denseRows + job._blockRows - 1) / job._blockRows;
            T[]? accumulator = null;
            if (job._blockCount > 1)
            {
                job._starts = BlockStarts(x, job._blockRows, job._blockCount);
                if (kind != Kind.Sampled)
                {
                    accumulator = Scratch<T>.Accumulator(x.Rows * kp);
                }
            }
            else
            {
                job._starts = null;
            }

            int t = x.StoredCount * k < (1 << 15) ? 1 : threads;
            fixed (T* pf = factor, po = output, pw = w, pp = padded, pa = accumulator)
            {
                job._accumulator = pa;
                job._dense = kind == Kind.WtX ? pf : pp + start;
                job._tail = kind == Kind.WtX ? pp : null;
                job._out = po;
                job._w = pw;
                try
                {
                    KernelThreads.Run(job, Parts, t);
                }
                finally
                {
                    job._dense = job._out = job._w = job._tail = job._accumulator = null;
                    job._x = null;
                    job._starts = null;
                }
            }
        }

        /// <summary>
        /// starts[r·(B+1) + b] = the first stored entry of row r whose column is in block b or later (columns are
        /// sorted within a row, so each block's entries of a row are one contiguous range). Cached per matrix.
        /// </summary>
        private static int[] BlockStarts(CsrMatrix<T> x, int blockRows, int blockCount)
        {
            if (BlockIndex.TryGetValue(x, out var cached) && cached.BlockRows == blockRows)
            {
                return cached.Starts;
            }

            int stride = blockCount + 1;
            var starts = new int[x.Rows * stride];
            var rowPtr = x.RowPtr;
            var cols = x.ColIndices;
            for (int r = 0; r < x.Rows; r++)
            {
                int p = rowPtr[r], end = rowPtr[r + 1];
                for (int b = 0; b < blockCount; b++)
                {
                    int first = b * blockRows;
                    while (p < end && cols[p] < first)
                    {
                        p++;
                    }

                    starts[(r * stride) + b] = p;
                }

                starts[(r * stride) + blockCount] = end;
            }

            BlockIndex.AddOrUpdate(x, new BlockStartIndex(blockRows, starts));
            return starts;
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void RunPart(int part)
        {
            int r0 = _bounds[part], r1 = _bounds[part + 1];
            if (r0 >= r1)
            {
                return;
            }

            var temp = Scratch<T>.Second(4 * (TS.Count + _kp));
            var tile = Scratch<T>.First(TileRows * 4 * TS.Count);
            fixed (T* tp = temp, tl = tile)
            {
                if (_kind == Kind.Sampled)
                {
                    SampledRows(r0, r1, tp);
                    return;
                }

                if (_kind == Kind.XHt && _blockCount == 1)
                {
                    // X·Hᵀ from the whole table: two rows at a time, as the fused W pass's blocks (TableRows).
                    var x = _x!;
                    fixed (int* rowPtr = x.RowPtr, cols = x.ColIndices)
                    fixed (T* vals = x.Values)
                    {
                        AllColumns(rowPtr, cols, vals, _dense, _kp, _k, r0, r1, _out, tp, Streams(x));
                    }

                    return;
                }

                int v = TS.Count;
                for (int q0 = 0; q0 < _kp; q0 += 4 * v)
                {
                    // Wᵀ·X reads W's unpadded rows: when the chunk's last vector needs at most half its lanes, only that
                    // half is loaded, so a row of k = 20 doubles touches 3 cache lines instead of 3.5 on average.
                    int chunk = Math.Min(4 * v, _kp - q0), used = Math.Min(chunk, _k - q0);
                    bool half = _kind == Kind.WtX && used - (chunk - v) <= v / 2;
                    switch ((_kp - q0) / v)
                    {
                        case 1 when half: AxpyRows<OneHalf>(r0, r1, q0, tl); break;
                        case 2 when half: AxpyRows<TwoHalf>(r0, r1, q0, tl); break;
                        case 3 when half: AxpyRows<ThreeHalf>(r0, r1, q0, tl); break;
                        case >= 4 when half: AxpyRows<FourHalf>(r0, r1, q0, tl); break;
                        case 1: AxpyRows<One>(r0, r1, q0, tl); break;
                        case 2: AxpyRows<Two>(r0, r1, q0, tl); break;
                        case 3: AxpyRows<Three>(r0, r1, q0, tl); break;
                        default: AxpyRows<Four>(r0, r1, q0, tl); break;
                    }
                }
            }
        }

        /// <summary>All kp columns of rows r0..r1 of X·Hᵀ, in chunks of up to four vectors.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void AllColumns(int* rowPtr, int* cols, T* vals, T* table, int kp, int k, int r0, int r1, T* output, T* temp, bool stream)
        {
            int v = TS.Count;
            for (int q0 = 0; q0 < k; q0 += 4 * v)
            {
                // X's lines are streamed past the caches on the last walk over the rows only (k above four vectors
                // walks them once per chunk of columns, and a streamed line is gone from L2 by the next walk).
                bool last = q0 + (4 * v) >= k;

                // Vectors of this chunk, and whether the table's row ends inside the last one (an unpadded table).
                int vectors = Math.Min(4, (k - q0 + v - 1) / v);
                bool half = q0 + (vectors * v) > kp;
                switch (vectors)
                {
                    case 1 when half: PairedRows<OneHalf>(rowPtr, cols, vals, table, kp, k, r0, r1, q0, output, temp, stream && last); break;
                    case 2 when half: PairedRows<TwoHalf>(rowPtr, cols, vals, table, kp, k, r0, r1, q0, output, temp, stream && last); break;
                    case 3 when half: PairedRows<ThreeHalf>(rowPtr, cols, vals, table, kp, k, r0, r1, q0, output, temp, stream && last); break;
                    case 4 when half: PairedRows<FourHalf>(rowPtr, cols, vals, table, kp, k, r0, r1, q0, output, temp, stream && last); break;
                    case 1: PairedRows<One>(rowPtr, cols, vals, table, kp, k, r0, r1, q0, output, temp, stream && last); break;
                    case 2: PairedRows<Two>(rowPtr, cols, vals, table, kp, k, r0, r1, q0, output, temp, stream && last); break;
                    case 3: PairedRows<Three>(rowPtr, cols, vals, table, kp, k, r0, r1, q0, output, temp, stream && last); break;
                    default: PairedRows<Four>(rowPtr, cols, vals, table, kp, k, r0, r1, q0, output, temp, stream && last); break;
                }
            }
        }

        /// <summary>
        /// Rows r0..r1 of X·Hᵀ, columns q0..q0+N·V, into <paramref name="output"/> (row r at output + r·k) from the
        /// table (row j at table + j·kp), two rows at a time: the entries of rows r and r+1 are walked in step, so two
        /// independent chains of multiply-adds are in flight instead of one (each row's sum is still over its own entries
        /// in storage order, so the result is the same as one row at a time). With <paramref name="stream"/>, X's arrays
        /// are read ahead with non-temporal prefetches (<see cref="StreamBytes"/>).
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void PairedRows<TN>(
            int* rowPtr, int* cols, T* vals, T* table, nint kp, int k, int r0, int r1, int q0, T* output, T* temp, bool stream)
            where TN : ISmallCount
        {
            int v = TS.Count, width = Math.Min(TN.Value * v, k - q0);
            nint stride = kp;
            T* dense = table + q0;
            output += q0;
            // The next lines of X's values and indices not yet asked for, each asked for once (StreamBytes).
            long nextValue = rowPtr[r0] + StreamAhead, nextIndex = nextValue;
            int valuesPerLine = CacheLine / sizeof(T), indicesPerLine = CacheLine / sizeof(int);
            int r = r0;
            for (; r + 1 < r1; r += 2)
            {
                TV a0 = TS.Zero, a1 = TS.Zero, a2 = TS.Zero, a3 = TS.Zero;
                TV b0 = TS.Zero, b1 = TS.Zero, b2 = TS.Zero, b3 = TS.Zero;
                int p = rowPtr[r], pEnd = rowPtr[r + 1], q = pEnd, qEnd = rowPtr[r + 2];
                if (stream)
                {
                    long until = (long)qEnd + StreamAhead;
                    for (; nextValue < until; nextValue += valuesPerLine)
                    {
                        Sse.PrefetchNonTemporal(vals + nextValue);
                    }

                    for (; nextIndex < until; nextIndex += indicesPerLine)
                    {
                        Sse.PrefetchNonTemporal(cols + nextIndex);
                    }
                }
                int common = Math.Min(pEnd - p, qEnd - q);
                for (int z = 0; z < common; z++, p++, q++)
                {
                    AddScaled<TN>(TS.Broadcast(vals[p]), dense + (cols[p] * stride), ref a0, ref a1, ref a2, ref a3);
                    AddScaled<TN>(TS.Broadcast(vals[q]), dense + (cols[q] * stride), ref b0, ref b1, ref b2, ref b3);
                }

                Accumulate<TN>(vals, cols, dense, stride, p, pEnd, ref a0, ref a1, ref a2, ref a3);
                Accumulate<TN>(vals, cols, dense, stride, q, qEnd, ref b0, ref b1, ref b2, ref b3);
                StoreRow<TN>(a0, a1, a2, a3, output + ((long)r * k), width, temp);
                StoreRow<TN>(b0, b1, b2, b3, output + ((long)(r + 1) * k), width, temp);
            }

            if (r < r1)
            {
                TV a0 = TS.Zero, a1 = TS.Zero, a2 = TS.Zero, a3 = TS.Zero;
                Accumulate<TN>(vals, cols, dense, stride, rowPtr[r], rowPtr[r + 1], ref a0, ref a1, ref a2, ref a3);
                StoreRow<TN>(a0, a1, a2, a3, output + ((long)r * k), width, temp);
            }
        }

        /// <summary>a_i += Σ value_p · table row col_p, for the entries p..end of one row in order.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Accumulate<TN>(T* vals, int* cols, T* dense, nint stride, int p, int end, ref TV a0, ref TV a1, ref TV a2, ref TV a3)
            where TN : ISmallCount
        {
            for (; p < end; p++)
            {
                AddScaled<TN>(TS.Broadcast(vals[p]), dense + (cols[p] * stride), ref a0, ref a1, ref a2, ref a3);
            }
        }

        /// <summary>a_i += s · d[i·V ..] for the N vectors of one table row.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void AddScaled<TN>(TV s, T* d, ref TV a0, ref TV a1, ref TV a2, ref TV a3)
            where TN : ISmallCount
        {
            int v = TS.Count;
            a0 = TS.MulAdd(s, TN.HalfLast && TN.Value == 1 ? TS.LoadLowHalf(d) : TS.Load(d), a0);
            if (TN.Value > 1)
            {
                a1 = TS.MulAdd(s, TN.HalfLast && TN.Value == 2 ? TS.LoadLowHalf(d + v) : TS.Load(d + v), a1);
            }

            if (TN.Value > 2)
            {
                a2 = TS.MulAdd(s, TN.HalfLast && TN.Value == 3 ? TS.LoadLowHalf(d + (2 * v)) : TS.Load(d + (2 * v)), a2);
            }

            if (TN.Value > 3)
            {
                a3 = TS.MulAdd(s, TN.HalfLast && TN.Value == 4 ? TS.LoadLowHalf(d + (3 * v)) : TS.Load(d + (3 * v)), a3);
            }
        }

        /// <summary>The N vectors stored one after another at dst.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void StoreVectors<TN>(TV a0, TV a1, TV a2, TV a3, T* dst)
            where TN : ISmallCount
        {
            int v = TS.Count;
            TS.Store(a0, dst);
            if (TN.Value > 1)
            {
                TS.Store(a1, dst + v);
            }

            if (TN.Value > 2)
            {
                TS.Store(a2, dst + (2 * v));
            }

            if (TN.Value > 3)
            {
                TS.Store(a3, dst + (3 * v));
            }
        }

        /// <summary>The first <paramref name="width"/> values of the N vectors into dst: whole vectors directly, the rest through temp.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void StoreRow<TN>(TV a0, TV a1, TV a2, TV a3, T* dst, int width, T* temp)
            where TN : ISmallCount
        {
            int v = TS.Count;
            if (width == TN.Value * v)
            {
                StoreVectors<TN>(a0, a1, a2, a3, dst);
                return;
            }

            StoreVectors<TN>(a0, a1, a2, a3, temp);

            int whole = width / v * v;
            for (int c = 0; c < whole; c += v)
            {
                TS.Store(TS.Load(temp + c), dst + c);
            }

            for (int c = whole; c < width; c++)
            {
                dst[c] = temp[c];
            }
        }

        /// <summary>
        /// Output columns q0..q0+N·V of rows r0..r1: out[r, :] = Σ_p value_p · dense[col_p, q0..], with the
        /// sum over the row's stored entries in order. With several blocks, the sum of a row continues block by
        /// block from the partial sum kept in the accumulator, which is the same order of operations. With one block
        /// (X·Hᵀ then takes <see cref="AllColumns"/>) this is Wᵀ·X, by <see cref="GatheredColumns{TN}"/>.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void AxpyRows<TN>(int r0, int r1, int q0, T* tile) where TN : ISmallCount
        {
            var x = _x!;
            int v = TS.Count, k = _k, kp = _kp, width = Math.Min(TN.Value * v, k - q0);
            bool padded = _kind == Kind.XHt;
            nint stride = padded ? kp : k;

            // Loads of N vectors from the last rows of an unpadded W would run past the array's end; those rows
            // are read from a zero-padded copy of W's tail instead.
            long total = (long)_denseRows * stride;
            long room = total - q0 - (TN.Value * v) + (TN.HalfLast ? v / 2 : 0);
            long lastSafe = padded ? _denseRows - 1 : room < 0 ? -1 : room / k;
            T* tail = _tail - (_tailFirstRow * stride);
            T* dense = _dense;
            T* acc = _accumulator;
            int outRows = x.Rows, blocks = _blockCount, startStride = blocks + 1;
            int[]? starts = _starts;

            // The rows read are scattered over the table: ask for the row needed a few entries ahead, so several
            // misses are in flight at once.
            // 32 entries ahead with every line of the row requested measured best on P2's Wᵀ·X (rows of W read at
            // random from a 10 MB table: 6.2 → 5.0 ms on one core; 12 entries ahead with two lines gained nothing).
            int prefetchEnd = Sse.IsSupported && Prefetch ? x.RowPtr[r1] - GatherAhead : int.MinValue;
            fixed (int* rowPtr = x.RowPtr, cols = x.ColIndices, blockStart = starts)
            fixed (T* vals = x.Values)
            {
                if (blocks == 1)
                {
                    GatheredColumns<TN>(rowPtr, cols, vals, dense + q0, tail + q0, lastSafe, stride, r0, r1, prefetchEnd, tile, q0, width, _out, outRows);
                    return;
                }

                int span = RowSpan<TN>();
                for (int b = 0; b < blocks; b++)
                {
                    for (int r = r0; r < r1; r++)
                    {
                        int begin = blockStart[(r * startStride) + b], end = blockStart[(r * startStride) + b + 1];
                        T* partial = acc + ((long)r * kp) + q0;
                        if (b > 0 && begin == end)
                        {
                            continue;
                        }

                        TV a0 = TS.Zero, a1 = TS.Zero, a2 = TS.Zero, a3 = TS.Zero;
                        if (b > 0)
                        {
                            a0 = TS.Load(partial);
                            a1 = TN.Value > 1 ? TS.Load(partial + v) : a1;
                            a2 = TN.Value > 2 ? TS.Load(partial + (2 * v)) : a2;
                            a3 = TN.Value > 3 ? TS.Load(partial + (3 * v)) : a3;
                        }

                        for (int p = begin; p < end; p++)
                        {
                            if (p < prefetchEnd)
                            {
                                PrefetchRow((byte*)(dense + (cols[p + GatherAhead] * stride) + q0), span);
                            }

                            int j = cols[p];
                            T* d = (j > lastSafe ? tail : dense) + (j * stride) + q0;
                            AddScaled<TN>(TS.Broadcast(vals[p]), d, ref a0, ref a1, ref a2, ref a3);
                        }

                        StoreVectors<TN>(a0, a1, a2, a3, partial);
                    }
                }

                for (int r = r0; r < r1; r++)
                {
                    WriteOut(acc + ((long)r * kp) + q0, r, q0, width, rowsOut: _kind == Kind.XHt, _out, outRows);
                }
            }
        }

        /// <summary>How many stored entries ahead the gathers ask for the table row they will read.</summary>
        private const int GatherAhead = 32;

        /// <summary>Bytes of a table row that the N vectors of <typeparamref name="TN"/> load (a constant once compiled).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static int RowSpan<TN>() where TN : ISmallCount => ((TN.Value * TS.Count) - (TN.HalfLast ? TS.Count / 2 : 0)) * sizeof(T);

        /// <summary>Every cache line of the <paramref name="span"/> bytes at <paramref name="row"/>, into L1.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void PrefetchRow(byte* row, int span)
        {
            // Unrolled: span is a constant of the instantiation, so only the lines the row has are asked for.
            Sse.Prefetch0(row);
            if (span > 64)
            {
                Sse.Prefetch0(row + 64);
            }

            if (span > 128)
            {
                Sse.Prefetch0(row + 128);
            }

            if (span > 192)
            {
                Sse.Prefetch0(row + 192);
            }

            Sse.Prefetch0(row + span - 1);
        }

        /// <summary>
        /// Columns r0..r1 of Wᵀ·X (rows of Xᵀ) against the unpadded rows of W (<paramref name="table"/> at column q0,
        /// <paramref name="stride"/> elements a row): Σ_p value_p · W[col_p] over the row's stored entries in order, gathered
        /// in a tile of rows and written out column by column in runs of TileRows contiguous values. Kept apart
        /// from the blocked loop so that the entry loop holds only its own few values in registers (the shared loop
        /// reloaded five of them from the stack every entry, and asked for the row's lines in a loop): P2's Wᵀ·X in float
        /// 2.06–2.07 → 1.64–1.87 ms (best of 10, alternated builds on quiet minutes), in double about the same (2.5–2.7 ms);
        /// P2's fit per iteration, medians of alternated fits, float 7.21 → 6.42 ms, double 8.28 → 7.75 and 9.87 → 9.64 ms.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void GatheredColumns<TN>(
            int* rowPtr, int* cols, T* vals, T* table, T* tail, long lastSafe, nint stride, int r0, int r1, int prefetchEnd, T* tile,
            int q0, int width, T* output, int outRows)
            where TN : ISmallCount
        {
            int tileWidth = TN.Value * TS.Count, span = RowSpan<TN>(), tileStart = r0;
            for (int r = r0; r < r1; r++)
            {
                TV a0 = TS.Zero, a1 = TS.Zero, a2 = TS.Zero, a3 = TS.Zero;
                int p = rowPtr[r], end = rowPtr[r + 1];

                // A row of Xᵀ lists its rows of W in increasing order, so only its last entries can be rows whose loads
                // would run past W's end (read from the padded tail instead); the entries before them, up to the
                // prefetches' end, take the plain loop.
                int safeEnd = end;
                while (safeEnd > p && cols[safeEnd - 1] > lastSafe)
                {
                    safeEnd--;
                }

                for (int plain = Math.Min(safeEnd, prefetchEnd); p < plain; p++)
                {
                    PrefetchRow((byte*)(table + (cols[p + GatherAhead] * stride)), span);
                    AddScaled<TN>(TS.Broadcast(vals[p]), table + (cols[p] * stride), ref a0, ref a1, ref a2, ref a3);
                }

                for (; p < end; p++)
                {
                    int j = cols[p];
                    AddScaled<TN>(TS.Broadcast(vals[p]), (j > lastSafe ? tail : table) + (j * stride), ref a0, ref a1, ref a2, ref a3);
                }

                StoreVectors<TN>(a0, a1, a2, a3, tile + ((r - tileStart) * tileWidth));
                if (r + 1 - tileStart == TileRows || r + 1 == r1)
                {
                    FlushTile(tile, tileWidth, tileStart, r + 1, q0, width, output, outRows);
                    tileStart = r + 1;
                }
            }
        }

        /// <summary>Rows r0..r1 of the tile (row stride <paramref name="tileWidth"/>) as columns r0..r1 of the k x outRows output.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void FlushTile(T* tile, int tileWidth, int r0, int r1, int q0, int width, T* output, int outRows)
        {
            for (int c = 0; c < width; c++)
            {
                T* column = output + ((long)(q0 + c) * outRows);
                T* source = tile + c;
                for (int r = r0; r < r1; r++, source += tileWidth)
                {
                    column[r] = *source;
                }
            }
        }

        /// <summary>Row r's finished values: a row of X·Hᵀ, or a column of Wᵀ·X.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private void WriteOut(T* values, int r, int q0, int width, bool rowsOut, T* output, int outRows)
        {
            if (rowsOut)
            {
                new Span<T>(values, width).CopyTo(new Span<T>(output + ((long)r * _k) + q0, width));
            }
            else
            {
                for (int c = 0; c < width; c++)
                {
                    output[((long)(q0 + c) * outRows) + r] = values[c];
                }
            }
        }

        /// <summary>values[p] = W[i, :] · Hᵀ[j, :] for the stored entries of rows r0..r1, block by block.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void SampledRows(int r0, int r1, T* temp)
        {
            var x = _x!;
            int v = TS.Count, k = _k, kp = _kp, blocks = _blockCount, startStride = blocks + 1;
            T* wRow = temp;
            T* dense = _dense;
            T* output = _out;
            new Span<T>(wRow, kp).Clear();
            fixed (int* rowPtr = x.RowPtr, cols = x.ColIndices, blockStart = _starts)
            {
                for (int b = 0; b < blocks; b++)
                {
                    for (int r = r0; r < r1; r++)
                    {
                        int start = blocks == 1 ? rowPtr[r] : blockStart[(r * startStride) + b];
                        int end = blocks == 1 ? rowPtr[r + 1] : blockStart[(r * startStride) + b + 1];
                        if (start == end)
                        {
                            continue;
                        }

                        new Span<T>(_w + ((long)r * k), k).CopyTo(new Span<T>(wRow, k));
                        for (int p = start; p < end; p++)
                        {
                            T* hj = dense + ((long)cols[p] * kp);
                            TV sum = TS.Zero;
                            for (int q = 0; q < kp; q += v)
                            {
                                sum = TS.MulAdd(TS.Load(wRow + q), TS.Load(hj + q), sum);
                            }

                            output[p] = TS.Sum(sum);
                        }
                    }
                }
            }
        }
    }
}
