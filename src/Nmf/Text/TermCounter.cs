namespace Nmf.Text;

/// <summary>
/// Raw term counts of a corpus in CSR layout (documents x term ids), before weighting. Within a row the columns are
/// in order of first appearance until <see cref="Remap"/> or <see cref="SortRows"/> sorts them.
/// </summary>
internal sealed class TermCounts(int rows, int columns, int[] rowPtr, int[] colIndices, int[] counts)
{
    public int Rows { get; } = rows;

    public int Columns { get; } = columns;

    public int[] RowPtr { get; } = rowPtr;

    public int[] ColIndices { get; } = colIndices;

    public int[] Counts { get; } = counts;

    /// <summary>Keeps the columns with <c>newIndex[c] &gt;= 0</c>, renumbered, each row sorted by column.</summary>
    public TermCounts Remap(int[] newIndex, int newColumns)
    {
        var ptr = new int[Rows + 1];
        int w = 0;
        var cols = new int[ColIndices.Length];
        var vals = new int[ColIndices.Length];
        for (int i = 0; i < Rows; i++)
        {
            int rowStart = w;
            for (int p = RowPtr[i]; p < RowPtr[i + 1]; p++)
            {
                int c = newIndex[ColIndices[p]];
                if (c >= 0)
                {
                    cols[w] = c;
                    vals[w] = Counts[p];
                    w++;
                }
            }

            Array.Sort(cols, vals, rowStart, w - rowStart);
            ptr[i + 1] = w;
        }

        return new TermCounts(Rows, newColumns, ptr, cols[..w], vals[..w]);
    }

    /// <summary>Sorts each row by column in place.</summary>
    public TermCounts SortRows()
    {
        for (int i = 0; i < Rows; i++)
        {
            Array.Sort(ColIndices, Counts, RowPtr[i], RowPtr[i + 1] - RowPtr[i]);
        }

        return this;
    }
}

/// <summary>
/// Counts the terms (word n-grams) of documents: tokens by <see cref="WordTokenizer"/>, stop words removed, then
/// n-grams of the remaining tokens joined by one space (scikit-learn's <c>_word_ngrams</c>). Either learns the
/// terms in order of first appearance or counts only those of a fixed vocabulary.
/// </summary>
internal sealed class TermCounter
{
    private const int StopWord = -1;
    private const int Unknown = -2;

    private readonly TextVectorizerOptions _options;
    private readonly bool _frozen;
    private readonly Dictionary<string, int> _lexicon = new(StringComparer.Ordinal);
    private readonly List<string> _terms = [];
    private int[] _documentFrequency = new int[1024];
    private long[] _totalCount = new long[1024];

    public TermCounter(TextVectorizerOptions options, IReadOnlyList<string>? fixedVocabulary)
    {
        _options = options;
        if (fixedVocabulary is not null)
        {
            _frozen = true;
            foreach (string term in fixedVocabulary)
            {
                Add(term);
            }
        }

        if (options.StopWords is not null)
        {
            // Stop words are removed before anything else, so they win over a vocabulary term of the same text.
            foreach (string word in options.StopWords)
            {
                _lexicon[word] = StopWord;
            }
        }
    }

    /// <summary>Number of distinct terms met (fit) or of the fixed vocabulary.</summary>
    public int TermCount => _terms.Count;

    /// <summary>Documents containing each term, by term id.</summary>
    public ReadOnlySpan<int> DocumentFrequency => _documentFrequency.AsSpan(0, _terms.Count);

    /// <summary>Occurrences of each term over the corpus, by term id.</summary>
    public ReadOnlySpan<long> TotalCount => _totalCount.AsSpan(0, _terms.Count);

    /// <summary>The terms by id.</summary>
    public string[] Terms() => [.. _terms];

    public TermCounts Count(IReadOnlyList<string> documents)
    {
        var lookup = _lexicon.GetAlternateLookup<ReadOnlySpan<char>>();
        int n = documents.Count;
        var rowPtr = new int[n + 1];
        var cols = new GrowableArray();
        var counts = new GrowableArray();
        var lowered = new char[4096];
        var key = new char[256];
        var tokens = new List<(int Start, int Length)>();
        var kept = new List<(int Start, int Length, int Id)>();
        var local = new int[Math.Max(_terms.Count, 1024)];
        var touched = new List<int>();
        int minN = _options.NgramMin, maxN = _options.NgramMax;

        for (int d = 0; d < n; d++)
        {
            string document = documents[d] ?? string.Empty;
            ReadOnlySpan<char> text = document;
            if (_options.Lowercase)
            {
                int length = WordTokenizer.Lower(document, ref lowered);
                text = lowered.AsSpan(0, length);
            }

            tokens.Clear();
            WordTokenizer.Tokenize(text, tokens);

            kept.Clear();
            foreach (var (start, length) in tokens)
            {
                int id = lookup.TryGetValue(text.Slice(start, length), out int found) ? found : Unknown;
                if (id != StopWord)
                {
                    kept.Add((start, length, id));
                }
            }

            if (minN == 1)
            {
                foreach (var (start, length, known) in kept)
                {
                    int id = known;
                    if (id == Unknown)
                    {
                        if (_frozen)
                        {
                            continue;
                        }

                        // Unknown when looked up, but an earlier occurrence in this document may have added it since.
                        var token = text.Slice(start, length);
                        if (!lookup.TryGetValue(token, out id))
                        {
                            id = Add(token.ToString());
                        }
                    }

                    Bump(id, ref local, touched);
                }
            }

            for (int size = Math.Max(2, minN); size <= maxN; size++)
            {
                for (int first = 0; first + size <= kept.Count; first++)
                {
                    int length = size - 1;
                    for (int t = first; t < first + size; t++)
                    {
                        length += kept[t].Length;
                    }

                    if (key.Length < length)
                    {
                        key = new char[length * 2];
                    }

                    int w = 0;
                    for (int t = first; t < first + size; t++)
                    {
                        if (t > first)
                        {
                            key[w++] = ' ';
                        }

                        text.Slice(kept[t].Start, kept[t].Length).CopyTo(key.AsSpan(w));
                        w += kept[t].Length;
                    }

                    var gram = key.AsSpan(0, w);
                    if (!lookup.TryGetValue(gram, out int id))
                    {
                        if (_frozen)
                        {
                            continue;
                        }

                        id = Add(gram.ToString());
                    }

                    Bump(id, ref local, touched);
                }
            }

            foreach (int id in touched)
            {
                cols.Add(id);
                counts.Add(local[id]);
                _documentFrequency[id]++;
                _totalCount[id] += local[id];
                local[id] = 0;
            }

            touched.Clear();
            rowPtr[d + 1] = cols.Count;
        }

        return new TermCounts(n, _terms.Count, rowPtr, cols.ToArray(), counts.ToArray());
    }

    private static void Bump(int id, ref int[] local, List<int> touched)
    {
        if (id >= local.Length)
        {
            Array.Resize(ref local, Math.Max(local.Length * 2, id + 1));
        }

        if (local[id]++ == 0)
        {
            touched.Add(id);
        }
    }

    private int Add(string term)
    {
        int id = _terms.Count;
        _lexicon.Add(term, id);
        _terms.Add(term);
        if (id >= _documentFrequency.Length)
        {
            Array.Resize(ref _documentFrequency, _documentFrequency.Length * 2);
            Array.Resize(ref _totalCount, _totalCount.Length * 2);
        }

        return id;
    }

    /// <summary>An append-only int buffer (List&lt;int&gt; without the version checks).</summary>
    private sealed class GrowableArray
    {
        private int[] _items = new int[4096];

        public int Count { get; private set; }

        public void Add(int value)
        {
            if (Count == _items.Length)
            {
                Array.Resize(ref _items, _items.Length * 2);
            }

            _items[Count++] = value;
        }

        public int[] ToArray() => _items[..Count];
    }
}
