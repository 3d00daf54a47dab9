using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;

namespace Nmf.Kernels;

/// <summary>A piece of work split into numbered parts that may run in any order on any thread.</summary>
internal interface IPartitionedWork
{
    /// <summary>Runs part <paramref name="part"/>; parts write disjoint outputs.</summary>
    void RunPart(int part);
}

/// <summary>
/// A small fixed set of worker threads for the kernels. A call splits its work into parts fixed by the
/// problem's shape (never by the thread count), so which thread runs which part cannot change the result;
/// the caller runs parts too. Nothing is allocated per call. If another call holds the workers, the parts
/// run on the caller alone, which gives the same result.
/// </summary>
internal static class KernelThreads
{
    private static readonly Lock Gate = new();
    private static readonly ManualResetEventSlim AllDone = new(false);
    private static readonly List<SemaphoreSlim> Starts = [];
    private static IPartitionedWork? _current;
    private static int _nextPart;
    private static int _partCount;
    private static int _pending;
    private static Exception? _failure;

    /// <summary>The number of threads to use: <paramref name="threads"/>, or every core when it is 0 or less.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int Resolve(int threads) => threads <= 0 ? Environment.ProcessorCount : Math.Min(threads, 256);

    /// <summary>Runs parts 0..<paramref name="parts"/>-1 of <paramref name="work"/> on up to <paramref name="threads"/> threads.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(IPartitionedWork work, int parts, int threads)
    {
        threads = Math.Min(Resolve(threads), parts);
        if (threads <= 1 || !Gate.TryEnter())
        {
            for (int p = 0; p < parts; p++)
            {
                work.RunPart(p);
            }

            return;
        }

        try
        {
            int helpers = threads - 1;
            EnsureWorkers(helpers);
            _current = work;
            _nextPart = 0;
            _partCount = parts;
            _pending = helpers;
            _failure = null;
            AllDone.Reset();
            for (int w = 0; w < helpers; w++)
            {
                Starts[w].Release();
            }

            Drain();
            AllDone.Wait();
            _current = null;
            if (_failure is not null)
            {
                ExceptionDispatchInfo.Capture(_failure).Throw();
            }
        }
        finally
        {
            Gate.Exit();
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Drain()
    {
        var work = _current!;
        int p;
        while ((p = Interlocked.Increment(ref _nextPart) - 1) < _partCount)
        {
            try
            {
                work.RunPart(p);
            }
            catch (Exception e)
            {
                // The first failure is rethrown by the caller; the remaining parts still run so all threads finish.
                Interlocked.CompareExchange(ref _failure, e, null);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void EnsureWorkers(int count)
    {
        while (Starts.Count < count)
        {
            var start = new SemaphoreSlim(0);
            Starts.Add(start);
            var thread = new Thread(() => WorkerLoop(start))
            {
                IsBackground = true,
                Name = "nmf-kernel-" + Starts.Count,
            };
            thread.Start();
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void WorkerLoop(SemaphoreSlim start)
    {
        while (true)
        {
            start.Wait();
            Drain();
            if (Interlocked.Decrement(ref _pending) == 0)
            {
                AllDone.Set();
            }
        }
    }
}

/// <summary>Per-thread scratch arrays, grown on demand and reused, so kernels do not allocate per call.</summary>
internal static class Scratch<T> where T : unmanaged
{
    [ThreadStatic]
    private static T[]? _first;

    [ThreadStatic]
    private static T[]? _second;

    [ThreadStatic]
    private static T[]? _operand;

    [ThreadStatic]
    private static T[]? _accumulator;

    /// <summary>A per-thread array of at least <paramref name="length"/> elements (contents undefined).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static T[] First(int length) => Grow(ref _first, length);

    /// <summary>A second per-thread array, distinct from <see cref="First"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static T[] Second(int length) => Grow(ref _second, length);

    /// <summary>A third per-thread array, for an operand prepared by the caller and read by every part.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static T[] Operand(int length) => Grow(ref _operand, length);

    /// <summary>A fourth per-thread array, for partial sums the caller's parts share (each writes its own rows).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static T[] Accumulator(int length) => Grow(ref _accumulator, length);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static T[] Grow(ref T[]? array, int length)
    {
        if (array is null || array.Length < length)
        {
            array = GC.AllocateUninitializedArray<T>(Math.Max(length, 64), pinned: true);
        }

        return array;
    }
}
