using CsCheck;
using Nmf.Matrices;
using Xunit;

namespace Nmf.Tests.Core;

/// <summary>Row blocks of dense and CSR matrices (mini-batches, distributed blocks, the benchmark's first rows).</summary>
public class MatrixRowsTests
{
    [Fact]
    public void CsrBlockIsTheDenseBlockStored()
    {
        var gen =
            from n in Gen.Int[1, 12]
            from m in Gen.Int[1, 9]
            from values in Gen.Double[0.0, 3.0].Array[n * m]
            from start in Gen.Int[0, n]
            from count in Gen.Int[0, n - start]
            select (n, m, values, start, count);
        gen.Sample(c =>
        {
            // About half the entries zero, so that rows of every length, empty ones included, occur.
            var dense = new DenseMatrix<double>(c.n, c.m, c.values.Select(v => v < 1.5 ? 0.0 : v).ToArray());
            var csr = CsrMatrix<double>.FromDense(dense);
            var block = Assert.IsType<CsrMatrix<double>>(MatrixRows.Slice(csr, c.start, c.count));
            var expected = CsrMatrix<double>.FromDense(dense.SliceRows(c.start, c.count));
            Assert.Equal((c.count, c.m), (block.Rows, block.Cols));
            Assert.Equal(expected.RowPtr, block.RowPtr);
            Assert.Equal(expected.ColIndices, block.ColIndices);
            Assert.Equal(expected.Values, block.Values);
            Assert.Equal(dense.SliceRows(c.start, c.count).Data, Assert.IsType<DenseMatrix<double>>(MatrixRows.Slice(dense, c.start, c.count)).Data);
        });
    }

    [Fact]
    public void WholeMatrixIsItselfAndBlocksPastTheEndAreRefused()
    {
        var dense = new DenseMatrix<double>(3, 2, [1, 0, 0, 2, 3, 0]);
        var csr = CsrMatrix<double>.FromDense(dense);
        Assert.Same(dense, MatrixRows.Slice(dense, 0, 3));
        Assert.Same(csr, MatrixRows.Slice(csr, 0, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => csr.SliceRows(2, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => csr.SliceRows(-1, 1));
    }
}
