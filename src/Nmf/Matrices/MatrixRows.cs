using System.Numerics;

namespace Nmf.Matrices;

/// <summary>Row blocks of a matrix of either storage, for the mini-batch, distributed and streamed readers.</summary>
public static class MatrixRows
{
    /// <summary>
    /// Rows [<paramref name="start"/>, <paramref name="start"/> + <paramref name="count"/>) of a dense or CSR matrix, as
    /// a new matrix of the same kind; the whole matrix itself when the block is all of it.
    /// </summary>
    public static IMatrix<T> Slice<T>(IMatrix<T> x, int start, int count) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(x);
        if (start == 0 && count == x.Rows)
        {
            return x;
        }

        return x switch
        {
            DenseMatrix<T> d => d.SliceRows(start, count),
            CsrMatrix<T> s => s.SliceRows(start, count),
            _ => throw new NotSupportedException(x.GetType().Name),
        };
    }
}
