using Nmf.Metrics;
using Nmf.Solvers;
using Xunit;

namespace Nmf.Tests.Solvers;

public class SparsenessProjectionTests
{
    private static (double L1, double L2) Norms(double[] v) => (v.Sum(Math.Abs), Math.Sqrt(v.Sum(a => a * a)));

    [Theory]
    [InlineData(5, 0.2)]
    [InlineData(17, 0.5)]
    [InlineData(64, 0.8)]
    [InlineData(625, 0.95)]
    public void HitsTheTargetNormsAndSparseness(int d, double sparseness)
    {
        var rng = new Random(d);
        for (int trial = 0; trial < 20; trial++)
        {
            var x = Enumerable.Range(0, d).Select(_ => rng.NextDouble() - 0.3).ToArray();
            double l2 = 0.5 + rng.NextDouble();
            double l1 = l2 * (Math.Sqrt(d) - (sparseness * (Math.Sqrt(d) - 1)));
            SparsenessProjection.ProjectInPlace<double>(x, l1, l2);
            var (a, b) = Norms(x);
            Assert.All(x, v => Assert.True(v >= 0));
            Assert.Equal(l1, a, 1e-9);
            Assert.Equal(l2, b, 1e-9);
            Assert.Equal(sparseness, Sparseness.Hoyer<double>(x), 1e-9);
        }
    }

    [Fact]
    public void LeavesAVectorThatMeetsTheConstraintsAlone()
    {
        double[] x = [0, 0.2, 0.5, 0, 1.3, 0.1];
        var (l1, l2) = Norms(x);
        var y = (double[])x.Clone();
        SparsenessProjection.ProjectInPlace<double>(y, l1, l2);
        for (int i = 0; i < x.Length; i++)
        {
            Assert.Equal(x[i], y[i], 1e-12);
        }
    }

    [Fact]
    public void NoOtherFeasibleVectorIsCloser()
    {
        // Feasible competitors: projections of other random vectors onto the same set.
        var rng = new Random(11);
        const int d = 12;
        double l2 = 1, l1 = Math.Sqrt(d) - (0.6 * (Math.Sqrt(d) - 1));
        for (int trial = 0; trial < 10; trial++)
        {
            var x = Enumerable.Range(0, d).Select(_ => rng.NextDouble()).ToArray();
            var p = (double[])x.Clone();
            SparsenessProjection.ProjectInPlace<double>(p, l1, l2);
            double best = Distance(x, p);
            for (int c = 0; c < 200; c++)
            {
                var q = p.Select(v => v + (0.05 * (rng.NextDouble() - 0.5))).ToArray();
                SparsenessProjection.ProjectInPlace<double>(q, l1, l2);
                Assert.True(Distance(x, q) >= best - 1e-9);
            }
        }
    }

    private static double Distance(double[] a, double[] b) => Math.Sqrt(a.Zip(b, (u, v) => (u - v) * (u - v)).Sum());
}
