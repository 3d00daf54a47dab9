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

        // With H updated, dense X is read once per iteration for the W passes, WᵀX and WᵀW (summed per block group, so
        // they differ from the separate products only by rounding), and CSR X forms X·Hᵀ block by block (UpdateW).
        var xht = new DenseMatrix<T>(context.UpdateH && FormsXhtInPass(x) ? 0 : n, k);
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
            // W against XHᵀ and HHᵀ (the latter carried over from the previous iteration's H; both constant in
            // transform, where XHᵀ is formed once), then WᵀX and WᵀW of the new W when H is updated.
            Regularize(hht, l2W, gram);
            NextOrder(order, shuffler);
            double violation = UpdateW(
                x, h, w, gram, l1W, order, passesW, epsilon, xht, formXht: context.UpdateH || iteration == 1,
                context.UpdateH ? wtx : null, wtw, threads);

            double loss = double.NaN;
            if (context.UpdateH)
            {
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
    /// The W half: up to <paramref name="passes"/> passes over W against X·Hᵀ and <paramref name="gram"/>, returning the
    /// violation of the first; with <paramref name="wtx"/>, also WᵀX and WᵀW of the new W. Dense X then takes one fused
    /// pass (<see cref="FusedRowPasses{T}"/>: X read once for all three), CSR X forms X·Hᵀ block by block into the
    /// passes and sums WᵀW there too (WᵀX then through the transpose); otherwise X·Hᵀ goes through <paramref name="xht"/>
    /// (formed only when <paramref name="formXht"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static double UpdateW<T>(
        IMatrix<T> x, DenseMatrix<T> h, DenseMatrix<T> w, DenseMatrix<T> gram, T l1, int[] order, int passes, double epsilon,
        DenseMatrix<T> xht, bool formXht, DenseMatrix<T>? wtx, DenseMatrix<T> wtw, int threads)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (wtx is not null && x is DenseMatrix<T> dense && FusedRowPasses<T>.IsAvailable)
        {
            return double.CreateChecked(FusedRowPasses<T>.Run(dense, h, w, gram, l1, order, passes, epsilon, wtx, wtw, threads));
        }

        double violation;
        bool wtwFormed = false;
        if (wtx is not null && x is CsrMatrix<T> csr && FusedRowPasses<T>.IsAvailable)
        {
            violation = double.CreateChecked(FusedRowPasses<T>.Run(csr, h, w, gram, l1, order, passes, epsilon, wtw, threads));
            wtwFormed = true;
        }
        else
        {
            if (formXht)
            {
                Products.XHt(x, h, xht, threads);
            }

            violation = Passes(w.Data, w.Rows, w.Cols, 1, gram, xht.Data, w.Cols, 1, l1, order, threads, passes, epsilon);
        }

        if (wtx is not null)
        {
            if (!wtwFormed)
            {
                Products.GramCols(w, wtw, threads);
            }

            Products.WtX(w, x, wtx, threads);
        }

        return violation;
    }

    /// <summary>
    /// Whether <see cref="UpdateW"/> with the products of W forms X·Hᵀ inside its pass (no n x k buffer needed).
    /// </summary>
    internal static bool FormsXhtInPass<T>(IMatrix<T> x)
        where T : unmanaged, IFloatingPointIeee754<T>
        => (x is DenseMatrix<T> or CsrMatrix<T>) && FusedRowPasses<T>.IsAvailable;

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
