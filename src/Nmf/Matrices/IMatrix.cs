using System.Numerics;

namespace Nmf.Matrices;

/// <summary>
/// A matrix of non-negative data to factorize: dense row-major (<see cref="DenseMatrix{T}"/>) or sparse CSR
/// (<see cref="CsrMatrix{T}"/>). Rows are samples, columns are features, as in scikit-learn.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
public interface IMatrix<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Number of rows (samples).</summary>
    int Rows { get; }

    /// <summary>Number of columns (features).</summary>
    int Cols { get; }

    /// <summary>Number of stored entries: <c>Rows * Cols</c> for a dense matrix, the non-zeros for CSR.</summary>
    long StoredCount { get; }
}
