using System.Numerics;

namespace Nmf.Matrices;

/// <summary>
/// Rows of a matrix delivered in consecutive batches, so that a mini-batch fit can stream a file that does not
/// fit in memory: only one batch is held at a time. Every call to <see cref="ReadBatches"/> starts again at the
/// first row (one call per pass over the data).
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
public interface IRowBatchSource<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Total number of rows (samples).</summary>
    int Rows { get; }

    /// <summary>Number of columns (features).</summary>
    int Cols { get; }

    /// <summary>
    /// The rows from the first, in batches of <paramref name="batchSize"/> rows (the last batch may be shorter),
    /// each a <see cref="DenseMatrix{T}"/> or <see cref="CsrMatrix{T}"/>.
    /// </summary>
    /// <param name="batchSize">Rows per batch, at least 1.</param>
    IEnumerable<IMatrix<T>> ReadBatches(int batchSize);
}

/// <summary>An in-memory matrix seen as consecutive row batches (the batches are copies of the rows).</summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
public sealed class MatrixRowBatches<T> : IRowBatchSource<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly IMatrix<T> _matrix;

    /// <summary>Wraps a dense or CSR matrix.</summary>
    /// <param name="matrix">The matrix whose rows are delivered.</param>
    public MatrixRowBatches(IMatrix<T> matrix)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        _matrix = matrix;
    }

    /// <inheritdoc />
    public int Rows => _matrix.Rows;

    /// <inheritdoc />
    public int Cols => _matrix.Cols;

    /// <inheritdoc />
    public IEnumerable<IMatrix<T>> ReadBatches(int batchSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        for (int start = 0; start < _matrix.Rows; start += batchSize)
        {
            yield return MatrixRows.Slice(_matrix, start, Math.Min(batchSize, _matrix.Rows - start));
        }
    }
}
