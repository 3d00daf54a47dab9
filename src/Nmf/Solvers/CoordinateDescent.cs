using System.Numerics;
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
        // Exactly one pass over W, then one over H, per iteration (the iteration itself: HalsIterations).
        var shuffler = context.Options.Shuffle ? new CoordinateShuffler(context.Seed) : null;
        return HalsIterations.Solve(context, w, h, passesW: 1, passesH: 1, epsilon: 0.0, shuffler);
    }
}
