namespace Nmf.Kernels;

/// <summary>
/// A small number (1 to 4) known when the JIT compiles a kernel: a count of vectors or of components, so that unused
/// accumulators and loop trips vanish from the compiled code.
/// </summary>
internal interface ISmallCount
{
    /// <summary>The number.</summary>
    static abstract int Value { get; }

    /// <summary>For a count of vectors: whether only the first half of the last one is loaded (the rest reads as zero).</summary>
    static virtual bool HalfLast => false;
}

/// <summary>One.</summary>
internal readonly struct One : ISmallCount
{
    public static int Value => 1;
}

/// <summary>Two.</summary>
internal readonly struct Two : ISmallCount
{
    public static int Value => 2;
}

/// <summary>Three.</summary>
internal readonly struct Three : ISmallCount
{
    public static int Value => 3;
}

/// <summary>Four.</summary>
internal readonly struct Four : ISmallCount
{
    public static int Value => 4;
}

/// <summary>Three vectors, the last one half loaded (k = 20 doubles in 512-bit vectors).</summary>
internal readonly struct ThreeHalf : ISmallCount
{
    public static int Value => 3;

    public static bool HalfLast => true;
}

/// <summary>Two vectors, the last one half loaded.</summary>
internal readonly struct TwoHalf : ISmallCount
{
    public static int Value => 2;

    public static bool HalfLast => true;
}

/// <summary>One vector, half loaded.</summary>
internal readonly struct OneHalf : ISmallCount
{
    public static int Value => 1;

    public static bool HalfLast => true;
}

/// <summary>Four vectors, the last one half loaded.</summary>
internal readonly struct FourHalf : ISmallCount
{
    public static int Value => 4;

    public static bool HalfLast => true;
}
