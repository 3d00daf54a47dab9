using System.Numerics;
using System.Runtime.CompilerServices;
using Nmf.Kernels;
using Nmf.Losses;
using Nmf.Matrices;

namespace Nmf.Solvers;

/// <summary>
/// Accelerated HALS with extrapolation (Ang &amp; Gillis 2019, "Accelerating nonnegative matrix factorization algorithms
/// using extrapolation", Neural Computation 31(2), Algorithm E-A-HALS): after each half-update the factor is pushed
/// further along its last step, F̂ = F + β (F − F_prev), and the other factor is updated against the extrapolated one;
/// β grows while the error falls and the extrapolation is dropped (restart, β shrunk) when an iteration raises it.
/// Frobenius loss, with <c>cd</c>'s L1/L2 penalties; the inner passes per product are <see cref="AcceleratedHals"/>'s.
/// </summary>
/// <remarks>
/// <para>
/// One iteration, in scikit-learn's order (W, then H):
/// <code>
/// W_k ← A-HALS passes from Ŵ_{k−1} against X Ĥ_{k−1}ᵀ, Ĥ_{k−1} Ĥ_{k−1}ᵀ
/// Ŵ_k  = W_k + β (W_k − W_{k−1})                  ŴᵀX = (1 + β) W_kᵀX − β W_{k−1}ᵀX (linear, no pass over X)
/// H_k ← A-HALS passes from Ĥ_{k−1} against Ŵ_kᵀX, Ŵ_kᵀŴ_k
/// Ĥ_k  = H_k + β (H_k − H_{k−1})
/// e_k  = ‖X − W_k H_k‖²  from the Gram matrices: ‖X‖² − 2⟨H_k, W_kᵀX⟩ + ⟨W_kᵀW_k, H_k H_kᵀ⟩
/// e_k &gt; e_{k−1}: Ŵ_k = W_k, Ĥ_k = H_k, β̄ = β, β ← β / η         else: β ← min(β̄, γ β), β̄ ← min(1, γ̄ β̄)
/// </code>
/// with the paper's β₀ = 0.5, γ = 1.05, γ̄ = 1.01, η = 1.5. The extrapolated factors are not projected (the next
/// passes start from them and project each entry they update), so the products with them stay linear in the iterates;
/// the fit returns the non-negative W_k and H_k, and its error and history are theirs.
/// </para>
/// <para>
/// When to use it: for the same fits as <c>hals</c> (Frobenius, the exact scikit-learn iterates not needed); it
/// usually reaches a given error in fewer iterations, for two extra n x k factors of memory and a Gram matrix of the
/// extrapolated W per iteration. The stopping rule is <c>cd</c>'s (projected-gradient violation of the first pass of
/// each half, relative to the first iteration, at most <c>tol</c>). Results do not depend on the thread count.
/// With H fixed (<c>transform</c>) it runs <c>hals</c>'s passes, without extrapolation.
/// </para>
/// </remarks>
internal sealed class ExtrapolatedHals : INmfSolver
{
    private const double InitialBeta = 0.5;
    private const double Growth = 1.05;      // γ: β's growth after an iteration that lowered the error
    private const double CapGrowth = 1.01;   // γ̄: growth of β's cap β̄
    private const double Shrink = 1.5;       // η: β's division after a restart
    private const double Alpha = 0.5;        // the inner passes' α, as AcceleratedHals
    private const double Epsilon = 0.1;      // the inner passes' ε, as AcceleratedHals

    /// <inheritdoc />
    public string Name => "ehals";

    /// <inheritdoc />
    public bool SupportsBeta(double beta) => beta == 2.0;

    /// <inheritdoc />
    public int Solve<T>(SolverContext<T> context, DenseMatrix<T> w, DenseMatrix<T> h)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var x = context.X;
        int n = x.Rows, m = x.Cols, k = w.Cols;
        int passesW = AcceleratedHals.MaxPasses(x.StoredCount, m, n, k, Alpha);
        int passesH = AcceleratedHals.MaxPasses(x.StoredCount, n, m, k, Alpha);
        return context.UpdateH
            ? Iterate(context, w, h, passesW, passesH)
            : HalsIterations.Solve(context, w, h, passesW, passesH, Epsilon, shuffler: null);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int Iterate<T>(SolverContext<T> context, DenseMatrix<T> w, DenseMatrix<T> h, int passesW, int passesH)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var x = context.X;
        int n = x.Rows, m = x.Cols, k = w.Cols, threads = context.Threads;
        var reg = context.Regularization;
        T l1W = T.CreateChecked(reg.L1W), l2W = T.CreateChecked(reg.L2W);
        T l1H = T.CreateChecked(reg.L1H), l2H = T.CreateChecked(reg.L2H);

        // w and h hold the extrapolated factors Ŵ, Ĥ during the loop; wPrev and hPrev the last iterates W_k, H_k.
        var wPrev = w.Clone();
        var hPrev = h.Clone();
        var xht = new DenseMatrix<T>(HalsIterations.FormsXhtInPass(x) ? 0 : n, k);
        var wtx = new DenseMatrix<T>(k, m);       // W_kᵀX
        var wtxPrev = new DenseMatrix<T>(k, m);   // W_{k−1}ᵀX, then ŴᵀX
        var wtw = new DenseMatrix<T>(k, k);       // W_kᵀW_k
        var whatTwhat = new DenseMatrix<T>(k, k); // ŴᵀŴ
        var hht = new DenseMatrix<T>(k, k);
        var gram = new DenseMatrix<T>(k, k);
        var order = new int[k];
        double beta = InitialBeta, betaCap = 1.0, previousLoss = double.PositiveInfinity, violationInit = 0;
        bool havePrevWtx = false;

        Products.GramRows(h, hht, threads);
        int iteration;
        for (iteration = 1; iteration <= context.MaxIter; iteration++)
        {
            // W_k from Ŵ_{k−1} against Ĥ_{k−1}; WᵀX and WᵀW of W_k.
            HalsIterations.Regularize(hht, l2W, gram);
            HalsIterations.NextOrder(order, null);
            double violation = HalsIterations.UpdateW(x, h, w, gram, l1W, order, passesW, Epsilon, xht, formXht: true, wtx, wtw, threads);

            // Ŵ_k = W_k + β (W_k − W_{k−1}) in w, W_k kept in wPrev; ŴᵀX from the two products with X, ŴᵀŴ directly.
            T b = T.CreateChecked(beta);
            if (havePrevWtx)
            {
                Extrapolate(w.Data, wPrev.Data, b);
                Combine(wtx.Data, wtxPrev.Data, b);
                Products.GramCols(w, whatTwhat, threads);
            }
            else
            {
                // First iteration: W_0 is the start, whose WᵀX was never formed; no extrapolation of W yet.
                w.Data.CopyTo(wPrev.Data, 0);
                wtx.Data.CopyTo(wtxPrev.Data, 0);
                wtw.Data.CopyTo(whatTwhat.Data, 0);
            }

            // H_k from Ĥ_{k−1} against Ŵ_k.
            HalsIterations.Regularize(whatTwhat, l2H, gram);
            HalsIterations.NextOrder(order, null);
            violation += HalsIterations.Passes(h.Data, m, 1, m, gram, wtxPrev.Data, 1, m, l1H, order, threads, passesH, Epsilon);

            // The error of the iterates (W_k, H_k), then Ĥ_k = H_k + β (H_k − H_{k−1}) in h, H_k kept in hPrev.
            Products.GramRows(h, hht, threads);
            double loss = BetaDivergence.FrobeniusFromGram(context.XSquaredNorm, h, wtx, wtw, hht);
            Extrapolate(h.Data, hPrev.Data, b);
            if (loss > previousLoss)
            {
                // Restart: continue from the iterates themselves (HHᵀ is H_k's already), with a smaller step.
                wPrev.Data.CopyTo(w.Data, 0);
                hPrev.Data.CopyTo(h.Data, 0);
                betaCap = beta;
                beta /= Shrink;
            }
            else
            {
                Products.GramRows(h, hht, threads);
                beta = Math.Min(betaCap, Growth * beta);
                betaCap = Math.Min(1.0, CapGrowth * betaCap);
            }

            previousLoss = loss;
            (wtx, wtxPrev) = (wtxPrev, wtx); // W_kᵀX for the next iteration's ŴᵀX; the other buffer is rewritten
            havePrevWtx = true;
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

        // The iterates, not the extrapolated factors.
        wPrev.Data.CopyTo(w.Data, 0);
        hPrev.Data.CopyTo(h.Data, 0);
        return Math.Min(iteration, context.MaxIter);
    }

    /// <summary>current ← current + β (current − previous), previous ← the old current.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Extrapolate<T>(Span<T> current, Span<T> previous, T beta)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int p = 0; p < current.Length; p++)
        {
            T now = current[p];
            current[p] = now + (beta * (now - previous[p]));
            previous[p] = now;
        }
    }

    /// <summary>previous ← (1 + β) current − β previous: ŴᵀX from W_kᵀX (current) and W_{k−1}ᵀX (previous).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Combine<T>(ReadOnlySpan<T> current, Span<T> previous, T beta)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T onePlus = T.One + beta;
        for (int p = 0; p < current.Length; p++)
        {
            previous[p] = (onePlus * current[p]) - (beta * previous[p]);
        }
    }
}
