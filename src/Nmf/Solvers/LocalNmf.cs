using System.Numerics;
using Nmf.Kernels;
using Nmf.Matrices;

namespace Nmf.Solvers;

/// <summary>Parameters of <see cref="LocalNmf"/>.</summary>
public sealed record LocalNmfOptions
{
    /// <summary>Number of components k. Required, at least 1.</summary>
    public int NComponents { get; init; }

    /// <summary>Maximum number of iterations; default 500.</summary>
    public int MaxIter { get; init; } = 500;

    /// <summary>
    /// Stop when an iteration changes the basis by less than <c>Tol</c> relative to its size, ‖Hₜ − Hₜ₋₁‖_F /
    /// ‖Hₜ₋₁‖_F (the KL divergence flattens long before the parts have formed, so it is no guide); default 1e-4,
    /// 0 runs <see cref="MaxIter"/> iterations.
    /// </summary>
    public double Tol { get; init; } = 1e-4;

    /// <summary>Seed of the random start; default 0.</summary>
    public int RandomState { get; init; }

    /// <summary>Threads for the kernels; 0 (default) uses every core.</summary>
    public int Threads { get; init; }
}

/// <summary>
/// Local NMF (Li, Hou, Zhang &amp; Cheng 2001, "Learning spatially localized, parts-based representation",
/// CVPR): the generalised Kullback-Leibler objective D(X ‖ WH) with locality terms + α Σ (BᵀB)_ij − β Σ (HHᵀ)_ii
/// in the paper's notation (B the basis, H the encodings): basis vectors as orthogonal as possible, and
/// encodings carrying as much energy as possible, which favours few, localised parts.
/// </summary>
/// <remarks>
/// In scikit-learn's orientation (X n samples x m features, W n x k encodings, H k x m basis) the paper's
/// update rules (its eqs. 9–11) read:
/// W_ik ← √(W_ik Σ_j H_kj X_ij / (WH)_ij);
/// H_kj ← H_kj Σ_i W_ik X_ij / (WH)_ij / Σ_i W_ik;
/// H_kj ← H_kj / Σ_j H_kj (each basis vector sums to 1).
/// The square root is what the locality terms leave of the multiplicative rule once α and β are taken small.
/// The objective recorded is the generalised KL divergence Σ (X log(X / WH) − X + WH). After the last iteration
/// the encodings are multiplied by the one factor that best fits X in least squares (see
/// <see cref="Fit{T}"/>'s remarks): the square-root rule fixes their scale at the square root of the data's.
/// </remarks>
public static class LocalNmf
{
    /// <summary>Fits Local NMF to dense non-negative data.</summary>
    /// <param name="x">The data, n x m, non-negative.</param>
    /// <param name="options">The parameters.</param>
    /// <param name="w0">Optional starting encodings (n x k); with <paramref name="h0"/>, replaces the random start.</param>
    /// <param name="h0">Optional starting basis (k x m).</param>
    /// <param name="cancellationToken">Checked once per iteration.</param>
    /// <exception cref="NmfInputException">When X has a negative or non-finite entry.</exception>
    /// <remarks>
    /// The returned W is the iterated W times γ = ⟨X, WH⟩ / ‖WH‖²_F: scaling X by s scales the rule's fixed point
    /// WH by only √s, so without it the reconstruction of unnormalised data is far too dark; the basis, the
    /// relative encodings and their sparseness are unchanged by it. The objective history is that of the
    /// iterations themselves.
    /// </remarks>
    public static NmfFactorization<T> Fit<T>(DenseMatrix<T> x, LocalNmfOptions options, DenseMatrix<T>? w0 = null,
        DenseMatrix<T>? h0 = null, CancellationToken cancellationToken = default)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(options);
        int k = options.NComponents, threads = options.Threads;
        VariantHelpers.Validate(x, k, "lnmf");
        var (w, h) = w0 is not null && h0 is not null
            ? (w0.Clone(), h0.Clone())
            : VariantHelpers.RandomStart(x, k, options.RandomState);
        NormaliseBasis(h);

        T tiny = LeastSquaresHelpers.MachineEpsilon<T>(); // keeps X / WH finite where WH underflows to 0
        var ratio = new DenseMatrix<T>(x.Rows, x.Cols);
        var rht = new DenseMatrix<T>(x.Rows, k);
        var wtr = new DenseMatrix<T>(k, x.Cols);
        var history = new List<double>();
        var previousBasis = new DenseMatrix<T>(k, x.Cols);
        Ratio(x, w, h, ratio, tiny, threads);
        int iteration = 0;
        while (iteration < options.MaxIter)
        {
            cancellationToken.ThrowIfCancellationRequested();
            iteration++;

            // Encodings: W_ik ← √(W_ik (R Hᵀ)_ik), R = X / WH (computed at the end of the previous iteration).
            Products.XHt(ratio, h, rht, threads);
            for (int i = 0; i < w.Data.Length; i++)
            {
                w.Data[i] = T.Sqrt(w.Data[i] * rht.Data[i]);
            }

            h.Data.CopyTo(previousBasis.Data, 0);

            // Basis: H_kj ← H_kj (Wᵀ R)_kj / Σ_i W_ik, then each row of H to sum 1.
            Ratio(x, w, h, ratio, tiny, threads);
            Products.WtX(w, ratio, wtr, threads);
            for (int c = 0; c < k; c++)
            {
                T columnSum = T.Zero;
                for (int i = 0; i < w.Rows; i++)
                {
                    columnSum += w[i, c];
                }

                var hc = h.Row(c);
                var wtrc = wtr.Row(c);
                T inverse = columnSum > T.Zero ? T.One / columnSum : T.Zero;
                for (int j = 0; j < hc.Length; j++)
                {
                    hc[j] *= wtrc[j] * inverse;
                }
            }

            NormaliseBasis(h);
            double objective = Ratio(x, w, h, ratio, tiny, threads);
            history.Add(objective);

            if (options.Tol > 0 && RelativeChange(previousBasis, h) < options.Tol)
            {
                break;
            }
        }

        RescaleEncodings(x, w, h, ratio, threads);
        return new NmfFactorization<T>(w, h, iteration, history, VariantHelpers.FrobeniusError(x, w, h, threads));
    }

    /// <summary>ratio = X / (WH + tiny) elementwise; returns the generalised KL divergence D(X ‖ WH).</summary>
    private static double Ratio<T>(DenseMatrix<T> x, DenseMatrix<T> w, DenseMatrix<T> h, DenseMatrix<T> ratio, T tiny, int threads)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Products.Multiply(w, h, ratio, threads);
        double divergence = 0;
        for (int i = 0; i < ratio.Data.Length; i++)
        {
            T wh = ratio.Data[i] + tiny;
            T xv = x.Data[i];
            double xd = double.CreateChecked(xv), whd = double.CreateChecked(wh);
            divergence += (xd > 0 ? xd * Math.Log(xd / whd) : 0) - xd + whd;
            ratio.Data[i] = xv / wh;
        }

        return divergence;
    }

    /// <summary>
    /// W ← γ W with γ = ⟨X, WH⟩ / ‖WH‖²_F, the single factor that best fits X. The square-root rule's fixed point
    /// scales with the square root of X's scale (scaling X by s scales its WH by √s), so on unnormalised data
    /// the raw product sits far below X; one common factor leaves the basis, the relative encodings and their
    /// sparseness unchanged.
    /// </summary>
    private static void RescaleEncodings<T>(DenseMatrix<T> x, DenseMatrix<T> w, DenseMatrix<T> h, DenseMatrix<T> scratch, int threads)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Products.Multiply(w, h, scratch, threads);
        double cross = 0, square = 0;
        for (int i = 0; i < scratch.Data.Length; i++)
        {
            double wh = double.CreateChecked(scratch.Data[i]);
            cross += double.CreateChecked(x.Data[i]) * wh;
            square += wh * wh;
        }

        if (square > 0 && cross > 0)
        {
            T gamma = T.CreateChecked(cross / square);
            for (int i = 0; i < w.Data.Length; i++)
            {
                w.Data[i] *= gamma;
            }
        }
    }

    /// <summary>‖after − before‖_F / ‖before‖_F.</summary>
    private static double RelativeChange<T>(DenseMatrix<T> before, DenseMatrix<T> after) where T : unmanaged, IFloatingPointIeee754<T>
    {
        double change = 0, size = 0;
        for (int i = 0; i < before.Data.Length; i++)
        {
            double b = double.CreateChecked(before.Data[i]), d = double.CreateChecked(after.Data[i]) - b;
            change += d * d;
            size += b * b;
        }

        return size > 0 ? Math.Sqrt(change / size) : 0;
    }

    /// <summary>Scales each basis vector (row of H) to sum 1; a zero row stays zero.</summary>
    private static void NormaliseBasis<T>(DenseMatrix<T> h) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int c = 0; c < h.Rows; c++)
        {
            var row = h.Row(c);
            T sum = T.Zero;
            foreach (T v in row)
            {
                sum += v;
            }

            if (sum > T.Zero)
            {
                T inverse = T.One / sum;
                for (int j = 0; j < row.Length; j++)
                {
                    row[j] *= inverse;
                }
            }
        }
    }
}
