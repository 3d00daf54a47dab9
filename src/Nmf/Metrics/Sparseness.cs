using System.Numerics;
using Nmf.Matrices;

namespace Nmf.Metrics;

/// <summary>
/// Hoyer's sparseness measure (Hoyer 2004, "Non-negative matrix factorization with sparseness constraints",
/// JMLR 5, eq. 1): for a vector x of length n, (√n − ‖x‖₁ / ‖x‖₂) / (√n − 1). It is 1 when exactly one entry
/// is non-zero and 0 when all entries have the same magnitude. Signed vectors are measured by their magnitudes.
/// </summary>
public static class Sparseness
{
    /// <summary>Hoyer sparseness of one vector, in [0, 1].</summary>
    /// <param name="x">The vector, at least 2 entries; signs are ignored.</param>
    /// <returns>The sparseness; a vector of zeros has no non-zero entry and counts as 1 (as sparse as it gets).</returns>
    /// <exception cref="ArgumentException">When <paramref name="x"/> has fewer than 2 entries.</exception>
    public static double Hoyer<T>(ReadOnlySpan<T> x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (x.Length < 2)
        {
            throw new ArgumentException($"Hoyer sparseness needs a vector of at least 2 entries, got {x.Length}.", nameof(x));
        }

        // Accumulate in double so float and double inputs give the measure with the same accuracy.
        double l1 = 0, l2 = 0;
        foreach (T v in x)
        {
            double d = double.CreateChecked(v);
            l1 += Math.Abs(d);
            l2 += d * d;
        }

        return FromNorms(l1, Math.Sqrt(l2), x.Length);
    }

    /// <summary>Mean Hoyer sparseness of the rows of <paramref name="m"/> (each row at least 2 entries).</summary>
    /// <remarks>For sklearn-oriented factors X ≈ W H, the rows of H are the basis vectors (basis images).</remarks>
    public static double MeanOfRows<T>(DenseMatrix<T> m) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(m);
        if (m.Rows == 0)
        {
            throw new ArgumentException("Mean sparseness of a matrix with no rows is undefined.", nameof(m));
        }

        double sum = 0;
        for (int i = 0; i < m.Rows; i++)
        {
            sum += Hoyer<T>(m.Row(i));
        }

        return sum / m.Rows;
    }

    /// <summary>Mean Hoyer sparseness of the columns of <paramref name="m"/> (each column at least 2 entries).</summary>
    /// <remarks>
    /// For sklearn-oriented factors X ≈ W H, column c of W is how strongly component c is used by each sample:
    /// the encodings whose sparseness Hoyer (2004) constrains.
    /// </remarks>
    public static double MeanOfColumns<T>(DenseMatrix<T> m) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(m);
        if (m.Cols == 0)
        {
            throw new ArgumentException("Mean sparseness of a matrix with no columns is undefined.", nameof(m));
        }

        if (m.Rows < 2)
        {
            throw new ArgumentException($"Hoyer sparseness needs columns of at least 2 entries, got {m.Rows}.", nameof(m));
        }

        var l1 = new double[m.Cols];
        var l2 = new double[m.Cols];
        for (int i = 0; i < m.Rows; i++)
        {
            var row = m.Row(i);
            for (int j = 0; j < row.Length; j++)
            {
                double d = double.CreateChecked(row[j]);
                l1[j] += Math.Abs(d);
                l2[j] += d * d;
            }
        }

        double sum = 0;
        for (int j = 0; j < m.Cols; j++)
        {
            sum += FromNorms(l1[j], Math.Sqrt(l2[j]), m.Rows);
        }

        return sum / m.Cols;
    }

    /// <summary>Mean sparseness of the basis vectors: the rows of the components H (k x m).</summary>
    public static double Basis<T>(DenseMatrix<T> components) where T : unmanaged, IFloatingPointIeee754<T>
        => MeanOfRows(components);

    /// <summary>Mean sparseness of the encodings: the columns of W (n x k), one per component.</summary>
    public static double Encodings<T>(DenseMatrix<T> w) where T : unmanaged, IFloatingPointIeee754<T>
        => MeanOfColumns(w);

    private static double FromNorms(double l1, double l2, int n)
    {
        if (l2 == 0)
        {
            return 1.0;
        }

        double sqrtN = Math.Sqrt(n);
        // Rounding can push l1/l2 a hair outside [1, √n]; clamp so the measure stays in [0, 1].
        return Math.Clamp((sqrtN - (l1 / l2)) / (sqrtN - 1), 0.0, 1.0);
    }
}
