using System.Globalization;
using System.Numerics;
using System.Text;

namespace Nmf.Matrices;

/// <summary>
/// Reads the Matrix Market exchange format (NIST, Boisvert, Pozo &amp; Remington 1996): <c>coordinate</c> files become
/// CSR (duplicates summed, symmetric entries mirrored, as scipy.io.mmread does), <c>array</c> files (column-major)
/// become dense. Fields real, integer and pattern; symmetry general and symmetric.
/// </summary>
internal static class MatrixMarketReader
{
    /// <summary>
    /// A coordinate file may declare more rows and columns than it has entries, but the CSR row pointers cost memory
    /// per row: beyond this many empty rows/columns per entry (plus a fixed allowance) the file is refused as
    /// implausible rather than allocating memory out of proportion to it.
    /// </summary>
    private const long DimensionAllowance = 1_000_000;
    private const long DimensionPerEntry = 64;

    private enum Field { Real, Integer, Pattern }

    /// <summary>Reads the file; with a <paramref name="window"/> only the entries of those rows are parsed and kept. The
    /// file is still read to its end (the entries of a row may come anywhere, and their count is checked); the values of
    /// other rows are left to the readers of those rows.</summary>
    public static NamedMatrix<T> Read<T>(Stream stream, string source, MatrixReadOptions options, RowWindow? window = null)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        using var text = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: false, bufferSize: 1 << 16, leaveOpen: true);
        int line = 0;
        string? banner = text.ReadLine();
        line++;
        if (banner is null)
        {
            InputValues.Throw($"{source}: empty file.");
        }

        var head = banner.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (head.Length < 5 || !head[0].Equals("%%MatrixMarket", StringComparison.OrdinalIgnoreCase))
        {
            InputValues.Throw($"{source}, line 1: malformed Matrix Market banner {InputValues.Quote(banner)}: expected '%%MatrixMarket matrix coordinate|array real|integer|pattern general|symmetric'.");
        }

        if (!head[1].Equals("matrix", StringComparison.OrdinalIgnoreCase))
        {
            InputValues.Throw($"{source}, line 1: Matrix Market object {InputValues.Quote(head[1])} is not supported (only 'matrix').");
        }

        bool coordinate = head[2].ToLowerInvariant() switch
        {
            "coordinate" => true,
            "array" => false,
            _ => throw new NmfInputException($"{source}, line 1: Matrix Market format {InputValues.Quote(head[2])} is not 'coordinate' or 'array'."),
        };
        var field = head[3].ToLowerInvariant() switch
        {
            "real" or "double" => Field.Real,
            "integer" => Field.Integer,
            "pattern" when coordinate => Field.Pattern,
            _ => throw new NmfInputException($"{source}, line 1: Matrix Market field {InputValues.Quote(head[3])} is not supported (real, integer{(coordinate ? ", pattern" : string.Empty)})."),
        };
        bool symmetric = head[4].ToLowerInvariant() switch
        {
            "general" => false,
            "symmetric" => true,
            _ => throw new NmfInputException($"{source}, line 1: Matrix Market symmetry {InputValues.Quote(head[4])} is not supported (general, symmetric)."),
        };

        // Comments, then the size line.
        string? sizeLine;
        do
        {
            sizeLine = text.ReadLine();
            line++;
        }
        while (sizeLine is not null && (sizeLine.StartsWith('%') || string.IsNullOrWhiteSpace(sizeLine)));

        if (sizeLine is null)
        {
            InputValues.Throw($"{source}: truncated Matrix Market file: no size line after the banner.");
        }

        var size = sizeLine.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        int expectedFields = coordinate ? 3 : 2;
        if (size.Length != expectedFields)
        {
            InputValues.Throw($"{source}, line {line}: size line {InputValues.Quote(sizeLine)} must hold {(coordinate ? "rows, columns and entries" : "rows and columns")}.");
        }

        int rows = ParseCount(size[0], "rows", source, line);
        int cols = ParseCount(size[1], "columns", source, line);
        long declared = coordinate ? ParseLong(size[2], "entries", source, line) : 0;
        if (rows == 0 || cols == 0)
        {
            InputValues.Throw($"{source}, line {line}: empty matrix ({rows} x {cols}).");
        }

        if (symmetric && rows != cols)
        {
            InputValues.Throw($"{source}, line {line}: a symmetric matrix must be square, not {rows} x {cols}.");
        }

        int first = 0, kept = rows;
        if (window is RowWindow w)
        {
            first = w.Start;
            kept = w.RowsIn(source, rows);
        }

        return coordinate
            ? ReadCoordinate<T>(text, source, options, line, rows, cols, declared, field, symmetric, first, kept)
            : ReadArray<T>(text, source, options, line, rows, cols, symmetric, first, kept);
    }

    /// <summary>Entries of rows [first, first + kept) become a kept x cols CSR matrix; the others are checked and dropped.</summary>
    private static NamedMatrix<T> ReadCoordinate<T>(StreamReader text, string source, MatrixReadOptions options, int line, int rows, int cols, long declared, Field field, bool symmetric, int first, int kept)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        long maxEntries = symmetric ? ((long)rows * (rows + 1)) / 2 : (long)rows * cols;
        if (declared > maxEntries)
        {
            InputValues.Throw($"{source}, line {line}: {declared} entries declared, more than a {rows} x {cols} matrix holds.");
        }

        var ri = new ChunkedBuffer<int>();
        var ci = new ChunkedBuffer<int>();
        var vs = new ChunkedBuffer<T>();
        long read = 0;
        int fields = field == Field.Pattern ? 2 : 3;
        Span<Range> parts = stackalloc Range[4];
        var cancel = options.CancellationToken;
        var lines = new LineReader(text); // entries as spans: no string per line
        while (NextDataLine(lines, ref line, cancel, out var span))
        {

            if (read == declared)
            {
                InputValues.Throw($"{source}, line {line}: more entries than the {declared} the size line declares.");
            }

            int n = SplitWhitespace(span, parts);
            if (n != fields)
            {
                InputValues.Throw($"{source}, line {line}: malformed entry {InputValues.Quote(span)}: expected {(fields == 2 ? "row and column" : "row, column and value")}.");
            }

            int i = ParseIndex(span[parts[0]], rows, "row", source, line);
            int j = ParseIndex(span[parts[1]], cols, "column", source, line);
            bool keepEntry = (uint)(i - first) < (uint)kept;
            bool keepMirror = symmetric && i != j && (uint)(j - first) < (uint)kept;
            read++;
            if (!keepEntry && !keepMirror)
            {
                continue; // another range's entry: counted and its indices checked, its value left to that range's reader
            }

            T v = field == Field.Pattern ? T.One : ParseValue<T>(span[parts[2]], field, source, line, options.AllowNegative);
            if (keepEntry)
            {
                ri.Add(i - first);
                ci.Add(j);
                vs.Add(v);
            }

            if (keepMirror)
            {
                ri.Add(j - first);
                ci.Add(i);
                vs.Add(v);
            }
        }

        if (read < declared)
        {
            InputValues.Throw($"{source}, line {line}: truncated Matrix Market file: {read} of {declared} entries.");
        }

        if ((long)rows + cols > DimensionAllowance + (DimensionPerEntry * read))
        {
            InputValues.Throw($"{source}: {rows} x {cols} with only {read} entries: too many empty rows or columns to be a real data set.");
        }

        var rowIdx = ri.ToArrayAndClear();
        var colIdx = ci.ToArrayAndClear();
        var vals = vs.ToArrayAndClear();
        var csr = CsrMatrix<T>.FromTriplets(kept, cols, rowIdx, colIdx, vals);
        return new NamedMatrix<T>(csr, null, null, MatrixFormat.MatrixMarket, source);
    }

    private static NamedMatrix<T> ReadArray<T>(StreamReader text, string source, MatrixReadOptions options, int line, int rows, int cols, bool symmetric, int first, int kept)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        long expected = symmetric ? ((long)rows * (rows + 1)) / 2 : (long)rows * cols;
        if ((long)kept * cols > InputValues.MaxDenseElements)
        {
            InputValues.Throw($"{source}, line {line}: {(kept == rows ? $"{rows} x {cols}" : $"rows {first + 1}..{first + kept} of {cols} columns")} is too large for a dense matrix.");
        }

        if (kept < rows)
        {
            return ReadArrayRows<T>(text, source, options, line, rows, cols, symmetric, first, kept, expected);
        }

        // Values arrive column by column; keep them in order and place them once all are read.
        var vs = new ChunkedBuffer<T>();
        var cancel = options.CancellationToken;
        var lines = new LineReader(text); // entries as spans: no string per line
        while (NextDataLine(lines, ref line, cancel, out var span))
        {

            if (vs.Count == expected)
            {
                InputValues.Throw($"{source}, line {line}: more values than the {expected} a {rows} x {cols}{(symmetric ? " symmetric" : string.Empty)} array holds.");
            }

            vs.Add(ParseValue<T>(span, Field.Real, source, line, options.AllowNegative));
        }

        if (vs.Count < expected)
        {
            InputValues.Throw($"{source}, line {line}: truncated Matrix Market file: {vs.Count} of {expected} values.");
        }

        var colMajor = vs.ToArrayAndClear();
        var m = new DenseMatrix<T>(rows, cols);
        long p = 0;
        for (int j = 0; j < cols; j++)
        {
            for (int i = symmetric ? j : 0; i < rows; i++)
            {
                T v = colMajor[p++];
                m[i, j] = v;
                if (symmetric)
                {
                    m[j, i] = v;
                }
            }
        }

        return new NamedMatrix<T>(m, null, null, MatrixFormat.MatrixMarket, source);
    }

    /// <summary>
    /// Rows [first, first + kept) of an array file: the values arrive column by column (column-major), so each is
    /// placed at once when its row is in the window and dropped otherwise; memory is the window's values.
    /// </summary>
    private static NamedMatrix<T> ReadArrayRows<T>(StreamReader text, string source, MatrixReadOptions options, int line, int rows, int cols, bool symmetric, int first, int kept, long expected)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var m = new DenseMatrix<T>(kept, cols);
        var cancel = options.CancellationToken;
        long read = 0;
        int i = 0, j = 0; // the row and column of the next value
        var lines = new LineReader(text); // entries as spans: no string per line
        while (NextDataLine(lines, ref line, cancel, out var span))
        {

            if (read == expected)
            {
                InputValues.Throw($"{source}, line {line}: more values than the {expected} a {rows} x {cols}{(symmetric ? " symmetric" : string.Empty)} array holds.");
            }

            // Values of rows outside the range are counted, not parsed (that range's reader checks them).
            bool keepValue = (uint)(i - first) < (uint)kept;
            bool keepMirror = symmetric && (uint)(j - first) < (uint)kept;
            if (keepValue || keepMirror)
            {
                T v = ParseValue<T>(span, Field.Real, source, line, options.AllowNegative);
                if (keepValue)
                {
                    m[i - first, j] = v;
                }

                if (keepMirror)
                {
                    m[j - first, i] = v;
                }
            }

            read++;
            if (++i == rows)
            {
                j++;
                i = symmetric ? j : 0;
            }
        }

        if (read < expected)
        {
            InputValues.Throw($"{source}, line {line}: truncated Matrix Market file: {read} of {expected} values.");
        }

        return new NamedMatrix<T>(m, null, null, MatrixFormat.MatrixMarket, source);
    }

    private static int SplitWhitespace(ReadOnlySpan<char> s, Span<Range> parts)
    {
        int n = 0, k = 0;
        while (k < s.Length)
        {
            while (k < s.Length && char.IsWhiteSpace(s[k]))
            {
                k++;
            }

            if (k == s.Length)
            {
                break;
            }

            int start = k;
            while (k < s.Length && !char.IsWhiteSpace(s[k]))
            {
                k++;
            }

            if (n == parts.Length)
            {
                return n + 1; // too many fields
            }

            parts[n++] = start..k;
        }

        return n;
    }

    /// <summary>
    /// The next line that holds data (not blank, not a % comment), trimmed; counts the lines read and checks for
    /// cancellation every 4096 of them.
    /// </summary>
    private static bool NextDataLine(LineReader lines, ref int line, CancellationToken cancel, out ReadOnlySpan<char> span)
    {
        while (lines.TryReadLine(out var s))
        {
            line++;
            if ((line & 0xFFF) == 0)
            {
                cancel.ThrowIfCancellationRequested();
            }

            span = s.Trim();
            if (!span.IsEmpty && span[0] != '%')
            {
                return true;
            }
        }

        span = default;
        return false;
    }

    private static int ParseIndex(ReadOnlySpan<char> s, int bound, string what, string source, int line)
    {
        if (!long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out long v) || v < 1 || v > bound)
        {
            InputValues.Throw($"{source}, line {line}: {what} index {InputValues.Quote(s)} is not an integer in 1..{bound}.");
        }

        return (int)(v - 1);
    }

    private static T ParseValue<T>(ReadOnlySpan<char> s, Field field, string source, int line, bool allowNegative)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T v;
        if (field == Field.Integer)
        {
            if (!long.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long l))
            {
                InputValues.Throw($"{source}, line {line}: {InputValues.Quote(s)} is not an integer.");
            }

            v = T.CreateChecked(l);
        }
        else if (!InputValues.TryParse(s, out v))
        {
            InputValues.Throw($"{source}, line {line}: non-numeric value {InputValues.Quote(s)}.");
        }

        string? problem = InputValues.Problem(v, allowNegative);
        if (problem is not null)
        {
            InputValues.Throw($"{source}, line {line}: {problem}.");
        }

        return v;
    }

    private static int ParseCount(string s, string what, string source, int line)
    {
        long v = ParseLong(s, what, source, line);
        if (v > int.MaxValue - 1)
        {
            InputValues.Throw($"{source}, line {line}: {v} {what} is more than this program supports ({int.MaxValue - 1}).");
        }

        return (int)v;
    }

    private static long ParseLong(string s, string what, string source, int line)
    {
        if (!long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out long v))
        {
            InputValues.Throw($"{source}, line {line}: number of {what} {InputValues.Quote(s)} is not a non-negative integer.");
        }

        return v;
    }
}
