namespace Nmf;

/// <summary>
/// Parameters of a mini-batch fit, with scikit-learn 1.2's <c>MiniBatchNMF</c> names and defaults in .NET casing.
/// </summary>
public sealed record MiniBatchNmfOptions
{
    /// <summary>Number of components k (scikit-learn's <c>n_components</c>). Required, at least 1.</summary>
    public int NComponents { get; init; }

    /// <summary>Initialisation method; default <see cref="NmfInit.Auto"/>.</summary>
    public NmfInit Init { get; init; } = NmfInit.Auto;

    /// <summary>Rows per mini-batch; default 1024 (capped at the number of rows).</summary>
    public int BatchSize { get; init; } = 1024;

    /// <summary>Beta of the beta-divergence: 2 = Frobenius (default), 1 = Kullback-Leibler, 0 = Itakura-Saito, any real.</summary>
    public double BetaLoss { get; init; } = 2.0;

    /// <summary>
    /// Stop when the relative change of H between two mini-batches is at most this (default 1e-4); 0 disables the test.
    /// Also the tolerance of the W solves of fresh restarts and <see cref="MiniBatchNmf{T}.Transform"/>.
    /// </summary>
    public double Tol { get; init; } = 1e-4;

    /// <summary>
    /// Stop after this many consecutive mini-batches without improvement of the smoothed batch cost (default 10);
    /// null disables the test.
    /// </summary>
    public int? MaxNoImprovement { get; init; } = 10;

    /// <summary>Maximum number of passes over the data; default 200.</summary>
    public int MaxIter { get; init; } = 200;

    /// <summary>Regularisation strength of W (scikit-learn 1.2's <c>alpha_W</c>); default 0.</summary>
    public double AlphaW { get; init; }

    /// <summary>Regularisation strength of H; null means "same" as <see cref="AlphaW"/> (the default).</summary>
    public double? AlphaH { get; init; }

    /// <summary>Mix of L1 (1) and L2 (0) regularisation, in [0, 1]; default 0.</summary>
    public double L1Ratio { get; init; }

    /// <summary>
    /// Weight of past information in H's running sums, in [0, 1]; default 0.7. Each mini-batch discounts them by
    /// forget_factor^(batch_size / n_samples), so one pass over the data discounts by forget_factor.
    /// </summary>
    public double ForgetFactor { get; init; } = 0.7;

    /// <summary>Solve W from scratch for every mini-batch (default false), and once more for all rows at the end.</summary>
    public bool FreshRestarts { get; init; }

    /// <summary>Maximum W updates of each fresh restart; default 30.</summary>
    public int FreshRestartsMaxIter { get; init; } = 30;

    /// <summary>Maximum W updates of <see cref="MiniBatchNmf{T}.Transform"/> (and of the final solve of fresh restarts); null = <see cref="MaxIter"/>.</summary>
    public int? TransformMaxIter { get; init; }

    /// <summary>Seed for random initialisation (scikit-learn's <c>random_state</c>); null draws one.</summary>
    public int? RandomState { get; init; }

    /// <summary>Threads for the kernels; 0 (default) uses every core. Results do not depend on it.</summary>
    public int Threads { get; init; }
}
