namespace Nmf.Matrices;

/// <summary>How <see cref="MatrixReader"/> reads a file. Every property has a default that detects what it can.</summary>
public sealed record MatrixReadOptions
{
    /// <summary>The file format; default <see cref="MatrixFormat.Auto"/> (content, then extension).</summary>
    public MatrixFormat Format { get; init; } = MatrixFormat.Auto;

    /// <summary>
    /// Separator of delimited text; null (default) takes it from the extension (<c>.csv</c> comma, <c>.tsv</c>/<c>.tab</c>
    /// tab) or, failing that, from the first line.
    /// </summary>
    public char? Separator { get; init; }

    /// <summary>
    /// Whether delimited text starts with a header row of column names; null (default) detects it: the first row is a
    /// header when it holds a cell that is not a number (beyond a row-name column).
    /// </summary>
    public bool? HasHeader { get; init; }

    /// <summary>
    /// Whether the first column of delimited text holds row names; null (default) detects it: yes when the first cell of
    /// the first data row is not a number, or the header's first cell is empty.
    /// </summary>
    public bool? HasRowNames { get; init; }

    /// <summary>
    /// Accept negative values; default false, because NMF needs X ≥ 0 and the reader can say exactly where the first
    /// negative value is. NaN and infinities are always rejected.
    /// </summary>
    public bool AllowNegative { get; init; }

    /// <summary>
    /// Read NaN, <c>NA</c> and empty cells of delimited text (and NaN in .npy) as missing entries, kept as NaN for the
    /// masked solver (<c>--missing nan</c>); default false, which rejects them.
    /// </summary>
    public bool AllowMissing { get; init; }

    /// <summary>
    /// Stops a long read: the readers check it as they go (every few thousand values) and throw
    /// <see cref="OperationCanceledException"/>; default none.
    /// </summary>
    public CancellationToken CancellationToken { get; init; }
}
