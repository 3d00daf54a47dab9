namespace Nmf.Metrics;

/// <summary>
/// Counts of items by (true class, cluster): <c>Counts[i, j]</c> items of class <c>Classes[i]</c> in cluster
/// <c>Clusters[j]</c>, classes and clusters each sorted (ordinal), as scikit-learn's <c>contingency_matrix</c>.
/// </summary>
public sealed class ContingencyTable
{
    private ContingencyTable(string[] classes, string[] clusters, long[,] counts, int total)
    {
        Classes = classes;
        Clusters = clusters;
        Counts = counts;
        Total = total;
    }

    /// <summary>The distinct true labels, sorted.</summary>
    public IReadOnlyList<string> Classes { get; }

    /// <summary>The distinct cluster labels, sorted.</summary>
    public IReadOnlyList<string> Clusters { get; }

    /// <summary>Items per (class, cluster).</summary>
    public long[,] Counts { get; }

    /// <summary>Number of items.</summary>
    public int Total { get; }

    /// <summary>Builds the table of two labelings of the same items.</summary>
    public static ContingencyTable Create<TTrue, TPred>(IReadOnlyList<TTrue> truth, IReadOnlyList<TPred> predicted)
        where TTrue : notnull
        where TPred : notnull
    {
        ArgumentNullException.ThrowIfNull(truth);
        ArgumentNullException.ThrowIfNull(predicted);
        if (truth.Count != predicted.Count)
        {
            throw new ArgumentException($"labelings differ in length: {truth.Count} true labels, {predicted.Count} clusters.", nameof(predicted));
        }

        var t = Encode(truth, out string[] classes);
        var p = Encode(predicted, out string[] clusters);
        var counts = new long[classes.Length, clusters.Length];
        for (int i = 0; i < t.Length; i++)
        {
            counts[t[i], p[i]]++;
        }

        return new ContingencyTable(classes, clusters, counts, t.Length);
    }

    // Labels compare as numbers when all are numbers, otherwise as ordinal strings (as NumPy's unique sorts them).
    private static int[] Encode<TLabel>(IReadOnlyList<TLabel> labels, out string[] distinct) where TLabel : notnull
    {
        var names = labels.Select(l => Convert.ToString(l, System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty).ToArray();
        bool numeric = typeof(TLabel) == typeof(int) || typeof(TLabel) == typeof(long);
        distinct = numeric
            ? labels.Select(l => Convert.ToInt64(l, System.Globalization.CultureInfo.InvariantCulture)).Distinct().Order()
                .Select(v => v.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray()
            : names.Distinct().Order(StringComparer.Ordinal).ToArray();
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < distinct.Length; i++)
        {
            index[distinct[i]] = i;
        }

        return names.Select(n => index[n]).ToArray();
    }

    internal IEnumerable<long> RowSums()
    {
        for (int i = 0; i < Counts.GetLength(0); i++)
        {
            long s = 0;
            for (int j = 0; j < Counts.GetLength(1); j++)
            {
                s += Counts[i, j];
            }

            yield return s;
        }
    }

    internal IEnumerable<long> ColumnSums()
    {
        for (int j = 0; j < Counts.GetLength(1); j++)
        {
            long s = 0;
            for (int i = 0; i < Counts.GetLength(0); i++)
            {
                s += Counts[i, j];
            }

            yield return s;
        }
    }
}

/// <summary>
/// Agreement of a clustering with known classes: purity, normalised mutual information and adjusted Rand index,
/// computed as scikit-learn 1.2 does (<c>normalized_mutual_info_score</c>, <c>adjusted_rand_score</c>).
/// </summary>
public static class ClusteringMetrics
{
    // NumPy's finfo(float64).eps: scikit-learn zeroes mutual-information terms below it.
    private const double MachineEpsilon = 2.220446049250313e-16;

    /// <summary>
    /// Purity (Manning, Raghavan &amp; Schütze 2008, §16.3): the share of items in the majority class of their cluster,
    /// Σ_clusters max_class n_ij / n. In (0, 1]; 1 for one item per cluster, so compare at equal numbers of clusters.
    /// </summary>
    public static double Purity(ContingencyTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        if (table.Total == 0)
        {
            return 1.0;
        }

        long majority = 0;
        for (int j = 0; j < table.Clusters.Count; j++)
        {
            long best = 0;
            for (int i = 0; i < table.Classes.Count; i++)
            {
                best = Math.Max(best, table.Counts[i, j]);
            }

            majority += best;
        }

        return (double)majority / table.Total;
    }

    /// <summary>Mutual information (natural log) between classes and clusters, scikit-learn's <c>mutual_info_score</c>.</summary>
    public static double MutualInformation(ContingencyTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        double n = table.Total;
        var rows = table.RowSums().ToArray();
        var cols = table.ColumnSums().ToArray();
        double logN = Math.Log(n);
        double sumRows = rows.Sum(), sumCols = cols.Sum();
        double mi = 0.0;
        for (int i = 0; i < rows.Length; i++)
        {
            for (int j = 0; j < cols.Length; j++)
            {
                long nij = table.Counts[i, j];
                if (nij == 0)
                {
                    continue;
                }

                // p_ij (ln n_ij − ln n) + p_ij (ln Σa + ln Σb − ln(a_i b_j)): scikit-learn's arrangement of
                // Σ p_ij ln(p_ij / (p_i p_j)).
                double p = nij / n;
                double outer = (double)rows[i] * cols[j];
                double term = p * (Math.Log(nij) - logN) + p * (-Math.Log(outer) + Math.Log(sumRows) + Math.Log(sumCols));
                mi += Math.Abs(term) < MachineEpsilon ? 0.0 : term;
            }
        }

        return Math.Max(mi, 0.0);
    }

    /// <summary>Shannon entropy (natural log) of a labeling given by its class sizes.</summary>
    public static double Entropy(IEnumerable<long> sizes)
    {
        ArgumentNullException.ThrowIfNull(sizes);
        var s = sizes.Where(c => c > 0).ToArray();
        if (s.Length == 0)
        {
            return 1.0;
        }

        double total = s.Sum();
        double logTotal = Math.Log(total);
        double h = 0.0;
        foreach (long c in s)
        {
            h += c / total * (Math.Log(c) - logTotal);
        }

        return -h;
    }

    /// <summary>
    /// Normalised mutual information with arithmetic normalisation (scikit-learn's default): MI / ((H(classes) +
    /// H(clusters)) / 2). 1 when both labelings have a single group; 0 when the mutual information is 0.
    /// </summary>
    public static double NormalizedMutualInformation(ContingencyTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        if (table.Classes.Count == table.Clusters.Count && table.Classes.Count <= 1)
        {
            return 1.0;
        }

        double mi = MutualInformation(table);
        if (mi == 0.0)
        {
            return 0.0;
        }

        double normalizer = (Entropy(table.RowSums()) + Entropy(table.ColumnSums())) / 2.0;
        return mi / normalizer;
    }

    /// <summary>
    /// Adjusted Rand index (Hubert &amp; Arabie 1985) from the pair confusion matrix, as scikit-learn 1.2:
    /// 2 (tp·tn − fn·fp) / ((tp + fn)(fn + tn) + (tp + fp)(fp + tn)); 1 when no pair disagrees.
    /// </summary>
    public static double AdjustedRandIndex(ContingencyTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        Int128 n = table.Total;
        Int128 sumSquares = 0, rowPairs = 0, colPairs = 0;
        var rows = table.RowSums().ToArray();
        var cols = table.ColumnSums().ToArray();
        for (int i = 0; i < rows.Length; i++)
        {
            for (int j = 0; j < cols.Length; j++)
            {
                Int128 c = table.Counts[i, j];
                sumSquares += c * c;
                colPairs += c * cols[j];
                rowPairs += c * rows[i];
            }
        }

        Int128 tp = sumSquares - n;
        Int128 fp = colPairs - sumSquares;
        Int128 fn = rowPairs - sumSquares;
        Int128 tn = n * n - fp - fn - sumSquares;
        if (fn == 0 && fp == 0)
        {
            return 1.0;
        }

        return 2.0 * (double)((tp * tn) - (fn * fp)) / (double)(((tp + fn) * (fn + tn)) + ((tp + fp) * (fp + tn)));
    }

    /// <summary>Purity of <paramref name="clusters"/> against <paramref name="truth"/>.</summary>
    public static double Purity<TTrue, TPred>(IReadOnlyList<TTrue> truth, IReadOnlyList<TPred> clusters)
        where TTrue : notnull where TPred : notnull => Purity(ContingencyTable.Create(truth, clusters));

    /// <summary>Normalised mutual information (arithmetic) of <paramref name="clusters"/> against <paramref name="truth"/>.</summary>
    public static double NormalizedMutualInformation<TTrue, TPred>(IReadOnlyList<TTrue> truth, IReadOnlyList<TPred> clusters)
        where TTrue : notnull where TPred : notnull => NormalizedMutualInformation(ContingencyTable.Create(truth, clusters));

    /// <summary>Adjusted Rand index of <paramref name="clusters"/> against <paramref name="truth"/>.</summary>
    public static double AdjustedRandIndex<TTrue, TPred>(IReadOnlyList<TTrue> truth, IReadOnlyList<TPred> clusters)
        where TTrue : notnull where TPred : notnull => AdjustedRandIndex(ContingencyTable.Create(truth, clusters));
}
