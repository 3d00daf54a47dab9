using Nmf.Metrics;
using Xunit;

namespace Nmf.Tests.Metrics;

public class ClusteringMetricsTests
{
    // Expected values: scikit-learn 1.2.1's normalized_mutual_info_score, adjusted_rand_score and purity from its
    // contingency_matrix, printed by scripts/text-references.py.
    public static TheoryData<string[], int[], double, double, double> Cases => new()
    {
        { ["0", "0", "0", "1", "1", "1"], [0, 0, 1, 1, 2, 2], 0.5158037429793888, 0.24242424242424243, 0.8333333333333334 },
        { ["a", "a", "b", "b", "c", "c", "c", "a"], [1, 1, 1, 0, 0, 2, 2, 2], 0.3987478202411473, 0.047619047619047616, 0.625 },
        { ["0", "0", "1", "1"], [1, 1, 0, 0], 1.0, 1.0, 1.0 },
        { ["0", "0", "1", "1"], [0, 1, 0, 1], 0.0, -0.5, 0.5 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchScikitLearn(string[] truth, int[] clusters, double nmi, double ari, double purity)
    {
        Assert.Equal(nmi, ClusteringMetrics.NormalizedMutualInformation(truth, clusters), 1e-14);
        Assert.Equal(ari, ClusteringMetrics.AdjustedRandIndex(truth, clusters), 1e-14);
        Assert.Equal(purity, ClusteringMetrics.Purity(truth, clusters), 1e-14);
    }

    [Fact]
    public void ContingencyTableCountsSortedClassesAndClusters()
    {
        var table = ContingencyTable.Create(["b", "a", "b", "a", "a"], [2, 10, 2, 2, 10]);
        Assert.Equal(["a", "b"], table.Classes);
        Assert.Equal(["2", "10"], table.Clusters);
        Assert.Equal(new long[,] { { 1, 2 }, { 2, 0 } }, table.Counts);
        Assert.Equal(5, table.Total);
    }

    [Fact]
    public void MetricsIgnoreHowClustersAreNamed()
    {
        string[] truth = ["x", "x", "y", "y", "z", "z", "x"];
        int[] clusters = [0, 0, 1, 2, 2, 2, 1];
        int[] renamed = clusters.Select(c => (c * 7) + 3).ToArray();
        Assert.Equal(ClusteringMetrics.NormalizedMutualInformation(truth, clusters), ClusteringMetrics.NormalizedMutualInformation(truth, renamed), 1e-15);
        Assert.Equal(ClusteringMetrics.AdjustedRandIndex(truth, clusters), ClusteringMetrics.AdjustedRandIndex(truth, renamed));
        Assert.Equal(ClusteringMetrics.Purity(truth, clusters), ClusteringMetrics.Purity(truth, renamed));
    }

    [Fact]
    public void SingleGroupOnBothSidesIsPerfect()
    {
        Assert.Equal(1.0, ClusteringMetrics.NormalizedMutualInformation(["a", "a", "a"], [4, 4, 4]));
        Assert.Equal(1.0, ClusteringMetrics.AdjustedRandIndex(["a", "a", "a"], [4, 4, 4]));
        Assert.Equal(0.0, ClusteringMetrics.NormalizedMutualInformation(["a", "a", "a"], [1, 2, 3]));
    }

    [Fact]
    public void AdjustedRandIndexDoesNotOverflowOnLargeLabelings()
    {
        int n = 200_000;
        var truth = Enumerable.Range(0, n).Select(i => (i % 3).ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        var clusters = Enumerable.Range(0, n).Select(i => i % 3).ToArray();
        Assert.Equal(1.0, ClusteringMetrics.AdjustedRandIndex(truth, clusters));
        clusters[0] = 1;
        double ari = ClusteringMetrics.AdjustedRandIndex(truth, clusters);
        Assert.InRange(ari, 0.9999, 1.0 - 1e-9);
    }
}
