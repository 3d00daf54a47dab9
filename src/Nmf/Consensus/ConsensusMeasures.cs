namespace Nmf.Consensus;

/// <summary>
/// Quality measures of a consensus matrix C (Cᵢⱼ = fraction of runs that put items i and j in the same cluster),
/// as Brunet et al. (2004) and Kim &amp; Park (2007) define them and R's NMF package computes them.
/// </summary>
public static class ConsensusMeasures
{
    /// <summary>
    /// Cophenetic correlation coefficient (Brunet et al. 2004, PNAS 101:4164, "Model selection"): the Pearson
    /// correlation, over the pairs i &lt; j, between the distances 1 − Cᵢⱼ and the cophenetic distances of their
    /// average-linkage clustering. 1 for a perfectly stable clustering. Returns NaN when either set of distances is
    /// constant (as R's <c>cor</c> does).
    /// </summary>
    /// <param name="consensus">n x n consensus matrix with entries in [0, 1].</param>
    public static double CopheneticCorrelation(double[,] consensus)
    {
        var distances = Distances(consensus);
        var cophenetic = Dendrogram.AverageLinkage(distances).CopheneticDistances();
        return PairCorrelation(distances, cophenetic);
    }

    /// <summary>
    /// Dispersion of a consensus matrix (Kim &amp; Park 2007, Bioinformatics 23:1495, eq. 9):
    /// ρ = (1 / n²) Σᵢⱼ 4 (Cᵢⱼ − ½)², 1 when every entry is 0 or 1, 0 when every entry is ½.
    /// </summary>
    /// <param name="consensus">n x n consensus matrix.</param>
    public static double Dispersion(double[,] consensus)
    {
        int n = CheckSquare(consensus);
        double sum = 0;
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double c = consensus[i, j] - 0.5;
                sum += 4 * c * c;
            }
        }

        return n == 0 ? double.NaN : sum / ((double)n * n);
    }

    /// <summary>
    /// Mean silhouette width (Rousseeuw 1987) of a clustering under the given distances, as R's
    /// <c>cluster::silhouette</c>: s(i) = (b − a) / max(a, b) with a the mean distance to the rest of i's cluster and
    /// b the smallest mean distance to another cluster; s(i) = 0 when i is alone in its cluster.
    /// </summary>
    /// <param name="distances">n x n distances.</param>
    /// <param name="labels">Cluster of each item, 0-based.</param>
    public static double Silhouette(double[,] distances, IReadOnlyList<int> labels) =>
        SilhouetteWidths(distances, labels).DefaultIfEmpty(double.NaN).Average();

    /// <summary>The silhouette width s(i) of every item (see <see cref="Silhouette"/>).</summary>
    /// <param name="distances">n x n distances.</param>
    /// <param name="labels">Cluster of each item, 0-based.</param>
    public static double[] SilhouetteWidths(double[,] distances, IReadOnlyList<int> labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        int n = CheckSquare(distances);
        if (labels.Count != n)
        {
            throw new ArgumentException($"labels has {labels.Count} entries, distances are {n} x {n}.", nameof(labels));
        }

        int clusters = n == 0 ? 0 : labels.Max() + 1;
        var size = new int[clusters];
        foreach (int l in labels)
        {
            size[l]++;
        }

        var widths = new double[n];
        var sums = new double[clusters];
        for (int i = 0; i < n; i++)
        {
            Array.Clear(sums);
            for (int j = 0; j < n; j++)
            {
                if (j != i)
                {
                    sums[labels[j]] += distances[i, j];
                }
            }

            int own = labels[i];
            if (size[own] == 1 || clusters < 2)
            {
                widths[i] = 0;
                continue;
            }

            double a = sums[own] / (size[own] - 1);
            double b = double.PositiveInfinity;
            for (int c = 0; c < clusters; c++)
            {
                if (c != own && size[c] > 0)
                {
                    b = Math.Min(b, sums[c] / size[c]);
                }
            }

            double scale = Math.Max(a, b);
            widths[i] = scale == 0 ? 0 : (b - a) / scale;
        }

        return widths;
    }

    /// <summary>The distances 1 − Cᵢⱼ (zero diagonal) that the clustering of a consensus matrix works on.</summary>
    /// <param name="consensus">n x n consensus matrix.</param>
    public static double[,] Distances(double[,] consensus)
    {
        int n = CheckSquare(consensus);
        var d = new double[n, n];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                d[i, j] = i == j ? 0 : 1 - consensus[i, j];
            }
        }

        return d;
    }

    private static double PairCorrelation(double[,] a, double[,] b)
    {
        int n = a.GetLength(0);
        long pairs = (long)n * (n - 1) / 2;
        if (pairs < 2)
        {
            return double.NaN;
        }

        double meanA = 0, meanB = 0;
        for (int i = 0; i < n; i++)
        {
            for (int j = i + 1; j < n; j++)
            {
                meanA += a[i, j];
                meanB += b[i, j];
            }
        }

        meanA /= pairs;
        meanB /= pairs;
        double sab = 0, saa = 0, sbb = 0;
        for (int i = 0; i < n; i++)
        {
            for (int j = i + 1; j < n; j++)
            {
                double da = a[i, j] - meanA, db = b[i, j] - meanB;
                sab += da * db;
                saa += da * da;
                sbb += db * db;
            }
        }

        return saa == 0 || sbb == 0 ? double.NaN : sab / Math.Sqrt(saa * sbb);
    }

    private static int CheckSquare(double[,] m)
    {
        ArgumentNullException.ThrowIfNull(m);
        int n = m.GetLength(0);
        if (m.GetLength(1) != n)
        {
            throw new ArgumentException($"expected a square matrix, got {n} x {m.GetLength(1)}.", nameof(m));
        }

        return n;
    }
}
