using System.Numerics;
using Nmf.Matrices;

namespace Nmf.Solvers;

/// <summary>
/// One NMF algorithm. The estimator validates the input, initialises W and H, scales the regularisation and then
/// hands everything to <see cref="Solve{T}"/>, which updates W (and H, unless
/// <see cref="SolverContext{T}.UpdateH"/> is false) in place. Register an implementation in
/// <see cref="SolverRegistry"/>.
/// </summary>
internal interface INmfSolver
{
    /// <summary>The solver's name as users write it (scikit-learn's <c>solver</c> string), for messages.</summary>
    string Name { get; }

    /// <summary>Whether the solver minimises the beta-divergence with this beta.</summary>
    bool SupportsBeta(double beta);

    /// <summary>
    /// Runs the iterations: at most <see cref="SolverContext{T}.MaxIter"/>, fewer when the solver's stopping rule
    /// is met, calling <see cref="SolverContext{T}.EndIteration"/> once after each.
    /// </summary>
    /// <returns>The number of iterations done (scikit-learn's <c>n_iter_</c>).</returns>
    int Solve<T>(SolverContext<T> context, DenseMatrix<T> w, DenseMatrix<T> h)
        where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>
    /// Sets the starting W of <c>transform</c> (H fixed). scikit-learn starts from zeros, except <c>mu</c>, which
    /// cannot move away from zero and starts from sqrt(mean(X) / k). <paramref name="w"/> arrives zeroed.
    /// </summary>
    void InitializeTransform<T>(IMatrix<T> x, DenseMatrix<T> w)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
    }
}

/// <summary>
/// The L1 and L2 penalties of W and H, already scaled the scikit-learn 1.2 way: W's by the number of features,
/// H's by the number of samples (<c>_BaseNMF._compute_regularization</c>).
/// </summary>
/// <param name="L1W">n_features · alpha_W · l1_ratio.</param>
/// <param name="L2W">n_features · alpha_W · (1 − l1_ratio).</param>
/// <param name="L1H">n_samples · alpha_H · l1_ratio.</param>
/// <param name="L2H">n_samples · alpha_H · (1 − l1_ratio).</param>
internal readonly record struct Regularization(double L1W, double L2W, double L1H, double L2H)
{
    /// <summary>Scales the options' alpha_W, alpha_H and l1_ratio for X of shape nSamples x nFeatures.</summary>
    public static Regularization Scaled(NmfOptions options, int nSamples, int nFeatures)
    {
        double alphaW = options.AlphaW;
        double alphaH = options.AlphaH ?? options.AlphaW;
        double l1 = options.L1Ratio;
        return new Regularization(
            L1W: nFeatures * alphaW * l1,
            L2W: nFeatures * alphaW * (1.0 - l1),
            L1H: nSamples * alphaH * l1,
            L2H: nSamples * alphaH * (1.0 - l1));
    }
}
