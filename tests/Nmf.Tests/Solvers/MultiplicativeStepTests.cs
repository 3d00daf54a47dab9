using System.Numerics;
using Nmf.Losses;
using Nmf.Solvers;
using Xunit;

namespace Nmf.Tests.Solvers;

/// <summary>The vectorised, threaded multiplicative step against the element-by-element rule, bit for bit.</summary>
public class MultiplicativeStepTests
{
    [Theory]
    [InlineData(1, false, false)]
    [InlineData(37, true, false)]
    [InlineData(70_001, false, true)]
    [InlineData(100_003, true, true)]
    public void EqualsTheScalarRule(int length, bool hasL1, bool hasL2)
    {
        Check<double>(length, hasL1, hasL2, 1.0);
        Check<float>(length, hasL1, hasL2, 1.0);
    }

    /// <summary>β outside [1, 2]: the step raised to γ (here 1/(2 − β) for β = 0.5), entry by entry.</summary>
    [Fact]
    public void RaisesTheStepToGamma()
    {
        Check<double>(70_001, true, true, 1.0 / 1.5);
        Check<float>(1001, false, false, 1.0 / 1.5);
    }

    private static void Check<T>(int length, bool hasL1, bool hasL2, double gammaValue)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T gamma = T.CreateChecked(gammaValue);
        var rng = new Random(length);
        T[] Draw() => Enumerable.Range(0, length).Select(_ => T.CreateChecked(rng.NextDouble())).ToArray();
        var factor = Draw();
        var numerator = Draw();
        var denominator = Draw();
        for (int p = 0; p < length; p += 7)
        {
            denominator[p] = T.Zero; // zero denominators take the 2⁻²³ guard (unless l1 or l2 lifts them)
        }

        T l1 = T.CreateChecked(0.25), l2 = T.CreateChecked(0.5);
        var expected = (T[])factor.Clone();
        for (int p = 0; p < length; p++)
        {
            T den = denominator[p];
            den = hasL1 ? den + l1 : den;
            den = hasL2 ? den + (l2 * expected[p]) : den;
            den = den == T.Zero ? NumericGuards<T>.Epsilon : den;
            T delta = numerator[p] / den;
            expected[p] *= gamma == T.One ? delta : NumericGuards<T>.Power(delta, gamma);
        }

        foreach (int threads in new[] { 1, 2 })
        {
            var actual = (T[])factor.Clone();
            MultiplicativeStep<T>.Run(actual, numerator, denominator, l1, hasL1, l2, hasL2, gamma, threads);
            Assert.Equal(expected, actual);
        }
    }
}
