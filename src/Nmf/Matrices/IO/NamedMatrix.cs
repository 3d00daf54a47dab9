using System.Numerics;

namespace Nmf.Matrices;

/// <summary>A matrix read from a file, with the row and column names the file gave (if any).</summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
public sealed class NamedMatrix<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Wraps a matrix and its names.</summary>
    /// <param name="matrix">The values: dense or CSR.</param>
    /// <param name="rowNames">One name per row, or null.</param>
    /// <param name="columnNames">One name per column, or null.</param>
    /// <param name="format">The format the values were read from.</param>
    /// <param name="source">The file name (or <c>-</c> for standard input) used in messages.</param>
    public NamedMatrix(IMatrix<T> matrix, IReadOnlyList<string>? rowNames, IReadOnlyList<string>? columnNames, MatrixFormat format, string source)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        if (rowNames is not null && rowNames.Count != matrix.Rows)
        {
            throw new ArgumentException($"{rowNames.Count} row names for {matrix.Rows} rows.", nameof(rowNames));
        }

        if (columnNames is not null && columnNames.Count != matrix.Cols)
        {
            throw new ArgumentException($"{columnNames.Count} column names for {matrix.Cols} columns.", nameof(columnNames));
        }

        Matrix = matrix;
        RowNames = rowNames;
        ColumnNames = columnNames;
        Format = format;
        Source = source;
    }

    /// <summary>The values: a <see cref="DenseMatrix{T}"/> or a <see cref="CsrMatrix{T}"/>.</summary>
    public IMatrix<T> Matrix { get; }

    /// <summary>Row names from the file's first column, or null.</summary>
    public IReadOnlyList<string>? RowNames { get; }

    /// <summary>Column names from the file's header row, or null.</summary>
    public IReadOnlyList<string>? ColumnNames { get; }

    /// <summary>The format the file was read as.</summary>
    public MatrixFormat Format { get; }

    /// <summary>The file name used in messages (<c>-</c> for standard input).</summary>
    public string Source { get; }

    /// <summary>The transpose, with row and column names swapped (CSR stays CSR).</summary>
    public NamedMatrix<T> Transpose()
    {
        IMatrix<T> t = Matrix switch
        {
            DenseMatrix<T> d => d.Transpose(),
            CsrMatrix<T> s => s.Transpose(),
            _ => throw new NotSupportedException($"cannot transpose {Matrix.GetType().Name}."),
        };
        return new NamedMatrix<T>(t, ColumnNames, RowNames, Format, Source);
    }
}
