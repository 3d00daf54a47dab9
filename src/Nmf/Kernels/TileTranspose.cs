using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Nmf.Kernels;

/// <summary>
/// Square tile transposes in registers with AVX-512 (8 x 8 doubles, 16 x 16 floats): the row-major rows of a
/// factor become the lane-per-row vectors the coordinate-descent and Gram kernels work on, with full-width loads
/// and log₂(lanes) rounds of two-source shuffles instead of one scalar insert per element.
/// </summary>
/// <remarks>
/// The 64-bit-element rounds use <c>vpermt2pd</c> with two index patterns each: <c>pe</c> / <c>po</c> interleave the
/// even / odd 128-bit pairs of two vectors, <c>lo</c> / <c>hi</c> join their low / high 256-bit halves (constants
/// written in each method, so they stay in registers).
/// </remarks>
internal static unsafe class Transpose512
{
    /// <summary>8 x 8 doubles: d[c·ds + r] = s[r·ss + c], the first <paramref name="width"/> of each output written.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Double(double* s, nint ss, double* d, nint ds, int width)
    {
        var r0 = Vector512.Load(s);
        var r1 = Vector512.Load(s + ss);
        var r2 = Vector512.Load(s + (2 * ss));
        var r3 = Vector512.Load(s + (3 * ss));
        var r4 = Vector512.Load(s + (4 * ss));
        var r5 = Vector512.Load(s + (5 * ss));
        var r6 = Vector512.Load(s + (6 * ss));
        var r7 = Vector512.Load(s + (7 * ss));

        // Round 1: [r0c0 r1c0 r0c2 r1c2 ...] and [r0c1 r1c1 r0c3 r1c3 ...] for each pair of rows.
        var t0 = Avx512F.UnpackLow(r0, r1);
        var t1 = Avx512F.UnpackHigh(r0, r1);
        var t2 = Avx512F.UnpackLow(r2, r3);
        var t3 = Avx512F.UnpackHigh(r2, r3);
        var t4 = Avx512F.UnpackLow(r4, r5);
        var t5 = Avx512F.UnpackHigh(r4, r5);
        var t6 = Avx512F.UnpackLow(r6, r7);
        var t7 = Avx512F.UnpackHigh(r6, r7);

        // Round 2: columns (c, c+4) of four rows: u0 = [r0..r3 c0 | r0..r3 c4], u1 c1/c5, u2 c2/c6, u3 c3/c7.
        var pe = Vector512.Create(0L, 1, 8, 9, 4, 5, 12, 13);
        var po = Vector512.Create(2L, 3, 10, 11, 6, 7, 14, 15);
        var u0 = Avx512F.PermuteVar8x64x2(t0, pe, t2);
        var u2 = Avx512F.PermuteVar8x64x2(t0, po, t2);
        var u1 = Avx512F.PermuteVar8x64x2(t1, pe, t3);
        var u3 = Avx512F.PermuteVar8x64x2(t1, po, t3);
        var u4 = Avx512F.PermuteVar8x64x2(t4, pe, t6);
        var u6 = Avx512F.PermuteVar8x64x2(t4, po, t6);
        var u5 = Avx512F.PermuteVar8x64x2(t5, pe, t7);
        var u7 = Avx512F.PermuteVar8x64x2(t5, po, t7);

        // Round 3: rows 0..3 and 4..7 of each column.
        var lo = Vector512.Create(0L, 1, 2, 3, 8, 9, 10, 11);
        var hi = Vector512.Create(4L, 5, 6, 7, 12, 13, 14, 15);
        Store(Avx512F.PermuteVar8x64x2(u0, lo, u4), d, width);
        Store(Avx512F.PermuteVar8x64x2(u1, lo, u5), d + ds, width);
        Store(Avx512F.PermuteVar8x64x2(u2, lo, u6), d + (2 * ds), width);
        Store(Avx512F.PermuteVar8x64x2(u3, lo, u7), d + (3 * ds), width);
        Store(Avx512F.PermuteVar8x64x2(u0, hi, u4), d + (4 * ds), width);
        Store(Avx512F.PermuteVar8x64x2(u1, hi, u5), d + (5 * ds), width);
        Store(Avx512F.PermuteVar8x64x2(u2, hi, u6), d + (6 * ds), width);
        Store(Avx512F.PermuteVar8x64x2(u3, hi, u7), d + (7 * ds), width);
    }

    /// <summary>16 x 16 floats: d[c·ds + r] = s[r·ss + c], the first <paramref name="width"/> of each output written.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Single(float* s, nint ss, float* d, nint ds, int width)
    {
        // Rounds 1 and 2 per group of four rows (4g..4g+3): bGQ holds, in 128-bit chunk j, column 4j + q of group g.
        Group(s, ss, out var b00, out var b01, out var b02, out var b03);
        Group(s + (4 * ss), ss, out var b10, out var b11, out var b12, out var b13);
        Group(s + (8 * ss), ss, out var b20, out var b21, out var b22, out var b23);
        Group(s + (12 * ss), ss, out var b30, out var b31, out var b32, out var b33);

        // Rounds 3 and 4: a 4 x 4 transpose of 128-bit chunks across the groups, for each q.
        var pe = Vector512.Create(0L, 1, 8, 9, 4, 5, 12, 13);
        var po = Vector512.Create(2L, 3, 10, 11, 6, 7, 14, 15);
        var lo = Vector512.Create(0L, 1, 2, 3, 8, 9, 10, 11);
        var hi = Vector512.Create(4L, 5, 6, 7, 12, 13, 14, 15);
        Chunks(b00, b10, b20, b30, pe, po, lo, hi, d, ds, width);
        Chunks(b01, b11, b21, b31, pe, po, lo, hi, d + ds, ds, width);
        Chunks(b02, b12, b22, b32, pe, po, lo, hi, d + (2 * ds), ds, width);
        Chunks(b03, b13, b23, b33, pe, po, lo, hi, d + (3 * ds), ds, width);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Group(
        float* s, nint ss, out Vector512<double> b0, out Vector512<double> b1, out Vector512<double> b2, out Vector512<double> b3)
    {
        var r0 = Vector512.Load(s);
        var r1 = Vector512.Load(s + ss);
        var r2 = Vector512.Load(s + (2 * ss));
        var r3 = Vector512.Load(s + (3 * ss));
        var a0 = Avx512F.UnpackLow(r0, r1).AsDouble();
        var a1 = Avx512F.UnpackHigh(r0, r1).AsDouble();
        var a2 = Avx512F.UnpackLow(r2, r3).AsDouble();
        var a3 = Avx512F.UnpackHigh(r2, r3).AsDouble();
        b0 = Avx512F.UnpackLow(a0, a2);
        b1 = Avx512F.UnpackHigh(a0, a2);
        b2 = Avx512F.UnpackLow(a1, a3);
        b3 = Avx512F.UnpackHigh(a1, a3);
    }

    /// <summary>Columns q, 4 + q, 8 + q, 12 + q from the groups' vectors for q (d points at column q's output).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Chunks(
        Vector512<double> g0, Vector512<double> g1, Vector512<double> g2, Vector512<double> g3,
        Vector512<long> pe, Vector512<long> po, Vector512<long> lo, Vector512<long> hi, float* d, nint ds, int width)
    {
        var c0 = Avx512F.PermuteVar8x64x2(g0, pe, g1);
        var c1 = Avx512F.PermuteVar8x64x2(g0, po, g1);
        var c2 = Avx512F.PermuteVar8x64x2(g2, pe, g3);
        var c3 = Avx512F.PermuteVar8x64x2(g2, po, g3);
        Store(Avx512F.PermuteVar8x64x2(c0, lo, c2).AsSingle(), d, width);
        Store(Avx512F.PermuteVar8x64x2(c1, lo, c3).AsSingle(), d + (4 * ds), width);
        Store(Avx512F.PermuteVar8x64x2(c0, hi, c2).AsSingle(), d + (8 * ds), width);
        Store(Avx512F.PermuteVar8x64x2(c1, hi, c3).AsSingle(), d + (12 * ds), width);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(Vector512<double> value, double* d, int width)
    {
        if (width >= 8)
        {
            value.Store(d);
        }
        else
        {
            var mask = Vector512.LessThan(Vector512.Create(0L, 1, 2, 3, 4, 5, 6, 7), Vector512.Create((long)width)).AsDouble();
            Avx512F.MaskStore(d, mask, value);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(Vector512<float> value, float* d, int width)
    {
        if (width >= 16)
        {
            value.Store(d);
        }
        else
        {
            var mask = Vector512.LessThan(Vector512.Create(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15), Vector512.Create(width)).AsSingle();
            Avx512F.MaskStore(d, mask, value);
        }
    }
}

/// <summary>Square tile transposes in registers with AVX (4 x 4 doubles, 8 x 8 floats); see <see cref="Transpose512"/>.</summary>
internal static unsafe class Transpose256
{
    /// <summary>4 x 4 doubles: d[c·ds + r] = s[r·ss + c], the first <paramref name="width"/> of each output written.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Double(double* s, nint ss, double* d, nint ds, int width)
    {
        var r0 = Vector256.Load(s);
        var r1 = Vector256.Load(s + ss);
        var r2 = Vector256.Load(s + (2 * ss));
        var r3 = Vector256.Load(s + (3 * ss));
        var t0 = Avx.UnpackLow(r0, r1);
        var t1 = Avx.UnpackHigh(r0, r1);
        var t2 = Avx.UnpackLow(r2, r3);
        var t3 = Avx.UnpackHigh(r2, r3);
        Store(Avx.Permute2x128(t0, t2, 0x20), d, width);
        Store(Avx.Permute2x128(t1, t3, 0x20), d + ds, width);
        Store(Avx.Permute2x128(t0, t2, 0x31), d + (2 * ds), width);
        Store(Avx.Permute2x128(t1, t3, 0x31), d + (3 * ds), width);
    }

    /// <summary>8 x 8 floats: d[c·ds + r] = s[r·ss + c], the first <paramref name="width"/> of each output written.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Single(float* s, nint ss, float* d, nint ds, int width)
    {
        // bGQ holds, in 128-bit half j, column 4j + q of rows 4g..4g+3.
        Group(s, ss, out var b00, out var b01, out var b02, out var b03);
        Group(s + (4 * ss), ss, out var b10, out var b11, out var b12, out var b13);
        Store(Avx.Permute2x128(b00, b10, 0x20).AsSingle(), d, width);
        Store(Avx.Permute2x128(b01, b11, 0x20).AsSingle(), d + ds, width);
        Store(Avx.Permute2x128(b02, b12, 0x20).AsSingle(), d + (2 * ds), width);
        Store(Avx.Permute2x128(b03, b13, 0x20).AsSingle(), d + (3 * ds), width);
        Store(Avx.Permute2x128(b00, b10, 0x31).AsSingle(), d + (4 * ds), width);
        Store(Avx.Permute2x128(b01, b11, 0x31).AsSingle(), d + (5 * ds), width);
        Store(Avx.Permute2x128(b02, b12, 0x31).AsSingle(), d + (6 * ds), width);
        Store(Avx.Permute2x128(b03, b13, 0x31).AsSingle(), d + (7 * ds), width);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Group(
        float* s, nint ss, out Vector256<double> b0, out Vector256<double> b1, out Vector256<double> b2, out Vector256<double> b3)
    {
        var r0 = Vector256.Load(s);
        var r1 = Vector256.Load(s + ss);
        var r2 = Vector256.Load(s + (2 * ss));
        var r3 = Vector256.Load(s + (3 * ss));
        var a0 = Avx.UnpackLow(r0, r1).AsDouble();
        var a1 = Avx.UnpackHigh(r0, r1).AsDouble();
        var a2 = Avx.UnpackLow(r2, r3).AsDouble();
        var a3 = Avx.UnpackHigh(r2, r3).AsDouble();
        b0 = Avx.UnpackLow(a0, a2);
        b1 = Avx.UnpackHigh(a0, a2);
        b2 = Avx.UnpackLow(a1, a3);
        b3 = Avx.UnpackHigh(a1, a3);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(Vector256<double> value, double* d, int width)
    {
        if (width >= 4)
        {
            value.Store(d);
        }
        else
        {
            var mask = Vector256.LessThan(Vector256.Create(0L, 1, 2, 3), Vector256.Create((long)width)).AsDouble();
            Avx.MaskStore(d, mask, value);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(Vector256<float> value, float* d, int width)
    {
        if (width >= 8)
        {
            value.Store(d);
        }
        else
        {
            var mask = Vector256.LessThan(Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7), Vector256.Create(width)).AsSingle();
            Avx.MaskStore(d, mask, value);
        }
    }
}
