using System.Numerics;
using System.Runtime.CompilerServices;

namespace Nmf.Kernels;

/// <summary>
/// Wᵀ·X for a tall dense X (n x m, n ≫ m) and a thin W (n x k): the rows are cut into blocks of
/// <see cref="BlockRows"/>, each block adds X_Bᵀ·W_B into its group's (WᵀX)ᵀ (m x k) with X's rows as the broadcast
/// operand in place (as in <see cref="FusedRowPasses{T}"/>), and the fixed groups' partials are summed in order and
/// transposed. Done as one product over K = n, X was packed block by block into the product's panels, a second
/// stream of X through memory (P1's shape: about 100 GFLOPS in double against about 170 for X·Hᵀ).
/// </summary>
/// <typeparam name="T">float or double.</typeparam>
internal static unsafe class TallProducts<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private const int BlockRows = 256;
    private const int Groups = 32;

    /// <summary>Blocks of X up to this size (half of L2) are read in order before the product.</summary>
    private const long TouchBytes = 512 * 1024;

    /// <summary>The groups' partials together stay within this many bytes (fewer groups for larger m·k).</summary>
    private const long PartialBudgetBytes = 16L * 1024 * 1024;

    /// <summary>
    /// Whether <see cref="WtX"/> serves this shape: many rows, few columns and components, and at least two groups'
    /// partials within the budget.
    /// </summary>
    public static bool Serves(int n, int m, int k) =>
        m > 0 && k > 0 && n >= 4 * BlockRows && n >= 16L * m && 2 * PartialBytes(m, k) <= PartialBudgetBytes;

    private static long PartialBytes(int m, int k) => (long)m * k * Unsafe.SizeOf<T>();

    /// <summary>Fixed groups of blocks (by the shape alone): up to 32, as many as the partials' budget allows.</summary>
    private static int GroupCount(int blocks, int m, int k) =>
        (int)Math.Clamp(Math.Min(Groups, PartialBudgetBytes / PartialBytes(m, k)), 1, blocks);

    /// <summary>result (k x m) = Wᵀ·X for row-major W (n x k) and X (n x m).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void WtX(T* w, T* x, int n, int m, int k, T* result, int threads, SimdPath path)
    {
        var job = Job.Cached ??= new Job();
        int blocks = (n + BlockRows - 1) / BlockRows;
        job.GroupCount = GroupCount(blocks, m, k);
        job.Blocks = blocks;
        job.W = w;
        job.X = x;
        job.N = n;
        job.M = m;
        job.K = k;
        job.Path = path;
        int length = m * k;
        if (job.Partials.Length < job.GroupCount * length)
        {
            job.Partials = GC.AllocateUninitializedArray<T>(job.GroupCount * length, pinned: true);
        }

        try
        {
            KernelThreads.Run(job, job.GroupCount, threads);
        }
        finally
        {
            job.W = job.X = null;
        }

        SumGroupsTransposed(job.Partials, job.GroupCount, length, m, k, new Span<T>(result, k * m));
    }

    /// <summary>
    /// The groups' partials of (WᵀX)ᵀ (m x k, group g's at <c>g·stride</c>) summed in group order into the first, then
    /// transposed into WᵀX (k x m): the fixed reduction shared with the fused W pass.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void SumGroupsTransposed(Span<T> partials, int groups, int stride, int m, int k, Span<T> wtx)
    {
        var sum = partials[..(m * k)];
        for (int g = 1; g < groups; g++)
        {
            System.Numerics.Tensors.TensorPrimitives.Add(sum, partials.Slice(g * stride, m * k), sum);
        }

        for (int j = 0; j < m; j++)
        {
            for (int t = 0; t < k; t++)
            {
                wtx[(t * m) + j] = sum[(j * k) + t];
            }
        }
    }

    /// <summary>One load per cache line of <paramref name="length"/> elements, in order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static T Touch(T* start, long length)
    {
        T sum = T.Zero;
        int step = 64 / sizeof(T);
        for (long e = 0; e < length; e += step)
        {
            sum += start[e];
        }

        return sum;
    }

    private sealed class Job : IPartitionedWork
    {
        [ThreadStatic]
        public static Job? Cached;

        public T[] Partials = [];
        public T* W, X;
        public int N, M, K, Blocks, GroupCount;
        public SimdPath Path;

        [ThreadStatic]
        private static T _sink;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void RunPart(int group)
        {
            int b0 = (int)((long)Blocks * group / GroupCount), b1 = (int)((long)Blocks * (group + 1) / GroupCount);
            int m = M, k = K;
            fixed (T* pp = Partials)
            {
                T* partial = pp + ((long)group * m * k);
                for (int b = b0; b < b1; b++)
                {
                    int i0 = b * BlockRows, rows = Math.Min(BlockRows, N - i0);
                    if (sizeof(T) == 8 && (long)rows * m * sizeof(T) <= TouchBytes)
                    {
                        // The product reads X_B by columns of its rows (m elements apart); read in order first, so that
                        // it comes in at the streaming rate and the product finds it in L2 (P1's shape in double: 103–113
                        // → 158 GFLOPS; in float, where X_B is half the size, no gain).
                        _sink = Touch(X + ((long)i0 * m), (long)rows * m);
                    }

                    Gemm<T>.Run(m, k, rows, X + ((long)i0 * m), 1, m, W + ((long)i0 * k), k, false, partial, k, 1, Path, b > b0);
                }
            }
        }
    }
}
