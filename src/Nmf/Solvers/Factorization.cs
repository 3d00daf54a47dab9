using System.Numerics;
using Nmf.Kernels;
using Nmf.Matrices;

namespace Nmf.Solvers;

/// <summary>
/// The result of an NMF variant fitted outside the estimator (Local NMF, sparse NMF):
/// X (n x m) ≈ W H with W n x k and H k x m, in scikit-learn's orientation.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
/// <param name="W">The encodings, n x k, one row per sample.</param>
/// <param name="Components">The basis H, k x m, one basis vector (basis image) a row.</param>
/// <param name="NIter">Iterations run.</param>
/// <param name="Objective">The method's own objective after each iteration (see the method's documentation).</param>
/// <param name="ReconstructionError">‖X − WH‖_F, comparable across methods (scikit-learn's reconstruction_err_ for beta = 2).</param>
public sealed record NmfFactorization<T>(DenseMatrix<T> W, DenseMatrix<T> Components, int NIter,
    IReadOnlyList<double> Objective, double ReconstructionError)
    where T : unmanaged, IFloatingPointIeee754<T>;

/// <summary>Helpers shared by the NMF variants fitted outside the estimator.</summary>
internal static class VariantHelpers
{
    /// <summary>
    /// Uniform random starting factors on (0, √(mean X / k)] (the scale of scikit-learn's random init), H drawn
    /// before W from <see cref="Random"/> seeded with <paramref name="seed"/> (the same draw on every platform).
    /// </summary>
    public static (DenseMatrix<T> W, DenseMatrix<T> H) RandomStart<T>(DenseMatrix<T> x, int k, int seed)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        double mean = 0;
        foreach (T v in x.Data)
        {
            mean += double.CreateChecked(v);
        }

        mean /= Math.Max(1, x.Data.Length);
        double scale = Math.Sqrt(Math.Max(mean, 1e-12) / k);
        var random = new Random(seed);
        var h = new DenseMatrix<T>(k, x.Cols);
        var w = new DenseMatrix<T>(x.Rows, k);
        for (int i = 0; i < h.Data.Length; i++)
        {
            h.Data[i] = T.CreateChecked(scale * (1 - random.NextDouble()));
        }

        for (int i = 0; i < w.Data.Length; i++)
        {
            w.Data[i] = T.CreateChecked(scale * (1 - random.NextDouble()));
        }

        return (w, h);
    }

    /// <summary>‖X − WH‖_F, forming W·H (the variants work on dense data).</summary>
    public static double FrobeniusError<T>(DenseMatrix<T> x, DenseMatrix<T> w, DenseMatrix<T> h, int threads)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var wh = new DenseMatrix<T>(x.Rows, x.Cols);
        Products.Multiply(w, h, wh, threads);
        double sum = 0;
        for (int i = 0; i < wh.Data.Length; i++)
        {
            double d = double.CreateChecked(x.Data[i]) - double.CreateChecked(wh.Data[i]);
            sum += d * d;
        }

        return Math.Sqrt(sum);
    }

    /// <summary>Checks the data and k: non-negative, finite, at least one row and column, 1 ≤ k.</summary>
    public static void Validate<T>(DenseMatrix<T> x, int k, string method) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(x);
        if (k < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(k), k, $"{method}: the number of components must be at least 1.");
        }

        if (x.Rows == 0 || x.Cols == 0)
        {
            throw new NmfInputException($"{method}: the data has no rows or no columns.");
        }

        for (int i = 0; i < x.Data.Length; i++)
        {
            if (!(x.Data[i] >= T.Zero) || !T.IsFinite(x.Data[i]))
            {
                throw new NmfInputException($"{method}: X[{(i / x.Cols) + 1}, {(i % x.Cols) + 1}] = {x.Data[i]} is negative or not finite; NMF needs non-negative data.");
            }
        }
    }
}
