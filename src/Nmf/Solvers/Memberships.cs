using System.Numerics;
using Nmf.Matrices;

namespace Nmf.Solvers;

/// <summary>Clusters of samples read from the factor W: each sample goes to the component of its largest coefficient.</summary>
internal static class Memberships
{
    /// <summary>labels[i] = argmax_c W[i, c]; the first component wins ties (R's <c>which.max</c>).</summary>
    public static void ArgmaxRows<T>(DenseMatrix<T> w, Span<int> labels) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < w.Rows; i++)
        {
            var row = w.Row(i);
            int best = 0;
            for (int c = 1; c < row.Length; c++)
            {
                if (row[c] > row[best])
                {
                    best = c;
                }
            }

            labels[i] = best;
        }
    }

    /// <summary>The argmax cluster of every row of W.</summary>
    public static int[] ArgmaxRows<T>(DenseMatrix<T> w) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var labels = new int[w.Rows];
        ArgmaxRows(w, labels);
        return labels;
    }

    /// <summary>
    /// True when two labelings group the samples identically up to renaming of the clusters, that is when their
    /// connectivity matrices are equal.
    /// </summary>
    public static bool SamePartition(ReadOnlySpan<int> a, ReadOnlySpan<int> b)
    {
        if (a.Length != b.Length)
        {
            return false;
        }

        // A bijection between the label sets exists iff a's label determines b's and b's determines a's.
        var aToB = new Dictionary<int, int>();
        var bToA = new Dictionary<int, int>();
        for (int i = 0; i < a.Length; i++)
        {
            if ((aToB.TryGetValue(a[i], out int mapped) && mapped != b[i]) || (bToA.TryGetValue(b[i], out int back) && back != a[i]))
            {
                return false;
            }

            aToB[a[i]] = b[i];
            bToA[b[i]] = a[i];
        }

        return true;
    }
}
