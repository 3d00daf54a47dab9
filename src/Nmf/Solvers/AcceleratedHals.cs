using System.Numerics;
using Nmf.Kernels;
using Nmf.Matrices;

namespace Nmf.Solvers;

/// <summary>
/// Accelerated HALS (Gillis &amp; Glineur 2012, "Accelerated multiplicative updates and hierarchical alternating
/// least squares algorithms for nonnegative matrix factorization", Neural Computation 24(4), Algorithm 2): the
/// products with X (XHᵀ, or WᵀX) are the expensive part of a HALS iteration, so after each one the cheap
/// column-wise HALS pass over that factor (the same pass as scikit-learn's <c>cd</c>) is repeated several times
/// with the same products. Frobenius loss, with <c>cd</c>'s L1/L2 penalties.
/// </summary>
/// <remarks>
/// <para>
/// Inner passes over W stop after 1 + ⌊α ρ_W⌋ passes or once ‖W⁽ˡ⁾ − W⁽ˡ⁻¹⁾‖_F ≤ ε ‖W⁽¹⁾ − W⁽⁰⁾‖_F (section 3.2),
/// where ρ_W = 1 + (|X| k + m k²) / (n k (k + 1)) is the cost of the products over the cost of one pass (|X| the
/// stored entries of X), α = 0.5 and ε = 0.1 as the paper recommends; the same for H with n and m swapped.
/// With one inner pass it is exactly <c>cd</c>.
/// </para>
/// <para>
/// On dense X the W half runs fused with the products, reading X once per iteration (<see cref="FusedRowPasses{T}"/>);
/// there the ε rule applies per block of rows.
/// </para>
/// <para>
/// When to use it: instead of <c>cd</c> whenever the exact scikit-learn iterates are not needed, above all when
/// m (features) is much larger than k, or X is large and dense: it reaches a given error in fewer passes over X.
/// The stopping rule is <c>cd</c>'s: the projected-gradient violation of the first pass of an iteration, relative
/// to that of the first iteration, at most <c>tol</c>. Results do not depend on the thread count.
/// </para>
/// </remarks>
internal sealed class AcceleratedHals : INmfSolver
{
    /// <summary>α: the share of the products' cost spent on extra inner passes (the paper's 0.5).</summary>
    private const double DefaultAlpha = 0.5;

    private readonly double _alpha;

    /// <summary>Creates the solver; <paramref name="alpha"/> = 0 allows one inner pass only, which is <c>cd</c>.</summary>
    public AcceleratedHals(double alpha = DefaultAlpha) => _alpha = alpha;

    /// <summary>ε: inner passes stop once a pass moves the factor less than ε times the first pass did.</summary>
    private const double Epsilon = 0.1;

    /// <inheritdoc />
    public string Name => "hals";

    /// <inheritdoc />
    public bool SupportsBeta(double beta) => beta == 2.0;

    /// <inheritdoc />
    public int Solve<T>(SolverContext<T> context, DenseMatrix<T> w, DenseMatrix<T> h)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        // The cd iteration (fixed component order 0..k−1), with up to 1 + ⌊α ρ⌋ passes per factor after its products.
        var x = context.X;
        int n = x.Rows, m = x.Cols, k = w.Cols;
        int passesW = MaxPasses(x.StoredCount, m, n, k, _alpha), passesH = MaxPasses(x.StoredCount, n, m, k, _alpha);
        return HalsIterations.Solve(context, w, h, passesW, passesH, Epsilon, shuffler: null);
    }

    /// <summary>
    /// 1 + ⌊α ρ⌋ with ρ = 1 + (stored·k + other·k²) / (rows·k·(k + 1)): multiply-adds of the two products
    /// (X with the other factor, the other factor's Gram matrix) over those of one pass over a rows x k factor.
    /// </summary>
    internal static int MaxPasses(long stored, int other, int rows, int k, double alpha)
    {
        double rho = 1.0 + (((double)stored * k) + ((double)other * k * k)) / ((double)Math.Max(rows, 1) * k * (k + 1));
        return 1 + (int)Math.Min(1000.0, Math.Floor(alpha * rho));
    }
}
