using System.Numerics;
using Nmf.Matrices;

namespace Nmf.Solvers;

/// <summary>
/// How a multiplicative-update fit decides to stop: after <see cref="MaxIter"/> iterations, or earlier by R NMF's
/// connectivity rule, or by scikit-learn's relative decrease of the loss.
/// </summary>
/// <param name="MaxIter">Most iterations.</param>
/// <param name="Tol">Stop when the loss, checked every 10 iterations, fell by less than Tol times the initial loss since the last check (scikit-learn's <c>mu</c> rule); 0 disables.</param>
/// <param name="Connectivity">Stop when the samples' clustering (argmax of each row of W) has not changed for
/// <see cref="ConnectivityStop.StableChecks"/> checks made every <see cref="ConnectivityStop.CheckInterval"/> iterations
/// (Brunet et al. 2004; R NMF's <c>nmf.stop.connectivity</c>). Takes the place of <paramref name="Tol"/>.</param>
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

    /// <summary>Called after iteration <paramref name="iteration"/> (1-based); true when the fit should stop.</summary>
    public bool Converged<T>(int iteration, DenseMatrix<T> w) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (iteration % CheckInterval != 0)
        {
            return false;
        }

        Memberships.ArgmaxRows(w, current);
        unchanged = Memberships.SamePartition(previous, current) ? unchanged + 1 : 0;
        current.CopyTo(previous, 0);
        return unchanged > StableChecks;
    }
}
