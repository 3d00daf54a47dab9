using Nmf.Kernels;
using Nmf.Matrices;
using Xunit;

namespace Nmf.Tests.Kernels;

/// <summary>
/// The parallel transpose against the plain one (<see cref="CsrMatrix{T}.Transpose"/>): the same three
/// arrays at 1, 2 and 3 threads, for shapes with one to seven 65,536-entry parts, with empty rows
/// and columns.
/// </summary>
public class SparseTransposeTests
{
    // (rows, columns, fraction of entries stored)
    private static readonly (int Rows, int Cols, double Density)[] Shapes =
    [
        (1, 1, 1.0), (7, 1, 0.5), (70000, 3, 0.9), (1, 7, 0.5), (33, 255, 0.2), (33, 256, 0.2), (33, 257, 0.2), (257, 513, 0.1),
        (2000, 70, 0.6), (300, 3000, 0.15), (5000, 700, 0.05), (40, 70000, 0.01), (20000, 300, 0.1), (0, 5, 0.0), (5, 0, 0.0), (9, 9, 0.0),
    ];

    [Fact]
    public void EqualsThePlainTransposeAtAnyThreadCount()
    {
        int seed = 0;
        foreach (var (rows, cols, density) in Shapes)
        {
            var x = RandomCsr(rows, cols, density, seed++);
            var plain = Copy(x).Transpose();
            foreach (int threads in new[] { 1, 2, 3 })
            {
                var built = SparseTranspose<double>.Build(x, threads);
                Assert.Equal(cols, built.Rows);
                Assert.Equal(rows, built.Cols);
                Assert.Equal(plain.RowPtr, built.RowPtr);
                Assert.Equal(plain.ColIndices, built.ColIndices);
                Assert.Equal(plain.Values, built.Values);
            }
        }
    }

    [Fact]
    public void FloatValuesMoveWithTheirEntries()
    {
        var x = RandomCsr(3000, 600, 0.1, 42).Convert<float>();
        var plain = Copy(x).Transpose();
        var built = SparseTranspose<float>.Build(x, 2);
        Assert.Equal(plain.ColIndices, built.ColIndices);
        Assert.Equal(plain.Values, built.Values);
    }

    [Fact]
    public void OfCachesTheTransposeBothWays()
    {
        var x = RandomCsr(400, 300, 0.1, 7);
        var t = SparseTranspose<double>.Of(x, 2);
        Assert.Same(t, x.Transpose());
        Assert.Same(x, t.Transpose());
        Assert.Same(t, SparseTranspose<double>.Of(x, 1));
    }

    /// <summary>The same matrix without its cached transpose.</summary>
    private static CsrMatrix<T> Copy<T>(CsrMatrix<T> x)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
        => new(x.Rows, x.Cols, x.RowPtr, x.ColIndices, x.Values);

    /// <summary>Each entry stored with probability <paramref name="density"/>, in column order; every fifth row empty.</summary>
    private static CsrMatrix<double> RandomCsr(int rows, int cols, double density, int seed)
    {
        var random = new Random(seed);
        var rowPtr = new int[rows + 1];
        var colIndices = new List<int>();
        var values = new List<double>();
        for (int i = 0; i < rows; i++)
        {
            if (i % 5 != 4 && cols > 0)
            {
                for (int c = 0; c < cols; c++)
                {
                    if (random.NextDouble() < density)
                    {
                        colIndices.Add(c);
                        values.Add(random.NextDouble() + 0.5);
                    }
                }
            }

            rowPtr[i + 1] = colIndices.Count;
        }

        return new CsrMatrix<double>(rows, cols, rowPtr, [.. colIndices], [.. values]);
    }
}
