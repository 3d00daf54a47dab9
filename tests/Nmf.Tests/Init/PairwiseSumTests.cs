using System.Numerics;
using Nmf.Init;
using Xunit;

namespace Nmf.Tests.Init;

/// <summary>NumPy's pairwise summation, as the mean of the random init takes it: bit for bit against the rule written out.</summary>
public class PairwiseSumTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(9)]
    [InlineData(127)]
    [InlineData(128)]
    [InlineData(129)]
    [InlineData(1000)]
    [InlineData(100_003)]
    public void EqualsNumpysRule(int length)
    {
        Check<double>(length);
        Check<float>(length);
    }

    /// <summary>
    /// The mean as the random init takes it: dense X's entries summed (long arrays: the two top-level halves on two
    /// threads), CSR X's stored values each divided by n·m first, as SciPy does, then summed.
    /// </summary>
    [Theory]
    [InlineData(3, 5)]
    [InlineData(700, 600)]
    public void MeanEqualsNumpysRule(int rows, int cols)
    {
        var rng = new Random(rows);
        var dense = new Matrices.DenseMatrix<double>(rows, cols);
        for (int i = 0; i < dense.Data.Length; i++)
        {
            dense.Data[i] = rng.NextDouble() < 0.3 ? 0 : rng.NextDouble() * 100;
        }

        double count = (double)rows * cols;
        Assert.Equal(Reference<double>(dense.Data) / count, NmfInitializer.Mean(dense));
        var csr = Matrices.CsrMatrix<double>.FromDense(dense);
        Assert.Equal(Reference<double>(csr.Values.Select(v => v / count).ToArray()), NmfInitializer.Mean(csr));
    }

    private static void Check<T>(int length)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var rng = new Random(length);
        var values = Enumerable.Range(0, length).Select(_ => T.CreateChecked(rng.NextDouble() * 1000)).ToArray();
        Assert.Equal(Reference<T>(values), NmfInitializer.PairwiseSum<T>(values));
    }

    /// <summary>numpy/core/src/umath/loops_utils.h.src pairwise_sum: below 8 in order; up to 128 eight running sums
    /// combined as ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7)), then the rest in order; above, two halves split at
    /// a multiple of 8.</summary>
    private static T Reference<T>(ReadOnlySpan<T> a)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = a.Length;
        if (n < 8)
        {
            T s = T.Zero;
            foreach (T v in a)
            {
                s += v;
            }

            return s;
        }

        if (n <= 128)
        {
            var r = a[..8].ToArray();
            int i = 8;
            for (; i < n - (n % 8); i += 8)
            {
                for (int j = 0; j < 8; j++)
                {
                    r[j] += a[i + j];
                }
            }

            T res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
            for (; i < n; i++)
            {
                res += a[i];
            }

            return res;
        }

        int half = n / 2;
        half -= half % 8;
        return Reference(a[..half]) + Reference(a[half..]);
    }
}
