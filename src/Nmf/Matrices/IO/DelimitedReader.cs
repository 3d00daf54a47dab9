using System.Numerics;
using nietras.SeparatedValues;

namespace Nmf.Matrices;

/// <summary>
/// Reads delimited text (CSV, TSV) into a dense matrix with Sep, one row at a time: the numbers go straight into
/// chunks, so memory peaks at about twice the size of the numbers, whatever the file's size.
/// </summary>
internal static class DelimitedReader
{
    /// <summary>Reads the text; with a <paramref name="window"/> only those data rows are parsed and kept (the rows
    /// before are skipped unparsed, reading stops after the last).</summary>
    public static NamedMatrix<T> Read<T>(Stream stream, string source, char separator, MatrixReadOptions options, RowWindow? window = null)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var keep = window ?? new RowWindow(0, -1);
        var cancel = options.CancellationToken;
        var sepOptions = new SepReaderOptions(Sep.New(separator))
        {
            HasHeader = false,
            DisableColCountCheck = true,
            Unescape = true,
        };
        using var reader = sepOptions.From(stream);

        // The first two non-blank rows decide whether there is a header row and a row-name column.
        var firstRows = new List<(string[] Cells, int Line)>(2);
        var values = new ChunkedBuffer<T>();
        List<string>? rowNames = null;
        string[]? header = null;
        int cols = -1, rows = 0, headerLine = 0;
        long dataRows = 0; // data rows seen, kept or not
        bool decided = false, hasRowNames = false;

        void Decide()
        {
            var row0 = firstRows[0].Cells;
            var row1 = firstRows.Count > 1 ? firstRows[1].Cells : null;
            bool hasHeader = options.HasHeader ?? DetectHeader(row0, row1);
            var firstData = hasHeader ? row1 : row0;
            hasRowNames = options.HasRowNames ?? DetectRowNames(hasHeader ? row0 : null, firstData);
            if (hasRowNames)
            {
                rowNames = [];
            }

            int start = 0;
            if (hasHeader)
            {
                header = row0;
                headerLine = firstRows[0].Line;
                start = 1;
            }

            decided = true;
            for (int r = start; r < firstRows.Count; r++)
            {
                AddRow(firstRows[r].Cells, firstRows[r].Line);
            }

            firstRows.Clear();
        }

        void AddRow(string[] cells, int line)
        {
            if (!keep.Contains(dataRows++))
            {
                return;
            }

            int offset = hasRowNames ? 1 : 0;
            int n = cells.Length - offset;
            CheckRowLength(n, line, cells.Length);
            if (hasRowNames)
            {
                rowNames!.Add(cells[0]);
            }

            for (int j = 0; j < n; j++)
            {
                values.Add(ParseCell<T>(cells[j + offset], line, j + offset + 1, source, options.AllowNegative, options.AllowMissing));
            }

            rows++;
        }

        void CheckRowLength(int n, int line, int fields)
        {
            if (cols < 0)
            {
                cols = n;
                if (cols <= 0)
                {
                    InputValues.Throw($"{source}, line {line}: row has no values ({fields} field(s), row names in the first column).");
                }
            }
            else if (n != cols)
            {
                InputValues.Throw($"{source}, line {line}: ragged row: {n + (hasRowNames ? 1 : 0)} fields, expected {cols + (hasRowNames ? 1 : 0)} as in the first data row.");
            }

            if ((long)(rows + 1) * cols > InputValues.MaxDenseElements)
            {
                InputValues.Throw($"{source}, line {line}: too many values for one dense matrix (more than {InputValues.MaxDenseElements}).");
            }
        }

        foreach (var row in reader)
        {
            cancel.ThrowIfCancellationRequested();
            if (decided && dataRows >= keep.End)
            {
                break; // past the window: the rest is not read
            }

            int colCount = row.ColCount;
            if (colCount == 1 && row[0].Span.IsWhiteSpace())
            {
                continue; // blank line
            }

            // Sep 0.17 reports the first row as starting on line 2; it starts on line 1.
            int line = row.RowIndex == 0 ? 1 : row.LineNumberFrom;
            if (!decided)
            {
                var cells = new string[colCount];
                for (int j = 0; j < colCount; j++)
                {
                    cells[j] = row[j].ToString();
                }

                firstRows.Add((cells, line));
                if (firstRows.Count == 2)
                {
                    Decide();
                }

                continue;
            }

            if (!keep.Contains(dataRows++))
            {
                continue; // before the window: not parsed
            }

            int offset = hasRowNames ? 1 : 0;
            CheckRowLength(colCount - offset, line, colCount);
            if (hasRowNames)
            {
                rowNames!.Add(row[0].ToString());
            }

            for (int j = offset; j < colCount; j++)
            {
                values.Add(ParseCell<T>(row[j].Span, line, j + 1, source, options.AllowNegative, options.AllowMissing));
            }

            rows++;
        }

        if (!decided && firstRows.Count > 0)
        {
            Decide();
        }

        if (window is RowWindow w && dataRows > 0)
        {
            w.RowsIn(source, dataRows); // throws when the file ended before the window did
        }

        if (rows == 0 || cols <= 0)
        {
            InputValues.Throw(header is null ? $"{source}: empty file: no rows of numbers." : $"{source}: no rows of numbers after the header.");
        }

        IReadOnlyList<string>? colNames = null;
        if (header is not null)
        {
            if (header.Length == cols + (hasRowNames ? 1 : 0))
            {
                colNames = hasRowNames ? header[1..] : header;
            }
            else if (hasRowNames && header.Length == cols)
            {
                colNames = header; // R's write.table: no cell above the row names
            }
            else
            {
                InputValues.Throw($"{source}, line {headerLine}: header has {header.Length} fields but the data rows have {cols + (hasRowNames ? 1 : 0)}.");
            }
        }

        var matrix = new DenseMatrix<T>(rows, cols, values.ToArrayAndClear());
        return new NamedMatrix<T>(matrix, rowNames, colNames, MatrixFormat.Delimited, source);
    }

    internal static T ParseCell<T>(ReadOnlySpan<char> cell, int line, int column, string source, bool allowNegative, bool allowMissing)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (allowMissing && (cell.IsWhiteSpace() || cell.Trim().Equals("NA", StringComparison.OrdinalIgnoreCase)))
        {
            return T.NaN;
        }

        if (!InputValues.TryParse(cell, out T value))
        {
            if (cell.IsWhiteSpace())
            {
                InputValues.Throw($"{source}, line {line}, column {column}: empty cell (every cell must hold a number).");
            }

            if (InputValues.IsMissingOrInfinityWord(cell))
            {
                InputValues.Throw($"{source}, line {line}, column {column}: {InputValues.Quote(cell)} is NaN or infinite (every value must be a finite number).");
            }

            InputValues.Throw($"{source}, line {line}, column {column}: non-numeric cell {InputValues.Quote(cell)}.");
        }

        string? problem = InputValues.Problem(value, allowNegative, allowMissing);
        if (problem is not null)
        {
            InputValues.Throw($"{source}, line {line}, column {column}: {problem}.");
        }

        return value;
    }

    /// <summary>The first row is a header when a cell other than the first is not a number, or when only its first
    /// cell is not a number and the next row starts with a number (a name above the row-name column), or when its first
    /// cell is empty above a row name.</summary>
    internal static bool DetectHeader(string[] row0, string[]? row1)
    {
        for (int j = 1; j < row0.Length; j++)
        {
            if (!InputValues.IsNumber(row0[j]))
            {
                return true;
            }
        }

        if (InputValues.IsNumber(row0[0]) || row1 is null || row1.Length == 0)
        {
            return false;
        }

        if (string.IsNullOrWhiteSpace(row0[0]))
        {
            return true;
        }

        return InputValues.IsNumber(row1[0]);
    }

    /// <summary>Row names when the first cell of the first data row is not a number, or the header's first cell is
    /// empty (R's write.csv).</summary>
    internal static bool DetectRowNames(string[]? header, string[]? firstData)
    {
        if (firstData is null || firstData.Length < 2)
        {
            return false;
        }

        if (!InputValues.IsNumber(firstData[0]))
        {
            return true;
        }

        return header is not null && header.Length > 0 && string.IsNullOrWhiteSpace(header[0]);
    }
}
