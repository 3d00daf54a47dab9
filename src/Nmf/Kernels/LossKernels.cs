using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Nmf.Matrices;

namespace Nmf.Kernels;

/// <summary>
/// Terms of a loss that are summed over the entries of X and WH, one row segment at a time. Each part of a
/// threaded pass keeps its own copy; the copies are merged in part order, so the total is the same at any
/// thread count.
/// </summary>
/// <typeparam name="T">float or double.</typeparam>
/// <typeparam name="TSelf">The implementing struct.</typeparam>
internal interface IRowTerms<T, TSelf>
    where T : unmanaged, IFloatingPointIeee754<T>
    where TSelf : struct, IRowTerms<T, TSelf>
{
    /// <summary>
    /// Adds the terms of one row segment: <paramref name="x"/> and <paramref name="wh"/> are the same entries of
    /// X and of WH (<paramref name="x"/> is empty when only WH is needed).
    /// </summary>
    void Add(ReadOnlySpan<T> x, ReadOnlySpan<T> wh, SimdPath path);

    /// <summary>Adds the sums of <paramref name="later"/>, which covers entries after this one's.</summary>
    void Merge(in TSelf later);
}

/// <summary>
/// The vector kernels behind the loss and norm of a fit: ‖X‖², Σ (x − wh)² and a blocked pass over WH that never
/// holds more than one cache-sized tile of it. Everything is summed in double over fixed blocks and then over the
/// blocks in order, so the value does not depend on the thread count.
/// </summary>
/// <typeparam name="T">float or double.</typeparam>
internal static unsafe class LossKernels<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Elements per part of <see cref="SquaredNorm(ReadOnlySpan{T}, int, SimdPath)"/> (as in <see cref="ValueChecks{T}"/>).</summary>
    private const int ChunkElements = 1 << 15;

    /// <summary>
    /// Elements summed in T before the partial sum moves to double: keeps float's rounding error at a few ulps
    /// of each short sum (a float accumulator over a whole row would lose digits on long rows).
    /// </summary>
    private const int SegmentElements = 256;

    /// <summary>A WH tile holds about this many elements: 64 KiB of doubles, so it and the X rows it is compared
    /// with stay in L2 between the product that writes it and the pass that reads it.</summary>
    private const int TileElements = 8192;

    /// <summary>Widest column block of a tile (wider rows are cut into blocks of this many columns).</summary>
    private const int TileCols = 1024;

    /// <summary>Whether the vector kernels serve this element type on <paramref name="path"/>.</summary>
    public static bool Vectorized(SimdPath path) =>
        (typeof(T) == typeof(double) || typeof(T) == typeof(float)) && path != SimdPath.Scalar && SimdSelect.IsSupported(path);

    /// <summary>Σ v² over <paramref name="values"/>, in double (on the selected vector path).</summary>
    public static double SquaredNorm(ReadOnlySpan<T> values, int threads) => SquaredNorm(values, threads, SimdSelect.Path);

    /// <summary>As above, on a chosen vector path (for tests of each path).</summary>
    public static double SquaredNorm(ReadOnlySpan<T> values, int threads, SimdPath path)
    {
        if (!Vectorized(path))
        {
            double sum = 0;
            foreach (T v in values)
            {
                double dv = double.CreateChecked(v);
                sum += dv * dv;
            }

            return sum;
        }

        fixed (T* p = values)
        {
            int parts = Math.Max(1, (values.Length + ChunkElements - 1) / ChunkElements);
            var job = NormJob.Cached ??= new NormJob();
            if (job.Partials.Length < parts)
            {
                job.Partials = new double[parts];
            }

            job.Values = p;
            job.Length = values.Length;
            job.Path = path;
            try
            {
                KernelThreads.Run(job, parts, threads);
                double total = 0;
                for (int i = 0; i < parts; i++)
                {
                    total += job.Partials[i];
                }

                return total;
            }
            finally
            {
                job.Values = null;
            }
        }
    }

    /// <summary>Σ (x_j − y_j)², the difference taken in T and squared and summed in double-backed segments.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double SquaredDistance(ReadOnlySpan<T> x, ReadOnlySpan<T> y, SimdPath path)
    {
        fixed (T* px = x, py = y)
        {
            return path switch
            {
                SimdPath.V512 => SumSquares<Vector512<T>, Simd512<T>>(px, py, x.Length),
                SimdPath.V256 => SumSquares<Vector256<T>, Simd256<T>>(px, py, x.Length),
                SimdPath.V128 => SumSquares<Vector128<T>, Simd128<T>>(px, py, x.Length),
                _ => SumSquaresScalar(px, py, x.Length),
            };
        }
    }

    /// <summary>Σ x_j·y_j, summed as <see cref="SquaredDistance"/> sums (in T per segment, the segments in double).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double Dot(ReadOnlySpan<T> x, ReadOnlySpan<T> y, SimdPath path)
    {
        if (x.Length != y.Length)
        {
            throw new ArgumentException($"lengths differ: {x.Length} and {y.Length}.", nameof(y));
        }

        fixed (T* px = x, py = y)
        {
            return path switch
            {
                SimdPath.V512 => SumSquares<Vector512<T>, Simd512<T>>(px, py, x.Length, product: true),
                SimdPath.V256 => SumSquares<Vector256<T>, Simd256<T>>(px, py, x.Length, product: true),
                SimdPath.V128 => SumSquares<Vector128<T>, Simd128<T>>(px, py, x.Length, product: true),
                _ => SumSquaresScalar(px, py, x.Length, product: true),
            };
        }
    }

    /// <summary>
    /// Runs <paramref name="seed"/>'s terms over every entry of WH (and of X when <paramref name="x"/> is given),
    /// tile by tile: W_B·H_C into a per-thread tile with <see cref="Gemm{T}"/>, then the terms of each tile row.
    /// Parts are fixed row blocks; their terms are merged in order into <paramref name="seed"/>.
    /// </summary>
    /// <param name="x">X (n x m), or null to visit WH alone.</param>
    /// <param name="w">W, n x k.</param>
    /// <param name="h">H, k x m.</param>
    /// <param name="seed">Empty terms (carrying their parameters, such as β); every part starts from a copy.</param>
    /// <param name="threads">Threads to use; 0 = every core.</param>
    /// <param name="path">A vector path (<see cref="Vectorized"/> must hold).</param>
    public static TTerms OverProduct<TTerms>(DenseMatrix<T>? x, DenseMatrix<T> w, DenseMatrix<T> h, TTerms seed, int threads, SimdPath path)
        where TTerms : struct, IRowTerms<T, TTerms>
    {
        int n = w.Rows, m = h.Cols;
        if (n == 0 || m == 0)
        {
            return seed;
        }

        int tileCols = Math.Min(m, TileCols);
        int tileRows = Math.Clamp(TileElements / tileCols / Gemm<T>.MR * Gemm<T>.MR, Gemm<T>.MR, 256);
        int parts = (n + tileRows - 1) / tileRows;
        var job = TileJob<TTerms>.Cached ??= new TileJob<TTerms>();
        job.Partials = PartialsFor(job.Partials, parts);

        job.X = x;
        job.W = w;
        job.H = h;
        job.Seed = seed;
        job.TileRows = tileRows;
        job.TileCols = tileCols;
        job.Path = path;
        try
        {
            KernelThreads.Run(job, parts, threads);
            return MergeInOrder(seed, job.Partials, parts);
        }
        finally
        {
            job.X = null;
            job.W = job.H = null;
        }
    }

    /// <summary>An array of at least <paramref name="parts"/> partial terms: <paramref name="current"/> when it is long enough.</summary>
    private static TTerms[] PartialsFor<TTerms>(TTerms[] current, int parts) => current.Length < parts ? new TTerms[parts] : current;

    /// <summary>The parts' terms merged into <paramref name="seed"/> in part order, so the sum does not depend on the threads.</summary>
    private static TTerms MergeInOrder<TTerms>(TTerms seed, TTerms[] partials, int parts)
        where TTerms : struct, IRowTerms<T, TTerms>
    {
        var total = seed;
        for (int p = 0; p < parts; p++)
        {
            total.Merge(partials[p]);
        }

        return total;
    }

    /// <summary>
    /// Runs <paramref name="seed"/>'s terms over the pairs (x[p], wh[p]) (stored entries of a sparse X and WH at
    /// them), in fixed chunks merged in order.
    /// </summary>
    /// <param name="x">Stored values of X.</param>
    /// <param name="wh">WH at the same entries.</param>
    /// <param name="seed">Empty terms; every part starts from a copy.</param>
    /// <param name="threads">Threads to use; 0 = every core.</param>
    /// <param name="path">The vector path passed on to the terms.</param>
    public static TTerms OverPairs<TTerms>(T[] x, T[] wh, TTerms seed, int threads, SimdPath path)
        where TTerms : struct, IRowTerms<T, TTerms>
    {
        int parts = (x.Length + ChunkElements - 1) / ChunkElements;
        var job = PairJob<TTerms>.Cached ??= new PairJob<TTerms>();
        job.Partials = PartialsFor(job.Partials, parts);

        job.X = x;
        job.WH = wh;
        job.Seed = seed;
        job.Path = path;
        try
        {
            KernelThreads.Run(job, parts, threads);
            return MergeInOrder(seed, job.Partials, parts);
        }
        finally
        {
            job.X = job.WH = [];
        }
    }

    /// <summary>
    /// The Kullback-Leibler terms of scikit-learn's <c>_beta_divergence</c> over one run of entries: Σ x·log(x / wh)
    /// and Σ x over the entries with x &gt; <paramref name="epsilon"/>, with wh = 0 read as <paramref name="epsilon"/>.
    /// A skipped entry gets ratio 1, whose logarithm is 0. Summed in T per segment, then in double.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static (double XLogRatio, double XSum) KullbackLeiblerTerms(ReadOnlySpan<T> x, ReadOnlySpan<T> wh, T epsilon)
    {
        double xLogRatio = 0, xSum = 0;
        int v = Vector<T>.Count;
        Vector<T> eps = new(epsilon);
        for (int s = 0; s < x.Length; s += SegmentElements)
        {
            int end = Math.Min(x.Length, s + SegmentElements), j = s;
            Vector<T> accLog = Vector<T>.Zero, accX = Vector<T>.Zero;
            for (; j <= end - v; j += v)
            {
                var xv = new Vector<T>(x[j..]);
                var mask = Vector.GreaterThan(xv, eps);
                var kept = Vector.ConditionalSelect(mask, xv, Vector<T>.Zero);
                accLog += kept * Log(Ratio(xv, new Vector<T>(wh[j..]), mask, eps));
                accX += kept;
            }

            T sumLog = Vector.Sum(accLog), sumX = Vector.Sum(accX);
            for (; j < end; j++)
            {
                if (x[j] > epsilon)
                {
                    sumLog += x[j] * T.Log(x[j] / (wh[j] == T.Zero ? epsilon : wh[j]));
                    sumX += x[j];
                }
            }

            xLogRatio += double.CreateTruncating(sumLog);
            xSum += double.CreateTruncating(sumX);
        }

        return (xLogRatio, xSum);
    }

    /// <summary>
    /// The Itakura-Saito terms over one run of entries: Σ x / wh and Σ log(x / wh) over the entries with
    /// x &gt; <paramref name="epsilon"/>, with wh = 0 read as <paramref name="epsilon"/> (as <see cref="KullbackLeiblerTerms"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static (double RatioSum, double LogRatioSum) ItakuraSaitoTerms(ReadOnlySpan<T> x, ReadOnlySpan<T> wh, T epsilon)
    {
        double ratioSum = 0, logSum = 0;
        int v = Vector<T>.Count;
        Vector<T> eps = new(epsilon);
        for (int s = 0; s < x.Length; s += SegmentElements)
        {
            int end = Math.Min(x.Length, s + SegmentElements), j = s;
            Vector<T> accRatio = Vector<T>.Zero, accLog = Vector<T>.Zero;
            for (; j <= end - v; j += v)
            {
                var xv = new Vector<T>(x[j..]);
                var mask = Vector.GreaterThan(xv, eps);
                var q = Ratio(xv, new Vector<T>(wh[j..]), mask, eps);
                accRatio += Vector.ConditionalSelect(mask, q, Vector<T>.Zero);
                accLog += Log(q);
            }

            T sumRatio = Vector.Sum(accRatio), sumLog = Vector.Sum(accLog);
            for (; j < end; j++)
            {
                if (x[j] > epsilon)
                {
                    T q = x[j] / (wh[j] == T.Zero ? epsilon : wh[j]);
                    sumRatio += q;
                    sumLog += T.Log(q);
                }
            }

            ratioSum += double.CreateTruncating(sumRatio);
            logSum += double.CreateTruncating(sumLog);
        }

        return (ratioSum, logSum);
    }

    /// <summary>x / (wh = 0 ? ε : wh) in the lanes of <paramref name="mask"/>, 1 elsewhere.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<T> Ratio(Vector<T> x, Vector<T> wh, Vector<T> mask, Vector<T> eps)
    {
        wh = Vector.ConditionalSelect(Vector.Equals(wh, Vector<T>.Zero), eps, wh);
        return Vector.ConditionalSelect(mask, x / wh, Vector<T>.One);
    }

    /// <summary>
    /// Lane-wise natural logarithm with the runtime's vector Log, inlined into the caller (a separately compiled
    /// log would start unoptimised under tiered compilation, which costs a one-off pass like this several-fold).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<T> Log(Vector<T> v)
    {
        if (typeof(T) == typeof(double))
        {
            return Vector.Log(Vector.As<T, double>(v)).As<double, T>();
        }

        return Vector.Log(Vector.As<T, float>(v)).As<float, T>();
    }

    private static double SumSquaresScalar(T* x, T* y, int n, bool product = false)
    {
        double sum = 0;
        for (int j = 0; j < n; j++)
        {
            if (product)
            {
                sum += double.CreateTruncating(x[j]) * double.CreateTruncating(y[j]);
                continue;
            }

            double d = double.CreateTruncating(y == null ? x[j] : x[j] - y[j]);
            sum += d * d;
        }

        return sum;
    }

    /// <summary>
    /// Σ (x − y)² (Σ x² when <paramref name="y"/> is null; Σ x·y with <paramref name="product"/>): fused multiply-adds
    /// into two vector accumulators per segment of <see cref="SegmentElements"/>, each segment's lanes then added to a
    /// double.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double SumSquares<TV, TS>(T* x, T* y, int n, bool product = false)
        where TV : struct
        where TS : ISimd<T, TV>
    {
        int v = TS.Count;
        double total = 0;
        int j = 0;
        while (n - j >= v)
        {
            int end = Math.Min(n, j + SegmentElements);
            TV a0 = TS.Zero, a1 = TS.Zero;
            if (y == null)
            {
                for (; j <= end - (2 * v); j += 2 * v)
                {
                    TV d0 = TS.Load(x + j), d1 = TS.Load(x + j + v);
                    a0 = TS.MulAdd(d0, d0, a0);
                    a1 = TS.MulAdd(d1, d1, a1);
                }

                for (; j <= end - v; j += v)
                {
                    TV d0 = TS.Load(x + j);
                    a0 = TS.MulAdd(d0, d0, a0);
                }
            }
            else if (product)
            {
                for (; j <= end - (2 * v); j += 2 * v)
                {
                    a0 = TS.MulAdd(TS.Load(x + j), TS.Load(y + j), a0);
                    a1 = TS.MulAdd(TS.Load(x + j + v), TS.Load(y + j + v), a1);
                }

                for (; j <= end - v; j += v)
                {
                    a0 = TS.MulAdd(TS.Load(x + j), TS.Load(y + j), a0);
                }
            }
            else
            {
                for (; j <= end - (2 * v); j += 2 * v)
                {
                    TV d0 = TS.Subtract(TS.Load(x + j), TS.Load(y + j));
                    TV d1 = TS.Subtract(TS.Load(x + j + v), TS.Load(y + j + v));
                    a0 = TS.MulAdd(d0, d0, a0);
                    a1 = TS.MulAdd(d1, d1, a1);
                }

                for (; j <= end - v; j += v)
                {
                    TV d0 = TS.Subtract(TS.Load(x + j), TS.Load(y + j));
                    a0 = TS.MulAdd(d0, d0, a0);
                }
            }

            total += double.CreateTruncating(TS.Sum(TS.Add(a0, a1)));
            if (end - j < v)
            {
                // Fewer than one vector left in this segment: finish it element by element.
                total += SumSquaresScalar(x + j, y == null ? null : y + j, end - j, product);
                j = end;
            }
        }

        return total + SumSquaresScalar(x + j, y == null ? null : y + j, n - j, product);
    }

    /// <summary>One ‖·‖² in flight: part p sums its fixed chunk into Partials[p].</summary>
    private sealed class NormJob : IPartitionedWork
    {
        [ThreadStatic]
        public static NormJob? Cached;

        public double[] Partials = [];
        public T* Values;
        public int Length;
        public SimdPath Path;

        // Optimised at first call: a fit runs this pass once, too few calls for tiered compilation to promote it.
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void RunPart(int part)
        {
            long start = (long)part * ChunkElements;
            int count = (int)Math.Min(ChunkElements, Length - start);
            T* p = Values + start;
            Partials[part] = Path switch
            {
                SimdPath.V512 => SumSquares<Vector512<T>, Simd512<T>>(p, null, count),
                SimdPath.V256 => SumSquares<Vector256<T>, Simd256<T>>(p, null, count),
                SimdPath.V128 => SumSquares<Vector128<T>, Simd128<T>>(p, null, count),
                _ => SumSquaresScalar(p, null, count),
            };
        }
    }

    /// <summary>One pass over stored pairs in flight: part p covers a fixed chunk into Partials[p].</summary>
    private sealed class PairJob<TTerms> : IPartitionedWork
        where TTerms : struct, IRowTerms<T, TTerms>
    {
        [ThreadStatic]
        public static PairJob<TTerms>? Cached;

        public TTerms[] Partials = [];
        public T[] X = [];
        public T[] WH = [];
        public TTerms Seed;
        public SimdPath Path;

        // Optimised at first call: a fit runs this pass once, too few calls for tiered compilation to promote it.
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void RunPart(int part)
        {
            int start = part * ChunkElements;
            int count = Math.Min(ChunkElements, X.Length - start);
            var terms = Seed;
            terms.Add(X.AsSpan(start, count), WH.AsSpan(start, count), Path);
            Partials[part] = terms;
        }
    }

    /// <summary>One pass over WH in flight: part p covers rows [p·TileRows, (p+1)·TileRows) into Partials[p].</summary>
    private sealed class TileJob<TTerms> : IPartitionedWork
        where TTerms : struct, IRowTerms<T, TTerms>
    {
        [ThreadStatic]
        public static TileJob<TTerms>? Cached;

        [ThreadStatic]
        private static T[]? _tile;

        public TTerms[] Partials = [];
        public DenseMatrix<T>? X;
        public DenseMatrix<T>? W;
        public DenseMatrix<T>? H;
        public TTerms Seed;
        public int TileRows;
        public int TileCols;
        public SimdPath Path;

        // Optimised at first call: a fit runs this pass once, too few calls for tiered compilation to promote it.
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void RunPart(int part)
        {
            var w = W!;
            var h = H!;
            var x = X;
            int n = w.Rows, k = w.Cols, m = h.Cols;
            int r0 = part * TileRows;
            int rows = Math.Min(TileRows, n - r0);
            int tileCols = TileCols;
            var tile = _tile is { } t && t.Length >= TileRows * tileCols ? t : (_tile = GC.AllocateUninitializedArray<T>(TileRows * tileCols, pinned: true));
            var terms = Seed;
            fixed (T* wp = w.Data, hp = h.Data, tp = tile)
            {
                for (int c0 = 0; c0 < m; c0 += tileCols)
                {
                    int cols = Math.Min(tileCols, m - c0);

                    // W_B (rows x k) · H[:, c0..c0+cols] → tile (rows x cols); one thread, as the parts are the
                    // unit of parallel work. Each element is the same FMA chain as in Products.Multiply.
                    Gemm<T>.Run(rows, cols, k, wp + ((long)r0 * k), k, 1, hp + c0, m, false, tp, cols, 1, Path);
                    for (int r = 0; r < rows; r++)
                    {
                        var wh = new ReadOnlySpan<T>(tp + ((long)r * cols), cols);
                        var xr = x is null ? default : x.Data.AsSpan(((r0 + r) * m) + c0, cols);
                        terms.Add(xr, wh, Path);
                    }
                }
            }

            Partials[part] = terms;
        }
    }
}
