namespace Nmf;

/// <summary>
/// The state of a fit after one iteration (one update of W and, when fitting, of H): what
/// <see cref="NmfEstimator{T}.History"/> keeps and what <c>IProgress&lt;NmfIteration&gt;</c> receives.
/// </summary>
/// <param name="Iteration">The iteration number, from 1.</param>
/// <param name="ElapsedSeconds">Seconds since the solver started.</param>
/// <param name="Loss">
/// The beta-divergence D(X ‖ WH) after this iteration (half the squared Frobenius norm of X − WH for beta = 2).
/// For beta ≠ 2 it is computed only where the stopping rule evaluates it (every 10th iteration of <c>mu</c>
/// when <see cref="NmfOptions.Tol"/> &gt; 0) and is <see cref="double.NaN"/> elsewhere, so that bookkeeping
/// never costs a pass over X.
/// </param>
/// <param name="RelativeError">
/// ‖X − WH‖_F / ‖X‖_F for the Frobenius loss; <see cref="double.NaN"/> for other losses.
/// </param>
public readonly record struct NmfIteration(int Iteration, double ElapsedSeconds, double Loss, double RelativeError);
