using System.Numerics;
using Nmf.Kernels;
using Nmf.Losses;
using Nmf.Matrices;

namespace Nmf.Solvers;

/// <summary>
/// Lee &amp; Seung (2001, NIPS 13, Theorem 1) multiplicative updates for the Frobenius norm in R NMF's form (method
/// "lee"), with its guard ε = 1e-9 against division by zero: W ← max(W ∘ (X Hᵀ), ε) ⊘ (W (H Hᵀ) + ε), then
/// H ← max(H ∘ (Wᵀ X), ε) ⊘ ((Wᵀ W) H + ε) (W here is R's coefficient matrix, updated first as R does), after which
/// the rows of H are scaled to unit sum. R NMF rescales its basis without compensating; here W's columns take the
/// inverse scale so that WH, and hence the reported loss, is unchanged by the normalisation.
/// </summary>
internal sealed class Lee : INmfSolver
{
    /// <summary>R NMF's ε for the Frobenius updates.</summary>
    private const double Guard = 1e-9;

    /// <inheritdoc />
    public string Name => "lee";

    /// <inheritdoc />
    public bool SupportsBeta(double beta) => beta == 2.0;

    /// <inheritdoc />
    public void InitializeTransform<T>(IMatrix<T> x, DenseMatrix<T> w)
        where T : unmanaged, IFloatingPointIeee754<T>
        => Array.Fill(w.Data, T.One);

    /// <inheritdoc />
    public int Solve<T>(SolverContext<T> context, DenseMatrix<T> w, DenseMatrix<T> h)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var options = context.Options;
        var stopping = new MultiplicativeStopping(options.MaxIter, options.Tol, options.ConnectivityStop);
        return Fit(context.X, w, h, stopping, context.Threads, context.UpdateH, context.EndIteration, context.WantsLoss,
            context.CancellationToken).Iterations;
    }

    /// <summary>Runs the updates in place on W (n x k) and H (k x m, left alone unless <paramref name="updateH"/>).</summary>
    public static MultiplicativeResult Fit<T>(IMatrix<T> x, DenseMatrix<T> w, DenseMatrix<T> h, MultiplicativeStopping stopping,
        int threads = 1, bool updateH = true, Action<int, double>? endIteration = null, bool wantsLoss = false,
        CancellationToken cancellationToken = default)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = w.Rows, k = w.Cols, m = h.Cols;
        T eps = T.CreateChecked(Guard);
        var xht = new DenseMatrix<T>(n, k);
        var hht = new DenseMatrix<T>(k, k);
        var whht = new DenseMatrix<T>(n, k);
        var wtx = new DenseMatrix<T>(k, m);
        var wtw = new DenseMatrix<T>(k, k);
        var wtwh = new DenseMatrix<T>(k, m);
        var rowSums = new T[k];
        double squaredNormX = BetaDivergence.SquaredNorm(x);
        return MultiplicativeLoop.Run(stopping, w, Iterate, Loss, endIteration, wantsLoss, cancellationToken);

        void Iterate(int iteration)
        {
            Products.XHt(x, h, xht, threads);
            Products.GramRows(h, hht, threads);
            Products.Multiply(w, hht, whht, threads);
            Update(w.Data, xht.Data, whht.Data, eps);
            if (updateH)
            {
                Products.WtX(w, x, wtx, threads);
                Products.GramCols(w, wtw, threads);
                Products.Multiply(wtw, h, wtwh, threads);
                Update(h.Data, wtx.Data, wtwh.Data, eps);
                NormaliseRows(w, h, rowSums);
            }
        }

        // ½‖X − WH‖² = ½ (‖X‖² − 2 tr(Wᵀ X Hᵀ) + tr(WᵀW · HHᵀ)), from k x k and n x k products only.
        double Loss()
        {
            Products.XHt(x, h, xht, threads);
            Products.GramRows(h, hht, threads);
            Products.GramCols(w, wtw, threads);
            double cross = 0, quadratic = 0;
            for (int i = 0; i < w.Data.Length; i++)
            {
                cross += double.CreateChecked(w.Data[i] * xht.Data[i]);
            }

            for (int i = 0; i < wtw.Data.Length; i++)
            {
                quadratic += double.CreateChecked(wtw.Data[i] * hht.Data[i]);
            }

            return 0.5 * Math.Max(squaredNormX - (2 * cross) + quadratic, 0);
        }
    }

    /// <summary>factor ← max(factor ∘ numerator, ε) ⊘ (denominator + ε).</summary>
    private static void Update<T>(T[] factor, T[] numerator, T[] denominator, T eps) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < factor.Length; i++)
        {
            factor[i] = T.Max(factor[i] * numerator[i], eps) / (denominator[i] + eps);
        }
    }

    /// <summary>Scales each row of H to unit sum and the matching column of W by the old sum (WH unchanged).</summary>
    private static void NormaliseRows<T>(DenseMatrix<T> w, DenseMatrix<T> h, T[] rowSums) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Brunet.RowSums(h, rowSums);
        for (int c = 0; c < h.Rows; c++)
        {
            var row = h.Row(c);
            T inverse = T.One / rowSums[c];
            for (int j = 0; j < row.Length; j++)
            {
                row[j] *= inverse;
            }
        }

        for (int i = 0; i < w.Rows; i++)
        {
            var row = w.Row(i);
            for (int c = 0; c < row.Length; c++)
            {
                row[c] *= rowSums[c];
            }
        }
    }
}
