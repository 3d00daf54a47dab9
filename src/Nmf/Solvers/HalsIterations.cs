using System.Numerics;
using System.Runtime.CompilerServices;
using Nmf.Kernels;
using Nmf.Losses;
using Nmf.Matrices;

namespace Nmf.Solvers;

/// <summary>
/// The iteration shared by <see cref="CoordinateDescent"/> (<c>cd</c>) and <see cref="AcceleratedHals"/> (<c>hals</c>):
/// per iteration the products for W (XHᵀ, HHᵀ + l2·I), up to <c>passesW</c> column-wise HALS passes over W, then
/// the products for H (WᵀX, WᵀW + l2·I), up to <c>passesH</c> passes over Hᵀ, the loss from the Gram matrices, and
/// scikit-learn's stopping rule: the projected-gradient violation of the first pass of each half, summed, at most
/// <c>tol</c> times that of the first iteration. With one pass per half and scikit-learn's coordinate order this is
/// exactly <c>cd</c>.
/// </summary>
internal static class HalsIterations
{
    /// <summary>
    /// Runs the loop; extra passes over a factor stop once a pass moves it by at most <paramref name="epsilon"/>
    /// times the first pass did. <paramref name="shuffler"/> (null: components in order 0..k−1) gives the component
    /// order of each half. Returns the number of iterations run.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int Solve<T>(
        SolverContext<T> context, DenseMatrix<T> w, DenseMatrix<T> h, int passesW, int passesH, double epsilon, CoordinateShuffler? shuffler)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var x = context.X;
        int n = x.Rows, m = x.Cols, k = w.Cols, threads = context.Threads;
        var reg = context.Regularization;
        var hht = new DenseMatrix<T>(k, k);

        // Dense X: the W update reads X once per iteration, fused with WᵀX and WᵀW (same W; WᵀX and WᵀW summed
        // per block group, so they differ from the separate products only by rounding).
        bool fused = x is DenseMatrix<T> && context.UpdateH && FusedRowPasses<T>.IsAvailable;

        // CSR X: X·Hᵀ is formed block by block into a buffer the W passes read at once (FusedRowPasses); WᵀW and WᵀX
        // remain separate products.
        bool fusedSparse = x is CsrMatrix<T> && context.UpdateH && FusedRowPasses<T>.IsAvailable;
        var xht = new DenseMatrix<T>(fused || fusedSparse ? 0 : n, k);
        var wtw = new DenseMatrix<T>(k, k);
        var wtx = new DenseMatrix<T>(k, m);
        var gram = new DenseMatrix<T>(k, k);
        var order = new int[k];
        T l1W = T.CreateChecked(reg.L1W), l2W = T.CreateChecked(reg.L2W);
        T l1H = T.CreateChecked(reg.L1H), l2H = T.CreateChecked(reg.L2H);

        Products.GramRows(h, hht, threads);
        double violationInit = 0;
        int iteration;
        for (iteration = 1; iteration <= context.MaxIter; iteration++)
        {
            // W: XHᵀ and HHᵀ (the latter carried over from the previous iteration's H; constant in transform).
            if ((context.UpdateH || iteration == 1) && !fused && !fusedSparse)
            {
                Products.XHt(x, h, xht, threads);
            }

            double violation = 0.0;
            Regularize(hht, l2W, gram);
            NextOrder(order, shuffler);
            violation += fused
                ? double.CreateChecked(FusedRowPasses<T>.Run((DenseMatrix<T>)x, h, w, gram, l1W, order, passesW, epsilon, wtx, wtw, threads))
                : fusedSparse
                ? double.CreateChecked(FusedRowPasses<T>.Run((CsrMatrix<T>)x, h, w, gram, l1W, order, passesW, epsilon, threads))
                : Passes(w.Data, n, k, 1, gram, xht.Data, k, 1, l1W, order, threads, passesW, epsilon);

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
                violation += Passes(h.Data, m, 1, m, gram, wtx.Data, 1, m, l1H, order, threads, passesH, epsilon);
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

    /// <summary>
    /// Up to <paramref name="maxPasses"/> passes of coordinate descent over factor F (rows x k, element (i, r) at
    /// <c>f[i·fRow + r·fComp]</c>) against rhs R (element (i, t) at <c>rhs[i·rRow + t·rComp]</c>); returns the
    /// violation of the first. One pass is scikit-learn's <c>_update_cdnmf_fast</c>, the violation summed in the
    /// element type, as there; <see cref="CoordinateSweep{T}"/> does it in blocks of rows (rows are independent),
    /// vectorised and multithreaded, with F bit-identical to the scalar loop.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static double Passes<T>(
        T[] f, int rows, int fRow, int fComp, DenseMatrix<T> gram, T[] rhs, int rRow, int rComp, T l1, int[] order, int threads,
        int maxPasses, double epsilon)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var first = CoordinateSweep<T>.Run(f, rows, fRow, fComp, gram.Data, gram.Rows, rhs, rRow, rComp, l1, order, threads);
        double stop = epsilon * epsilon * first.SquaredChange;
        for (int pass = 1; pass < maxPasses; pass++)
        {
            var next = CoordinateSweep<T>.Run(f, rows, fRow, fComp, gram.Data, gram.Rows, rhs, rRow, rComp, l1, order, threads);
            if (next.SquaredChange <= stop)
            {
                break;
            }
        }

        return double.CreateChecked(first.Violation);
    }

    /// <summary>gram' = gram + l2·I (scikit-learn adds l2 to the diagonal only when it is non-zero).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Regularize<T>(DenseMatrix<T> gram, T l2, DenseMatrix<T> result)
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

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void NextOrder(int[] order, CoordinateShuffler? shuffler)
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
}
