using System.Diagnostics;
using System.Globalization;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

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
    {
        return Vector512.IsHardwareAccelerated ? Chains512<T>(steps) : Chains256<T>(steps);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static T Chains512<T>(long steps)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var m = Vector512.Create(T.CreateChecked(0.9999999));
        var c = Vector512.Create(T.CreateChecked(1e-7));
        Vector512<T> a0 = Vector512<T>.One, a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0, a8 = a0, a9 = a0, a10 = a0, a11 = a0;
        for (long i = 0; i < steps; i++)
        {
            a0 = Fma(a0, m, c); a1 = Fma(a1, m, c); a2 = Fma(a2, m, c); a3 = Fma(a3, m, c);
            a4 = Fma(a4, m, c); a5 = Fma(a5, m, c); a6 = Fma(a6, m, c); a7 = Fma(a7, m, c);
            a8 = Fma(a8, m, c); a9 = Fma(a9, m, c); a10 = Fma(a10, m, c); a11 = Fma(a11, m, c);
        }

        return Vector512.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static T Chains256<T>(long steps)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var m = Vector256.Create(T.CreateChecked(0.9999999));
        var c = Vector256.Create(T.CreateChecked(1e-7));
        Vector256<T> a0 = Vector256<T>.One, a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0, a8 = a0, a9 = a0, a10 = a0, a11 = a0;
        for (long i = 0; i < steps; i++)
        {
            a0 = Fma(a0, m, c); a1 = Fma(a1, m, c); a2 = Fma(a2, m, c); a3 = Fma(a3, m, c);
            a4 = Fma(a4, m, c); a5 = Fma(a5, m, c); a6 = Fma(a6, m, c); a7 = Fma(a7, m, c);
            a8 = Fma(a8, m, c); a9 = Fma(a9, m, c); a10 = Fma(a10, m, c); a11 = Fma(a11, m, c);
        }

        return Vector256.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11);
    }

    /// <summary>a · b + c in one fused instruction (the kernels' multiply-add).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<T> Fma<T>(Vector512<T> a, Vector512<T> b, Vector512<T> c)
        where T : unmanaged, IFloatingPointIeee754<T>
        => Nmf.Kernels.Simd512<T>.MulAdd(a, b, c);

    /// <summary>a · b + c in one fused instruction (the kernels' multiply-add).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<T> Fma<T>(Vector256<T> a, Vector256<T> b, Vector256<T> c)
        where T : unmanaged, IFloatingPointIeee754<T>
        => Nmf.Kernels.Simd256<T>.MulAdd(a, b, c);
}
