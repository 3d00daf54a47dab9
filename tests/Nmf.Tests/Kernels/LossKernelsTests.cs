using System.Numerics;
using Nmf.Kernels;
using Nmf.Losses;
using Nmf.Matrices;
using Xunit;

namespace Nmf.Tests.Kernels;

/// <summary>
/// The tiled, vectorised, threaded loss and norm against their plain definitions (the scalar path, one row of
/// WH at a time): equal within rounding on every vector path and on odd shapes, and bit-identical at 1 and 2
/// threads.
/// </summary>
public class LossKernelsTests
{
    private static readonly double[] Betas = [2.0, 1.0, 0.0, 1.5, 0.5, 3.0];

    public static TheoryData<string> Paths() => ProductsTests.Paths();

    [Theory]
    [MemberData(nameof(Paths))]
    public void DenseLossMatchesPlainDefinitionDouble(string path) => DenseLoss<double>(Enum.Parse<SimdPath>(path), 1e-12);

    [Theory]
    [MemberData(nameof(Paths))]
    public void DenseLossMatchesPlainDefinitionFloat(string path) => DenseLoss<float>(Enum.Parse<SimdPath>(path), 2e-5);

    [Theory]
    [MemberData(nameof(Paths))]
    public void SparseLossMatchesPlainDefinitionDouble(string path) => SparseLoss<double>(Enum.Parse<SimdPath>(path), 1e-12);

    [Theory]
    [MemberData(nameof(Paths))]
    public void SquaredNormMatchesPlainSumDouble(string path) => SquaredNorm<double>(Enum.Parse<SimdPath>(path), 1e-12);

    [Theory]
    [MemberData(nameof(Paths))]
    public void SquaredNormMatchesPlainSumFloat(string path) => SquaredNorm<float>(Enum.Parse<SimdPath>(path), 1e-6);

    [Theory]
    [MemberData(nameof(Paths))]
    public void DotMatchesPlainSum(string path)
    {
        Dot<double>(Enum.Parse<SimdPath>(path), 1e-13);
        Dot<float>(Enum.Parse<SimdPath>(path), 1e-6);
    }

    [Fact]
    public void NearlyExactFitKeepsItsSmallError()
    {
        // X = WH + tiny noise: the direct formula must see the noise (the Gram identity would cancel it away).
        var rng = new Random(11);
        var (w, h) = (Random<double>(300, 4, rng, 0), Random<double>(4, 33, rng, 0));
        var x = new DenseMatrix<double>(300, 33);
        Products.Multiply(w, h, x, 1);
        double noise = 0;
        for (int i = 0; i < x.Data.Length; i++)
        {
            double e = 1e-9 * (rng.NextDouble() - 0.5);
            x.Data[i] += e;
            noise += e * e;
        }

        double error = BetaDivergence.ReconstructionError(x, w, h, 2.0, threads: 2);
        Assert.InRange(error / Math.Sqrt(noise), 0.99, 1.01);
    }

    private static void DenseLoss<T>(SimdPath path, double tolerance) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int seed = 3;
        foreach (int cols in new[] { 1, 7, 33, 257 })
        {
            foreach (int k in new[] { 1, 5 })
            {
                // Enough rows for several parts at every width (a part is 8 to 256 rows).
                int rows = cols == 1 ? 600 : 61;
                var rng = new Random(seed++);
                var x = Random<T>(rows, cols, rng, 0.2);
                var w = Random<T>(rows, k, rng, 0.1);
                var h = Random<T>(k, cols, rng, 0.1);
                w.Row(rows / 2).Clear(); // a row of WH that is exactly zero (the ε replacement)
                foreach (double beta in Betas)
                {
                    var xb = beta <= 0 ? Positive(x) : x;
                    string at = $"{typeof(T).Name} {path} {rows}x{cols} k={k} beta={beta}";
                    double expected = BetaDivergence.ComputeOnPath(xb, w, h, beta, 1, SimdPath.Scalar);
                    double one = BetaDivergence.ComputeOnPath(xb, w, h, beta, 1, path);
                    double two = BetaDivergence.ComputeOnPath(xb, w, h, beta, 2, path);
                    Assert.True(double.IsFinite(expected), at);
                    Close(expected, one, tolerance, at);
                    Assert.True(one.Equals(two), $"{at}: 1 thread {one:R}, 2 threads {two:R}");
                }
            }
        }
    }

    private static void SparseLoss<T>(SimdPath path, double tolerance) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int seed = 5;
        foreach (int cols in new[] { 1, 7, 33, 257 })
        {
            var rng = new Random(seed++);
            int rows = 300, k = 4;
            var dense = Random<T>(rows, cols, rng, 0.6);
            var x = CsrMatrix<T>.FromDense(dense);
            var w = Random<T>(rows, k, rng, 0.1);
            var h = Random<T>(k, cols, rng, 0.1);
            foreach (double beta in new[] { 2.0, 1.0, 0.0, 1.5 })
            {
                string at = $"CSR {typeof(T).Name} {path} {rows}x{cols} beta={beta}";
                double expected = BetaDivergence.ComputeOnPath(x, w, h, beta, 1, SimdPath.Scalar);
                double one = BetaDivergence.ComputeOnPath(x, w, h, beta, 1, path);
                double two = BetaDivergence.ComputeOnPath(x, w, h, beta, 2, path);
                Close(expected, one, tolerance, at);
                Assert.True(one.Equals(two), $"{at}: 1 thread {one:R}, 2 threads {two:R}");

                // The same matrix stored densely gives the same divergence (within rounding).
                Close(BetaDivergence.ComputeOnPath(dense, w, h, beta, 1, path), one, 1e-10, at + " dense vs CSR");
            }
        }
    }

    private static void SquaredNorm<T>(SimdPath path, double tolerance) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var rng = new Random(9);
        foreach (int length in new[] { 0, 1, 7, 33, 257, 100_003 })
        {
            var values = new T[length];
            double expected = 0;
            for (int i = 0; i < length; i++)
            {
                values[i] = T.CreateChecked(rng.NextDouble() * 3);
                double v = double.CreateChecked(values[i]);
                expected += v * v;
            }

            double one = LossKernels<T>.SquaredNorm(values, 1, path);
            double two = LossKernels<T>.SquaredNorm(values, 2, path);
            Close(expected, one, tolerance, $"{typeof(T).Name} {path} length {length}");
            Assert.True(one.Equals(two), $"length {length}: 1 thread {one:R}, 2 threads {two:R}");
        }
    }

    private static DenseMatrix<T> Positive<T>(DenseMatrix<T> x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var p = x.Clone();
        for (int i = 0; i < p.Data.Length; i++)
        {
            p.Data[i] += T.CreateChecked(0.01);
        }

        return p;
    }

    /// <summary>Uniform [0, 2) entries, a fraction <paramref name="zeros"/> of them 0 and a few below 2^-23.</summary>
    private static DenseMatrix<T> Random<T>(int rows, int cols, Random rng, double zeros) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var m = new DenseMatrix<T>(rows, cols);
        for (int i = 0; i < m.Data.Length; i++)
        {
            double u = rng.NextDouble();
            m.Data[i] = T.CreateChecked(u < zeros ? 0.0 : u < zeros + 0.02 ? 1e-9 : 2 * rng.NextDouble());
        }

        return m;
    }

    private static void Close(double expected, double actual, double tolerance, string at) =>
        Assert.True(Math.Abs(expected - actual) <= tolerance * Math.Max(Math.Abs(expected), 1e-300), $"{at}: expected {expected:R}, got {actual:R}");

    /// <summary>Σ x·y against a plain double sum, on lengths around the vector widths and the segment length.</summary>
    private static void Dot<T>(SimdPath path, double tolerance)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var rng = new Random(11);
        foreach (int n in new[] { 0, 1, 7, 33, 255, 257, 1000, 4099 })
        {
            var x = new T[n];
            var y = new T[n];
            double expected = 0, magnitude = 0;
            for (int i = 0; i < n; i++)
            {
                x[i] = T.CreateTruncating(rng.NextDouble());
                y[i] = T.CreateTruncating(rng.NextDouble() - 0.3);
                double term = double.CreateTruncating(x[i]) * double.CreateTruncating(y[i]);
                expected += term;
                magnitude += Math.Abs(term);
            }

            double actual = LossKernels<T>.Dot(x, y, path);
            Assert.True(Math.Abs(actual - expected) <= (tolerance * magnitude) + 1e-300, $"{typeof(T).Name} n = {n}: {actual} vs {expected}");
        }
    }
}
