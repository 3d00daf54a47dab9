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

    public static NamedMatrix<T> Read<T>(Stream stream, string source, long knownLength, MatrixReadOptions options, RowWindow? window = null)
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

        if (count > InputValues.MaxDenseElements && window is null)
        {
            InputValues.Throw($"{source}: shape ({rows}, {cols}) is too large for a dense matrix (read it in row ranges).");
        }

        long dataBytes = count * element.Size;
        if (knownLength >= 0 && knownLength - prefixLength - headerLength < dataBytes)
        {
            InputValues.Throw($"{source}: truncated .npy data: {Math.Max(0, knownLength - prefixLength - headerLength)} bytes for shape ({rows}, {cols}) of {descr}, which needs {dataBytes}.");
        }

        if (window is RowWindow w)
        {
            var rowsOf = ReadRows<T>(stream, source, options, element, fortran, rows, cols, w);
            return new NamedMatrix<T>(rowsOf, null, null, MatrixFormat.Npy, source);
        }

        var cancel = options.CancellationToken;
        var values = new ChunkedBuffer<T>();
        var buffer = new byte[1 << 16];
        int carry = 0;
        long e = 0;
        while (e < count)
        {
            cancel.ThrowIfCancellationRequested();
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

    /// <summary>
    /// Rows [start, end) of the array whose data starts at the stream's position. C order: the rows before are skipped
    /// (a seek for a file) and only the window's rows read. Fortran order: each column's strip of the window is read
    /// and the rest of the column skipped. Memory: the window's values plus one column strip.
    /// </summary>
    private static DenseMatrix<T> ReadRows<T>(Stream stream, string source, MatrixReadOptions options, NpyElement element, bool fortran, int rows, int cols, RowWindow window)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int count = window.RowsIn(source, rows);
        int start = window.Start;
        if ((long)count * cols > InputValues.MaxDenseElements)
        {
            InputValues.Throw($"{source}: rows {start + 1}..{start + count} of {cols} columns are too many for one dense matrix.");
        }

        var result = new DenseMatrix<T>(count, cols);
        var buffer = new byte[1 << 16];
        if (!fortran)
        {
            Skip(stream, (long)start * cols * element.Size, source, rows, cols);
            Decode(stream, source, options, element, buffer, result.Data, e => (start + (e / cols), e % cols), rows, cols);
            return result;
        }

        var strip = new T[count];
        for (int j = 0; j < cols; j++)
        {
            int column = j;
            Skip(stream, (long)start * element.Size, source, rows, cols);
            Decode(stream, source, options, element, buffer, strip, e => (start + e, column), rows, cols);
            for (int i = 0; i < count; i++)
            {
                result.Data[((long)i * cols) + j] = strip[i];
            }

            if (j + 1 < cols)
            {
                Skip(stream, (long)(rows - start - count) * element.Size, source, rows, cols);
            }
        }

        return result;
    }

    /// <summary>Decodes target.Length consecutive elements; <paramref name="where"/> turns an element's index in the
    /// target into its (row, column) for messages.</summary>
    private static void Decode<T>(Stream stream, string source, MatrixReadOptions options, NpyElement element, byte[] buffer, Span<T> target, Func<long, (long Row, long Col)> where, int rows, int cols)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int perRead = buffer.Length / element.Size;
        for (int done = 0; done < target.Length;)
        {
            options.CancellationToken.ThrowIfCancellationRequested();
            int n = Math.Min(perRead, target.Length - done);
            int bytes = n * element.Size;
            if (ReadFully(stream, buffer.AsSpan(0, bytes)) < bytes)
            {
                InputValues.Throw($"{source}: truncated .npy data for shape ({rows}, {cols}).");
            }

            for (int q = 0; q < n; q++)
            {
                T v = element.Decode<T>(buffer.AsSpan(q * element.Size, element.Size));
                string? problem = InputValues.Problem(v, options.AllowNegative, options.AllowMissing);
                if (problem is not null)
                {
                    var (i, j) = where(done + q);
                    InputValues.Throw($"{source}: element (row {i + 1}, column {j + 1}): {problem}.");
                }

                target[done + q] = v;
            }

            done += n;
        }
    }

    private static void Skip(Stream stream, long bytes, string source, int rows, int cols)
    {
        if (bytes == 0)
        {
            return;
        }

        long skipped;
        if (stream is PeekStream peek)
        {
            skipped = peek.Skip(bytes);
        }
        else
        {
            var scratch = new byte[(int)Math.Min(1 << 16, bytes)];
            skipped = 0;
            while (skipped < bytes)
            {
                int n = stream.Read(scratch, 0, (int)Math.Min(scratch.Length, bytes - skipped));
                if (n == 0)
                {
                    break;
                }

                skipped += n;
            }
        }

        if (skipped < bytes)
        {
            InputValues.Throw($"{source}: truncated .npy data for shape ({rows}, {cols}).");
        }
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
