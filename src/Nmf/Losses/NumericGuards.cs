using System.Numerics;

namespace Nmf.Losses;

/// <summary>
/// The constants scikit-learn 1.2's NMF guards its divisions and logarithms with, in the element type.
/// </summary>
/// <remarks>
/// scikit-learn uses one constant, the machine epsilon of float32 (2^-23), for every dtype as the
/// division guard (<c>EPSILON</c> in <c>_nmf.py</c>), and the machine epsilon of float64 (2^-52) as the
/// threshold below which <c>mu</c> sets factor entries to zero. Both are kept as they are (not the epsilon of
/// <typeparamref name="T"/>) because the results must match scikit-learn's for the same dtype.
/// </remarks>
internal static class NumericGuards<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>2^-23, scikit-learn's <c>EPSILON = np.finfo(np.float32).eps</c>.</summary>
    public static readonly T Epsilon = T.CreateChecked(MathF.BitIncrement(1f) - 1f);

    /// <summary>2^-52, scikit-learn's <c>np.finfo(np.float64).eps</c> clipping threshold in <c>mu</c>.</summary>
    public static readonly T ClipThreshold = T.CreateChecked(Math.BitIncrement(1.0) - 1.0);

    /// <summary>
    /// <c>value ** exponent</c> as NumPy evaluates it for a scalar exponent: the exponents 1, −1, 0, 0.5 and 2 take
    /// NumPy's shortcuts (copy, reciprocal, one, square root, square), every other exponent calls pow.
    /// </summary>
    public static T Power(T value, T exponent)
    {
        if (exponent == T.One)
        {
            return value;
        }

        if (exponent == -T.One)
        {
            return T.One / value;
        }

        if (exponent == T.Zero)
        {
            return T.One;
        }

        if (exponent == Half)
        {
            return T.Sqrt(value);
        }

        if (exponent == Two)
        {
            return value * value;
        }

        return T.Pow(value, exponent);
    }

    private static readonly T Half = T.CreateChecked(0.5);
    private static readonly T Two = T.CreateChecked(2.0);
}
