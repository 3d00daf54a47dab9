using System.Globalization;
using System.IO.Compression;
using System.Numerics;
using nietras.SeparatedValues;

namespace Nmf.Matrices;

/// <summary>
/// A delimited text file (CSV, or TSV for <c>.tsv</c>/<c>.tab</c>; optionally <c>.gz</c>) read as consecutive row
/// batches: only one batch of parsed numbers is in memory at a time, so a file larger than memory can be fitted with
/// a mini-batch solver. A first row with a non-numeric cell is a header; a first column whose first data cell is
/// non-numeric holds row names (both skipped). Opening the source counts the rows (one pass that parses nothing).
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
public sealed class CsvRowBatches<T> : IRowBatchSource<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly string _path;
    private readonly char _separator;
    private readonly bool _hasHeader;
    private readonly bool _hasRowNames;

    /// <summary>Opens <paramref name="path"/>: detects header and row names, counts rows and columns.</summary>
    /// <param name="path">The file.</param>
    /// <exception cref="NmfInputException">The file is missing, empty, or its rows have different lengths.</exception>
    public CsvRowBatches(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            throw new NmfInputException($"{path}: file not found.");
        }

        _path = path;
        string name = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? path[..^3] : path;
        _separator = name.EndsWith(".tsv", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".tab", StringComparison.OrdinalIgnoreCase) ? '\t' : ',';
        using (var reader = OpenReader())
        {
            int seen = 0;
            string[]? first = null;
            foreach (var row in reader)
            {
                if (IsBlank(row))
                {
                    continue;
                }

                var cells = new string[row.ColCount];
                for (int j = 0; j < cells.Length; j++)
                {
                    cells[j] = row[j].ToString();
                }

                if (seen == 0)
                {
                    first = cells;
                    _hasHeader = cells.Any(c => !IsNumber(c));
                    if (!_hasHeader)
                    {
                        _hasRowNames = !IsNumber(cells[0]);
                        Cols = cells.Length - (_hasRowNames ? 1 : 0);
                        break;
                    }
                }
                else
                {
                    _hasRowNames = !IsNumber(cells[0]);
                    Cols = cells.Length - (_hasRowNames ? 1 : 0);
                    break;
                }

                seen++;
            }

            if (first is null || Cols == 0)
            {
                throw new NmfInputException($"{path}: no data rows.");
            }
        }

        using (var reader = OpenReader())
        {
            int rows = 0;
            foreach (var row in reader)
            {
                if (!IsBlank(row))
                {
                    rows++;
                }
            }

            Rows = rows - (_hasHeader ? 1 : 0);
        }

        if (Rows < 1)
        {
            throw new NmfInputException($"{path}: no data rows.");
        }
    }

    /// <inheritdoc />
    public int Rows { get; }

    /// <inheritdoc />
    public int Cols { get; }

    /// <inheritdoc />
    public IEnumerable<IMatrix<T>> ReadBatches(int batchSize) => ReadRows(0, Rows, batchSize);

    /// <summary>Rows [<paramref name="start"/>, start + <paramref name="count"/>) in batches; the rows before are skipped unparsed.</summary>
    /// <param name="start">First row (0-based, header excluded).</param>
    /// <param name="count">Number of rows.</param>
    /// <param name="batchSize">Rows per batch.</param>
    public IEnumerable<DenseMatrix<T>> ReadRows(int start, int count, int batchSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfGreaterThan((long)start + count, Rows);
        using var reader = OpenReader();
        int dataRow = -1, offset = _hasRowNames ? 1 : 0, end = start + count;
        bool header = _hasHeader;
        DenseMatrix<T>? batch = null;
        int filled = 0;
        foreach (var row in reader)
        {
            if (IsBlank(row))
            {
                continue;
            }

            if (header)
            {
                header = false;
                continue;
            }

            dataRow++;
            if (dataRow < start)
            {
                continue;
            }

            if (dataRow >= end)
            {
                break;
            }

            int line = row.LineNumberFrom;
            if (row.ColCount - offset != Cols)
            {
                throw new NmfInputException($"{_path}: line {line} has {row.ColCount - offset} values, the first data row has {Cols}.");
            }

            batch ??= new DenseMatrix<T>(Math.Min(batchSize, end - dataRow), Cols);
            var target = batch.Row(filled);
            for (int j = 0; j < Cols; j++)
            {
                var cell = row[j + offset].Span.Trim();
                if (!double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out double v))
                {
                    throw new NmfInputException($"{_path}: line {line}, column {j + offset + 1}: '{cell.ToString()}' is not a number.");
                }

                target[j] = T.CreateChecked(v);
            }

            if (++filled == batch.Rows)
            {
                yield return batch;
                batch = null;
                filled = 0;
            }
        }

        if (batch is not null || dataRow + 1 < Math.Min(end, Rows))
        {
            throw new NmfInputException($"{_path}: the file changed while it was read (fewer rows than counted).");
        }
    }

    /// <summary>Rows [<paramref name="start"/>, start + <paramref name="count"/>) as one matrix (count −1: to the end).</summary>
    public DenseMatrix<T> ReadRange(int start, int count)
    {
        if (count < 0)
        {
            count = Rows - start;
        }

        if (start < 0 || start + count > Rows || count < 1)
        {
            throw new NmfInputException($"{_path}: rows {start + 1}..{start + count} requested, the file has {Rows}.");
        }

        return ReadRows(start, count, count).Single();
    }

    private SepReader OpenReader()
    {
        Stream stream = new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        if (_path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase))
        {
            stream = new GZipStream(stream, CompressionMode.Decompress);
        }

        var options = new SepReaderOptions(Sep.New(_separator)) { HasHeader = false, DisableColCountCheck = true, Unescape = true };
        return options.From(stream);
    }

    private static bool IsBlank(SepReader.Row row) => row.ColCount == 1 && row[0].Span.Trim().IsEmpty;

    private static bool IsNumber(string cell) => double.TryParse(cell.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out _);
}
