using System.Globalization;
using System.Numerics;
using Nmf.Kernels;
using Nmf.Matrices;
using Nmf.Solvers;

namespace Nmf;

/// <summary>
/// The checks scikit-learn 1.2's NMF makes on its parameters and data, and a few more, each failing with an
/// <see cref="NmfInputException"/> whose one-line message names the parameter (or the first bad entry) and what
/// is wrong with it.
/// </summary>
internal static class NmfValidation
{
    /// <summary>Checks the options on their own and against the solver.</summary>
    public static void ValidateOptions(NmfOptions options, INmfSolver solver)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.NComponents < 1)
        {
            Fail($"n_components (NComponents) must be at least 1; got {options.NComponents}.");
        }

        if (options.MaxIter < 1)
        {
            Fail($"max_iter (MaxIter) must be at least 1; got {options.MaxIter}.");
        }

        if (!(options.Tol >= 0) || double.IsInfinity(options.Tol))
        {
            Fail($"tol (Tol) must be a finite number >= 0; got {Format(options.Tol)}.");
        }

        if (!double.IsFinite(options.BetaLoss))
        {
            Fail($"beta_loss (BetaLoss) must be a finite number; got {Format(options.BetaLoss)}.");
        }

        if (!(options.AlphaW >= 0) || double.IsInfinity(options.AlphaW))
        {
            Fail($"alpha_W (AlphaW) must be a finite number >= 0; got {Format(options.AlphaW)}.");
        }

        if (options.AlphaH is double alphaH && (!(alphaH >= 0) || double.IsInfinity(alphaH)))
        {
            Fail($"alpha_H (AlphaH) must be a finite number >= 0 or null for \"same\"; got {Format(alphaH)}.");
        }

        if (!(options.L1Ratio >= 0 && options.L1Ratio <= 1))
        {
            Fail($"l1_ratio (L1Ratio) must be in [0, 1]; got {Format(options.L1Ratio)}.");
        }

        if (options.RandomState is < 0)
        {
            Fail($"random_state (RandomState) must be >= 0 (NumPy seeds are unsigned); got {options.RandomState}.");
        }

        if (options.Threads < 0)
        {
            Fail($"Threads must be >= 0 (0 uses every core); got {options.Threads}.");
        }

        if (!solver.SupportsBeta(options.BetaLoss))
        {
            Fail($"solver {solver.Name} does not handle beta_loss = {Format(options.BetaLoss)}"
                + (solver.SupportsBeta(2.0) ? "; it minimises the Frobenius loss (beta_loss = 2) only, use solver mu for other losses." : "."));
        }
    }

    /// <summary>
    /// Checks data matrix <paramref name="name"/>: not empty, every value finite and non-negative, and no zeros
    /// when beta ≤ 0 (scikit-learn: "the solver may diverge").
    /// </summary>
    /// <remarks>
    /// A vector scan on up to <paramref name="threads"/> threads decides whether anything is wrong; only then does
    /// the element-by-element scan run to name the first bad entry, so the messages are those of the plain scan.
    /// </remarks>
    public static void ValidateData<T>(IMatrix<T> x, string name, double beta, int threads = 1)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.Rows == 0 || x.Cols == 0)
        {
            Fail($"{name} is empty ({x.Rows} x {x.Cols}): at least one sample and one feature are needed.");
        }

        ReadOnlySpan<T> values = x switch
        {
            DenseMatrix<T> d => d.Data,
            CsrMatrix<T> s => s.Values,
            _ => throw new NotSupportedException(x.GetType().Name),
        };
        var flags = ValueChecks<T>.Scan(values, threads);
        if ((flags & ValueFlags.Invalid) != 0)
        {
            CheckValues(x, name);
        }

        // A CSR matrix with fewer stored entries than cells holds implicit zeros, whatever its values.
        bool mayHoldZero = (flags & ValueFlags.Zero) != 0 || x.StoredCount < (long)x.Rows * x.Cols;
        if (beta <= 0 && mayHoldZero && FirstZero(x) is (int zr, int zc))
        {
            Fail($"{name} contains a zero (first at row {zr}, column {zc}, 0-based) and beta_loss = {Format(beta)} <= 0: "
                + "the solver may diverge; add small values to X or use a positive beta_loss.");
        }
    }

    /// <summary>
    /// Checks a starting or fixed factor as scikit-learn's <c>_check_init</c> does: expected shape, finite and
    /// non-negative values, not all zero. The values are checked as in <see cref="ValidateData"/>: a vector scan
    /// first, the naming scan only when something is wrong.
    /// </summary>
    public static void ValidateFactor<T>(DenseMatrix<T>? factor, string name, int rows, int cols, string shape, int threads = 1)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (factor is null)
        {
            Fail($"init custom needs {name}; pass both W0 and H0 to Fit.");
        }

        if (factor.Rows != rows || factor.Cols != cols)
        {
            Fail($"{name} has shape {factor.Rows} x {factor.Cols}, expected {rows} x {cols} ({shape}).");
        }

        var flags = ValueChecks<T>.Scan(factor.Data, threads);
        if ((flags & ValueFlags.Invalid) != 0)
        {
            CheckValues(factor, name);
        }

        if ((flags & ValueFlags.Positive) == 0)
        {
            Fail($"{name} is full of zeros; the updates cannot move it.");
        }
    }

    /// <summary>Checks k against the data shape for the NNDSVD initialisations.</summary>
    public static void ValidateInit(NmfInit init, int k, int rows, int cols)
    {
        if (init is NmfInit.Nndsvd or NmfInit.Nndsvda or NmfInit.Nndsvdar && k > Math.Min(rows, cols))
        {
            Fail($"init {init.ToString().ToLowerInvariant()} needs n_components <= min(n_samples, n_features) = "
                + $"{Math.Min(rows, cols)}; got n_components = {k}. Use init random or fewer components.");
        }
    }

    private static void CheckValues<T>(IMatrix<T> x, string name)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        switch (x)
        {
            case DenseMatrix<T> d:
                for (int i = 0; i < d.Rows; i++)
                {
                    var row = d.Row(i);
                    for (int j = 0; j < row.Length; j++)
                    {
                        CheckValue(row[j], name, i, j);
                    }
                }

                break;
            case CsrMatrix<T> s:
                for (int i = 0; i < s.Rows; i++)
                {
                    for (int p = s.RowPtr[i]; p < s.RowPtr[i + 1]; p++)
                    {
                        CheckValue(s.Values[p], name, i, s.ColIndices[p]);
                    }
                }

                break;
            default:
                throw new NotSupportedException(x.GetType().Name);
        }
    }

    private static void CheckValue<T>(T v, string name, int row, int col)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!T.IsFinite(v))
        {
            Fail($"{name} has a non-finite value ({Format(double.CreateChecked(v))}) at row {row}, column {col} (0-based).");
        }

        if (v < T.Zero)
        {
            Fail($"{name} has a negative value ({Format(double.CreateChecked(v))}) at row {row}, column {col} (0-based); NMF needs non-negative data.");
        }
    }

    private static (int Row, int Col)? FirstZero<T>(IMatrix<T> x)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        switch (x)
        {
            case DenseMatrix<T> d:
                int at = Array.IndexOf(d.Data, T.Zero);
                return at < 0 ? null : (at / d.Cols, at % d.Cols);
            case CsrMatrix<T> s:
                for (int i = 0; i < s.Rows; i++)
                {
                    int expected = 0;
                    for (int p = s.RowPtr[i]; p < s.RowPtr[i + 1]; p++)
                    {
                        int c = s.ColIndices[p];
                        if (c != expected)
                        {
                            return (i, expected); // an implicit zero before this stored entry
                        }

                        if (s.Values[p] == T.Zero)
                        {
                            return (i, c);
                        }

                        expected = c + 1;
                    }

                    if (expected < s.Cols)
                    {
                        return (i, expected);
                    }
                }

                return null;
            default:
                throw new NotSupportedException(x.GetType().Name);
        }
    }

    private static string Format(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private static void Fail(string message) => throw new NmfInputException(message);
}
