using System.Numerics;

namespace Nmf.Matrices;

/// <summary>
/// A sparse matrix in compressed sparse row (CSR) form: the non-zeros of row i are
/// <c>Values[RowPtr[i]..RowPtr[i + 1]]</c> at columns <c>ColIndices[RowPtr[i]..RowPtr[i + 1]]</c>,
/// column indices strictly increasing within a row.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
public sealed class CsrMatrix<T> : IMatrix<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private CsrMatrix<T>? _transpose;

    /// <summary>Wraps CSR arrays (not copied). Checks the structure.</summary>
    /// <param name="rows">Number of rows.</param>
    /// <param name="cols">Number of columns.</param>
    /// <param name="rowPtr">Row offsets, length <c>rows + 1</c>, non-decreasing, starting at 0.</param>
    /// <param name="colIndices">Column of each stored value, strictly increasing within a row.</param>
    /// <param name="values">Stored values.</param>
    public CsrMatrix(int rows, int cols, int[] rowPtr, int[] colIndices, T[] values)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(cols);
        ArgumentNullException.ThrowIfNull(rowPtr);
        ArgumentNullException.ThrowIfNull(colIndices);
        ArgumentNullException.ThrowIfNull(values);
        if (rowPtr.Length != rows + 1 || rowPtr[0] != 0 || rowPtr[rows] != values.Length || colIndices.Length != values.Length)
        {
            throw new ArgumentException("inconsistent CSR arrays: rowPtr must have rows + 1 entries from 0 to nnz, colIndices and values nnz entries.");
        }

        for (int i = 0; i < rows; i++)
        {
            int start = rowPtr[i], end = rowPtr[i + 1];
            if (end < start)
            {
                throw new ArgumentException($"rowPtr decreases at row {i}.", nameof(rowPtr));
            }

            for (int p = start; p < end; p++)
            {
                int c = colIndices[p];
                if ((uint)c >= (uint)cols || (p > start && colIndices[p - 1] >= c))
                {
                    throw new ArgumentException($"row {i}: column indices must be in [0, {cols}) and strictly increasing.", nameof(colIndices));
                }
            }
        }

        Rows = rows;
        Cols = cols;
        RowPtr = rowPtr;
        ColIndices = colIndices;
        Values = values;
    }

    /// <inheritdoc />
    public int Rows { get; }

    /// <inheritdoc />
    public int Cols { get; }

    /// <inheritdoc />
    public long StoredCount => Values.Length;

    /// <summary>Row offsets into <see cref="ColIndices"/> and <see cref="Values"/>, length <c>Rows + 1</c>.</summary>
    public int[] RowPtr { get; }

    /// <summary>Column index of each stored value.</summary>
    public int[] ColIndices { get; }

    /// <summary>The stored values.</summary>
    public T[] Values { get; }

    /// <summary>
    /// Builds a CSR matrix from coordinate triplets; duplicates are summed, explicit zeros are kept out.
    /// </summary>
    public static CsrMatrix<T> FromTriplets(int rows, int cols, ReadOnlySpan<int> rowIdx, ReadOnlySpan<int> colIdx, ReadOnlySpan<T> vals)
    {
        if (rowIdx.Length != colIdx.Length || rowIdx.Length != vals.Length)
        {
            throw new ArgumentException("triplet arrays differ in length.");
        }

        var counts = new int[rows + 1];
        for (int t = 0; t < rowIdx.Length; t++)
        {
            if ((uint)rowIdx[t] >= (uint)rows || (uint)colIdx[t] >= (uint)cols)
            {
                throw new ArgumentOutOfRangeException(nameof(rowIdx), $"entry {t} at ({rowIdx[t]}, {colIdx[t]}) is outside {rows} x {cols}.");
            }

            counts[rowIdx[t] + 1]++;
        }

        for (int i = 0; i < rows; i++)
        {
            counts[i + 1] += counts[i];
        }

        var next = (int[])counts.Clone();
        var ci = new int[rowIdx.Length];
        var cv = new T[rowIdx.Length];
        for (int t = 0; t < rowIdx.Length; t++)
        {
            int p = next[rowIdx[t]]++;
            ci[p] = colIdx[t];
            cv[p] = vals[t];
        }

        // Sort each row by column, sum duplicates, drop zeros.
        var outPtr = new int[rows + 1];
        int w = 0;
        var keys = new List<(int Col, T Val)>();
        for (int i = 0; i < rows; i++)
        {
            keys.Clear();
            for (int p = counts[i]; p < counts[i + 1]; p++)
            {
                keys.Add((ci[p], cv[p]));
            }

            keys.Sort((a, b) => a.Col.CompareTo(b.Col));
            int k = 0;
            while (k < keys.Count)
            {
                int c = keys[k].Col;
                T s = T.Zero;
                while (k < keys.Count && keys[k].Col == c)
                {
                    s += keys[k].Val;
                    k++;
                }

                if (s != T.Zero)
                {
                    ci[w] = c;
                    cv[w] = s;
                    w++;
                }
            }

            outPtr[i + 1] = w;
        }

        return new CsrMatrix<T>(rows, cols, outPtr, ci.AsSpan(0, w).ToArray(), cv.AsSpan(0, w).ToArray());
    }

    /// <summary>Builds a CSR matrix holding the non-zeros of a dense matrix.</summary>
    public static CsrMatrix<T> FromDense(DenseMatrix<T> dense)
    {
        ArgumentNullException.ThrowIfNull(dense);
        var ptr = new int[dense.Rows + 1];
        var cols = new List<int>();
        var vals = new List<T>();
        for (int i = 0; i < dense.Rows; i++)
        {
            var row = dense.Row(i);
            for (int j = 0; j < row.Length; j++)
            {
                if (row[j] != T.Zero)
                {
                    cols.Add(j);
                    vals.Add(row[j]);
                }
            }

            ptr[i + 1] = cols.Count;
        }

        return new CsrMatrix<T>(dense.Rows, dense.Cols, ptr, cols.ToArray(), vals.ToArray());
    }

    /// <summary>The matrix as a dense array (for tests and small matrices only).</summary>
    public DenseMatrix<T> ToDense()
    {
        var d = new DenseMatrix<T>(Rows, Cols);
        for (int i = 0; i < Rows; i++)
        {
            for (int p = RowPtr[i]; p < RowPtr[i + 1]; p++)
            {
                d[i, ColIndices[p]] = Values[p];
            }
        }

        return d;
    }

    /// <summary>
    /// The transpose in CSR form (equivalently, this matrix in CSC form). Built once and cached, since the
    /// solvers need Wᵀ·X every iteration; they build it on every core through the kernels, which fill this cache with the
    /// same arrays as this loop.
    /// </summary>
    public CsrMatrix<T> Transpose()
    {
        if (_transpose is not null)
        {
            return _transpose;
        }

        var ptr = new int[Cols + 1];
        foreach (int c in ColIndices)
        {
            ptr[c + 1]++;
        }

        for (int j = 0; j < Cols; j++)
        {
            ptr[j + 1] += ptr[j];
        }

        var next = (int[])ptr.Clone();
        var idx = new int[Values.Length];
        var vals = new T[Values.Length];
        for (int i = 0; i < Rows; i++)
        {
            for (int p = RowPtr[i]; p < RowPtr[i + 1]; p++)
            {
                int q = next[ColIndices[p]]++;
                idx[q] = i;
                vals[q] = Values[p];
            }
        }

        _transpose = new CsrMatrix<T>(Cols, Rows, ptr, idx, vals) { _transpose = this };
        return _transpose;
    }

    /// <summary>The transpose if it has been built, otherwise null.</summary>
    internal CsrMatrix<T>? CachedTranspose => _transpose;

    /// <summary>Caches a transpose built elsewhere (with the same arrays as <see cref="Transpose"/>), linked both ways.</summary>
    internal void CacheTranspose(CsrMatrix<T> transpose)
    {
        _transpose = transpose;
        transpose._transpose = this;
    }

    /// <summary>Copies a contiguous block of rows into a new matrix (the column count is kept).</summary>
    public CsrMatrix<T> SliceRows(int start, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(start + count, Rows);
        int p0 = RowPtr[start], p1 = RowPtr[start + count];
        var ptr = new int[count + 1];
        for (int i = 0; i <= count; i++)
        {
            ptr[i] = RowPtr[start + i] - p0;
        }

        return new CsrMatrix<T>(count, Cols, ptr, ColIndices.AsSpan(p0, p1 - p0).ToArray(), Values.AsSpan(p0, p1 - p0).ToArray(), trusted: true);
    }

    /// <summary>A matrix with the same structure and other values (for example X / WH at the non-zeros).</summary>
    public CsrMatrix<T> WithValues(T[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Length != Values.Length)
        {
            throw new ArgumentException($"expected {Values.Length} values.", nameof(values));
        }

        return new CsrMatrix<T>(Rows, Cols, RowPtr, ColIndices, values, trusted: true);
    }

    /// <summary>
    /// A matrix with this structure over <paramref name="values"/> whose cached transpose has the structure of
    /// <see cref="Transpose"/> over <paramref name="transposeValues"/>, for a solver that rewrites both arrays every
    /// iteration without building a transpose each time. The caller keeps the two arrays consistent:
    /// <c>transposeValues[q] = values[map[q]]</c> with the map of <see cref="TransposeSourcePositions"/>.
    /// </summary>
    internal CsrMatrix<T> WithLinkedTranspose(T[] values, T[] transposeValues)
    {
        var t = Transpose();
        var linked = new CsrMatrix<T>(Cols, Rows, t.RowPtr, t.ColIndices, transposeValues, trusted: true);
        var result = new CsrMatrix<T>(Rows, Cols, RowPtr, ColIndices, values, trusted: true) { _transpose = linked };
        linked._transpose = result;
        return result;
    }

    /// <summary>For each stored position q of <see cref="Transpose"/>, the position in this matrix it came from.</summary>
    internal int[] TransposeSourcePositions()
    {
        var t = Transpose();
        var next = (int[])t.RowPtr.Clone();
        var map = new int[Values.Length];
        for (int i = 0; i < Rows; i++)
        {
            for (int p = RowPtr[i]; p < RowPtr[i + 1]; p++)
            {
                map[next[ColIndices[p]]++] = p;
            }
        }

        return map;
    }

    /// <summary>Converts every value to another floating-point type.</summary>
    public CsrMatrix<TOut> Convert<TOut>() where TOut : unmanaged, IFloatingPointIeee754<TOut>
    {
        var v = new TOut[Values.Length];
        for (int i = 0; i < v.Length; i++)
        {
            v[i] = TOut.CreateChecked(Values[i]);
        }

        return new CsrMatrix<TOut>(Rows, Cols, RowPtr, ColIndices, v, trusted: true);
    }

    internal CsrMatrix(int rows, int cols, int[] rowPtr, int[] colIndices, T[] values, bool trusted)
    {
        _ = trusted;
        Rows = rows;
        Cols = cols;
        RowPtr = rowPtr;
        ColIndices = colIndices;
        Values = values;
    }
}
