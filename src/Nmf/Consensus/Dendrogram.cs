namespace Nmf.Consensus;

/// <summary>
/// An agglomerative hierarchical clustering of n items (R's <c>hclust</c>): n − 1 merges, each joining two clusters
/// at a height, and a leaf order that draws the tree without crossings.
/// </summary>
public sealed class Dendrogram
{
    private Dendrogram(int count, int[] left, int[] right, double[] heights, int[] order)
    {
        Count = count;
        Left = left;
        Right = right;
        Heights = heights;
        Order = order;
    }

    /// <summary>Number of items (leaves).</summary>
    public int Count { get; }

    /// <summary>
    /// First cluster of each merge, in R's <c>merge</c> convention: a negative value −(i + 1) is item i, a positive
    /// value s is the cluster made by merge s − 1.
    /// </summary>
    public IReadOnlyList<int> Left { get; }

    /// <summary>Second cluster of each merge (same convention as <see cref="Left"/>).</summary>
    public IReadOnlyList<int> Right { get; }

    /// <summary>The distance at which each merge happened; non-decreasing for average linkage.</summary>
    public IReadOnlyList<double> Heights { get; }

    /// <summary>The items in dendrogram order (leaves left to right), for ordering heatmap rows and columns.</summary>
    public IReadOnlyList<int> Order { get; }

    /// <summary>
    /// Average-linkage (UPGMA) clustering of a symmetric distance matrix, as R's
    /// <c>hclust(d, method = "average")</c>: the distance between clusters A and B is the mean of d(a, b) over
    /// a ∈ A, b ∈ B, updated by the Lance–Williams formula d(k, i∪j) = (nᵢ d(k, i) + nⱼ d(k, j)) / (nᵢ + nⱼ).
    /// Ties merge the pair that comes first in row-major order, so the result is deterministic.
    /// </summary>
    /// <param name="distances">n x n symmetric distances (the diagonal is ignored).</param>
    public static Dendrogram AverageLinkage(double[,] distances)
    {
        ArgumentNullException.ThrowIfNull(distances);
        int n = distances.GetLength(0);
        if (distances.GetLength(1) != n)
        {
            throw new ArgumentException($"distances must be square, got {n} x {distances.GetLength(1)}.", nameof(distances));
        }

        var d = (double[,])distances.Clone();
        var size = new int[n];
        var id = new int[n];          // current R-convention id of the cluster held in slot i
        var active = new bool[n];
        var nearest = new int[n];     // for active i: the active j > i closest to i (or -1)
        var nearestDistance = new double[n];
        for (int i = 0; i < n; i++)
        {
            size[i] = 1;
            id[i] = -(i + 1);
            active[i] = true;
        }

        for (int i = 0; i < n; i++)
        {
            UpdateNearest(i);
        }

        int merges = Math.Max(n - 1, 0);
        var left = new int[merges];
        var right = new int[merges];
        var heights = new double[merges];
        for (int s = 0; s < merges; s++)
        {
            // The closest pair overall is the closest of the per-slot nearest neighbours (nearest-neighbour list, as
            // in Murtagh's algorithm behind R's hclust).
            int a = -1;
            double best = double.PositiveInfinity;
            for (int i = 0; i < n; i++)
            {
                if (active[i] && nearest[i] >= 0 && (a < 0 || nearestDistance[i] < best))
                {
                    a = i;
                    best = nearestDistance[i];
                }
            }

            int b = nearest[a];
            (left[s], right[s]) = MergeRow(id[a], id[b]);
            heights[s] = best;

            // Slot a holds the union; slot b is retired.
            for (int k = 0; k < n; k++)
            {
                if (active[k] && k != a && k != b)
                {
                    double merged = ((size[a] * d[a, k]) + (size[b] * d[b, k])) / (size[a] + size[b]);
                    d[a, k] = merged;
                    d[k, a] = merged;
                }
            }

            size[a] += size[b];
            active[b] = false;
            id[a] = s + 1;
            for (int i = 0; i < n; i++)
            {
                if (active[i] && (i == a || nearest[i] == a || nearest[i] == b || (i < a && d[i, a] <= nearestDistance[i])))
                {
                    UpdateNearest(i);
                }
            }
        }

        return new Dendrogram(n, left, right, heights, LeafOrder(n, left, right));

        void UpdateNearest(int i)
        {
            nearest[i] = -1;
            nearestDistance[i] = double.PositiveInfinity;
            for (int j = i + 1; j < n; j++)
            {
                if (active[j] && (nearest[i] < 0 || d[i, j] < nearestDistance[i]))
                {
                    nearest[i] = j;
                    nearestDistance[i] = d[i, j];
                }
            }
        }
    }

    /// <summary>
    /// The cophenetic distance of every pair: the height of the merge at which the two items first share a cluster.
    /// </summary>
    public double[,] CopheneticDistances()
    {
        var c = new double[Count, Count];
        var members = new List<int>[Left.Count];
        for (int s = 0; s < Left.Count; s++)
        {
            var a = Members(Left[s], members);
            var b = Members(Right[s], members);
            foreach (int i in a)
            {
                foreach (int j in b)
                {
                    c[i, j] = Heights[s];
                    c[j, i] = Heights[s];
                }
            }

            members[s] = [.. a, .. b];
        }

        return c;
    }

    /// <summary>
    /// Cuts the tree into <paramref name="clusters"/> groups (R's <c>cutree(tree, k)</c>) by undoing the last
    /// merges. Groups are numbered 0, 1, … in the order of their first item.
    /// </summary>
    /// <param name="clusters">Number of groups, between 1 and <see cref="Count"/>.</param>
    public int[] Cut(int clusters)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(clusters, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(clusters, Math.Max(Count, 1));
        var parent = new int[Count];
        for (int i = 0; i < Count; i++)
        {
            parent[i] = i;
        }

        var representative = new int[Left.Count];
        for (int s = 0; s < Count - clusters; s++)
        {
            int a = Find(Representative(Left[s])), b = Find(Representative(Right[s]));
            parent[Math.Max(a, b)] = Math.Min(a, b);
            representative[s] = Math.Min(a, b);
        }

        var labels = new int[Count];
        var number = new Dictionary<int, int>();
        for (int i = 0; i < Count; i++)
        {
            int root = Find(i);
            if (!number.TryGetValue(root, out int label))
            {
                label = number.Count;
                number[root] = label;
            }

            labels[i] = label;
        }

        return labels;

        int Representative(int node) => node < 0 ? -node - 1 : representative[node - 1];

        int Find(int i)
        {
            while (parent[i] != i)
            {
                i = parent[i] = parent[parent[i]];
            }

            return i;
        }
    }

    /// <summary>R's <c>merge</c> row order: a single item before a cluster, lower item before higher, earlier merge first.</summary>
    private static (int First, int Second) MergeRow(int a, int b)
    {
        bool aFirst = (a < 0, b < 0) switch
        {
            (true, false) => true,
            (false, true) => false,
            (true, true) => a > b,
            _ => a < b,
        };
        return aFirst ? (a, b) : (b, a);
    }

    private static List<int> Members(int node, List<int>[] members) => node < 0 ? [-node - 1] : members[node - 1];

    private static int[] LeafOrder(int n, int[] left, int[] right)
    {
        if (n == 0)
        {
            return [];
        }

        if (n == 1)
        {
            return [0];
        }

        // Depth-first from the root, left branch first.
        var order = new List<int>(n);
        var stack = new Stack<int>();
        stack.Push(left.Length);
        while (stack.Count > 0)
        {
            int node = stack.Pop();
            if (node < 0)
            {
                order.Add(-node - 1);
            }
            else
            {
                stack.Push(right[node - 1]);
                stack.Push(left[node - 1]);
            }
        }

        return [.. order];
    }
}
