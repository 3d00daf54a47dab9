using System.Numerics;
using System.Runtime.CompilerServices;
using Nmf.Matrices;

namespace Nmf.Kernels;

/// <summary>
/// The W half of a HALS / coordinate-descent iteration in one pass over X: for each block of rows, R = X_B·Hᵀ, then
/// up to <c>maxPasses</c> coordinate-descent passes over W_B (<see cref="CoordinateSweep{T}"/>), then, for dense X,
/// (WᵀX)ᵀ += X_Bᵀ·W_B and WᵀW += W_Bᵀ·W_B while W_B and X_B are still in cache (Hᵀ is packed for the products once per
/// call, not per block). Done as separate products, dense X is
/// read from memory twice per iteration (XHᵀ before the W update, WᵀX after it) instead of once; for CSR X, X·Hᵀ
/// (n x k) would be written to memory and read back. For CSR X, WᵀX stays a separate product (through the cached
/// transpose), and WᵀW is summed while each block of W is in L1: as a pass of its own afterwards it read W back from
/// memory, which the pass over X had pushed out of the 32 MB L3 (P2: 0.6–1.0 ms an iteration in the fit against 0.3 ms
/// with W in cache). With one pass over W it is summed from the sweep's own lane-per-row copy of each 64-row block,
/// straight into the thin-factor Gram kernel's accumulators for the whole group (<see cref="GramProducts{T}.BeginBlocks"/>),
/// so the rows are not transposed again and the lanes are added once per group (P2's W pass 2.95 → 2.80 ms); with
/// several passes, per block by that kernel after the last one.
/// </summary>
/// <remarks>
/// Rows of W are independent given HHᵀ, and each block's R is the same sums in the same order as the separate
/// product (<see cref="Gemm{T}"/> for dense X, the padded-table rows of <see cref="SparseProducts{T}"/> for CSR X),
/// so W comes out exactly as from XHᵀ followed by whole passes (with one pass: bit-identical to <c>cd</c>). With
/// several passes each block stops on its own change (ε rule of Gillis &amp; Glineur 2012 per block). WᵀX and WᵀW are
/// summed per fixed group of blocks, then over the groups in order: independent of the thread count, but rounded
/// differently from one long sum.
/// </remarks>
/// <typeparam name="T">float or double.</typeparam>
internal static unsafe class FusedRowPasses<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>
    /// Fixed groups of blocks the threads take one at a time. Many small groups keep both cores busy to the end of the
    /// pass (eight groups left one idle for up to an eighth of it: P1 at 2 threads vs 1, 1.70x → 1.8x); each group
    /// costs one k x m partial of WᵀX, summed in order after the pass.
    /// </summary>
    private const int Groups = 32;
    private const int BlockRows = 256;

    /// <summary>Whether the fused pass runs for this element type on this machine (it needs the vector kernels).</summary>
    public static bool IsAvailable =>
        (typeof(T) == typeof(double) || typeof(T) == typeof(float)) && SimdSelect.Path != SimdPath.Scalar;

    /// <summary>Runs the W half on dense X (WᵀX and WᵀW included); returns the summed violation of the first pass over each block.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static T Run(
        DenseMatrix<T> x, DenseMatrix<T> h, DenseMatrix<T> w, DenseMatrix<T> gram, T l1, int[] order, int maxPasses, double epsilon,
        DenseMatrix<T> wtx, DenseMatrix<T> wtw, int threads)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(h);
        ArgumentNullException.ThrowIfNull(wtx);
        var job = Job.Cached ??= new Job();
        job.Dense = x;

        // Hᵀ (m x k) is packed into the product's panels once for all blocks.
        fixed (T* ph = h.Data)
        {
            Gemm<T>.Pack(x.Cols, h.Rows, ph, x.Cols, bTransposed: true, SimdSelect.Path, job.PackedHt);
        }

        try
        {
            return Execute(job, x.Rows, x.Cols, w, gram, l1, order, maxPasses, epsilon, wtx, wtw, threads);
        }
        finally
        {
            job.Dense = null;
        }
    }

    /// <summary>
    /// Runs the W half on CSR X (with <paramref name="wtw"/>, WᵀW too; never WᵀX); returns the summed violation of the
    /// first pass over each block.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static T Run(
        CsrMatrix<T> x, DenseMatrix<T> h, DenseMatrix<T> w, DenseMatrix<T> gram, T l1, int[] order, int maxPasses, double epsilon,
        DenseMatrix<T>? wtw, int threads)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(h);
        var job = Job.Cached ??= new Job();
        var table = SparseProducts<T>.PaddedTable(h, threads, SimdSelect.Path, out int start, out int kp);
        job.Sparse = x;
        job.Kp = kp;
        try
        {
            fixed (T* pt = table)
            {
                job.Table = pt + start;
                return Execute(job, x.Rows, 0, w, gram, l1, order, maxPasses, epsilon, null, wtw, threads);
            }
        }
        finally
        {
            job.Sparse = null;
            job.Table = null;
        }
    }

    /// <summary>The shared driver: fixed groups of blocks over the threads, then, for dense X, the groups' WᵀX and WᵀW in order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static T Execute(
        Job job, int n, int m, DenseMatrix<T> w, DenseMatrix<T> gram, T l1, int[] order, int maxPasses, double epsilon,
        DenseMatrix<T>? wtx, DenseMatrix<T>? wtw, int threads)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(gram);
        int k = w.Cols;
        job.W = w;
        job.Gram = gram;
        job.L1 = l1;
        job.Order = order;
        job.MaxPasses = Math.Max(1, maxPasses);
        job.Epsilon = epsilon;
        job.Path = SimdSelect.Path;
        int blocks = (n + BlockRows - 1) / BlockRows;
        job.GroupCount = Math.Max(1, Math.Min(Groups, blocks));
        job.Blocks = blocks;
        int partialLength = (wtx is null ? 0 : k * m) + (wtw is null ? 0 : k * k);
        job.PartialLength = partialLength;
        job.WtwOffset = wtx is null ? 0 : k * m;
        job.WantsWtw = wtw is not null;
        if (job.Partials is null || job.Partials.Length < job.GroupCount * partialLength)
        {
            job.Partials = new T[job.GroupCount * partialLength];
        }

        try
        {
            KernelThreads.Run(job, job.GroupCount, threads);
            var partials = job.Partials.AsSpan();
            if (wtw is not null)
            {
                int offset = job.WtwOffset;
                partials.Slice(offset, k * k).CopyTo(wtw.Data);
                for (int g = 1; g < job.GroupCount; g++)
                {
                    System.Numerics.Tensors.TensorPrimitives.Add(wtw.Data, partials.Slice((g * partialLength) + offset, k * k), wtw.Data);
                }
            }

            if (wtx is not null)
            {
                TallProducts<T>.SumGroupsTransposed(partials, job.GroupCount, partialLength, m, k, wtx.Data);
            }

            T violation = job.Violations[0];
            for (int g = 1; g < job.GroupCount; g++)
            {
                violation += job.Violations[g];
            }

            return violation;
        }
        finally
        {
            job.W = job.Gram = null;
            job.Order = null;
        }
    }

    private sealed class Job : IPartitionedWork
    {
        [ThreadStatic]
        public static Job? Cached;

        [ThreadStatic]
        private static T[]? _rhs;

        [ThreadStatic]
        private static T[]? _temp;

        [ThreadStatic]
        private static GramOfBlocks? _gramOfBlocks;

        /// <summary>Adds each swept block of W to this thread's running WᵀW (<see cref="GramProducts{T}.BeginBlocks"/>).</summary>
        private sealed class GramOfBlocks : ISweptBlocks<T>
        {
            private SimdPath _path;

            public void Use(SimdPath path) => _path = path;

            public void Swept(T* block, nint stride, int length) => GramProducts<T>.AddBlock(block, stride, length, _path);
        }

        public readonly T[] Violations = new T[Groups];
        public readonly Gemm<T>.PackedB PackedHt = new();
        public DenseMatrix<T>? Dense, W, Gram;
        public CsrMatrix<T>? Sparse;
        public T* Table;
        public int[]? Order;
        public T[]? Partials;
        public T L1;
        public int MaxPasses, GroupCount, Blocks, PartialLength, WtwOffset, Kp;
        public bool WantsWtw;
        public double Epsilon;
        public SimdPath Path;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void RunPart(int group)
        {
            var w = W!;
            var dense = Dense;
            int n = w.Rows, k = w.Cols, m = dense?.Cols ?? 0;
            int b0 = (int)((long)Blocks * group / GroupCount), b1 = (int)((long)Blocks * (group + 1) / GroupCount);
            if (_rhs is null || _rhs.Length < BlockRows * k)
            {
                _rhs = GC.AllocateUninitializedArray<T>(BlockRows * k, pinned: true);
            }

            int gramAt = 4 * (SimdSelect.Lanes<T>(Path) + Kp), tempLength = gramAt + (k * k);
            if (_temp is null || _temp.Length < tempLength)
            {
                _temp = GC.AllocateUninitializedArray<T>(tempLength, pinned: true);
            }

            var rhs = _rhs;
            T violation = T.Zero;
            double stop = Epsilon * Epsilon;

            // CSR X with one pass: WᵀW summed from the sweep's own lane-per-row copy of each block of W, over the whole
            // group, the lanes added once at its end.
            bool gramInSweep = dense is null && WantsWtw && MaxPasses == 1 && k <= GramProducts<T>.MaxK;
            if (gramInSweep)
            {
                GramProducts<T>.BeginBlocks(k, Path);
            }

            var swept = gramInSweep ? (_gramOfBlocks ??= new GramOfBlocks()) : null;
            swept?.Use(Path);
            fixed (T* px = dense is null ? null : dense.Data, pw = w.Data, pr = rhs, pt = _temp, pp = Partials)
            {
                T* wtx = pp + ((long)group * PartialLength);
                T* wtw = wtx + WtwOffset;
                for (int b = b0; b < b1; b++)
                {
                    int i0 = b * BlockRows, rows = Math.Min(BlockRows, n - i0);
                    T* xb = px + ((long)i0 * m);
                    T* wb = pw + ((long)i0 * k);
                    if (dense is not null)
                    {
                        Gemm<T>.Run(rows, xb, m, 1, PackedHt, pr, k);
                    }
                    else
                    {
                        SparseProducts<T>.TableRows(Sparse!, Table, Kp, k, i0, i0 + rows, pr, pt, Path);
                    }

                    var first = CoordinateSweep<T>.Run(w.Data, rows, k, 1, Gram!.Data, k, rhs, k, 1, L1, Order!, 1, Path, i0 * k, 0, swept);
                    violation += first.Violation;
                    for (int pass = 1; pass < MaxPasses; pass++)
                    {
                        var next = CoordinateSweep<T>.Run(w.Data, rows, k, 1, Gram.Data, k, rhs, k, 1, L1, Order!, 1, Path, i0 * k, 0);
                        if (next.SquaredChange <= stop * first.SquaredChange)
                        {
                            break;
                        }
                    }

                    bool accumulate = b > b0;
                    if (dense is not null)
                    {
                        // (WᵀX)ᵀ += X_Bᵀ·W_B: X's rows give the broadcast operand in place and W_B's rows are the
                        // panels, so X_B is not copied (as the B operand of W_Bᵀ·X_B it would be, to dodge L1 set conflicts).
                        Gemm<T>.Run(m, k, rows, xb, 1, m, wb, k, false, wtx, k, 1, Path, accumulate);
                        Gemm<T>.Run(k, k, rows, wb, 1, k, wb, k, false, wtw, k, 1, Path, accumulate);
                    }
                    else if (WantsWtw && !gramInSweep)
                    {
                        BlockGram(wb, rows, k, wtw, accumulate, pt + gramAt);
                    }
                }

                if (gramInSweep)
                {
                    GramProducts<T>.EndBlocks(wtw, Path);
                }
            }

            Violations[group] = violation;
        }

        /// <summary>
        /// WᵀW (+)= W_Bᵀ·W_B for a CSR block, while W_B is in L1: the thin-factor Gram kernel (upper triangle, full vectors)
        /// into <paramref name="temp"/>, added to the group's partial; short blocks through the matrix product.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void BlockGram(T* wb, int rows, int k, T* wtw, bool accumulate, T* temp)
        {
            if (!GramProducts<T>.ServesCols(rows, k, Path))
            {
                Gemm<T>.Run(k, k, rows, wb, 1, k, wb, k, false, wtw, k, 1, Path, accumulate);
                return;
            }

            GramProducts<T>.Cols(wb, rows, k, accumulate ? temp : wtw, 1, Path);
            if (accumulate)
            {
                System.Numerics.Tensors.TensorPrimitives.Add(new ReadOnlySpan<T>(wtw, k * k), new ReadOnlySpan<T>(temp, k * k), new Span<T>(wtw, k * k));
            }
        }
    }
}
