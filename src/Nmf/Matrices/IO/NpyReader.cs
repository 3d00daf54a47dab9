using System.Buffers.Binary;
using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.RegularExpressions;

namespace Nmf.Matrices;

/// <summary>
/// Reads NumPy's <c>.npy</c> format (versions 1–3): a two-dimensional array of float32/float64 or of signed/unsigned
/// integers, either byte order, C (row-major) or Fortran (column-major) order, into a dense row-major matrix.
/// </summary>
internal static partial class NpyReader
{
    private const int MaxHeaderLength = 1 << 20;
    private static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    public static bool HasMagic(ReadOnlySpan<byte> head) => head.StartsWith(Magic);

    public static NamedMatrix<T> Read<T>(Stream stream, string source, long knownLength, MatrixReadOptions options)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Span<byte> pre = stackalloc byte[10];
        int got = ReadFully(stream, pre[..8]);
        if (got < 8 || !pre[..6].SequenceEqual(Magic))
        {
            InputValues.Throw($"{source}: not a .npy file (missing the \\x93NUMPY magic bytes).");
        }

        int major = pre[6];
        int headerLength;
        int prefixLength;
        if (major == 1)
        {
            if (ReadFully(stream, pre.Slice(8, 2)) < 2)
            {
                InputValues.Throw($"{source}: truncated .npy header.");
            }

            headerLength = BinaryPrimitives.ReadUInt16LittleEndian(pre.Slice(8, 2));
            prefixLength = 10;
        }
        else if (major is 2 or 3)
        {
            Span<byte> len = stackalloc byte[4];
            if (ReadFully(stream, len) < 4)
            {
                InputValues.Throw($"{source}: truncated .npy header.");
            }

            uint l = BinaryPrimitives.ReadUInt32LittleEndian(len);
            if (l > MaxHeaderLength)
            {
                InputValues.Throw($"{source}: .npy header length {l} is implausibly large.");
            }

            headerLength = (int)l;
            prefixLength = 12;
        }
        else
        {
            InputValues.Throw($"{source}: unsupported .npy format version {major}.{pre[7]} (1, 2 and 3 are supported).");
            return null!;
        }

        var headerBytes = new byte[headerLength];
        if (ReadFully(stream, headerBytes) < headerLength)
        {
            InputValues.Throw($"{source}: truncated .npy header ({headerLength} bytes declared).");
        }

        string header = major == 3 ? Encoding.UTF8.GetString(headerBytes) : Encoding.Latin1.GetString(headerBytes);
        var (descr, fortran, rows, cols) = ParseHeader(header, source);
        var element = ParseDescr(descr, source);
        long count = (long)rows * cols;
        if (count == 0)
        {
            InputValues.Throw($"{source}: empty array (shape ({rows}, {cols})).");
        }

        if (count > InputValues.MaxDenseElements)
        {
            InputValues.Throw($"{source}: shape ({rows}, {cols}) is too large for a dense matrix.");
        }

        long dataBytes = count * element.Size;
        if (knownLength >= 0 && knownLength - prefixLength - headerLength < dataBytes)
        {
            InputValues.Throw($"{source}: truncated .npy data: {Math.Max(0, knownLength - prefixLength - headerLength)} bytes for shape ({rows}, {cols}) of {descr}, which needs {dataBytes}.");
        }

        var values = new ChunkedBuffer<T>();
        var buffer = new byte[1 << 16];
        int carry = 0;
        long e = 0;
        while (e < count)
        {
            int want = (int)Math.Min(buffer.Length - carry, ((count - e) * element.Size) - carry);
            int n = stream.Read(buffer, carry, want);
            if (n == 0)
            {
                InputValues.Throw($"{source}: truncated .npy data: {e} of {count} values for shape ({rows}, {cols}).");
            }

            int available = carry + n;
            int whole = available / element.Size;
            for (int q = 0; q < whole; q++, e++)
            {
                T v = element.Decode<T>(buffer.AsSpan(q * element.Size, element.Size));
                string? problem = InputValues.Problem(v, options.AllowNegative, options.AllowMissing);
                if (problem is not null)
                {
                    long i = fortran ? e % rows : e / cols, j = fortran ? e / rows : e % cols;
                    InputValues.Throw($"{source}: element (row {i + 1}, column {j + 1}): {problem}.");
                }

                values.Add(v);
            }

            carry = available - (whole * element.Size);
            buffer.AsSpan(whole * element.Size, carry).CopyTo(buffer);
        }

        var data = values.ToArrayAndClear();
        DenseMatrix<T> m;
        if (fortran)
        {
            // Column-major data is the row-major data of the transpose.
            m = new DenseMatrix<T>(cols, rows, data).Transpose();
        }
        else
        {
            m = new DenseMatrix<T>(rows, cols, data);
        }

        return new NamedMatrix<T>(m, null, null, MatrixFormat.Npy, source);
    }

    private static (string Descr, bool Fortran, int Rows, int Cols) ParseHeader(string header, string source)
    {
        var d = DescrPattern().Match(header);
        var f = FortranPattern().Match(header);
        var s = ShapePattern().Match(header);
        if (!d.Success || !f.Success || !s.Success || !header.TrimStart().StartsWith('{'))
        {
            InputValues.Throw($"{source}: malformed .npy header {InputValues.Quote(header.Trim())}: expected a dict with 'descr', 'fortran_order' and 'shape'.");
        }

        var dims = s.Groups[1].Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (dims.Length != 2)
        {
            InputValues.Throw($"{source}: .npy array has shape {InputValues.Quote("(" + s.Groups[1].Value.Trim() + ")")}; a matrix needs exactly 2 dimensions.");
        }

        var shape = new int[2];
        for (int k = 0; k < 2; k++)
        {
            if (!int.TryParse(dims[k].TrimEnd('L'), NumberStyles.None, CultureInfo.InvariantCulture, out shape[k]))
            {
                InputValues.Throw($"{source}: .npy shape dimension {InputValues.Quote(dims[k])} is not a non-negative integer below 2^31.");
            }
        }

        return (d.Groups[1].Value, f.Groups[1].Value == "True", shape[0], shape[1]);
    }

    private static NpyElement ParseDescr(string descr, string source)
    {
        if (descr.Length >= 3)
        {
            char order = descr[0];
            char kind = descr[1];
            if ((order is '<' or '>' or '|' or '=') && int.TryParse(descr.AsSpan(2), NumberStyles.None, CultureInfo.InvariantCulture, out int size))
            {
                bool big = order == '>' && BitConverter.IsLittleEndian || (order == '<' && !BitConverter.IsLittleEndian);
                bool ok = kind switch
                {
                    'f' => size is 4 or 8,
                    'i' or 'u' => size is 1 or 2 or 4 or 8,
                    _ => false,
                };
                if (ok)
                {
                    return new NpyElement(kind, size, big);
                }
            }
        }

        InputValues.Throw($"{source}: .npy dtype {InputValues.Quote(descr)} is not supported (float32, float64 or integers).");
        return default;
    }

    private static int ReadFully(Stream stream, Span<byte> buffer)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int n = stream.Read(buffer[total..]);
            if (n == 0)
            {
                break;
            }

            total += n;
        }

        return total;
    }

    [GeneratedRegex(@"['""]descr['""]\s*:\s*['""]([^'""]*)['""]")]
    private static partial Regex DescrPattern();

    [GeneratedRegex(@"['""]fortran_order['""]\s*:\s*(True|False)")]
    private static partial Regex FortranPattern();

    [GeneratedRegex(@"['""]shape['""]\s*:\s*\(([^)]*)\)")]
    private static partial Regex ShapePattern();

    private readonly record struct NpyElement(char Kind, int Size, bool SwapBytes)
    {
        public T Decode<T>(ReadOnlySpan<byte> b) where T : unmanaged, IFloatingPointIeee754<T>
        {
            Span<byte> x = stackalloc byte[8];
            b.CopyTo(x);
            if (SwapBytes)
            {
                x[..Size].Reverse();
            }

            return (Kind, Size) switch
            {
                ('f', 8) => T.CreateChecked(BinaryPrimitives.ReadDoubleLittleEndian(x)),
                ('f', 4) => T.CreateChecked(BinaryPrimitives.ReadSingleLittleEndian(x)),
                ('i', 1) => T.CreateChecked((sbyte)x[0]),
                ('i', 2) => T.CreateChecked(BinaryPrimitives.ReadInt16LittleEndian(x)),
                ('i', 4) => T.CreateChecked(BinaryPrimitives.ReadInt32LittleEndian(x)),
                ('i', 8) => T.CreateChecked(BinaryPrimitives.ReadInt64LittleEndian(x)),
                ('u', 1) => T.CreateChecked(x[0]),
                ('u', 2) => T.CreateChecked(BinaryPrimitives.ReadUInt16LittleEndian(x)),
                ('u', 4) => T.CreateChecked(BinaryPrimitives.ReadUInt32LittleEndian(x)),
                _ => T.CreateChecked(BinaryPrimitives.ReadUInt64LittleEndian(x)),
            };
        }
    }
}
