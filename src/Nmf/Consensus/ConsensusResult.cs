using System.Numerics;
using Nmf.Matrices;

namespace Nmf.Consensus;

/// <summary>
/// The outcome of several runs at one rank: the best factorisation, the consensus matrix of the runs' clusterings,
/// its hierarchical clustering and the measures used to choose the rank.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
public sealed class ConsensusResult<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    internal ConsensusResult(ConsensusOptions options, double[,] consensus, DenseMatrix<T> w, DenseMatrix<T> h,
        int bestRun, double[] runLosses, int[] runIterations, double residualSumOfSquares, double seconds)
    {
        Options = options;
        Consensus = consensus;
        W = w;
        H = h;
        BestRun = bestRun;
        RunLosses = runLosses;
        RunIterations = runIterations;
        ResidualSumOfSquares = residualSumOfSquares;
        Seconds = seconds;
        var distances = ConsensusMeasures.Distances(consensus);
        Tree = Dendrogram.AverageLinkage(distances);
        Clusters = Tree.Cut(Math.Min(options.Rank, consensus.GetLength(0)));
        BestFitClusters = Solvers.Memberships.ArgmaxRows(w);
        Cophenetic = ConsensusMeasures.CopheneticCorrelation(consensus);
        Dispersion = ConsensusMeasures.Dispersion(consensus);
        Silhouette = ConsensusMeasures.Silhouette(distances, Clusters);
    }

    /// <summary>The options of the runs.</summary>
    public ConsensusOptions Options { get; }

    /// <summary>The rank k.</summary>
    public int Rank => Options.Rank;

    /// <summary>n x n consensus matrix: entry (i, j) is the fraction of runs that put samples i and j in the same cluster.</summary>
    public double[,] Consensus { get; }

    /// <summary>W (n x k) of the best run (lowest loss).</summary>
    public DenseMatrix<T> W { get; }

    /// <summary>H (k x m) of the best run.</summary>
    public DenseMatrix<T> H { get; }

    /// <summary>Index of the best run.</summary>
    public int BestRun { get; }

    /// <summary>Final loss of each run (the divergence its method minimises).</summary>
    public IReadOnlyList<double> RunLosses { get; }

    /// <summary>Iterations of each run.</summary>
    public IReadOnlyList<int> RunIterations { get; }

    /// <summary>Loss of the best run.</summary>
    public double Loss => RunLosses[BestRun];

    /// <summary>Residual sum of squares Σ (X − WH)² of the best run (R NMF's <c>rss</c>).</summary>
    public double ResidualSumOfSquares { get; }

    /// <summary>Average-linkage clustering of 1 − consensus.</summary>
    public Dendrogram Tree { get; }

    /// <summary>The consensus clustering: <see cref="Tree"/> cut into k groups (R NMF's <c>predict(x, "consensus")</c>).</summary>
    public IReadOnlyList<int> Clusters { get; }

    /// <summary>Clusters of the best run: each sample's component of largest coefficient (R NMF's <c>predict(x)</c>).</summary>
    public IReadOnlyList<int> BestFitClusters { get; }

    /// <summary>Cophenetic correlation of the consensus matrix (Brunet et al. 2004).</summary>
    public double Cophenetic { get; }

    /// <summary>Dispersion of the consensus matrix (Kim &amp; Park 2007).</summary>
    public double Dispersion { get; }

    /// <summary>Mean silhouette width of <see cref="Clusters"/> under the distances 1 − consensus.</summary>
    public double Silhouette { get; }

    /// <summary>Wall-clock seconds of all runs together.</summary>
    public double Seconds { get; }
}
