using Nmf.Consensus;
using Xunit;

namespace Nmf.Tests.Consensus;

public class ConsensusMeasuresTests
{
    // Distances 1 − C: d01 = .2, d23 = .4, d12 = .7, d02 = d13 = .8, d03 = .9. Average linkage by hand: {0,1} at .2,
    // {2,3} at .4, then both at mean(.8, .9, .7, .8) = .8.
    private static readonly double[,] Small =
    {
        { 1.0, 0.8, 0.2, 0.1 },
        { 0.8, 1.0, 0.3, 0.2 },
        { 0.2, 0.3, 1.0, 0.6 },
        { 0.1, 0.2, 0.6, 1.0 },
    };

    [Fact]
    public void AverageLinkageMergesAndHeightsMatchHandComputation()
    {
        var tree = Dendrogram.AverageLinkage(ConsensusMeasures.Distances(Small));
        Assert.Equal([-1, -3, 1], tree.Left);
        Assert.Equal([-2, -4, 2], tree.Right);
        Assert.Equal(0.2, tree.Heights[0], 12);
        Assert.Equal(0.4, tree.Heights[1], 12);
        Assert.Equal(0.8, tree.Heights[2], 12);
        Assert.Equal([0, 1, 2, 3], tree.Order);
        Assert.Equal([0, 0, 1, 1], tree.Cut(2));
        Assert.Equal([0, 0, 1, 2], tree.Cut(3));
    }

    [Fact]
    public void CopheneticCorrelationMatchesHandComputation()
    {
        // Pairs (01, 02, 03, 12, 13, 23) x 30: distances 6 24 27 21 24 12, cophenetic 6 24 24 24 24 12; both have
        // mean 19, so r = 318 / sqrt(336 · 318) = sqrt(53 / 56).
        Assert.Equal(Math.Sqrt(53.0 / 56.0), ConsensusMeasures.CopheneticCorrelation(Small), 12);
    }

    [Fact]
    public void DispersionMatchesHandComputation()
    {
        // Σ 4 (C − ½)² = 4 (diagonal) + 2 (.36 + .36 + .64 + .16 + .36 + .04) = 7.84, over n² = 16.
        Assert.Equal(0.49, ConsensusMeasures.Dispersion(Small), 12);
    }

    [Fact]
    public void SilhouetteMatchesHandComputation()
    {
        // s = (b − a) / max(a, b): 0 → (.85 − .2)/.85, 1 → (.75 − .2)/.75, 2 → (.75 − .4)/.75, 3 → (.85 − .4)/.85.
        var widths = ConsensusMeasures.SilhouetteWidths(ConsensusMeasures.Distances(Small), [0, 0, 1, 1]);
        Assert.Equal([13.0 / 17, 11.0 / 15, 7.0 / 15, 9.0 / 17], widths, (a, b) => Math.Abs(a - b) < 1e-12);
        Assert.Equal(((22.0 / 17) + (18.0 / 15)) / 4, ConsensusMeasures.Silhouette(ConsensusMeasures.Distances(Small), [0, 0, 1, 1]), 12);
    }

    [Fact]
    public void PerfectBlockConsensusHasUnitMeasures()
    {
        int[] labels = [0, 1, 0, 2, 1, 0];
        var c = new double[6, 6];
        for (int i = 0; i < 6; i++)
        {
            for (int j = 0; j < 6; j++)
            {
                c[i, j] = labels[i] == labels[j] ? 1 : 0;
            }
        }

        Assert.Equal(1.0, ConsensusMeasures.CopheneticCorrelation(c), 12);
        Assert.Equal(1.0, ConsensusMeasures.Dispersion(c), 12);
        var tree = Dendrogram.AverageLinkage(ConsensusMeasures.Distances(c));
        Assert.Equal([0, 1, 0, 2, 1, 0], tree.Cut(3));
    }

    [Fact]
    public void UndecidedConsensusHasZeroDispersion()
    {
        var c = new double[3, 3];
        for (int i = 0; i < 3; i++)
        {
            for (int j = 0; j < 3; j++)
            {
                c[i, j] = 0.5;
            }
        }

        Assert.Equal(0.0, ConsensusMeasures.Dispersion(c), 12);
    }
}
