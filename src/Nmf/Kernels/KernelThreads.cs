using System.Diagnostics;
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
/// <remarks>
/// A worker that finishes a call keeps polling for the next one for <see cref="SpinMilliseconds"/> before it sleeps,
/// and the caller polls for the workers' end likewise: an iteration makes several parallel calls a fraction of a
/// millisecond apart, and waking a sleeping thread cost 36 µs after 0.1 ms and 100 µs after 10 ms on this project's
/// 2-core virtual machine (<c>Nmf.Bench handoff</c>), against under 1 µs for a polling one.
/// </remarks>
internal static class KernelThreads
{
    /// <summary>How long an idle worker, or a caller waiting for its workers, polls before it blocks.</summary>
    private const double SpinMilliseconds = 1.0;

    private static readonly long SpinTicks = (long)(SpinMilliseconds * Stopwatch.Frequency / 1000);
    private static readonly Lock Gate = new();
    private static readonly ManualResetEventSlim AllDone = new(false);
    private static readonly List<Worker> Workers = [];
    private static IPartitionedWork? _current;
    private static long _generation;
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
            long generation = ++_generation;
            for (int w = 0; w < helpers; w++)
            {
                Workers[w].Assign(generation);
            }

            Drain();
            WaitForHelpers(spin: threads <= Environment.ProcessorCount);
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

    /// <summary>
    /// Polls for the helpers' end for a while, then blocks until the last one signals. The signal may also be a late one
    /// from the previous call (whose end was seen by polling before its last helper set it), so the count is checked
    /// again after every wake and the event reset before each wait.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void WaitForHelpers(bool spin)
    {
        long deadline = Stopwatch.GetTimestamp() + (spin ? SpinTicks : 0);
        int polls = 0;
        while (Volatile.Read(ref _pending) != 0)
        {
            if ((++polls & 63) != 0 || Stopwatch.GetTimestamp() <= deadline)
            {
                Thread.SpinWait(4);
                continue;
            }

            AllDone.Reset();
            if (Volatile.Read(ref _pending) != 0)
            {
                AllDone.Wait();
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void EnsureWorkers(int count)
    {
        while (Workers.Count < count)
        {
            // Only helpers that have a core of their own poll (more threads than cores would take turns spinning).
            var worker = new Worker(spins: Workers.Count + 1 < Environment.ProcessorCount);
            Workers.Add(worker);
            var thread = new Thread(worker.Loop)
            {
                IsBackground = true,
                Name = "nmf-kernel-" + Workers.Count,
            };
            thread.Start();
        }
    }

    /// <summary>
    /// One helper thread. The caller hands it a call by writing the call's generation into <see cref="_assigned"/>;
    /// a worker that has gone to sleep says so in <see cref="_sleeping"/> first, and whichever side clears that flag
    /// (both with full fences) decides whether the semaphore is released and taken, so no hand-off is lost.
    /// </summary>
    private sealed class Worker
    {
        private readonly SemaphoreSlim _wake = new(0);
        private readonly long _spinTicks;
        private long _assigned;
        private int _sleeping;

        public Worker(bool spins) => _spinTicks = spins ? SpinTicks : 0;

        public void Assign(long generation)
        {
            Volatile.Write(ref _assigned, generation);
            if (Interlocked.Exchange(ref _sleeping, 0) == 1)
            {
                _wake.Release();
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Loop()
        {
            long seen = 0;
            while (true)
            {
                WaitForCall(seen);
                seen = Volatile.Read(ref _assigned);
                Drain();
                if (Interlocked.Decrement(ref _pending) == 0)
                {
                    AllDone.Set();
                }
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void WaitForCall(long seen)
        {
            long deadline = Stopwatch.GetTimestamp() + _spinTicks;
            int polls = 0;
            while (Volatile.Read(ref _assigned) == seen)
            {
                Thread.SpinWait(4);
                if ((++polls & 63) != 0 || Stopwatch.GetTimestamp() <= deadline)
                {
                    continue;
                }

                Interlocked.Exchange(ref _sleeping, 1);
                if (Volatile.Read(ref _assigned) != seen)
                {
                    // A call arrived meanwhile: if the caller already cleared the flag it released the semaphore too.
                    if (Interlocked.Exchange(ref _sleeping, 0) == 0)
                    {
                        _wake.Wait();
                    }

                    return;
                }

                _wake.Wait();
                return;
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
