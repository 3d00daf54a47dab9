using System.Numerics;
using System.Numerics.Tensors;
using Nmf.Kernels;
using Nmf.Matrices;

namespace Nmf.Solvers;

/// <summary>
/// Multiplicative updates that fit only the observed entries of X: entries that are NaN are missing and carry no
/// weight. With the mask M (1 where X is observed, 0 where missing) the weighted objectives are
/// ½‖M ∘ (X − WH)‖² (β = 2) and Σ M ∘ (X log(X / WH) − X + WH) (β = 1), and Lee &amp; Seung's updates become
/// (Ho 2008, "Nonnegative matrix factorization algorithms and applications", §2.3; Mao &amp; Saul 2004):
/// <code>
/// β = 2:  W ← W ∘ ((M∘X) Hᵀ) ⊘ ((M∘WH) Hᵀ)        H ← H ∘ (Wᵀ (M∘X)) ⊘ (Wᵀ (M∘WH))
/// β = 1:  W ← W ∘ ((M∘X/WH) Hᵀ) ⊘ (M Hᵀ)          H ← H ∘ (Wᵀ (M∘X/WH)) ⊘ (Wᵀ M)
/// </code>
/// Denominators are guarded by machine epsilon. Used for data with gaps and for cross-validation, where held-out
/// entries are hidden from the fit by setting them to NaN.
/// </summary>
internal static class MaskedMultiplicativeUpdate
{
    /// <summary>Runs the updates in place on W (n x k) and H (k x m); X holds NaN where entries are missing.</summary>
    /// <param name="x">Data, n x m, non-negative or NaN.</param>
    /// <param name="w">Starting W, updated in place.</param>
    /// <param name="h">Starting H, updated in place.</param>
    /// <param name="beta">2 (Frobenius) or 1 (Kullback–Leibler).</param>
    /// <param name="stopping">Iteration limit and stopping rule.</param>
    /// <param name="cancellationToken">Checked before each iteration.</param>
    public static MultiplicativeResult Fit<T>(DenseMatrix<T> x, DenseMatrix<T> w, DenseMatrix<T> h, double beta, MultiplicativeStopping stopping,
        CancellationToken cancellationToken = default)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (beta is not (1.0 or 2.0))
        {
            throw new ArgumentOutOfRangeException(nameof(beta), beta, "masked updates support beta = 2 (Frobenius) and beta = 1 (Kullback-Leibler).");
        }

        int n = x.Rows, m = x.Cols, k = w.Cols;
        T eps = Brunet.MachineEpsilon<T>();
        var observed = new DenseMatrix<T>(n, m);   // X with missing entries 0: M ∘ X
        var mask = new DenseMatrix<T>(n, m);
        for (int i = 0; i < x.Data.Length; i++)
        {
            bool present = !T.IsNaN(x.Data[i]);
            observed.Data[i] = present ? x.Data[i] : T.Zero;
            mask.Data[i] = present ? T.One : T.Zero;
        }

        var weighted = new DenseMatrix<T>(n, m);   // M ∘ WH (β = 2) or M ∘ X / WH (β = 1)
        var numW = new DenseMatrix<T>(n, k);
        var denW = new DenseMatrix<T>(n, k);
        var numH = new DenseMatrix<T>(k, m);
        var denH = new DenseMatrix<T>(k, m);
        if (beta == 1.0)
        {
            return MultiplicativeLoop.Run(stopping, w, _ => IterateKullbackLeibler(), () => Loss(x, w, h, beta), null, false, cancellationToken);
        }

        return MultiplicativeLoop.Run(stopping, w, _ => IterateFrobenius(), () => Loss(x, w, h, beta), null, false, cancellationToken);

        void IterateFrobenius()
        {
            Weigh(w, h, mask, null, weighted);
            Products.XHt(observed, h, numW, 1);
            Products.XHt(weighted, h, denW, 1);
            Apply(w.Data, numW.Data, denW.Data, eps);
            Weigh(w, h, mask, null, weighted);
            Products.WtX(w, observed, numH, 1);
            Products.WtX(w, weighted, denH, 1);
            Apply(h.Data, numH.Data, denH.Data, eps);
        }

        void IterateKullbackLeibler()
        {
            Weigh(w, h, mask, observed, weighted);
            Products.XHt(weighted, h, numW, 1);
            Products.XHt(mask, h, denW, 1);
            Apply(w.Data, numW.Data, denW.Data, eps);
            Weigh(w, h, mask, observed, weighted);
            Products.WtX(w, weighted, numH, 1);
            Products.WtX(w, mask, denH, 1);
            Apply(h.Data, numH.Data, denH.Data, eps);
        }
    }

    /// <summary>
    /// The objective over the observed entries: ½ Σ (X − WH)² for β = 2, Σ X log(X / WH) − X + WH for β = 1; NaN entries of X are skipped.
    /// </summary>
    public static double Loss<T>(DenseMatrix<T> x, DenseMatrix<T> w, DenseMatrix<T> h, double beta)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var wh = new T[x.Cols];
        double sum = 0;
        for (int i = 0; i < x.Rows; i++)
        {
            Brunet.ReconstructRow(w.Row(i), h, wh);
            var xi = x.Row(i);
            for (int j = 0; j < wh.Length; j++)
            {
                if (T.IsNaN(xi[j]))
                {
                    continue;
                }

                double xv = double.CreateChecked(xi[j]), y = double.CreateChecked(wh[j]);
                sum += beta == 2.0 ? 0.5 * (xv - y) * (xv - y) : xv > 0 ? (xv * Math.Log(xv / y)) - xv + y : y;
            }
        }

        return sum;
    }

    /// <summary>weighted = M ∘ WH, or M ∘ X / WH when <paramref name="observed"/> (M ∘ X) is given; one row at a time.</summary>
    private static void Weigh<T>(DenseMatrix<T> w, DenseMatrix<T> h, DenseMatrix<T> mask, DenseMatrix<T>? observed, DenseMatrix<T> weighted)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < w.Rows; i++)
        {
            var row = weighted.Row(i);
            Brunet.ReconstructRow(w.Row(i), h, row);
            if (observed is null)
            {
                TensorPrimitives.Multiply(row, mask.Row(i), row);
            }
            else
            {
                // Missing entries have M ∘ X = 0, so the quotient is 0 there without testing the mask.
                TensorPrimitives.Divide(observed.Row(i), row, row);
            }
        }
    }

    /// <summary>factor ← factor ∘ numerator ⊘ max(denominator, ε).</summary>
    private static void Apply<T>(T[] factor, T[] numerator, T[] denominator, T eps) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < factor.Length; i++)
        {
            factor[i] *= numerator[i] / T.Max(denominator[i], eps);
        }
    }
}
