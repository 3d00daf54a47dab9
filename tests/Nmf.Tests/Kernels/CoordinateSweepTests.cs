using System.Numerics;
using Nmf.Kernels;
using Xunit;

namespace Nmf.Tests.Kernels;

/// <summary>
/// The blocked, vectorised coordinate-descent pass against scikit-learn's plain loop (component outer, row inner):
/// the factor must come out bit-identical on every vector path and thread count; the violation and the squared
/// change (summed in another order) within rounding.
/// </summary>
public class CoordinateSweepTests
{
    public static TheoryData<string> Paths() => ProductsTests.Paths();

    [Theory]
    [MemberData(nameof(Paths))]
    public void SweepMatchesScalarLoopDouble(string path) => Sweep<double>(Enum.Parse<SimdPath>(path), 1e-12);

    [Theory]
    [MemberData(nameof(Paths))]
    public void SweepMatchesScalarLoopFloat(string path) => Sweep<float>(Enum.Parse<SimdPath>(path), 1e-4);

    private static void Sweep<T>(SimdPath path, double tolerance) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int seed = 7;
        foreach (int rows in new[] { 1, 7, 33, 257 })
        {
            foreach (int k in new[] { 1, 3, 5, 20, 32 })
            {
                foreach (bool columnMajor in new[] { false, true })
                {
                    foreach (double l1 in new[] { 0.0, 0.05 })
                    {
                        var rng = new Random(seed++);
                        var f = RandomArray<T>(rows * k, rng, 0.3);
                        var rhs = RandomArray<T>(rows * k, rng, 0.0);
                        var gram = Gram<T>(k, rng);
                        var order = Enumerable.Range(0, k).OrderBy(_ => rng.Next()).ToArray();

                        // Row-major like W (n x k) or column-major like H read as Hᵀ (H is k x rows).
                        int fRow = columnMajor ? 1 : k, fComp = columnMajor ? rows : 1;
                        T l1T = T.CreateChecked(l1);
                        var expected = (T[])f.Clone();
                        var reference = CoordinateSweep<T>.Reference(expected, rows, fRow, fComp, gram, k, rhs, fRow, fComp, l1T, order);
                        string at = $"{typeof(T).Name} {path} rows={rows} k={k} columnMajor={columnMajor} l1={l1}";
                        Assert.NotEqual(f, expected);
                        foreach (int threads in new[] { 1, 2, 3 })
                        {
                            var actual = (T[])f.Clone();
                            var result = CoordinateSweep<T>.Run(actual, rows, fRow, fComp, gram, k, rhs, fRow, fComp, l1T, order, threads, path);
                            Assert.True(expected.AsSpan().SequenceEqual(actual), $"{at} threads={threads}: factor differs from the scalar loop");
                            Close(double.CreateChecked(reference.Violation), double.CreateChecked(result.Violation), tolerance, at + " violation");
                            Close(reference.SquaredChange, result.SquaredChange, tolerance, at + " change");
                        }
                    }
                }
            }
        }
    }

    private static void Close(double expected, double actual, double tolerance, string what) =>
        Assert.True(Math.Abs(expected - actual) <= tolerance * Math.Max(1.0, Math.Abs(expected)), $"{what}: {actual} vs {expected}");

    private static T[] RandomArray<T>(int length, Random rng, double zeroFraction) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var a = new T[length];
        for (int i = 0; i < length; i++)
        {
            a[i] = rng.NextDouble() < zeroFraction ? T.Zero : T.CreateChecked(rng.NextDouble());
        }

        return a;
    }

    /// <summary>A symmetric positive semi-definite Gram matrix AᵀA of a random 2k x k matrix, one zero diagonal entry sometimes.</summary>
    private static T[] Gram<T>(int k, Random rng) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var a = new double[2 * k, k];
        for (int i = 0; i < 2 * k; i++)
        {
            for (int c = 0; c < k; c++)
            {
                a[i, c] = rng.NextDouble();
            }
        }

        if (k > 1)
        {
            for (int i = 0; i < 2 * k; i++)
            {
                a[i, k - 1] = 0; // a zero column: its hessian is 0 and the coordinate is skipped
            }
        }

        var g = new T[k * k];
        for (int p = 0; p < k; p++)
        {
            for (int q = 0; q < k; q++)
            {
                double s = 0;
                for (int i = 0; i < 2 * k; i++)
                {
                    s += a[i, p] * a[i, q];
                }

                g[(p * k) + q] = T.CreateChecked(s);
            }
        }

        return g;
    }
}
