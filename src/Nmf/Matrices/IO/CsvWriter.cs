using System.Globalization;
using System.Numerics;
using System.Text;

namespace Nmf.Matrices;

/// <summary>
/// Writes a dense matrix as delimited text with full round-trip precision (the shortest text that reads back to the
/// same value), optionally with a header row of column names and a first column of row names. File output goes to a
/// temporary file that is renamed over the target only when complete, so a crash never leaves half a file.
/// </summary>
public static class CsvWriter
{
    /// <summary>Writes <paramref name="matrix"/> to <paramref name="path"/> atomically.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="path">Target file; its directory must exist.</param>
    /// <param name="matrix">The values.</param>
    /// <param name="rowNames">Names for a first column, or null for none.</param>
    /// <param name="columnNames">Names for a header row, or null for none (a header is also written when there are row
    /// names, with an empty first cell, as R's <c>write.csv</c> does).</param>
    /// <param name="separator">Field separator; default comma.</param>
    public static void WriteFile<T>(string path, DenseMatrix<T> matrix, IReadOnlyList<string>? rowNames = null, IReadOnlyList<string>? columnNames = null, char separator = ',')
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        AtomicFile.Write(path, stream =>
        {
            using var writer = new StreamWriter(stream, new UTF8Encoding(false), 1 << 16, leaveOpen: true);
            Write(writer, matrix, rowNames, columnNames, separator);
        });
    }

    /// <summary>Writes <paramref name="matrix"/> as delimited text to <paramref name="writer"/>.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="writer">Destination.</param>
    /// <param name="matrix">The values.</param>
    /// <param name="rowNames">Names for a first column, or null for none.</param>
    /// <param name="columnNames">Names for a header row, or null (see <see cref="WriteFile{T}"/>).</param>
    /// <param name="separator">Field separator; default comma.</param>
    public static void Write<T>(TextWriter writer, DenseMatrix<T> matrix, IReadOnlyList<string>? rowNames = null, IReadOnlyList<string>? columnNames = null, char separator = ',')
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(matrix);
        if (rowNames is not null && rowNames.Count != matrix.Rows)
        {
            throw new ArgumentException($"{rowNames.Count} row names for {matrix.Rows} rows.", nameof(rowNames));
        }

        if (columnNames is not null && columnNames.Count != matrix.Cols)
        {
            throw new ArgumentException($"{columnNames.Count} column names for {matrix.Cols} columns.", nameof(columnNames));
        }

        if (columnNames is not null || rowNames is not null)
        {
            if (rowNames is not null)
            {
                writer.Write(Escape(string.Empty, separator));
            }

            for (int j = 0; j < matrix.Cols; j++)
            {
                if (j > 0 || rowNames is not null)
                {
                    writer.Write(separator);
                }

                writer.Write(Escape(columnNames?[j] ?? $"V{j + 1}", separator));
            }

            writer.Write('\n');
        }

        Span<char> buffer = stackalloc char[64];
        for (int i = 0; i < matrix.Rows; i++)
        {
            if (rowNames is not null)
            {
                writer.Write(Escape(rowNames[i], separator));
                writer.Write(separator);
            }

            var row = matrix.Row(i);
            for (int j = 0; j < row.Length; j++)
            {
                if (j > 0)
                {
                    writer.Write(separator);
                }

                if (!row[j].TryFormat(buffer, out int written, "R", CultureInfo.InvariantCulture))
                {
                    throw new InvalidOperationException("number too long to format.");
                }

                writer.Write(buffer[..written]);
            }

            writer.Write('\n');
        }
    }

    /// <summary>Quotes a name when it is empty or holds the separator, a quote, a line break or surrounding spaces.</summary>
    private static string Escape(string name, char separator)
    {
        bool quote = name.Length == 0 || name.Contains(separator) || name.Contains('"') || name.Contains('\n') || name.Contains('\r')
            || name.Trim().Length != name.Length;
        if (!quote)
        {
            return name;
        }

        return "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
    }
}
