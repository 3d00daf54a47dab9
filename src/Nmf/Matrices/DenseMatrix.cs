using System.Numerics;
using System.Runtime.CompilerServices;

namespace Nmf.Matrices;

/// <summary>
/// A dense matrix stored row-major in one contiguous array: element (i, j) is <c>Data[i * Cols + j]</c>.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
public sealed class DenseMatrix<T> : IMatrix<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Creates a zero matrix of the given shape.</summary>
    /// <param name="rows">Number of rows, at least 0.</param>
    /// <param name="cols">Number of columns, at least 0.</param>
    public DenseMatrix(int rows, int cols)
        : this(rows, cols, new T[checked(rows * cols)])
    {
    }

    /// <summary>Wraps an existing row-major array (not copied).</summary>
    /// <param name="rows">Number of rows.</param>
    /// <param name="cols">Number of columns.</param>
    /// <param name="data">Row-major values, length <c>rows * cols</c>.</param>
    public DenseMatrix(int rows, int cols, T[] data)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(cols);
        ArgumentNullException.ThrowIfNull(data);
        if (data.LongLength != (long)rows * cols)
        {
            throw new ArgumentException($"data has {data.LongLength} elements, expected {rows} x {cols} = {(long)rows * cols}.", nameof(data));
        }

        Rows = rows;
        Cols = cols;
        Data = data;
    }

    /// <inheritdoc />
    public int Rows { get; }

    /// <inheritdoc />
    public int Cols { get; }

    /// <inheritdoc />
    public long StoredCount => (long)Rows * Cols;

    /// <summary>The row-major values.</summary>
    public T[] Data { get; }

    /// <summary>Gets or sets element (i, j).</summary>
    public T this[int i, int j]
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Data[(i * Cols) + j];
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        set => Data[(i * Cols) + j] = value;
    }

    /// <summary>Row <paramref name="i"/> as a span.</summary>
    public Span<T> Row(int i) => Data.AsSpan(i * Cols, Cols);

    /// <summary>Builds a matrix from a jagged array of rows (all rows must have the same length).</summary>
    public static DenseMatrix<T> FromRows(IReadOnlyList<T[]> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        int r = rows.Count, c = r == 0 ? 0 : rows[0].Length;
        var m = new DenseMatrix<T>(r, c);
        for (int i = 0; i < r; i++)
        {
            if (rows[i].Length != c)
            {
                throw new ArgumentException($"row {i} has {rows[i].Length} values, row 0 has {c}.", nameof(rows));
            }

            rows[i].CopyTo(m.Row(i));
        }

        return m;
    }

    /// <summary>Builds a matrix from a 2-D array.</summary>
    public static DenseMatrix<T> From2D(T[,] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var m = new DenseMatrix<T>(values.GetLength(0), values.GetLength(1));
        for (int i = 0; i < m.Rows; i++)
        {
            for (int j = 0; j < m.Cols; j++)
            {
                m[i, j] = values[i, j];
            }
        }

        return m;
    }

    /// <summary>A deep copy.</summary>
    public DenseMatrix<T> Clone() => new(Rows, Cols, (T[])Data.Clone());

    /// <summary>The transpose, as a new matrix.</summary>
    public DenseMatrix<T> Transpose()
    {
        var t = new DenseMatrix<T>(Cols, Rows);
        for (int i = 0; i < Rows; i++)
        {
            for (int j = 0; j < Cols; j++)
            {
                t.Data[(j * Rows) + i] = Data[(i * Cols) + j];
            }
        }

        return t;
    }

    /// <summary>Converts every element to another floating-point type.</summary>
    public DenseMatrix<TOut> Convert<TOut>() where TOut : unmanaged, IFloatingPointIeee754<TOut>
    {
        var o = new DenseMatrix<TOut>(Rows, Cols);
        for (int i = 0; i < Data.Length; i++)
        {
            o.Data[i] = TOut.CreateChecked(Data[i]);
        }

        return o;
    }

    /// <summary>Copies a contiguous block of rows into a new matrix.</summary>
    public DenseMatrix<T> SliceRows(int start, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(start + count, Rows);
        var m = new DenseMatrix<T>(count, Cols);
        Data.AsSpan(start * Cols, count * Cols).CopyTo(m.Data);
        return m;
    }
}
