using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Nmf.Kernels;

/// <summary>
/// One SIMD width as a type, so each kernel is written once and instantiated for 512-, 256- and 128-bit
/// vectors (the JIT specialises every struct instantiation and inlines these static members).
/// </summary>
/// <typeparam name="T">Element type, float or double.</typeparam>
/// <typeparam name="TV">The vector type, for example <see cref="Vector512{T}"/>.</typeparam>
internal unsafe interface ISimd<T, TV>
    where T : unmanaged, IFloatingPointIeee754<T>
    where TV : struct
{
    /// <summary>Lanes per vector.</summary>
    static abstract int Count { get; }

    /// <summary>All lanes zero.</summary>
    static abstract TV Zero { get; }

    /// <summary>Unaligned load of <see cref="Count"/> elements.</summary>
    static abstract TV Load(T* source);

    /// <summary>Unaligned store of <see cref="Count"/> elements.</summary>
    static abstract void Store(TV value, T* destination);

    /// <summary>The first half of a vector loaded from <paramref name="source"/>, the upper half zero (reads only Count / 2 elements).</summary>
    static abstract TV LoadLowHalf(T* source);

    /// <summary>Every lane equal to <paramref name="value"/>.</summary>
    static abstract TV Broadcast(T value);

    /// <summary>a · b + c with one rounding (fused multiply-add).</summary>
    static abstract TV MulAdd(TV a, TV b, TV c);

    /// <summary>Lane-wise a + b.</summary>
    static abstract TV Add(TV a, TV b);

    /// <summary>Sum of the lanes, in the fixed order of the runtime's reduction.</summary>
    static abstract T Sum(TV value);

    /// <summary>Lane-wise a − b.</summary>
    static abstract TV Subtract(TV a, TV b);

    /// <summary>Lane-wise a · b (rounded, not fused with a following add).</summary>
    static abstract TV Multiply(TV a, TV b);

    /// <summary>Lane-wise a / b.</summary>
    static abstract TV Divide(TV a, TV b);

    /// <summary>Lane-wise IEEE maximum.</summary>
    static abstract TV Max(TV a, TV b);

    /// <summary>Lane-wise IEEE minimum.</summary>
    static abstract TV Min(TV a, TV b);

    /// <summary>Lane-wise absolute value.</summary>
    static abstract TV Abs(TV a);

    /// <summary>Lanes of <paramref name="whereZero"/> where <paramref name="test"/> is zero, else of <paramref name="otherwise"/>.</summary>
    static abstract TV SelectWhereZero(TV test, TV whereZero, TV otherwise);

    /// <summary>
    /// Lane l = source[l·stride], built in registers (a column of a row-major block), so that it is written with
    /// one vector store: a vector load of many fresh scalar stores would stall on store forwarding.
    /// </summary>
    static abstract TV LoadStrided(T* source, nint stride);

    /// <summary>Whether <see cref="TransposeSquare"/> runs on in-register shuffles on this machine.</summary>
    static abstract bool HasTranspose { get; }

    /// <summary>
    /// Transposes a <see cref="Count"/> x <see cref="Count"/> tile: destination vector c (at
    /// <c>destination + c·destinationStride</c>) gets lane r = <c>source[r·sourceStride + c]</c>. Every source row is
    /// read with one full-width load; of each destination vector only the first <paramref name="width"/> elements
    /// are written (masked store when fewer than <see cref="Count"/>). Only when <see cref="HasTranspose"/>.
    /// </summary>
    static abstract void TransposeSquare(T* source, nint sourceStride, T* destination, nint destinationStride, int width);
}

/// <summary>512-bit vectors (AVX-512).</summary>
internal readonly unsafe struct Simd512<T> : ISimd<T, Vector512<T>> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static int Count => Vector512<T>.Count;

    public static Vector512<T> Zero => Vector512<T>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Load(T* source) => Vector512.Load(source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> LoadLowHalf(T* source) => Vector256.Load(source).ToVector512();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector512<T> value, T* destination) => value.Store(destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Broadcast(T value) => Vector512.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> MulAdd(Vector512<T> a, Vector512<T> b, Vector512<T> c)
    {
        if (typeof(T) == typeof(double))
        {
            return Vector512.FusedMultiplyAdd(a.AsDouble(), b.AsDouble(), c.AsDouble()).As<double, T>();
        }

        if (typeof(T) == typeof(float))
        {
            return Vector512.FusedMultiplyAdd(a.AsSingle(), b.AsSingle(), c.AsSingle()).As<float, T>();
        }

        return (a * b) + c;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Add(Vector512<T> a, Vector512<T> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Sum(Vector512<T> value) => Vector512.Sum(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Subtract(Vector512<T> a, Vector512<T> b) => a - b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Multiply(Vector512<T> a, Vector512<T> b) => a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Divide(Vector512<T> a, Vector512<T> b) => a / b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Max(Vector512<T> a, Vector512<T> b) => Vector512.Max(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Min(Vector512<T> a, Vector512<T> b) => Vector512.Min(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Abs(Vector512<T> a) => Vector512.Abs(a);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> SelectWhereZero(Vector512<T> test, Vector512<T> whereZero, Vector512<T> otherwise) =>
        Vector512.ConditionalSelect(Vector512.Equals(test, Vector512<T>.Zero), whereZero, otherwise);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> LoadStrided(T* source, nint s)
    {
        if (typeof(T) == typeof(double))
        {
            double* d = (double*)source;
            return Vector512.Create(d[0], d[s], d[2 * s], d[3 * s], d[4 * s], d[5 * s], d[6 * s], d[7 * s]).As<double, T>();
        }

        if (typeof(T) == typeof(float))
        {
            float* f = (float*)source;
            return Vector512.Create(f[0], f[s], f[2 * s], f[3 * s], f[4 * s], f[5 * s], f[6 * s], f[7 * s], f[8 * s], f[9 * s], f[10 * s], f[11 * s], f[12 * s], f[13 * s], f[14 * s], f[15 * s]).As<float, T>();
        }

        var lanes = new T[Vector512<T>.Count];
        for (int l = 0; l < lanes.Length; l++)
        {
            lanes[l] = source[l * s];
        }

        return Vector512.Create(lanes);
    }

    public static bool HasTranspose => Avx512F.IsSupported && (typeof(T) == typeof(double) || typeof(T) == typeof(float));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void TransposeSquare(T* source, nint sourceStride, T* destination, nint destinationStride, int width)
    {
        if (typeof(T) == typeof(double))
        {
            Transpose512.Double((double*)source, sourceStride, (double*)destination, destinationStride, width);
        }
        else if (typeof(T) == typeof(float))
        {
            Transpose512.Single((float*)source, sourceStride, (float*)destination, destinationStride, width);
        }
        else
        {
            throw new NotSupportedException(typeof(T).Name);
        }
    }
}

/// <summary>256-bit vectors (AVX2).</summary>
internal readonly unsafe struct Simd256<T> : ISimd<T, Vector256<T>> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static int Count => Vector256<T>.Count;

    public static Vector256<T> Zero => Vector256<T>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Load(T* source) => Vector256.Load(source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> LoadLowHalf(T* source) => Vector128.Load(source).ToVector256();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector256<T> value, T* destination) => value.Store(destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Broadcast(T value) => Vector256.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> MulAdd(Vector256<T> a, Vector256<T> b, Vector256<T> c)
    {
        if (typeof(T) == typeof(double))
        {
            return Vector256.FusedMultiplyAdd(a.AsDouble(), b.AsDouble(), c.AsDouble()).As<double, T>();
        }

        if (typeof(T) == typeof(float))
        {
            return Vector256.FusedMultiplyAdd(a.AsSingle(), b.AsSingle(), c.AsSingle()).As<float, T>();
        }

        return (a * b) + c;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Add(Vector256<T> a, Vector256<T> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Sum(Vector256<T> value) => Vector256.Sum(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Subtract(Vector256<T> a, Vector256<T> b) => a - b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Multiply(Vector256<T> a, Vector256<T> b) => a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Divide(Vector256<T> a, Vector256<T> b) => a / b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Max(Vector256<T> a, Vector256<T> b) => Vector256.Max(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Min(Vector256<T> a, Vector256<T> b) => Vector256.Min(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Abs(Vector256<T> a) => Vector256.Abs(a);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> SelectWhereZero(Vector256<T> test, Vector256<T> whereZero, Vector256<T> otherwise) =>
        Vector256.ConditionalSelect(Vector256.Equals(test, Vector256<T>.Zero), whereZero, otherwise);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> LoadStrided(T* source, nint s)
    {
        if (typeof(T) == typeof(double))
        {
            double* d = (double*)source;
            return Vector256.Create(d[0], d[s], d[2 * s], d[3 * s]).As<double, T>();
        }

        if (typeof(T) == typeof(float))
        {
            float* f = (float*)source;
            return Vector256.Create(f[0], f[s], f[2 * s], f[3 * s], f[4 * s], f[5 * s], f[6 * s], f[7 * s]).As<float, T>();
        }

        var lanes = new T[Vector256<T>.Count];
        for (int l = 0; l < lanes.Length; l++)
        {
            lanes[l] = source[l * s];
        }

        return Vector256.Create(lanes);
    }

    public static bool HasTranspose => Avx.IsSupported && (typeof(T) == typeof(double) || typeof(T) == typeof(float));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void TransposeSquare(T* source, nint sourceStride, T* destination, nint destinationStride, int width)
    {
        if (typeof(T) == typeof(double))
        {
            Transpose256.Double((double*)source, sourceStride, (double*)destination, destinationStride, width);
        }
        else if (typeof(T) == typeof(float))
        {
            Transpose256.Single((float*)source, sourceStride, (float*)destination, destinationStride, width);
        }
        else
        {
            throw new NotSupportedException(typeof(T).Name);
        }
    }
}

/// <summary>128-bit vectors (SSE, NEON).</summary>
internal readonly unsafe struct Simd128<T> : ISimd<T, Vector128<T>> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static int Count => Vector128<T>.Count;

    public static Vector128<T> Zero => Vector128<T>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Load(T* source) => Vector128.Load(source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> LoadLowHalf(T* source) => Vector64.Load(source).ToVector128();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector128<T> value, T* destination) => value.Store(destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Broadcast(T value) => Vector128.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> MulAdd(Vector128<T> a, Vector128<T> b, Vector128<T> c)
    {
        if (typeof(T) == typeof(double))
        {
            return Vector128.FusedMultiplyAdd(a.AsDouble(), b.AsDouble(), c.AsDouble()).As<double, T>();
        }

        if (typeof(T) == typeof(float))
        {
            return Vector128.FusedMultiplyAdd(a.AsSingle(), b.AsSingle(), c.AsSingle()).As<float, T>();
        }

        return (a * b) + c;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Add(Vector128<T> a, Vector128<T> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Sum(Vector128<T> value) => Vector128.Sum(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Subtract(Vector128<T> a, Vector128<T> b) => a - b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Multiply(Vector128<T> a, Vector128<T> b) => a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Divide(Vector128<T> a, Vector128<T> b) => a / b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Max(Vector128<T> a, Vector128<T> b) => Vector128.Max(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Min(Vector128<T> a, Vector128<T> b) => Vector128.Min(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Abs(Vector128<T> a) => Vector128.Abs(a);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> SelectWhereZero(Vector128<T> test, Vector128<T> whereZero, Vector128<T> otherwise) =>
        Vector128.ConditionalSelect(Vector128.Equals(test, Vector128<T>.Zero), whereZero, otherwise);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> LoadStrided(T* source, nint s)
    {
        if (typeof(T) == typeof(double))
        {
            double* d = (double*)source;
            return Vector128.Create(d[0], d[s]).As<double, T>();
        }

        if (typeof(T) == typeof(float))
        {
            float* f = (float*)source;
            return Vector128.Create(f[0], f[s], f[2 * s], f[3 * s]).As<float, T>();
        }

        var lanes = new T[Vector128<T>.Count];
        for (int l = 0; l < lanes.Length; l++)
        {
            lanes[l] = source[l * s];
        }

        return Vector128.Create(lanes);
    }

    public static bool HasTranspose => false;

    public static void TransposeSquare(T* source, nint sourceStride, T* destination, nint destinationStride, int width) =>
        throw new NotSupportedException("no 128-bit tile transpose");
}

/// <summary>Which instruction set the kernels use.</summary>
internal enum SimdPath
{
    /// <summary>Plain loops (the reference implementation).</summary>
    Scalar,

    /// <summary>128-bit vectors.</summary>
    V128,

    /// <summary>256-bit vectors.</summary>
    V256,

    /// <summary>512-bit vectors.</summary>
    V512,
}

/// <summary>
/// Picks the widest accelerated vector width once (512, then 256, then 128, then plain loops). The environment
/// variable <c>NMF_SIMD</c> (512, 256, 128 or scalar) forces a narrower path, so every path can be tested on
/// one machine; tests pass a path to the products explicitly.
/// </summary>
internal static class SimdSelect
{
    /// <summary>The path in use.</summary>
    public static SimdPath Path { get; } = Detect(Environment.GetEnvironmentVariable("NMF_SIMD"));

    /// <summary>Elements of <typeparamref name="T"/> in one vector of <paramref name="path"/> (128-bit for the scalar path).</summary>
    public static int Lanes<T>(SimdPath path) => path switch
    {
        SimdPath.V512 => Vector512<T>.Count,
        SimdPath.V256 => Vector256<T>.Count,
        _ => Vector128<T>.Count,
    };

    /// <summary>The widest supported path, capped by <paramref name="request"/> when given.</summary>
    public static SimdPath Detect(string? request)
    {
        SimdPath best = Vector512.IsHardwareAccelerated ? SimdPath.V512
            : Vector256.IsHardwareAccelerated ? SimdPath.V256
            : Vector128.IsHardwareAccelerated ? SimdPath.V128
            : SimdPath.Scalar;
        SimdPath cap = request?.Trim().ToUpperInvariant() switch
        {
            "SCALAR" => SimdPath.Scalar,
            "128" => SimdPath.V128,
            "256" => SimdPath.V256,
            _ => SimdPath.V512,
        };
        return cap < best ? cap : best;
    }

    /// <summary>Whether a path can run on this machine.</summary>
    public static bool IsSupported(SimdPath path) => path switch
    {
        SimdPath.V512 => Vector512.IsHardwareAccelerated,
        SimdPath.V256 => Vector256.IsHardwareAccelerated,
        SimdPath.V128 => Vector128.IsHardwareAccelerated,
        _ => true,
    };
}
