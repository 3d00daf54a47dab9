using System.Numerics;
using Nmf.Kernels;
using Nmf.Matrices;
using Xunit;

namespace Nmf.Tests.Core;

/// <summary>
/// The vector pre-scan of the validation: it must flag exactly what the plain per-element classification flags,
/// wherever the special value sits (first lane, middle, last full vector, scalar tail), and a bad value must
/// still be reported at its first row and column with the plain scan's message.
/// </summary>
public class ValidationFastPathTests
{
    private static readonly double[] Specials = [double.NaN, double.PositiveInfinity, double.NegativeInfinity, -1.0, -double.Epsilon, 0.0, -0.0];

    public static TheoryData<string> Paths() => Kernels.ProductsTests.Paths();

    [Theory]
    [MemberData(nameof(Paths))]
    public void ScanFlagsWhatThePlainClassificationFlagsDouble(string path) => ScanEveryPosition<double>(Enum.Parse<SimdPath>(path));

    [Theory]
    [MemberData(nameof(Paths))]
    public void ScanFlagsWhatThePlainClassificationFlagsFloat(string path) => ScanEveryPosition<float>(Enum.Parse<SimdPath>(path));

    [Fact]
    public void ScanOfManyChunksIsTheSameAtAnyThreadCount()
    {
        var values = new double[(1 << 15) * 3 + 17];
        Array.Fill(values, 0.5);
        foreach (int at in new[] { 0, 1 << 15, values.Length - 1 })
        {
            foreach (double special in Specials)
            {
                values[at] = special;
                var expected = ValueChecks<double>.ScanScalar(values);
                Assert.True(Same(expected, ValueChecks<double>.Scan(values, 1)));
                Assert.True(Same(expected, ValueChecks<double>.Scan(values, 2)));
                values[at] = 0.5;
            }
        }
    }

    [Theory]
    [InlineData(double.NaN, "non-finite value (NaN)")]
    [InlineData(double.PositiveInfinity, "non-finite value (Infinity)")]
    [InlineData(double.NegativeInfinity, "non-finite value (-Infinity)")]
    [InlineData(-2.5, "negative value (-2.5)")]
    public void FirstBadEntryIsNamedWherever(double bad, string what)
    {
        // 70 x 257: several parts of the threaded scan, rows that straddle vectors, and a scalar tail.
        const int rows = 70, cols = 257;
        foreach (var (r, c) in new[] { (0, 0), (35, 128), (rows - 1, cols - 1), (rows - 1, cols - 2), (12, 256), (13, 0) })
        {
            var x = Filled(rows, cols, 1.0);
            x[r, c] = bad;
            if (r + 1 < rows)
            {
                x[r + 1, 0] = -7; // a later bad entry must not be the one named
            }

            foreach (int threads in new[] { 1, 2 })
            {
                string msg = Assert.Throws<NmfInputException>(() => NmfValidation.ValidateData(x, "X", 2.0, threads)).Message;
                Assert.Contains(what, msg);
                Assert.Contains($"at row {r}, column {c} (0-based)", msg);

                string sparse = Assert.Throws<NmfInputException>(() => NmfValidation.ValidateData(CsrMatrix<double>.FromDense(x), "X", 2.0, threads)).Message;
                Assert.Equal(msg, sparse);

                string factor = Assert.Throws<NmfInputException>(() => NmfValidation.ValidateFactor(x, "W0", rows, cols, "n_samples x n_components", threads)).Message;
                Assert.Equal(msg.Replace("X has", "W0 has", StringComparison.Ordinal), factor);
            }
        }
    }

    [Fact]
    public void FirstZeroIsNamedForNonPositiveBeta()
    {
        const int rows = 70, cols = 257;
        foreach (var (r, c) in new[] { (0, 0), (35, 128), (rows - 1, cols - 1), (12, 256) })
        {
            var x = Filled(rows, cols, 1.0);
            x[r, c] = 0;
            if (r + 1 < rows)
            {
                x[r + 1, 3] = 0;
            }

            string msg = Assert.Throws<NmfInputException>(() => NmfValidation.ValidateData(x, "X", 0.0, 2)).Message;
            Assert.Contains($"first at row {r}, column {c}", msg);
            NmfValidation.ValidateData(x, "X", 1.0, 2); // zeros are fine for beta > 0
        }

        // A fully stored CSR matrix has no implicit zeros: only a stored zero is reported.
        var full = Filled(rows, cols, 2.0);
        NmfValidation.ValidateData(CsrMatrix<double>.FromDense(full), "X", -1.0, 2);
        var withGap = CsrMatrix<double>.FromDense(full).WithValues(Enumerable.Repeat(2.0, rows * cols).Select((v, i) => i == (40 * cols) + 5 ? 0.0 : v).ToArray());
        Assert.Contains("first at row 40, column 5", Assert.Throws<NmfInputException>(() => NmfValidation.ValidateData(withGap, "X", -1.0, 2)).Message);
    }

    [Fact]
    public void FactorWithOnePositiveInItsTailIsAccepted()
    {
        var h = new DenseMatrix<double>(3, 37);
        Assert.Contains("full of zeros", Assert.Throws<NmfInputException>(() => NmfValidation.ValidateFactor(h, "H0", 3, 37, "n_components x n_features", 2)).Message);
        h[2, 36] = 1e-300;
        NmfValidation.ValidateFactor(h, "H0", 3, 37, "n_components x n_features", 2);
    }

    private static void ScanEveryPosition<T>(SimdPath path) where T : unmanaged, IFloatingPointIeee754<T>
    {
        foreach (int length in new[] { 1, 7, 16, 33, 37, 67, 257 })
        {
            var values = new T[length];
            for (int i = 0; i < length; i++)
            {
                values[i] = T.CreateChecked(0.25 + i);
            }

            Assert.Equal(ValueFlags.Positive, ValueChecks<T>.Scan(values, 1, path));
            for (int at = 0; at < length; at++)
            {
                foreach (double special in Specials)
                {
                    T saved = values[at];
                    values[at] = T.CreateChecked(special);
                    Assert.True(Same(ValueChecks<T>.ScanScalar(values), ValueChecks<T>.Scan(values, 1, path)), $"{typeof(T).Name} {path} length {length} value {special} at {at}");
                    values[at] = saved;
                }
            }
        }
    }

    /// <summary>Equal flags; with <see cref="ValueFlags.Invalid"/> set the others are not specified.</summary>
    private static bool Same(ValueFlags expected, ValueFlags actual) =>
        (expected & ValueFlags.Invalid) != 0 ? (actual & ValueFlags.Invalid) != 0 : expected == actual;

    private static DenseMatrix<double> Filled(int rows, int cols, double value)
    {
        var m = new DenseMatrix<double>(rows, cols);
        Array.Fill(m.Data, value);
        return m;
    }
}
