namespace Nmf.Text;

/// <summary>
/// scikit-learn's vocabulary ordering and pruning (<c>CountVectorizer._sort_features</c> and <c>_limit_features</c>):
/// terms sorted by code point; kept when min_df ≤ df ≤ max_df; with <c>max_features</c>, the most frequent of those,
/// chosen by NumPy's default <c>argsort</c> of the negated corpus frequencies, whose order among equal frequencies
/// decides which tied terms survive the cut.
/// </summary>
internal static class VocabularyPruning
{
    /// <summary>The term ids in code-point order of their text.</summary>
    public static int[] SortedOrder(string[] terms)
    {
        var keys = (string[])terms.Clone();
        var order = new int[terms.Length];
        for (int i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        Array.Sort(keys, order, Comparer<string>.Create(WordTokenizer.CompareCodePoints));
        return order;
    }

    /// <summary>Which term ids (indexed by id) stay in the vocabulary.</summary>
    /// <param name="order">Term ids in vocabulary (sorted) order.</param>
    /// <param name="documentFrequency">Documents containing each term, by id.</param>
    /// <param name="totalCount">Occurrences of each term, by id.</param>
    /// <param name="minDocuments">Smallest document frequency kept.</param>
    /// <param name="maxDocuments">Largest document frequency kept.</param>
    /// <param name="maxFeatures">At most this many terms, or null.</param>
    public static bool[] Select(int[] order, ReadOnlySpan<int> documentFrequency, ReadOnlySpan<long> totalCount,
        double minDocuments, double maxDocuments, int? maxFeatures)
    {
        var keep = new bool[order.Length];
        var candidates = new List<int>();
        foreach (int id in order)
        {
            int df = documentFrequency[id];
            if (df <= maxDocuments && df >= minDocuments)
            {
                keep[id] = true;
                candidates.Add(id);
            }
        }

        if (maxFeatures is int limit && candidates.Count > limit)
        {
            var negatedFrequency = new long[candidates.Count];
            for (int s = 0; s < negatedFrequency.Length; s++)
            {
                negatedFrequency[s] = -totalCount[candidates[s]];
            }

            int[] ranked = NumPySort.ArgSort(negatedFrequency);
            Array.Clear(keep);
            for (int r = 0; r < limit; r++)
            {
                keep[candidates[ranked[r]]] = true;
            }
        }

        return keep;
    }
}

/// <summary>
/// NumPy 1.24's default (<c>kind='quicksort'</c>) argsort of 64-bit integers: an introsort, median-of-three
/// quicksort that hands partitions of at most 16 elements to insertion sort and falls back to heapsort beyond
/// 2·⌊log2 n⌋ levels. Reproduced step for step because it is not stable: which of several equal keys comes first
/// depends on this exact sequence of swaps.
/// </summary>
internal static class NumPySort
{
    private const int SmallPartition = 15;

    /// <summary>The indices that sort <paramref name="values"/> in ascending order, with NumPy's tie order.</summary>
    public static int[] ArgSort(long[] values)
    {
        int n = values.Length;
        var index = new int[n];
        for (int i = 0; i < n; i++)
        {
            index[i] = i;
        }

        if (n < 2)
        {
            return index;
        }

        var stack = new Stack<(int Low, int High, int Depth)>();
        int low = 0, high = n - 1;
        int depth = 2 * (31 - int.LeadingZeroCount(n));
        while (true)
        {
            if (depth < 0)
            {
                HeapSort(values, index, low, high - low + 1);
            }
            else
            {
                while (high - low > SmallPartition)
                {
                    int pivot = Partition(values, index, low, high);

                    // Continue with the smaller side; the larger waits on the stack.
                    if (pivot - low < high - pivot)
                    {
                        stack.Push((pivot + 1, high, --depth));
                        high = pivot - 1;
                    }
                    else
                    {
                        stack.Push((low, pivot - 1, --depth));
                        low = pivot + 1;
                    }
                }

                InsertionSort(values, index, low, high);
            }

            if (stack.Count == 0)
            {
                break;
            }

            (low, high, depth) = stack.Pop();
        }

        return index;
    }

    private static int Partition(long[] v, int[] index, int low, int high)
    {
        int mid = low + ((high - low) >> 1);
        if (v[index[mid]] < v[index[low]])
        {
            Swap(index, mid, low);
        }

        if (v[index[high]] < v[index[mid]])
        {
            Swap(index, high, mid);
        }

        if (v[index[mid]] < v[index[low]])
        {
            Swap(index, mid, low);
        }

        long pivot = v[index[mid]];
        int i = low, j = high - 1;
        Swap(index, mid, j);
        while (true)
        {
            do
            {
                i++;
            }
            while (v[index[i]] < pivot);

            do
            {
                j--;
            }
            while (pivot < v[index[j]]);

            if (i >= j)
            {
                break;
            }

            Swap(index, i, j);
        }

        Swap(index, i, high - 1);
        return i;
    }

    private static void InsertionSort(long[] v, int[] index, int low, int high)
    {
        for (int i = low + 1; i <= high; i++)
        {
            int item = index[i];
            long key = v[item];
            int j = i;
            while (j > low && key < v[index[j - 1]])
            {
                index[j] = index[j - 1];
                j--;
            }

            index[j] = item;
        }
    }

    // Heapsort over index[offset .. offset + n) with 1-based heap positions, as NumPy's aheapsort.
    private static void HeapSort(long[] v, int[] index, int offset, int n)
    {
        for (int l = n >> 1; l > 0; l--)
        {
            SiftDown(v, index, offset, n, l, index[offset + l - 1]);
        }

        while (n > 1)
        {
            int item = index[offset + n - 1];
            index[offset + n - 1] = index[offset];
            n--;
            SiftDown(v, index, offset, n, 1, item);
        }
    }

    // Moves item down from 1-based heap position i of the n-element max-heap at index[offset ..).
    private static void SiftDown(long[] v, int[] index, int offset, int n, int i, int item)
    {
        int At(int position) => index[offset + position - 1];
        void Set(int position, int value) => index[offset + position - 1] = value;

        int j = i << 1;
        while (j <= n)
        {
            if (j < n && v[At(j)] < v[At(j + 1)])
            {
                j++;
            }

            if (v[item] < v[At(j)])
            {
                Set(i, At(j));
                i = j;
                j += j;
            }
            else
            {
                break;
            }
        }

        Set(i, item);
    }

    private static void Swap(int[] index, int a, int b) => (index[a], index[b]) = (index[b], index[a]);
}
