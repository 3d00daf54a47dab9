using System.Diagnostics;
using System.Globalization;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Nmf.Kernels;

namespace Nmf.Bench;

/// <summary>
/// "peak [seconds]": the machine's multiply-add peak, the ceiling of every dense kernel: twelve independent chains of
/// 512-bit (else 256-bit) fused multiply-adds per thread, on one thread and on every core, float64 and float32.
/// GFLOPS count two flops per lane and multiply-add.
/// </summary>
internal static class PeakTimer
{
    public static void Run(string[] args)
    {
        double seconds = args.Length > 0 ? double.Parse(args[0], CultureInfo.InvariantCulture) : 0.5;
        int cores = Environment.ProcessorCount;
        Report<double>(seconds, 1);
        Report<double>(seconds, cores);
        Report<float>(seconds, 1);
        Report<float>(seconds, cores);
    }

    private static void Report<T>(double seconds, int threads)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Chains<T>(1000); // compiled before the timing
        long steps = 1000;
        double elapsed;
        do
        {
            steps *= 2;
            elapsed = Timed<T>(steps, 1);
        }
        while (elapsed < seconds / 4);

        double best = double.MaxValue;
        for (int rep = 0; rep < 3; rep++)
        {
            best = Math.Min(best, Timed<T>(steps, threads));
        }

        int lanes = Vector512.IsHardwareAccelerated ? Vector512<T>.Count : Vector256<T>.Count;
        double gflops = 2.0 * 12 * lanes * steps * threads / best / 1e9;
        Console.WriteLine($"{typeof(T).Name,-7} {threads} thread(s) {gflops,8:F1} GFLOPS ({lanes * 8 * Unsafe.SizeOf<T>()}-bit multiply-adds)");
    }

    private static double Timed<T>(long steps, int threads)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var start = Stopwatch.GetTimestamp();
        var tasks = Enumerable.Range(0, threads).Select(_ => Task.Factory.StartNew(() => Chains<T>(steps), TaskCreationOptions.LongRunning)).ToArray();
        Task.WaitAll(tasks);
        if (tasks.Any(t => t.Result == T.NaN))
        {
            throw new InvalidOperationException("unexpected NaN");
        }

        return Stopwatch.GetElapsedTime(start).TotalSeconds;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static T Chains<T>(long steps)
        where T : unmanaged, IFloatingPointIeee754<T>
        => Vector512.IsHardwareAccelerated ? Chains<T, Vector512<T>, Simd512<T>>(steps) : Chains<T, Vector256<T>, Simd256<T>>(steps);

    /// <summary>Twelve independent chains a = a·m + c, each step one fused multiply-add per chain.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static T Chains<T, TV, TS>(long steps)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TV : struct
        where TS : ISimd<T, TV>
    {
        var m = TS.Broadcast(T.CreateChecked(0.9999999));
        var c = TS.Broadcast(T.CreateChecked(1e-7));
        TV a0 = TS.Broadcast(T.One), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0, a8 = a0, a9 = a0, a10 = a0, a11 = a0;
        for (long i = 0; i < steps; i++)
        {
            a0 = TS.MulAdd(a0, m, c); a1 = TS.MulAdd(a1, m, c); a2 = TS.MulAdd(a2, m, c); a3 = TS.MulAdd(a3, m, c);
            a4 = TS.MulAdd(a4, m, c); a5 = TS.MulAdd(a5, m, c); a6 = TS.MulAdd(a6, m, c); a7 = TS.MulAdd(a7, m, c);
            a8 = TS.MulAdd(a8, m, c); a9 = TS.MulAdd(a9, m, c); a10 = TS.MulAdd(a10, m, c); a11 = TS.MulAdd(a11, m, c);
        }

        var s0 = TS.Add(TS.Add(TS.Add(a0, a1), TS.Add(a2, a3)), TS.Add(TS.Add(a4, a5), TS.Add(a6, a7)));
        return TS.Sum(TS.Add(s0, TS.Add(TS.Add(a8, a9), TS.Add(a10, a11))));
    }
}
