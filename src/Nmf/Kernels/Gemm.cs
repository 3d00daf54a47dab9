using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Nmf.Kernels;

/// <summary>
/// Dense matrix product C = A · B in the layered scheme of Goto &amp; van de Geijn (2008, "Anatomy of
/// high-performance matrix multiplication"): B is packed into K-blocks of NR-wide panels that stay in cache,
/// and an 8 x NR register-blocked micro-kernel (NR = two vectors) accumulates a tile of C over one K-block.
/// A is read in place through a row stride and a column stride, so X·Hᵀ streams X without copying it and
/// Wᵀ·X reads W's rows as they are.
/// </summary>
/// <remarks>
/// Determinism: every element of C is one fused multiply-add chain over p = 0..K-1 in order (K-blocks in
/// order, each continuing from the previous partial sum held in C). Threads split C into disjoint tiles and
/// never share a sum, so the result is the same for every thread count and every partition.
/// </remarks>
/// <typeparam name="T">float or double.</typeparam>
internal static unsafe class Gemm<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Rows of the register tile.</summary>
    public const int MR = 8;

    /// <summary>K-block: a packed B panel (KC x NR) fills about a third of L1.</summary>
    private const int KC = 256;

    /// <summary>Rows of A swept per B block (A's rows of one block stay in L2).</summary>
    private const int MC = 128;

    /// <summary>Columns of B packed at once (KC x NC fits L2).</summary>
    private const int NC = 512;

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

        switch (path)
        {
            case SimdPath.V512:
                Job<Vector512<T>, Simd512<T>>.Execute(m, n, k, a, rsA, csA, b, ldb, bTransposed, c, ldc, threads, accumulate);
                break;
            case SimdPath.V256:
                Job<Vector256<T>, Simd256<T>>.Execute(m, n, k, a, rsA, csA, b, ldb, bTransposed, c, ldc, threads, accumulate);
                break;
            case SimdPath.V128:
                Job<Vector128<T>, Simd128<T>>.Execute(m, n, k, a, rsA, csA, b, ldb, bTransposed, c, ldc, threads, accumulate);
                break;
            default:
                throw new InvalidOperationException("the scalar path uses the reference products.");
        }
    }

    /// <summary>One product in flight: its operands and how it is split into parts.</summary>
    private sealed class Job<TV, TS> : IPartitionedWork
        where TV : struct
        where TS : ISimd<T, TV>
    {
        [ThreadStatic]
        private static Job<TV, TS>? _cached;

        private int _m, _n, _k, _parts;
        private T* _a, _b, _c;
        private nint _rsA, _csA, _ldb, _ldc;
        private bool _bTransposed, _splitRows, _accumulate;

        private static int NR => 2 * TS.Count;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void Execute(
            int m, int n, int k, T* a, nint rsA, nint csA, T* b, nint ldb, bool bTransposed, T* c, nint ldc, int threads, bool accumulate)
        {
            var job = _cached ??= new Job<TV, TS>();
            job._accumulate = accumulate;
            job._m = m;
            job._n = n;
            job._k = k;
            job._a = a;
            job._rsA = rsA;
            job._csA = csA;
            job._b = b;
            job._ldb = ldb;
            job._bTransposed = bTransposed;
            job._c = c;
            job._ldc = ldc;
            int t = (long)m * n * k < SerialWork ? 1 : KernelThreads.Resolve(threads);
            int rowPanels = (m + MR - 1) / MR, colPanels = (n + NR - 1) / NR;
            job._splitRows = rowPanels >= colPanels;
            job._parts = t == 1 ? 1 : job._splitRows ? Math.Min(rowPanels, 4 * t) : Math.Min(colPanels, t);
            try
            {
                KernelThreads.Run(job, job._parts, t);
            }
            finally
            {
                job._a = job._b = job._c = null;
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void RunPart(int part)
        {
            int m0 = 0, m1 = _m, n0 = 0, n1 = _n;
            if (_splitRows)
            {
                int panels = (_m + MR - 1) / MR;
                m0 = (int)((long)panels * part / _parts) * MR;
                m1 = Math.Min(_m, (int)((long)panels * (part + 1) / _parts) * MR);
            }
            else
            {
                int panels = (_n + NR - 1) / NR;
                n0 = (int)((long)panels * part / _parts) * NR;
                n1 = Math.Min(_n, (int)((long)panels * (part + 1) / _parts) * NR);
            }

            if (m0 >= m1 || n0 >= n1)
            {
                return;
            }

            int nr = NR;
            var packed = Scratch<T>.First(KC * (NC + nr));
            var tile = Scratch<T>.Second(MR * nr);

            // Row-major B read in place puts a panel's rows ldb apart; with ldb a multiple of 1 KB (P1's 256 columns:
            // 2 KB) they all fall in a few sets of the L1 cache and miss it on every reuse. When several row panels of
            // A reuse a panel of B, it is packed contiguously first (Wᵀ·X on P1, one thread: 23 → 30 GFLOPS).
            bool packRowMajor = !_bTransposed && m1 - m0 > MR;
            fixed (T* bp = packed, tp = tile)
            {
                for (int jc = n0; jc < n1; jc += NC)
                {
                    int nc = Math.Min(NC, n1 - jc);
                    for (int pc = 0; pc < _k; pc += KC)
                    {
                        int kc = Math.Min(KC, _k - pc);
                        PackB(pc, kc, jc, nc, bp, packRowMajor);
                        for (int ic = m0; ic < m1; ic += MC)
                        {
                            int mcEnd = Math.Min(ic + MC, m1);
                            for (int ir = ic; ir < mcEnd; ir += MR)
                            {
                                int mr = Math.Min(MR, mcEnd - ir);
                                T* aTile = _a + (ir * _rsA) + (pc * _csA);
                                for (int jr = 0; jr < nc; jr += nr)
                                {
                                    int w = Math.Min(nr, nc - jr);
                                    T* cTile = _c + (ir * _ldc) + jc + jr;

                                    // Row-major B is read in place (one contiguous row segment per step); only
                                    // transposed B and a narrow last panel are packed.
                                    bool direct = !_bTransposed && w == nr && !packRowMajor;
                                    T* panel = direct ? _b + (pc * _ldb) + jc + jr : bp + ((long)(jr / nr) * kc * nr);
                                    nint ldp = direct ? _ldb : nr;
                                    if (mr == MR && w == nr)
                                    {
                                        Kernel(kc, aTile, _rsA, _csA, mr, panel, ldp, cTile, _ldc, pc > 0 || _accumulate);
                                    }
                                    else
                                    {
                                        EdgeTile(kc, aTile, mr, w, panel, ldp, cTile, tp, pc > 0 || _accumulate);
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void EdgeTile(int kc, T* aTile, int mr, int w, T* panel, nint ldp, T* cTile, T* tp, bool accumulate)
        {
            int nr = NR;
            if (accumulate)
            {
                for (int r = 0; r < mr; r++)
                {
                    new Span<T>(cTile + (r * _ldc), w).CopyTo(new Span<T>(tp + (r * nr), w));
                }
            }

            Kernel(kc, aTile, _rsA, _csA, mr, panel, ldp, tp, nr, accumulate);
            for (int r = 0; r < mr; r++)
            {
                new Span<T>(tp + (r * nr), w).CopyTo(new Span<T>(cTile + (r * _ldc), w));
            }
        }

        /// <summary>
        /// Packs B[pc..pc+kc, jc..jc+nc] into NR-wide panels, each kc x NR row-major, zero-padded; for row-major
        /// B only the narrow last panel unless <paramref name="packRowMajor"/> (full panels are then read in place).
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void PackB(int pc, int kc, int jc, int nc, T* dst, bool packRowMajor)
        {
            int nr = NR;
            for (int jr = 0; jr < nc; jr += nr)
            {
                int w = Math.Min(nr, nc - jr);
                T* panel = dst + ((long)(jr / nr) * kc * nr);
                if (!_bTransposed)
                {
                    T* src = _b + (pc * _ldb) + jc + jr;
                    if (w == nr && packRowMajor)
                    {
                        int v = TS.Count;
                        for (int p = 0; p < kc; p++, src += _ldb, panel += nr)
                        {
                            TS.Store(TS.Load(src), panel);
                            TS.Store(TS.Load(src + v), panel + v);
                        }
                    }
                    else if (w < nr)
                    {
                        for (int p = 0; p < kc; p++, src += _ldb, panel += nr)
                        {
                            int q = 0;
                            for (; q < w; q++)
                            {
                                panel[q] = src[q];
                            }

                            for (; q < nr; q++)
                            {
                                panel[q] = T.Zero;
                            }
                        }
                    }
                }
                else
                {
                    for (int q = 0; q < nr; q++)
                    {
                        if (q < w)
                        {
                            T* src = _b + ((jc + jr + q) * _ldb) + pc;
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

        /// <summary>
        /// The 8 x 2-vector micro-kernel: C[0..8, 0..NR] (+)= A[0..8, 0..kc] · B[0..kc, 0..NR], B's rows
        /// <paramref name="ldb"/> apart. Rows of A at or past
        /// <paramref name="mr"/> repeat the last valid row (their results are discarded by the caller).
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void Kernel(int kc, T* a, nint rsA, nint csA, int mr, T* b, nint ldb, T* c, nint ldc, bool accumulate)
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
}
