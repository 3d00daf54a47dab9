namespace Nmf;

/// <summary>How the factors are initialised (scikit-learn's <c>init</c>).</summary>
public enum NmfInit
{
    /// <summary>scikit-learn's default: <see cref="Nndsvda"/> when k ≤ min(n, m), otherwise <see cref="Random"/>.</summary>
    Auto,

    /// <summary>Scaled absolute standard normals: sqrt(mean(X) / k) · |N(0, 1)|, H drawn before W (NumPy's RandomState).</summary>
    Random,

    /// <summary>Non-negative double SVD (Boutsidis &amp; Gallopoulos 2008); zeros stay zero.</summary>
    Nndsvd,

    /// <summary>NNDSVD with zeros filled with the mean of X.</summary>
    Nndsvda,

    /// <summary>NNDSVD with zeros filled with small random values (mean(X) / 100 scale).</summary>
    Nndsvdar,

    /// <summary>Start from the W0 and H0 given to Fit.</summary>
    Custom,
}

/// <summary>The optimisation algorithm (scikit-learn's <c>solver</c> and the project's additions).</summary>
public enum NmfSolver
{
    /// <summary>Coordinate descent (HALS) exactly as scikit-learn's <c>cd</c>; Frobenius loss only.</summary>
    Cd,

    /// <summary>Lee–Seung multiplicative updates exactly as scikit-learn's <c>mu</c>; any beta.</summary>
    Mu,

    /// <summary>Accelerated HALS (Gillis &amp; Glineur 2012): several cheap inner sweeps per product with X; Frobenius.</summary>
    Hals,

    /// <summary>Alternating least squares: unconstrained least squares for W then H, negatives set to zero.</summary>
    Als,

    /// <summary>Projected gradient with Armijo steps (Lin 2007); Frobenius.</summary>
    Pg,

    /// <summary>Brunet et al. (2004) Kullback-Leibler multiplicative updates, R NMF's default "brunet".</summary>
    Brunet,

    /// <summary>Lee &amp; Seung (2001) Frobenius multiplicative updates in their original form, R NMF's "lee".</summary>
    Lee,

    /// <summary>
    /// Accelerated HALS with extrapolation (Ang &amp; Gillis 2019): <see cref="Hals"/>'s passes, each factor pushed
    /// further along its last step before the other is updated, with restarts; Frobenius. Usually the fewest
    /// iterations to a given error.
    /// </summary>
    Ehals,
}

/// <summary>
/// Parameters of a fit, with scikit-learn 1.2's names and defaults in .NET casing.
/// </summary>
public sealed record NmfOptions
{
    /// <summary>Number of components k (scikit-learn's <c>n_components</c>). Required, at least 1.</summary>
    public int NComponents { get; init; }

    /// <summary>Initialisation method; default <see cref="NmfInit.Auto"/>.</summary>
    public NmfInit Init { get; init; } = NmfInit.Auto;

    /// <summary>Solver; default <see cref="NmfSolver.Cd"/>.</summary>
    public NmfSolver Solver { get; init; } = NmfSolver.Cd;

    /// <summary>
    /// Beta of the beta-divergence: 2 = Frobenius (default), 1 = Kullback-Leibler, 0 = Itakura-Saito, any real.
    /// </summary>
    public double BetaLoss { get; init; } = 2.0;

    /// <summary>Tolerance of the stopping condition; default 1e-4. Zero runs exactly <see cref="MaxIter"/> iterations.</summary>
    public double Tol { get; init; } = 1e-4;

    /// <summary>Maximum number of iterations; default 200.</summary>
    public int MaxIter { get; init; } = 200;

    /// <summary>Seed for random initialisation and shuffling (scikit-learn's <c>random_state</c>); null draws one.</summary>
    public int? RandomState { get; init; }

    /// <summary>Regularisation strength of W (scikit-learn 1.2's <c>alpha_W</c>); default 0.</summary>
    public double AlphaW { get; init; }

    /// <summary>Regularisation strength of H; null means "same" as <see cref="AlphaW"/> (the default).</summary>
    public double? AlphaH { get; init; }

    /// <summary>Mix of L1 (1) and L2 (0) regularisation, in [0, 1]; default 0.</summary>
    public double L1Ratio { get; init; }

    /// <summary>Randomise the coordinate order in <see cref="NmfSolver.Cd"/>; default false.</summary>
    public bool Shuffle { get; init; }

    /// <summary>Threads for the kernels; 0 (default) uses every core. Results do not depend on it.</summary>
    public int Threads { get; init; }

    /// <summary>
    /// For <see cref="NmfSolver.Brunet"/> and <see cref="NmfSolver.Lee"/>: stop when the samples' clustering (argmax of
    /// each row of W) has not changed for 40 checks made every 10 iterations, R NMF's rule, instead of by
    /// <see cref="Tol"/>; default false.
    /// </summary>
    public bool ConnectivityStop { get; init; }
}
