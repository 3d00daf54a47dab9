using System.Numerics;
using Nmf.Kernels;
using Nmf.Losses;
using Nmf.Matrices;

namespace Nmf.Solvers;

/// <summary>
/// scikit-learn 1.2's <c>cd</c> solver: cyclic coordinate descent on the Frobenius loss, i.e. HALS
/// (Cichocki &amp; Phan 2009, "Fast local algorithms for large scale nonnegative matrix and tensor
/// factorizations", eq. 9–10), one pass over all coordinates of W, then one of H.
/// </summary>
/// <remarks>
/// For component t (in order 0..k−1, or a fresh <c>RandomState.permutation(k)</c> per update when shuffling) and
/// each row i of the factor F being updated, with G the Gram matrix of the other factor and R the product of X with
/// it:
/// <code>
/// grad = −(R[i,t] − l1) + Σ_r G'[t,r]·F[i,r]      G' = G + l2·I
/// pg   = F[i,t] == 0 ? min(0, grad) : grad        violation += |pg|
/// F[i,t] = max(F[i,t] − grad / G'[t,t], 0)         (skipped when G'[t,t] == 0)
/// </code>
/// For W: F = W, G = HHᵀ, R = XHᵀ; for H the same routine runs on Hᵀ with G = WᵀW, R = XᵀW (read from the
/// k x m product WᵀX and H in place, so H is never transposed). The loop stops when the summed violation of an
/// iteration falls to <c>tol</c> times that of the first.
/// </remarks>
internal sealed class CoordinateDescent : INmfSolver
{
    /// <inheritdoc />
    public string Name => "cd";

    /// <inheritdoc />
    public bool SupportsBeta(double beta) => beta == 2.0;

    /// <inheritdoc />
    public int Solve<T>(SolverContext<T> context, DenseMatrix<T> w, DenseMatrix<T> h)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var x = context.X;
        int n = x.Rows, m = x.Cols, k = w.Cols, threads = context.Threads;
        var reg = context.Regularization;
        var hht = new DenseMatrix<T>(k, k);

        // Dense X: the W update reads X once per iteration, fused with WᵀX and WᵀW (same W; WᵀX and WᵀW summed
        // per block group, so they differ from the separate products only by rounding).
        bool fused = x is DenseMatrix<T> && context.UpdateH && FusedRowPasses<T>.IsAvailable;
        var xht = new DenseMatrix<T>(fused ? 0 : n, k);
        var wtw = new DenseMatrix<T>(k, k);
        var wtx = new DenseMatrix<T>(k, m);
        var gram = new DenseMatrix<T>(k, k);
        var order = new int[k];
        var shuffler = context.Options.Shuffle ? new CoordinateShuffler(context.Seed) : null;
        T l1W = T.CreateChecked(reg.L1W), l2W = T.CreateChecked(reg.L2W);
        T l1H = T.CreateChecked(reg.L1H), l2H = T.CreateChecked(reg.L2H);

        Products.GramRows(h, hht, threads);
        double violationInit = 0;
        int iteration;
        for (iteration = 1; iteration <= context.MaxIter; iteration++)
        {
            // W: XHᵀ and HHᵀ (the latter carried over from the previous iteration's H; constant in transform).
            if ((context.UpdateH || iteration == 1) && !fused)
            {
                Products.XHt(x, h, xht, threads);
            }

            double violation = 0.0;
            Regularize(hht, l2W, gram);
            NextOrder(order, shuffler);
            violation += fused
                ? double.CreateChecked(FusedRowPasses<T>.Run((DenseMatrix<T>)x, h, w, gram, l1W, order, 1, 0.0, wtx, wtw, threads))
                : double.CreateChecked(UpdateFactor(w.Data, n, k, 1, gram, xht.Data, k, 1, l1W, order, threads));

            double loss = double.NaN;
            if (context.UpdateH)
            {
                if (!fused)
                {
                    Products.GramCols(w, wtw, threads);
                    Products.WtX(w, x, wtx, threads);
                }

                Regularize(wtw, l2H, gram);
                NextOrder(order, shuffler);

                // Hᵀ[j, r] lives at H[r, j]: row stride 1, component stride m; (XᵀW)[j, t] at WᵀX[t, j].
                violation += double.CreateChecked(UpdateFactor(h.Data, m, 1, m, gram, wtx.Data, 1, m, l1H, order, threads));
                Products.GramRows(h, hht, threads);
                if (context.WantsLoss)
                {
                    loss = BetaDivergence.FrobeniusFromGram(context.XSquaredNorm, h, wtx, wtw, hht);
                }
            }

            context.EndIteration(iteration, loss);
            if (iteration == 1)
            {
                violationInit = violation;
            }

            if (violationInit == 0.0 || violation / violationInit <= context.Tol)
            {
                break;
            }
        }

        return Math.Min(iteration, context.MaxIter);
    }

    /// <summary>gram' = gram + l2·I (scikit-learn adds l2 to the diagonal only when it is non-zero).</summary>
    private static void Regularize<T>(DenseMatrix<T> gram, T l2, DenseMatrix<T> result)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        gram.Data.CopyTo(result.Data, 0);
        if (l2 != T.Zero)
        {
            for (int t = 0; t < gram.Rows; t++)
            {
                result[t, t] += l2;
            }
        }
    }

    private static void NextOrder(int[] order, CoordinateShuffler? shuffler)
    {
        if (shuffler is null)
        {
            for (int t = 0; t < order.Length; t++)
            {
                order[t] = t;
            }
        }
        else
        {
            shuffler.Permutation(order);
        }
    }

    /// <summary>
    /// One pass of coordinate descent over factor F (rows x k, element (i, r) at
    /// <c>f[i·fRow + r·fComp]</c>) against rhs R (element (i, t) at <c>rhs[i·rRow + t·rComp]</c>).
    /// scikit-learn's <c>_update_cdnmf_fast</c>; the violation is summed in the element type, as there.
    /// <see cref="CoordinateSweep{T}"/> does it in blocks of rows (rows are independent), vectorised and
    /// multithreaded, with F bit-identical to the scalar loop.
    /// </summary>
    private static T UpdateFactor<T>(
        T[] f, int rows, int fRow, int fComp, DenseMatrix<T> gram, T[] rhs, int rRow, int rComp, T l1, int[] order, int threads)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        CoordinateSweep<T>.Run(f, rows, fRow, fComp, gram.Data, gram.Rows, rhs, rRow, rComp, l1, order, threads).Violation;
}
