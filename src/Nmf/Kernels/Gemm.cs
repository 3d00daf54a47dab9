using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Nmf.Kernels;

/// <summary>
/// Dense matrix product C = A · B in the layered scheme of Goto &amp; van de Geijn (2008, "Anatomy of
/// high-performance matrix multiplication"): B is packed into K-blocks of NR-wide panels that stay in cache,
/// and an MR x NR register-blocked micro-kernel accumulates a tile of C over one K-block. A is read in place
/// through a row stride and a column stride, so X·Hᵀ streams X without copying it and Wᵀ·X reads W's rows as they are.
/// </summary>
/// <remarks>
/// Two micro-kernel shapes: 8 rows x 2 vectors, and, on 512-bit vectors when C has at least three vectors of
/// columns (NMF's n x k products with k ≥ 24 doubles or 48 floats), 6 rows x 4 vectors: 24 accumulators of the 32
/// registers, ten loads per 24 multiply-adds instead of ten per 16, and an n x 32 product in double reads each
/// element of A once instead of once per 2-vector panel.
/// Determinism: every element of C is one fused multiply-add chain over p = 0..K-1 in order (K-blocks in
/// order, each continuing from the previous partial sum held in C), whatever the tile shape. Threads split C into
/// disjoint tiles and never share a sum, so the result is the same for every thread count and every partition.
/// </remarks>
/// <typeparam name="T">float or double.</typeparam>
internal static unsafe class Gemm<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>A multiple of every tile's rows (6 and 8), for callers that cut A into row blocks.</summary>
    public const int MR = 24;

    /// <summary>Rows of A swept per B block (A's rows of one block stay in L2), a multiple of every tile's rows.</summary>
    private const int MC = 120;

    /// <summary>Columns of B packed at once (KC x NC fits L2).</summary>
    private const int NC = 512;

    /// <summary>A B of at most this size is packed whole and reused across A's row blocks (a quarter of a 1 MB L2).</summary>
    private const long WholeBytes = 256 * 1024;

    /// <summary>Below this many multiply-adds one thread is faster than waking another.</summary>
    private const long SerialWork = 1 << 16;

    /// <summary>
    /// C (m x n, row stride <paramref name="ldc"/>) = A (m x k) · B (k x n), overwriting C, where
    /// A[i, p] = a[i·rsA + p·csA] and B[p, j] = b[p·ldb + j] (or b[j·ldb + p] when <paramref name="bTransposed"/>).
    /// With <paramref name="accumulate"/>, C += A · B instead (each element's chain continues from C).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(
        int m, int n, int k, T* a, nint rsA, nint csA, T* b, nint ldb, bool bTransposed, T* c, nint ldc, int threads, SimdPath path,
        bool accumulate = false)
    {
        if (m == 0 || n == 0 || (k == 0 && accumulate))
        {
            return;
        }

        if (k == 0)
        {
            for (int i = 0; i < m; i++)
            {
                new Span<T>(c + (i * ldc), n).Clear();
            }

            return;
        }

        var operands = new Operands(m, n, k, a, rsA, csA, b, ldb, bTransposed, null, c, ldc, accumulate);
        Dispatch(operands, threads, path, IsWide(m, n, k, path));
    }

    /// <summary>
    /// Packs B (k x n; B[p, j] = b[p·ldb + j], or b[j·ldb + p] when <paramref name="bTransposed"/>) once into
    /// <paramref name="packed"/> for <see cref="Run(int, T*, nint, nint, PackedB, T*, nint, bool)"/>, so a product
    /// repeated over many row blocks of A against the same B (X_B·Hᵀ in the fused passes) packs it once.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Pack(int k, int n, T* b, nint ldb, bool bTransposed, SimdPath path, PackedB packed)
    {
        ArgumentNullException.ThrowIfNull(packed);
        bool wide = IsWide(int.MaxValue, n, k, path);
        int nr = (wide ? 4 : 2) * SimdSelect.Lanes<T>(path);
        int nPad = (n + nr - 1) / nr * nr;
        packed.Resize(k, n, nPad, wide, path);
        fixed (T* dst = packed.Data)
        {
            var operands = new Operands(0, n, k, null, 0, 0, b, ldb, bTransposed, null, null, 0, false);
            switch (path)
            {
                case SimdPath.V512 when wide:
                    Job<Vector512<T>, Simd512<T>, Tile6x4<Vector512<T>, Simd512<T>>>.PackAll(operands, dst, nPad);
                    break;
                case SimdPath.V512:
                    Job<Vector512<T>, Simd512<T>, Tile8x2<Vector512<T>, Simd512<T>>>.PackAll(operands, dst, nPad);
                    break;
                case SimdPath.V256:
                    Job<Vector256<T>, Simd256<T>, Tile8x2<Vector256<T>, Simd256<T>>>.PackAll(operands, dst, nPad);
                    break;
                case SimdPath.V128:
                    Job<Vector128<T>, Simd128<T>, Tile8x2<Vector128<T>, Simd128<T>>>.PackAll(operands, dst, nPad);
                    break;
                default:
                    throw new InvalidOperationException("the scalar path uses the reference products.");
            }
        }
    }

    /// <summary>
    /// C (m x n) = A (m x k) · B with B packed by <see cref="Pack"/> (or C += A · B with <paramref name="accumulate"/>),
    /// on the calling thread; the same sums in the same order as <see cref="Run(int, int, int, T*, nint, nint, T*, nint, bool, T*, nint, int, SimdPath, bool)"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(int m, T* a, nint rsA, nint csA, PackedB b, T* c, nint ldc, bool accumulate = false)
    {
        ArgumentNullException.ThrowIfNull(b);
        if (m == 0 || b.N == 0 || (b.K == 0 && accumulate))
        {
            return;
        }

        if (b.K == 0)
        {
            for (int i = 0; i < m; i++)
            {
                new Span<T>(c + (i * ldc), b.N).Clear();
            }

            return;
        }

        fixed (T* pb = b.Data)
        {
            var operands = new Operands(m, b.N, b.K, a, rsA, csA, null, 0, false, pb, c, ldc, accumulate);
            Dispatch(operands, 1, b.Path, b.Wide);
        }
    }

    /// <summary>
    /// Whether the 6 x 4-vector tile is used: C with at least three vectors of columns and 48 rows, and a long enough
    /// inner dimension (W·H on P1, K = 32, ran 15% slower on it than on the 8 x 2 tile).
    /// </summary>
    private static bool IsWide(int m, int n, int k, SimdPath path) =>
        path == SimdPath.V512 && n >= 3 * Vector512<T>.Count && m >= 48 && k >= 64;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Dispatch(in Operands operands, int threads, SimdPath path, bool wide)
    {
        switch (path)
        {
            case SimdPath.V512 when wide:
                Job<Vector512<T>, Simd512<T>, Tile6x4<Vector512<T>, Simd512<T>>>.Execute(operands, threads);
                break;
            case SimdPath.V512:
                Job<Vector512<T>, Simd512<T>, Tile8x2<Vector512<T>, Simd512<T>>>.Execute(operands, threads);
                break;
            case SimdPath.V256:
                Job<Vector256<T>, Simd256<T>, Tile8x2<Vector256<T>, Simd256<T>>>.Execute(operands, threads);
                break;
            case SimdPath.V128:
                Job<Vector128<T>, Simd128<T>, Tile8x2<Vector128<T>, Simd128<T>>>.Execute(operands, threads);
                break;
            default:
                throw new InvalidOperationException("the scalar path uses the reference products.");
        }
    }

    /// <summary>B packed once by <see cref="Pack"/>: per K-block of the tile's KC rows, the NR-wide panels of all n columns.</summary>
    public sealed class PackedB
    {
        /// <summary>The panels (pinned, reused across packs of the same or a smaller size).</summary>
        public T[] Data { get; private set; } = [];

        /// <summary>Rows of B (the product's inner dimension).</summary>
        public int K { get; private set; }

        /// <summary>Columns of B.</summary>
        public int N { get; private set; }

        /// <summary>The vector path the panels were laid out for.</summary>
        public SimdPath Path { get; private set; }

        /// <summary>Whether the panels are laid out for the 6 x 4-vector tile.</summary>
        public bool Wide { get; private set; }

        internal void Resize(int k, int n, int nPad, bool wide, SimdPath path)
        {
            Wide = wide;
            K = k;
            N = n;
            Path = path;
            long length = (long)k * nPad;
            if (Data.Length < length)
            {
                Data = GC.AllocateUninitializedArray<T>(checked((int)length), pinned: true);
            }
        }
    }

    /// <summary>One product's operands: A read in place, B in place or packed beforehand (<see cref="Prepacked"/>), C.</summary>
    private readonly struct Operands(
        int m, int n, int k, T* a, nint rsA, nint csA, T* b, nint ldb, bool bTransposed, T* prepacked, T* c, nint ldc, bool accumulate)
    {
        public readonly int M = m, N = n, K = k;
        public readonly T* A = a, B = b, Prepacked = prepacked, C = c;
        public readonly nint RsA = rsA, CsA = csA, Ldb = ldb, Ldc = ldc;
        public readonly bool BTransposed = bTransposed, Accumulate = accumulate;
    }

    /// <summary>A register tile: MR rows by <see cref="Vectors"/> vectors of C, accumulated over one K-block of KC.</summary>
    private interface ITile
    {
        /// <summary>Rows of the tile.</summary>
        static abstract int MR { get; }

        /// <summary>Vectors across the tile (NR = Vectors · lanes).</summary>
        static abstract int Vectors { get; }

        /// <summary>K-block: a packed KC x NR panel of B fills 32 KB (about two thirds of Zen 5's L1, all of Zen 4's).</summary>
        static abstract int KC { get; }

        /// <summary>
        /// C[0..MR, 0..NR] (+)= A[0..MR, 0..kc] · B[0..kc, 0..NR], B's rows <paramref name="ldb"/> apart. Rows of A at
        /// or past <paramref name="mr"/> repeat the last valid row (their results are discarded by the caller).
        /// </summary>
        static abstract void Kernel(int kc, T* a, nint rsA, nint csA, int mr, T* b, nint ldb, T* c, nint ldc, bool accumulate);
    }

    /// <summary>One product in flight: its operands and how it is split into parts.</summary>
    private sealed class Job<TV, TS, TK> : IPartitionedWork
        where TV : struct
        where TS : ISimd<T, TV>
        where TK : ITile
    {
        [ThreadStatic]
        private static Job<TV, TS, TK>? _cached;

        private Operands _o;
        private int _parts;
        private bool _splitRows;

        private static int NR => TK.Vectors * TS.Count;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void Execute(in Operands operands, int threads)
        {
            var job = _cached ??= new Job<TV, TS, TK>();
            job._o = operands;
            int m = operands.M, n = operands.N;
            int t = (long)m * n * operands.K < SerialWork ? 1 : KernelThreads.Resolve(threads);
            int rowPanels = (m + TK.MR - 1) / TK.MR, colPanels = (n + NR - 1) / NR;
            job._splitRows = rowPanels >= colPanels;
            job._parts = t == 1 ? 1 : job._splitRows ? Math.Min(rowPanels, 4 * t) : Math.Min(colPanels, t);
            try
            {
                KernelThreads.Run(job, job._parts, t);
            }
            finally
            {
                job._o = default;
            }
        }

        /// <summary>Packs all of B: K-block by K-block, each holding the panels of all columns (<paramref name="nPad"/> wide).</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void PackAll(in Operands operands, T* dst, int nPad)
        {
            for (int pc = 0; pc < operands.K; pc += TK.KC)
            {
                int kc = Math.Min(TK.KC, operands.K - pc);
                PackB(operands, pc, kc, 0, operands.N, dst + ((long)pc * nPad), packRowMajor: true);
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void RunPart(int part)
        {
            ref readonly Operands o = ref _o;
            int mr0 = TK.MR;
            int m0 = 0, m1 = o.M, n0 = 0, n1 = o.N;
            if (_splitRows)
            {
                int panels = (o.M + mr0 - 1) / mr0;
                m0 = (int)((long)panels * part / _parts) * mr0;
                m1 = Math.Min(o.M, (int)((long)panels * (part + 1) / _parts) * mr0);
            }
            else
            {
                int panels = (o.N + NR - 1) / NR;
                n0 = (int)((long)panels * part / _parts) * NR;
                n1 = Math.Min(o.N, (int)((long)panels * (part + 1) / _parts) * NR);
            }

            if (m0 >= m1 || n0 >= n1)
            {
                return;
            }

            int kcMax = TK.KC, nr = NR;
            int nPad = (o.N + nr - 1) / nr * nr, partPad = (n1 - n0 + nr - 1) / nr * nr;

            // Row-major B read in place puts a panel's rows ldb apart; with ldb·size a multiple of 512 bytes (P1's 256
            // double columns: 2 KB) they fall in a few sets of the L1 cache and miss it on every reuse. When several
            // row panels of A reuse a panel of B, it is packed contiguously first (Wᵀ·X on P1, one thread: 23 → 30 GFLOPS).
            bool packRowMajor = !o.BTransposed && m1 - m0 > mr0 && (o.Ldb * sizeof(T)) % 512 == 0;

            // A small B (X·Hᵀ: m x k) is packed whole, and each block of A's rows runs through all of its K-blocks
            // before the next, so C's block stays in cache between K-blocks instead of going to memory and back.
            bool whole = o.Prepacked is not null || (long)o.K * partPad * sizeof(T) <= WholeBytes;
            var packed = Scratch<T>.First(o.Prepacked is not null ? 0 : whole ? o.K * partPad : kcMax * (NC + nr));
            var tile = Scratch<T>.Second(mr0 * nr);
            fixed (T* bp = packed, tp = tile)
            {
                if (whole)
                {
                    T* basePtr = bp;
                    nint stride = partPad, offset = 0;
                    if (o.Prepacked is not null)
                    {
                        basePtr = o.Prepacked;
                        stride = nPad;
                        offset = n0;
                    }
                    else
                    {
                        for (int pc = 0; pc < o.K; pc += kcMax)
                        {
                            PackB(o, pc, Math.Min(kcMax, o.K - pc), n0, n1 - n0, bp + ((long)pc * partPad), packRowMajor);
                        }
                    }

                    for (int ic = m0; ic < m1; ic += MC)
                    {
                        int mcEnd = Math.Min(ic + MC, m1);
                        for (int pc = 0; pc < o.K; pc += kcMax)
                        {
                            int kc = Math.Min(kcMax, o.K - pc);
                            Block(o, ic, mcEnd, pc, kc, n0, n1 - n0, basePtr + (pc * stride) + (offset * kc), packRowMajor, tp);
                        }
                    }

                    return;
                }

                for (int jc = n0; jc < n1; jc += NC)
                {
                    int nc = Math.Min(NC, n1 - jc);
                    for (int pc = 0; pc < o.K; pc += kcMax)
                    {
                        int kc = Math.Min(kcMax, o.K - pc);
                        PackB(o, pc, kc, jc, nc, bp, packRowMajor);
                        for (int ic = m0; ic < m1; ic += MC)
                        {
                            Block(o, ic, Math.Min(ic + MC, m1), pc, kc, jc, nc, bp, packRowMajor, tp);
                        }
                    }
                }
            }
        }

        /// <summary>C[ic..icEnd, jc..jc+nc] (+)= A[ic..icEnd, pc..pc+kc] · B[pc..pc+kc, jc..jc+nc], B's panels at <paramref name="block"/>.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void Block(in Operands o, int ic, int icEnd, int pc, int kc, int jc, int nc, T* block, bool packRowMajor, T* tp)
        {
            int nr = NR, mr0 = TK.MR;
            bool accumulate = pc > 0 || o.Accumulate;
            for (int ir = ic; ir < icEnd; ir += mr0)
            {
                int mr = Math.Min(mr0, icEnd - ir);
                T* aTile = o.A + (ir * o.RsA) + (pc * o.CsA);
                for (int jr = 0; jr < nc; jr += nr)
                {
                    int w = Math.Min(nr, nc - jr);
                    T* cTile = o.C + (ir * o.Ldc) + jc + jr;

                    // Row-major B is read in place (one contiguous row segment per step) unless packed beforehand or
                    // above; transposed B and a narrow last panel are always packed.
                    bool direct = o.Prepacked is null && !o.BTransposed && w == nr && !packRowMajor;
                    T* panel = direct ? o.B + (pc * o.Ldb) + jc + jr : block + ((long)jr * kc);
                    nint ldp = direct ? o.Ldb : nr;
                    if (mr == mr0 && w == nr)
                    {
                        TK.Kernel(kc, aTile, o.RsA, o.CsA, mr, panel, ldp, cTile, o.Ldc, accumulate);
                    }
                    else
                    {
                        EdgeTile(kc, aTile, o.RsA, o.CsA, mr, w, panel, ldp, cTile, o.Ldc, tp, accumulate);
                    }
                }
            }
        }

        /// <summary>A tile cut by C's last rows or columns: computed in a full-size buffer, then copied out.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void EdgeTile(
            int kc, T* aTile, nint rsA, nint csA, int mr, int w, T* panel, nint ldp, T* cTile, nint ldc, T* tp, bool accumulate)
        {
            int nr = NR;
            if (accumulate)
            {
                for (int r = 0; r < mr; r++)
                {
                    new Span<T>(cTile + (r * ldc), w).CopyTo(new Span<T>(tp + (r * nr), w));
                }
            }

            TK.Kernel(kc, aTile, rsA, csA, mr, panel, ldp, tp, nr, accumulate);
            for (int r = 0; r < mr; r++)
            {
                new Span<T>(tp + (r * nr), w).CopyTo(new Span<T>(cTile + (r * ldc), w));
            }
        }

        /// <summary>
        /// Packs B[pc..pc+kc, jc..jc+nc] into NR-wide panels, each kc x NR row-major, zero-padded; for row-major
        /// B only the narrow last panel unless <paramref name="packRowMajor"/> (full panels are then read in place).
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void PackB(in Operands o, int pc, int kc, int jc, int nc, T* dst, bool packRowMajor)
        {
            int nr = NR;
            for (int jr = 0; jr < nc; jr += nr)
            {
                int w = Math.Min(nr, nc - jr);
                T* panel = dst + ((long)(jr / nr) * kc * nr);
                if (!o.BTransposed)
                {
                    T* src = o.B + (pc * o.Ldb) + jc + jr;
                    if (w == nr && packRowMajor)
                    {
                        int v = TS.Count;
                        for (int p = 0; p < kc; p++, src += o.Ldb, panel += nr)
                        {
                            TS.Store(TS.Load(src), panel);
                            TS.Store(TS.Load(src + v), panel + v);
                            if (TK.Vectors == 4)
                            {
                                TS.Store(TS.Load(src + (2 * v)), panel + (2 * v));
                                TS.Store(TS.Load(src + (3 * v)), panel + (3 * v));
                            }
                        }
                    }
                    else if (w < nr)
                    {
                        for (int p = 0; p < kc; p++, src += o.Ldb, panel += nr)
                        {
                            new ReadOnlySpan<T>(src, w).CopyTo(new Span<T>(panel, w));
                            new Span<T>(panel + w, nr - w).Clear();
                        }
                    }
                }
                else
                {
                    for (int q = 0; q < nr; q++)
                    {
                        if (q < w)
                        {
                            T* src = o.B + ((jc + jr + q) * o.Ldb) + pc;
                            for (int p = 0; p < kc; p++)
                            {
                                panel[(p * nr) + q] = src[p];
                            }
                        }
                        else
                        {
                            for (int p = 0; p < kc; p++)
                            {
                                panel[(p * nr) + q] = T.Zero;
                            }
                        }
                    }
                }
            }
        }
    }

    /// <summary>The 8 x 2-vector tile (16 accumulators): any vector width, any n.</summary>
    private readonly struct Tile8x2<TV, TS> : ITile
        where TV : struct
        where TS : ISimd<T, TV>
    {
        public static int MR => 8;

        public static int Vectors => 2;

        public static int KC => 256;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void Kernel(int kc, T* a, nint rsA, nint csA, int mr, T* b, nint ldb, T* c, nint ldc, bool accumulate)
        {
            int v = TS.Count;
            nint o1 = Math.Min(1, mr - 1) * rsA, o2 = Math.Min(2, mr - 1) * rsA, o3 = Math.Min(3, mr - 1) * rsA;
            nint o4 = Math.Min(4, mr - 1) * rsA, o5 = Math.Min(5, mr - 1) * rsA, o6 = Math.Min(6, mr - 1) * rsA;
            nint o7 = Math.Min(7, mr - 1) * rsA;
            TV c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51, c60, c61, c70, c71;
            if (accumulate)
            {
                c00 = TS.Load(c); c01 = TS.Load(c + v);
                c10 = TS.Load(c + ldc); c11 = TS.Load(c + ldc + v);
                c20 = TS.Load(c + (2 * ldc)); c21 = TS.Load(c + (2 * ldc) + v);
                c30 = TS.Load(c + (3 * ldc)); c31 = TS.Load(c + (3 * ldc) + v);
                c40 = TS.Load(c + (4 * ldc)); c41 = TS.Load(c + (4 * ldc) + v);
                c50 = TS.Load(c + (5 * ldc)); c51 = TS.Load(c + (5 * ldc) + v);
                c60 = TS.Load(c + (6 * ldc)); c61 = TS.Load(c + (6 * ldc) + v);
                c70 = TS.Load(c + (7 * ldc)); c71 = TS.Load(c + (7 * ldc) + v);
            }
            else
            {
                c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = TS.Zero;
                c40 = c41 = c50 = c51 = c60 = c61 = c70 = c71 = TS.Zero;
            }

            for (int p = 0; p < kc; p++)
            {
                TV b0 = TS.Load(b), b1 = TS.Load(b + v);
                TV x = TS.Broadcast(a[0]);
                c00 = TS.MulAdd(x, b0, c00); c01 = TS.MulAdd(x, b1, c01);
                x = TS.Broadcast(a[o1]);
                c10 = TS.MulAdd(x, b0, c10); c11 = TS.MulAdd(x, b1, c11);
                x = TS.Broadcast(a[o2]);
                c20 = TS.MulAdd(x, b0, c20); c21 = TS.MulAdd(x, b1, c21);
                x = TS.Broadcast(a[o3]);
                c30 = TS.MulAdd(x, b0, c30); c31 = TS.MulAdd(x, b1, c31);
                x = TS.Broadcast(a[o4]);
                c40 = TS.MulAdd(x, b0, c40); c41 = TS.MulAdd(x, b1, c41);
                x = TS.Broadcast(a[o5]);
                c50 = TS.MulAdd(x, b0, c50); c51 = TS.MulAdd(x, b1, c51);
                x = TS.Broadcast(a[o6]);
                c60 = TS.MulAdd(x, b0, c60); c61 = TS.MulAdd(x, b1, c61);
                x = TS.Broadcast(a[o7]);
                c70 = TS.MulAdd(x, b0, c70); c71 = TS.MulAdd(x, b1, c71);
                a += csA;
                b += ldb;
            }

            TS.Store(c00, c); TS.Store(c01, c + v);
            TS.Store(c10, c + ldc); TS.Store(c11, c + ldc + v);
            TS.Store(c20, c + (2 * ldc)); TS.Store(c21, c + (2 * ldc) + v);
            TS.Store(c30, c + (3 * ldc)); TS.Store(c31, c + (3 * ldc) + v);
            TS.Store(c40, c + (4 * ldc)); TS.Store(c41, c + (4 * ldc) + v);
            TS.Store(c50, c + (5 * ldc)); TS.Store(c51, c + (5 * ldc) + v);
            TS.Store(c60, c + (6 * ldc)); TS.Store(c61, c + (6 * ldc) + v);
            TS.Store(c70, c + (7 * ldc)); TS.Store(c71, c + (7 * ldc) + v);
        }
    }

    /// <summary>The 6 x 4-vector tile (24 accumulators): 512-bit vectors (32 registers), n of at least three vectors.</summary>
    private readonly struct Tile6x4<TV, TS> : ITile
        where TV : struct
        where TS : ISimd<T, TV>
    {
        public static int MR => 6;

        public static int Vectors => 4;

        public static int KC => 128;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void Kernel(int kc, T* a, nint rsA, nint csA, int mr, T* b, nint ldb, T* c, nint ldc, bool accumulate)
        {
            int v = TS.Count;
            nint o1 = Math.Min(1, mr - 1) * rsA, o2 = Math.Min(2, mr - 1) * rsA, o3 = Math.Min(3, mr - 1) * rsA;
            nint o4 = Math.Min(4, mr - 1) * rsA, o5 = Math.Min(5, mr - 1) * rsA;
            T* c1 = c + ldc, c2 = c + (2 * ldc), c3 = c + (3 * ldc), c4 = c + (4 * ldc), c5 = c + (5 * ldc);
            TV c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23;
            TV c30, c31, c32, c33, c40, c41, c42, c43, c50, c51, c52, c53;
            if (accumulate)
            {
                c00 = TS.Load(c); c01 = TS.Load(c + v); c02 = TS.Load(c + (2 * v)); c03 = TS.Load(c + (3 * v));
                c10 = TS.Load(c1); c11 = TS.Load(c1 + v); c12 = TS.Load(c1 + (2 * v)); c13 = TS.Load(c1 + (3 * v));
                c20 = TS.Load(c2); c21 = TS.Load(c2 + v); c22 = TS.Load(c2 + (2 * v)); c23 = TS.Load(c2 + (3 * v));
                c30 = TS.Load(c3); c31 = TS.Load(c3 + v); c32 = TS.Load(c3 + (2 * v)); c33 = TS.Load(c3 + (3 * v));
                c40 = TS.Load(c4); c41 = TS.Load(c4 + v); c42 = TS.Load(c4 + (2 * v)); c43 = TS.Load(c4 + (3 * v));
                c50 = TS.Load(c5); c51 = TS.Load(c5 + v); c52 = TS.Load(c5 + (2 * v)); c53 = TS.Load(c5 + (3 * v));
            }
            else
            {
                c00 = c01 = c02 = c03 = c10 = c11 = c12 = c13 = c20 = c21 = c22 = c23 = TS.Zero;
                c30 = c31 = c32 = c33 = c40 = c41 = c42 = c43 = c50 = c51 = c52 = c53 = TS.Zero;
            }

            for (int p = 0; p < kc; p++)
            {
                TV b0 = TS.Load(b), b1 = TS.Load(b + v), b2 = TS.Load(b + (2 * v)), b3 = TS.Load(b + (3 * v));
                TV x = TS.Broadcast(a[0]);
                c00 = TS.MulAdd(x, b0, c00); c01 = TS.MulAdd(x, b1, c01); c02 = TS.MulAdd(x, b2, c02); c03 = TS.MulAdd(x, b3, c03);
                x = TS.Broadcast(a[o1]);
                c10 = TS.MulAdd(x, b0, c10); c11 = TS.MulAdd(x, b1, c11); c12 = TS.MulAdd(x, b2, c12); c13 = TS.MulAdd(x, b3, c13);
                x = TS.Broadcast(a[o2]);
                c20 = TS.MulAdd(x, b0, c20); c21 = TS.MulAdd(x, b1, c21); c22 = TS.MulAdd(x, b2, c22); c23 = TS.MulAdd(x, b3, c23);
                x = TS.Broadcast(a[o3]);
                c30 = TS.MulAdd(x, b0, c30); c31 = TS.MulAdd(x, b1, c31); c32 = TS.MulAdd(x, b2, c32); c33 = TS.MulAdd(x, b3, c33);
                x = TS.Broadcast(a[o4]);
                c40 = TS.MulAdd(x, b0, c40); c41 = TS.MulAdd(x, b1, c41); c42 = TS.MulAdd(x, b2, c42); c43 = TS.MulAdd(x, b3, c43);
                x = TS.Broadcast(a[o5]);
                c50 = TS.MulAdd(x, b0, c50); c51 = TS.MulAdd(x, b1, c51); c52 = TS.MulAdd(x, b2, c52); c53 = TS.MulAdd(x, b3, c53);
                a += csA;
                b += ldb;
            }

            TS.Store(c00, c); TS.Store(c01, c + v); TS.Store(c02, c + (2 * v)); TS.Store(c03, c + (3 * v));
            TS.Store(c10, c1); TS.Store(c11, c1 + v); TS.Store(c12, c1 + (2 * v)); TS.Store(c13, c1 + (3 * v));
            TS.Store(c20, c2); TS.Store(c21, c2 + v); TS.Store(c22, c2 + (2 * v)); TS.Store(c23, c2 + (3 * v));
            TS.Store(c30, c3); TS.Store(c31, c3 + v); TS.Store(c32, c3 + (2 * v)); TS.Store(c33, c3 + (3 * v));
            TS.Store(c40, c4); TS.Store(c41, c4 + v); TS.Store(c42, c4 + (2 * v)); TS.Store(c43, c4 + (3 * v));
            TS.Store(c50, c5); TS.Store(c51, c5 + v); TS.Store(c52, c5 + (2 * v)); TS.Store(c53, c5 + (3 * v));
        }
    }
}
