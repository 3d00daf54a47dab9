namespace Nmf.Consensus;

/// <summary>
/// Parameters of a multiple-run (consensus) factorisation at one rank, after R NMF's <c>nmf(x, rank, method,
/// nrun)</c>. Defaults reproduce R NMF: Brunet's method, up to 2000 iterations, connectivity stopping rule.
/// </summary>
public sealed record ConsensusOptions
{
    /// <summary>Factorisation rank k (number of clusters). Required, at least 1.</summary>
    public int Rank { get; init; }

    /// <summary>Number of runs from different random starts; default 10.</summary>
    public int Runs { get; init; } = 10;

    /// <summary>
    /// Algorithm of each run: <see cref="NmfSolver.Brunet"/> (default, Kullback–Leibler), <see cref="NmfSolver.Lee"/>
    /// (Frobenius), or any other solver of the estimator (Frobenius unless <see cref="BetaLoss"/> says otherwise).
    /// </summary>
    public NmfSolver Method { get; init; } = NmfSolver.Brunet;

    /// <summary>Beta-divergence for the estimator's solvers (ignored by Brunet and Lee); default 2 (Frobenius).</summary>
    public double BetaLoss { get; init; } = 2.0;

    /// <summary>Base seed: run r starts from factors drawn with a seed derived from (Seed, r); default 123456.</summary>
    public long Seed { get; init; } = 123456;

    /// <summary>Most iterations of each run; default 2000 (R NMF's <c>maxIter</c>).</summary>
    public int MaxIter { get; init; } = 2000;

    /// <summary>
    /// For Brunet and Lee: stop when the samples' clustering has not changed for 40 checks made every 10 iterations
    /// (R NMF's default); default true. When false, <see cref="Tol"/> decides.
    /// </summary>
    public bool ConnectivityStop { get; init; } = true;

    /// <summary>Relative loss decrease per 10 iterations below which a run stops (when not using the connectivity rule); default 1e-4.</summary>
    public double Tol { get; init; } = 1e-4;

    /// <summary>Runs fitted at once; 0 (default) uses every core. Results do not depend on it.</summary>
    public int Threads { get; init; }
}
