using Nmf.Matrices;
using Nmf.Metrics;
using Xunit;

namespace Nmf.Tests.Metrics;

public class SparsenessTests
{
    [Fact]
    public void OneNonZeroIsOneAndFlatIsZero()
    {
        Assert.Equal(1.0, Sparseness.Hoyer<double>([0, 0, 3.5, 0]), 12);
        Assert.Equal(0.0, Sparseness.Hoyer<double>([2, 2, 2, 2, 2]), 12);
        Assert.Equal(0.0, Sparseness.Hoyer<double>([-2, 2, -2, 2]), 12);
    }

    [Fact]
    public void MatchesTheDefinitionOnAHandExample()
    {
        // x = (3, 4, 0, 0): L1 = 7, L2 = 5, n = 4 → (2 − 7/5) / (2 − 1) = 0.6.
        Assert.Equal(0.6, Sparseness.Hoyer<double>([3, 4, 0, 0]), 12);
        Assert.Equal(0.6, Sparseness.Hoyer<float>([3f, -4f, 0f, 0f]), 6);
    }

    [Fact]
    public void IsScaleInvariantAndGrowsAsMassConcentrates()
    {
        double[] a = [1, 2, 3, 4, 5];
        double[] b = a.Select(v => v * 1e3).ToArray();
        Assert.Equal(Sparseness.Hoyer<double>(a), Sparseness.Hoyer<double>(b), 12);
        Assert.True(Sparseness.Hoyer<double>([1, 1, 1, 10]) > Sparseness.Hoyer<double>([1, 2, 3, 4]));
    }

    [Fact]
    public void ColumnsOfAMatrixAreRowsOfItsTranspose()
    {
        var rng = new Random(3);
        var m = new DenseMatrix<double>(7, 5);
        for (int i = 0; i < m.Data.Length; i++)
        {
            m.Data[i] = rng.NextDouble() < 0.4 ? 0 : rng.NextDouble();
        }

        Assert.Equal(Sparseness.MeanOfRows(m.Transpose()), Sparseness.MeanOfColumns(m), 12);
        double manual = Enumerable.Range(0, m.Rows).Average(i => Sparseness.Hoyer<double>(m.Row(i)));
        Assert.Equal(manual, Sparseness.Basis(m), 12);
    }

    [Fact]
    public void RejectsVectorsTooShortToMeasure()
    {
        Assert.Throws<ArgumentException>(() => Sparseness.Hoyer<double>([1.0]));
    }
}
