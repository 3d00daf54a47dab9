using System.IO.Compression;
using System.Numerics;
using nietras.SeparatedValues;

namespace Nmf.Matrices;

/// <summary>
/// A delimited text file (CSV, or TSV for <c>.tsv</c>/<c>.tab</c>; optionally <c>.gz</c>) read as consecutive row
/// batches: only one batch of parsed numbers is in memory at a time, so a file larger than memory can be fitted with
/// a mini-batch solver. Header row and row-name column are detected as <see cref="MatrixReader"/> detects them (or
/// forced by <see cref="MatrixReadOptions"/>) and skipped; values are checked as the reader checks them (finite,
/// non-negative unless allowed), with the line and column of the first bad one. Opening the source counts the rows
/// (one pass that parses no number).
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
public sealed class CsvRowBatches<T> : IRowBatchSource<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly string _path;
    private readonly char _separator;
    private readonly bool _hasHeader;
    private readonly bool _hasRowNames;
    private readonly MatrixReadOptions _options;

    /// <summary>Opens <paramref name="path"/>: detects header and row names, counts rows and columns.</summary>
    /// <param name="path">The file.</param>
    /// <exception cref="NmfInputException">The file is missing or holds no data rows.</exception>
    public CsvRowBatches(string path)
        : this(path, null)
    {
    }

    /// <summary>Opens <paramref name="path"/> with reading options: separator, header and row names (detected when
    /// null), whether negative values are allowed, and a cancellation token that every pass over the file checks.</summary>
    /// <param name="path">The file.</param>
    /// <param name="options">How to read it; null detects everything.</param>
    /// <exception cref="NmfInputException">The file is missing or holds no data rows.</exception>
    /// <exception cref="OperationCanceledException">The options' token was cancelled while the rows were counted.</exception>
    public CsvRowBatches(string path, MatrixReadOptions? options)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            throw new NmfInputException($"{path}: file not found.");
        }

        _path = path;
        _options = options ?? new MatrixReadOptions();
        string name = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? path[..^3] : path;
        _separator = _options.Separator
            ?? (name.EndsWith(".tsv", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".tab", StringComparison.OrdinalIgnoreCase) ? '\t' : ',');
        var cancel = _options.CancellationToken;
        var firstRows = new List<string[]>(2);
        using (var reader = OpenReader())
        {
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

                firstRows.Add(cells);
                if (firstRows.Count == 2)
                {
                    break;
                }
            }
        }

        if (firstRows.Count == 0)
        {
            throw new NmfInputException($"{path}: no data rows.");
        }

        var row0 = firstRows[0];
        var row1 = firstRows.Count > 1 ? firstRows[1] : null;
        _hasHeader = _options.HasHeader ?? DelimitedReader.DetectHeader(row0, row1);
        var firstData = _hasHeader ? row1 : row0;
        if (firstData is null)
        {
            throw new NmfInputException($"{path}: no data rows after the header.");
        }

        _hasRowNames = _options.HasRowNames ?? DelimitedReader.DetectRowNames(_hasHeader ? row0 : null, firstData);
        Cols = firstData.Length - (_hasRowNames ? 1 : 0);
        if (Cols < 1)
        {
            throw new NmfInputException($"{path}: the first data row has no values.");
        }

        using (var reader = OpenReader())
        {
            int rows = 0;
            foreach (var row in reader)
            {
                if ((rows & 0x3FF) == 0)
                {
                    cancel.ThrowIfCancellationRequested();
                }

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
        var cancel = _options.CancellationToken;
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
            if ((dataRow & 0x3FF) == 0)
            {
                cancel.ThrowIfCancellationRequested();
            }

            if (dataRow < start)
            {
                continue;
            }

            if (dataRow >= end)
            {
                break;
            }

            // Sep 0.17 reports the first row as starting on line 2; it starts on line 1.
            int line = row.RowIndex == 0 ? 1 : row.LineNumberFrom;
            if (row.ColCount - offset != Cols)
            {
                throw new NmfInputException($"{_path}, line {line}: ragged row: {row.ColCount} fields, expected {Cols + offset} as in the first data row.");
            }

            batch ??= new DenseMatrix<T>(Math.Min(batchSize, end - dataRow), Cols);
            var target = batch.Row(filled);
            for (int j = 0; j < Cols; j++)
            {
                target[j] = DelimitedReader.ParseCell<T>(row[j + offset].Span, line, j + offset + 1, _path, _options.AllowNegative, allowMissing: false);
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
}
