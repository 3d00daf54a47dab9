namespace Nmf.Kernels;

/// <summary>
/// A small number (1 to 4) known when the JIT compiles a kernel: a count of vectors or of components, so that unused
/// accumulators and loop trips vanish from the compiled code.
/// </summary>
internal interface ISmallCount
{
    /// <summary>The number.</summary>
    static abstract int Value { get; }
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
