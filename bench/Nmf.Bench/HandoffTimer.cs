using System.Diagnostics;
using System.Globalization;
using Nmf.Kernels;

namespace Nmf.Bench;

/// <summary>
/// "handoff [calls]": the fixed cost of one parallel kernel call, <see cref="KernelThreads.Run"/> with two parts of no
/// work, after the caller has been busy alone for 0, 0.1, 1 and 10 ms (as between the products of an iteration, while
/// the workers idle). That cost is paid by every product of every iteration, whatever its size.
/// </summary>
internal static class HandoffTimer
{
    public static void Run(string[] args)
    {
        int calls = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 2000;
        var work = new NoWork();
        KernelThreads.Run(work, 2, 2);
        foreach (double gapMs in new[] { 0.0, 0.1, 1.0, 10.0 })
        {
            int n = gapMs >= 10 ? Math.Max(1, calls / 20) : calls;
            var samples = new double[n];
            for (int c = 0; c < n; c++)
            {
                Busy(gapMs);
                long t0 = Stopwatch.GetTimestamp();
                KernelThreads.Run(work, 2, 2);
                samples[c] = Stopwatch.GetElapsedTime(t0).TotalMicroseconds;
            }

            Array.Sort(samples);
            Console.WriteLine(
                $"after {gapMs,5:F1} ms alone: median {samples[n / 2],8:F1} µs | 90th percentile {samples[n * 9 / 10],8:F1} µs per call");
        }
    }

    private static void Busy(double ms)
    {
        long end = Stopwatch.GetTimestamp() + (long)(ms * Stopwatch.Frequency / 1000);
        while (Stopwatch.GetTimestamp() < end)
        {
            Thread.SpinWait(20);
        }
    }

    private sealed class NoWork : IPartitionedWork
    {
        public void RunPart(int part)
        {
        }
    }
}
