using System.Numerics;
using Nmf.Matrices;
using Nmf.Metrics;

namespace Nmf.Consensus;

/// <summary>
/// The measures of one rank in a survey (one row of R NMF's <c>summary(nmf(x, ranks, nrun = …))</c>).
/// </summary>
/// <param name="Rank">k.</param>
/// <param name="Cophenetic">Cophenetic correlation of the consensus matrix.</param>
/// <param name="Dispersion">Dispersion of the consensus matrix.</param>
/// <param name="Silhouette">Mean silhouette width of the consensus clustering.</param>
/// <param name="ResidualSumOfSquares">Σ (X − WH)² of the best run.</param>
/// <param name="Loss">The method's objective for the best run.</param>
/// <param name="SparsenessBasis">Mean Hoyer sparseness of the basis vectors (rows of H).</param>
/// <param name="SparsenessCoefficients">Mean Hoyer sparseness of the encodings (columns of W).</param>
/// <param name="Purity">Purity of the consensus clustering against the known labels (NaN without labels).</param>
/// <param name="Nmi">Normalised mutual information against the labels (NaN without labels).</param>
/// <param name="Ari">Adjusted Rand index against the labels (NaN without labels).</param>
/// <param name="Seconds">Seconds for the runs of this rank.</param>
public readonly record struct RankMeasures(int Rank, double Cophenetic, double Dispersion, double Silhouette,
    double ResidualSumOfSquares, double Loss, double SparsenessBasis, double SparsenessCoefficients,
    double Purity, double Nmi, double Ari, double Seconds)
{
    /// <summary>The measures of a consensus result, with label agreement when <paramref name="labels"/> are given.</summary>
    public static RankMeasures Of<T>(ConsensusResult<T> result, IReadOnlyList<string>? labels)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(result);
        double purity = double.NaN, nmi = double.NaN, ari = double.NaN;
        if (labels is not null)
        {
            var table = ContingencyTable.Create(labels, result.Clusters);
            purity = ClusteringMetrics.Purity(table);
            nmi = ClusteringMetrics.NormalizedMutualInformation(table);
            ari = ClusteringMetrics.AdjustedRandIndex(table);
        }

        return new RankMeasures(result.Rank, result.Cophenetic, result.Dispersion, result.Silhouette, result.ResidualSumOfSquares,
            result.Loss, Sparseness.Basis(result.H), Sparseness.Encodings(result.W), purity, nmi, ari, result.Seconds);
    }
}

/// <summary>
/// Rank survey (Brunet et al. 2004; R NMF's <c>nmf(x, 2:6, nrun = 10)</c>): a consensus run at every rank of a range,
/// so that k can be chosen where the cophenetic correlation or dispersion starts to fall.
/// </summary>
public static class RankSurvey
{
    /// <summary>Runs <see cref="ConsensusNmf.Run{T}"/> at each rank with the other options of <paramref name="template"/>.</summary>
    /// <param name="x">Non-negative data, samples x features.</param>
    /// <param name="ranks">The ranks to try, each between 1 and min(samples, features).</param>
    /// <param name="template">Runs, method, seed and limits; its <see cref="ConsensusOptions.Rank"/> is ignored.</param>
    /// <param name="cancellationToken">Cancels between iterations.</param>
    public static IReadOnlyList<ConsensusResult<T>> Run<T>(DenseMatrix<T> x, IEnumerable<int> ranks, ConsensusOptions template,
        CancellationToken cancellationToken = default)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(ranks);
        ArgumentNullException.ThrowIfNull(template);
        return [.. ranks.Select(k => ConsensusNmf.Run(x, template with { Rank = k }, cancellationToken))];
    }
    /// <summary>
    /// Starts compiling ahead what <see cref="Run{T}"/> will run at these ranks (see <see cref="NmfWarmup"/>): a
    /// consensus of two short runs per rank on a small synthetic matrix, on a pool thread, meant to overlap the read
    /// of the input. Wait for it before the survey; it never faults, and the survey's results do not depend on it.
    /// </summary>
    /// <param name="ranks">The ranks the survey will run.</param>
    /// <param name="template">The survey's options; runs and iterations are cut down for the warm-up.</param>
    public static Task StartWarmup<T>(IEnumerable<int> ranks, ConsensusOptions template)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(ranks);
        ArgumentNullException.ThrowIfNull(template);
        int[] distinct = [.. ranks.Distinct()];
        return NmfWarmup.InBackground(() =>
        {
            // The fused Brunet passes are compiled per rank up to their largest; the general path serves every rank above.
            var x = (DenseMatrix<T>)NmfWarmup.Synthetic<T>(47, 517, sparse: false, seed: 1);
            var small = template with { Runs = Math.Min(template.Runs, 2), MaxIter = Math.Min(template.MaxIter, 30) };
            foreach (int k in distinct.Where(k => k >= 1 && k <= 24).OrderBy(k => k).DistinctBy(k => Math.Min(k, 5)))
            {
                ConsensusNmf.Run(x, small with { Rank = k });
            }
        });
    }
}
