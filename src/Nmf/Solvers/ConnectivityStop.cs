using System.Numerics;
using System.Runtime.CompilerServices;
using Nmf.Matrices;

namespace Nmf.Solvers;

/// <summary>
/// How a multiplicative-update fit decides to stop: after <see cref="MaxIter"/> iterations, or earlier by R NMF's
/// connectivity rule, or by scikit-learn's relative decrease of the reconstruction error.
/// </summary>
/// <param name="MaxIter">Most iterations.</param>
/// <param name="Tol">Stop when the error √(2·loss), checked every 10 iterations, fell since the last check by less than Tol times its initial value (scikit-learn's <c>mu</c> rule); 0 disables.</param>
/// <param name="Connectivity">Stop by <see cref="ConnectivityStop"/> instead of <paramref name="Tol"/>.</param>
internal readonly record struct MultiplicativeStopping(int MaxIter, double Tol, bool Connectivity);

/// <summary>What a fit reports: iterations run and the final value of the objective it minimised.</summary>
/// <param name="Iterations">Iterations run.</param>
/// <param name="Loss">Final objective (the method's divergence between X and WH).</param>
internal readonly record struct MultiplicativeResult(int Iterations, double Loss);

/// <summary>
/// R NMF's connectivity stopping rule (Brunet et al. 2004): every 10 iterations, assign each sample to the
/// component of its largest coefficient; when the implied connectivity matrix (which samples share a cluster) has
/// stayed the same for more than 40 consecutive checks, the fit has converged.
/// </summary>
internal sealed class ConnectivityStop
{
    /// <summary>Iterations between checks (R NMF's <c>check.interval</c>).</summary>
    public const int CheckInterval = 10;

    /// <summary>Consecutive unchanged checks after which the fit stops (R NMF's <c>stopconv</c>).</summary>
    public const int StableChecks = 40;

    private readonly int[] previous;
    private readonly int[] current;
    private int unchanged;

    private ConnectivityStop(int samples)
    {
        previous = new int[samples];
        current = new int[samples];
    }

    /// <summary>Starts the rule from the clustering of the initial W (R NMF's call with i = 0).</summary>
    public static ConnectivityStop Start<T>(DenseMatrix<T> w) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var stop = new ConnectivityStop(w.Rows);
        Memberships.ArgmaxRows(w, stop.previous);
        return stop;
    }

    /// <summary>Called at each check; true when the clustering has been stable long enough.</summary>
    public bool Converged<T>(DenseMatrix<T> w) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Memberships.ArgmaxRows(w, current);
        unchanged = Memberships.SamePartition(previous, current) ? unchanged + 1 : 0;
        current.CopyTo(previous, 0);
        return unchanged > StableChecks;
    }
}

/// <summary>
/// The iteration loop shared by the Brunet and Lee solvers: runs one update per iteration, applies the stopping
/// rule every <see cref="ConnectivityStop.CheckInterval"/> iterations and reports each iteration.
/// </summary>
internal static class MultiplicativeLoop
{
    /// <summary>Runs <paramref name="update"/> (argument: 1-based iteration) until <paramref name="stopping"/> says stop.</summary>
    /// <param name="stopping">Iteration limit and rule.</param>
    /// <param name="w">W, read by the connectivity rule.</param>
    /// <param name="update">One iteration of the method.</param>
    /// <param name="loss">The method's objective for the current factors.</param>
    /// <param name="endIteration">Called after each iteration with its loss (NaN when not computed), or null.</param>
    /// <param name="wantsLoss">Compute the loss at every iteration for <paramref name="endIteration"/>.</param>
    /// <param name="cancellationToken">Checked before each iteration.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static MultiplicativeResult Run<T>(MultiplicativeStopping stopping, DenseMatrix<T> w, Action<int> update, Func<double> loss,
        Action<int, double>? endIteration, bool wantsLoss, CancellationToken cancellationToken)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var connectivity = stopping.Connectivity ? ConnectivityStop.Start(w) : null;
        bool byTol = connectivity is null && stopping.Tol > 0;
        double initialError = byTol ? Error(loss()) : double.NaN, previousError = initialError;
        int iteration = 0;
        while (iteration < stopping.MaxIter)
        {
            cancellationToken.ThrowIfCancellationRequested();
            update(++iteration);
            bool check = iteration % ConnectivityStop.CheckInterval == 0;
            double current = wantsLoss || (check && byTol) ? loss() : double.NaN;
            endIteration?.Invoke(iteration, current);
            if (!check)
            {
                continue;
            }

            if (connectivity is not null && connectivity.Converged(w))
            {
                break;
            }

            if (byTol)
            {
                double error = Error(current);
                if ((previousError - error) / initialError < stopping.Tol)
                {
                    break;
                }

                previousError = error;
            }
        }

        return new MultiplicativeResult(iteration, loss());

        static double Error(double value) => Math.Sqrt(2 * Math.Max(value, 0));
    }
}
