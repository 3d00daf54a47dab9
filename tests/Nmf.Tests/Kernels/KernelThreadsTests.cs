using System.Diagnostics;
using Nmf.Kernels;
using Xunit;

namespace Nmf.Tests.Kernels;

/// <summary>
/// The worker hand-off: every part of every call runs exactly once and has finished when the call returns, whether
/// the helpers were still polling (calls back to back), had just gone to sleep, or slept long; and a part's failure
/// reaches the caller.
/// </summary>
public class KernelThreadsTests
{
    [Fact]
    public void EveryPartRunsOnceAndHasEndedWhenTheCallReturns()
    {
        var work = new Counting();
        var rng = new Random(5);
        for (int call = 0; call < 600; call++)
        {
            int parts = 1 + rng.Next(40);
            // One part outlasts the caller's polling now and then, so the caller blocks on the event.
            work.Reset(parts, slowPart: rng.Next(parts), slowMs: call % 5 == 0 ? 1.5 : 0.1);
            KernelThreads.Run(work, parts, 1 + rng.Next(3));
            for (int p = 0; p < parts; p++)
            {
                Assert.Equal(1, work.Runs[p]);
                Assert.True(work.Ended[p], $"call {call}: part {p} had not ended when the call returned");
            }

            // Gaps around the polling time: none, short, and past it (the helper sleeps and must be woken).
            Pause(call % 3 == 0 ? 0 : call % 3 == 1 ? 0.05 : 1.5 + rng.NextDouble());
        }
    }

    [Fact]
    public void AFailingPartReachesTheCaller()
    {
        var work = new Failing();
        var e = Assert.Throws<InvalidOperationException>(() => KernelThreads.Run(work, 8, 2));
        Assert.Equal("part 5", e.Message);
        var after = new Counting();
        after.Reset(8, 0);
        KernelThreads.Run(after, 8, 2);
        Assert.All(after.Runs[..8], r => Assert.Equal(1, r));
    }

    private static void Pause(double ms)
    {
        long end = Stopwatch.GetTimestamp() + (long)(ms * Stopwatch.Frequency / 1000);
        while (Stopwatch.GetTimestamp() < end)
        {
            Thread.SpinWait(10);
        }
    }

    private sealed class Counting : IPartitionedWork
    {
        public int[] Runs { get; } = new int[64];

        public bool[] Ended { get; } = new bool[64];

        private int _slowPart;
        private double _slowMs;

        public void Reset(int parts, int slowPart, double slowMs = 0.1)
        {
            Array.Clear(Runs);
            Array.Clear(Ended);
            _slowPart = slowPart;
            _slowMs = slowMs;
        }

        public void RunPart(int part)
        {
            Interlocked.Increment(ref Runs[part]);
            if (part == _slowPart)
            {
                Pause(_slowMs);
            }

            Volatile.Write(ref Ended[part], true);
        }
    }

    private sealed class Failing : IPartitionedWork
    {
        public void RunPart(int part)
        {
            if (part == 5)
            {
                throw new InvalidOperationException("part 5");
            }
        }
    }
}
