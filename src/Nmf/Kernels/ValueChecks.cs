using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Nmf.Kernels;

/// <summary>
/// What a scan of values found; several flags may be set. Once <see cref="Invalid"/> is found a scan may stop
/// looking, so with it set the other flags are not specified.
/// </summary>
[Flags]
internal enum ValueFlags
{
    /// <summary>Nothing noteworthy (also the result for no values).</summary>
    None = 0,

    /// <summary>At least one NaN, ±infinity or negative value.</summary>
    Invalid = 1,

    /// <summary>At least one zero (+0 or −0).</summary>
    Zero = 2,

    /// <summary>At least one value greater than zero.</summary>
    Positive = 4,
}

/// <summary>
/// A fast yes/no scan of an array for the values NMF refuses (NaN, ±infinity, negatives), zeros and positives.
/// It only says whether something is there; the validation falls back to its element-by-element scan to name
/// the first bad entry, so the fast pass decides nothing about messages and only runs on good data in full.
/// </summary>
/// <remarks>
/// One pass keeps three vector accumulators: min, max and Σ v·0. The last is NaN exactly when some v is NaN or
/// ±infinity (∞·0 is NaN, and NaN stays NaN under addition), which does not depend on how the hardware's min/max
/// treat NaN. The array is split into fixed chunks (never by thread count) whose flags are OR-ed, so the
/// result is the same at any thread count.
/// </remarks>
/// <typeparam name="T">float or double.</typeparam>
internal static unsafe class ValueChecks<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>
    /// Elements per part: large enough that handing a part to another thread costs little next to reading it
    /// (256 KiB of doubles), small enough that two or more threads share a large matrix evenly.
    /// </summary>
    private const int ChunkElements = 1 << 15;

    /// <summary>Flags of <paramref name="values"/> on the selected vector path.</summary>
    public static ValueFlags Scan(ReadOnlySpan<T> values, int threads) => Scan(values, threads, SimdSelect.Path);

    /// <summary>As above, on a chosen vector path (for tests of each path).</summary>
    public static ValueFlags Scan(ReadOnlySpan<T> values, int threads, SimdPath path)
    {
        if (!LossKernels<T>.Vectorized(path))
        {
            return ScanScalar(values);
        }

        fixed (T* p = values)
        {
            int parts = (values.Length + ChunkElements - 1) / ChunkElements;
            if (parts <= 1 || KernelThreads.Resolve(threads) == 1)
            {
                return ScanRange(p, values.Length, path);
            }

            var job = Job.Cached ??= new Job();
            job.Values = p;
            job.Length = values.Length;
            job.Path = path;
            job.Flags = 0;
            try
            {
                KernelThreads.Run(job, parts, threads);
                return (ValueFlags)job.Flags;
            }
            finally
            {
                job.Values = null;
            }
        }
    }

    /// <summary>The plain definition, one element at a time (the reference the vector scan is tested against).</summary>
    public static ValueFlags ScanScalar(ReadOnlySpan<T> values)
    {
        var flags = ValueFlags.None;
        foreach (T v in values)
        {
            flags |= Classify(v);
        }

        return flags;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ValueFlags Classify(T v) =>
        !T.IsFinite(v) || v < T.Zero ? ValueFlags.Invalid
        : v == T.Zero ? ValueFlags.Zero
        : ValueFlags.Positive;

    private static ValueFlags ScanRange(T* p, int n, SimdPath path) => path switch
    {
        SimdPath.V512 => ScanRange<Vector512<T>, Simd512<T>>(p, n),
        SimdPath.V256 => ScanRange<Vector256<T>, Simd256<T>>(p, n),
        SimdPath.V128 => ScanRange<Vector128<T>, Simd128<T>>(p, n),
        _ => ScanScalar(new ReadOnlySpan<T>(p, n)),
    };

    // Optimised at first call: a fit validates once, so tiered compilation would otherwise run the first
    // chunks through unoptimised (non-inlined) vector code.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static ValueFlags ScanRange<TV, TS>(T* p, int n)
        where TV : struct
        where TS : ISimd<T, TV>
    {
        int v = TS.Count;
        if (n < 2 * v)
        {
            return ScanScalar(new ReadOnlySpan<T>(p, n));
        }

        TV zero = TS.Zero;
        TV lo0 = TS.Load(p), lo1 = TS.Load(p + v);
        TV hi0 = lo0, hi1 = lo1;
        TV guard0 = TS.MulAdd(lo0, zero, zero), guard1 = TS.MulAdd(lo1, zero, zero);
        int i = 2 * v;
        for (; i <= n - (2 * v); i += 2 * v)
        {
            TV a = TS.Load(p + i), b = TS.Load(p + i + v);
            lo0 = TS.Min(lo0, a);
            lo1 = TS.Min(lo1, b);
            hi0 = TS.Max(hi0, a);
            hi1 = TS.Max(hi1, b);
            guard0 = TS.MulAdd(a, zero, guard0);
            guard1 = TS.MulAdd(b, zero, guard1);
        }

        // The tail (fewer than two vectors) element by element.
        var flags = ScanScalar(new ReadOnlySpan<T>(p + i, n - i));
        if (T.IsNaN(TS.Sum(TS.Add(guard0, guard1))))
        {
            return flags | ValueFlags.Invalid;
        }

        T* lanes = stackalloc T[v];
        TS.Store(TS.Min(lo0, lo1), lanes);
        T lo = lanes[0];
        for (int l = 1; l < v; l++)
        {
            lo = T.Min(lo, lanes[l]);
        }

        TS.Store(TS.Max(hi0, hi1), lanes);
        T hi = lanes[0];
        for (int l = 1; l < v; l++)
        {
            hi = T.Max(hi, lanes[l]);
        }

        if (lo < T.Zero)
        {
            flags |= ValueFlags.Invalid;
        }
        else if (lo == T.Zero)
        {
            flags |= ValueFlags.Zero;
        }

        if (hi > T.Zero)
        {
            flags |= ValueFlags.Positive;
        }

        return flags;
    }

    /// <summary>One scan in flight: each part scans its fixed chunk and ORs its flags in.</summary>
    private sealed class Job : IPartitionedWork
    {
        [ThreadStatic]
        public static Job? Cached;

        public T* Values;
        public int Length;
        public SimdPath Path;
        public int Flags;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void RunPart(int part)
        {
            long start = (long)part * ChunkElements;
            int count = (int)Math.Min(ChunkElements, Length - start);
            var flags = ScanRange(Values + start, count, Path);
            Interlocked.Or(ref Flags, (int)flags);
        }
    }
}
