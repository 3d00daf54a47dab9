using System.Numerics;
using System.Runtime.InteropServices;
using Nmf.Matrices;

namespace Nmf.Distributed;

/// <summary>
/// Where a row block's part of X comes from: a file read by the silo that holds the block (all of it, or rows
/// [<see cref="RowStart"/>, <see cref="RowStart"/> + <see cref="RowCount"/>) of it), or rows sent inline.
/// </summary>
[GenerateSerializer]
[Immutable]
public sealed record BlockSource
{
    /// <summary>Path of a CSV/TSV, Matrix Market or .npy file (optionally .gz) as the silo sees it; null for inline rows.</summary>
    [Id(0)]
    public string? Path { get; init; }

    /// <summary>First row of the file that belongs to the block (0-based).</summary>
    [Id(1)]
    public int RowStart { get; init; }

    /// <summary>Rows of the file that belong to the block; -1 = all rows from <see cref="RowStart"/>.</summary>
    [Id(2)]
    public int RowCount { get; init; } = -1;

    /// <summary>Inline rows, dense (row-major) or CSR, when <see cref="Path"/> is null.</summary>
    [Id(3)]
    public MatrixPayload? Inline { get; init; }

    /// <summary>A short description for messages: the path and row range, or "inline rows".</summary>
    public override string ToString() => Path is null ? "inline rows" : RowCount < 0 && RowStart == 0 ? Path : $"{Path} rows {RowStart + 1}..{(RowCount < 0 ? "end" : (RowStart + RowCount).ToString(System.Globalization.CultureInfo.InvariantCulture))}";
}

/// <summary>A dense or CSR matrix as plain arrays (values in the fit's precision), for Orleans messages.</summary>
[GenerateSerializer]
[Immutable]
public sealed record MatrixPayload
{
    /// <summary>Rows.</summary>
    [Id(0)]
    public int Rows { get; init; }

    /// <summary>Columns.</summary>
    [Id(1)]
    public int Cols { get; init; }

    /// <summary>Dense row-major values, or the CSR values.</summary>
    [Id(2)]
    public Numbers Values { get; init; } = Numbers.Empty;

    /// <summary>CSR row offsets (null for dense).</summary>
    [Id(3)]
    public int[]? RowPtr { get; init; }

    /// <summary>CSR column indices (null for dense).</summary>
    [Id(4)]
    public int[]? ColIndices { get; init; }

    /// <summary>Packs a matrix.</summary>
    public static MatrixPayload From<T>(IMatrix<T> x) where T : unmanaged, IFloatingPointIeee754<T> => x switch
    {
        DenseMatrix<T> d => new MatrixPayload { Rows = d.Rows, Cols = d.Cols, Values = Numbers.From<T>(d.Data) },
        CsrMatrix<T> s => new MatrixPayload { Rows = s.Rows, Cols = s.Cols, Values = Numbers.From<T>(s.Values), RowPtr = s.RowPtr, ColIndices = s.ColIndices },
        _ => throw new NotSupportedException(x.GetType().Name),
    };

    /// <summary>Unpacks to a dense or CSR matrix of <typeparamref name="T"/>.</summary>
    public IMatrix<T> ToMatrix<T>() where T : unmanaged, IFloatingPointIeee754<T> => RowPtr is null
        ? new DenseMatrix<T>(Rows, Cols, Values.To<T>())
        : new CsrMatrix<T>(Rows, Cols, RowPtr, ColIndices ?? [], Values.To<T>());
}

/// <summary>Loads a block: its source, the element type, its starting W_b and the number of components.</summary>
[GenerateSerializer]
[Immutable]
public sealed record BlockLoad
{
    /// <summary>Where the block's rows come from.</summary>
    [Id(0)]
    public BlockSource Source { get; init; } = new();

    /// <summary>True for float (single precision) arithmetic, false for double.</summary>
    [Id(1)]
    public bool Single { get; init; }

    /// <summary>Components k.</summary>
    [Id(2)]
    public int Components { get; init; }

    /// <summary>W_b (rows x k, row-major); null when a restore sets W afterwards.</summary>
    [Id(3)]
    public Numbers? W { get; init; }

    /// <summary>Columns every block must have; 0 = not checked.</summary>
    [Id(4)]
    public int ExpectedCols { get; init; }
}

/// <summary>What a loaded block reports: its shape and the silo that holds it.</summary>
[GenerateSerializer]
[Immutable]
public sealed record BlockInfo
{
    /// <summary>Rows of the block.</summary>
    [Id(0)]
    public int Rows { get; init; }

    /// <summary>Columns of the block.</summary>
    [Id(1)]
    public int Cols { get; init; }

    /// <summary>The silo holding the block, for messages.</summary>
    [Id(2)]
    public string Silo { get; init; } = "";
}

/// <summary>One iteration's request to a block: the broadcast H and W's update parameters.</summary>
[GenerateSerializer]
[Immutable]
public sealed record StepRequest
{
    /// <summary>0 = multiplicative update, 1 = coordinate descent.</summary>
    [Id(0)]
    public int Algorithm { get; init; }

    /// <summary>H (k x m, row-major).</summary>
    [Id(1)]
    public Numbers H { get; init; } = Numbers.Empty;

    /// <summary>k.</summary>
    [Id(2)]
    public int Components { get; init; }

    /// <summary>Beta.</summary>
    [Id(3)]
    public double Beta { get; init; }

    /// <summary>MU's exponent gamma.</summary>
    [Id(4)]
    public double Gamma { get; init; }

    /// <summary>W's L1 penalty.</summary>
    [Id(5)]
    public double L1W { get; init; }

    /// <summary>W's L2 penalty.</summary>
    [Id(6)]
    public double L2W { get; init; }

    /// <summary>cd's component order.</summary>
    [Id(7)]
    public int[] Order { get; init; } = [];

    /// <summary>Threads the block may use.</summary>
    [Id(8)]
    public int Threads { get; init; }

    /// <summary>The state the block must be in before this step (its W_b after the previous one).</summary>
    [Id(9)]
    public BlockStamp Stamp { get; init; }
}

/// <summary>A block's share of H's update.</summary>
[GenerateSerializer]
[Immutable]
public sealed record StepReply
{
    /// <summary>The numerator share (k x m).</summary>
    [Id(0)]
    public Numbers Numerator { get; init; } = Numbers.Empty;

    /// <summary>The denominator share (k x k, k or k x m).</summary>
    [Id(1)]
    public Numbers Denominator { get; init; } = Numbers.Empty;

    /// <summary>cd's violation of W_b's sweep.</summary>
    [Id(2)]
    public double Violation { get; init; }
}

/// <summary>
/// Which state of W_b a call expects: the restore that set W_b (<see cref="Generation"/>, counted by the client from 1)
/// and the steps taken since (<see cref="Steps"/>). A block in any other state (a fresh activation after its silo
/// died, a second activation of the same block, a step that was lost) refuses the call, so a fit can never go on
/// with a W_b that is not the one the client counts on.
/// </summary>
/// <param name="Generation">The client's restore count when W_b was last set.</param>
/// <param name="Steps">Steps since that restore.</param>
[GenerateSerializer]
[Immutable]
public readonly record struct BlockStamp([property: Id(0)] long Generation, [property: Id(1)] int Steps)
{
    /// <summary>"generation G, step S", for messages.</summary>
    public override string ToString() => $"generation {Generation}, step {Steps}";
}

/// <summary>
/// Values of a float or double array as their raw bytes (4 or 8 a value, little-endian), so a float32 fit sends
/// half the bytes of a float64 fit and both arrive bit for bit. Orleans then copies one byte array per message
/// instead of encoding every value on its own.
/// </summary>
[GenerateSerializer]
[Immutable]
public sealed record Numbers
{
    /// <summary>No values.</summary>
    public static readonly Numbers Empty = new();

    /// <summary>The values' bytes.</summary>
    [Id(0)]
    public byte[] Bytes { get; init; } = [];

    /// <summary>True for float values, false for double.</summary>
    [Id(1)]
    public bool Single { get; init; }

    /// <summary>Number of values.</summary>
    public int Length => Bytes.Length / (Single ? sizeof(float) : sizeof(double));

    /// <summary>Packs float or double values.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="values">The values.</param>
    /// <returns>The packed values.</returns>
    public static Numbers From<T>(ReadOnlySpan<T> values) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) != typeof(float) && typeof(T) != typeof(double))
        {
            throw new NotSupportedException($"element type {typeof(T).Name}: messages carry float or double.");
        }

        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("the cluster's messages assume little-endian hosts.");
        }

        return new Numbers { Bytes = MemoryMarshal.AsBytes(values).ToArray(), Single = typeof(T) == typeof(float) };
    }

    /// <summary>Unpacks to <typeparamref name="T"/> (converting when the sender used the other precision).</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <returns>A new array.</returns>
    public T[] To<T>() where T : unmanaged, IFloatingPointIeee754<T>
    {
        bool single = typeof(T) == typeof(float);
        if (single == Single)
        {
            var same = new T[Length];
            Bytes.CopyTo(MemoryMarshal.AsBytes(same.AsSpan()));
            return same;
        }

        var result = new T[Length];
        if (Single)
        {
            var f = MemoryMarshal.Cast<byte, float>(Bytes);
            for (int i = 0; i < result.Length; i++)
            {
                result[i] = T.CreateChecked(f[i]);
            }
        }
        else
        {
            var d = MemoryMarshal.Cast<byte, double>(Bytes);
            for (int i = 0; i < result.Length; i++)
            {
                result[i] = T.CreateChecked(d[i]);
            }
        }

        return result;
    }
}

/// <summary>A block's input or parameters are unusable (its file is missing, malformed, of other width): crosses the wire with its one-line message.</summary>
[GenerateSerializer]
public sealed class BlockInputException : Exception
{
    /// <summary>Creates the exception.</summary>
    public BlockInputException()
    {
    }

    /// <summary>Creates the exception with a one-line message naming the silo and the file.</summary>
    public BlockInputException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public BlockInputException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
