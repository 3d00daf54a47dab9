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
    public TermCounts Remap(int[] newIndex, int newColumns, ParallelOptions parallel)
    {
        var ptr = new int[Rows + 1];
        Parallel.For(0, Rows, parallel, i =>
        {
            int kept = 0;
            for (int p = RowPtr[i]; p < RowPtr[i + 1]; p++)
            {
                kept += newIndex[ColIndices[p]] >= 0 ? 1 : 0;
            }

            ptr[i + 1] = kept;
        });
        for (int i = 0; i < Rows; i++)
        {
            ptr[i + 1] += ptr[i];
        }

        var cols = new int[ptr[Rows]];
        var vals = new int[ptr[Rows]];
        Parallel.For(0, Rows, parallel, i =>
        {
            int w = ptr[i];
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

            SortRow(cols, vals, ptr[i], ptr[i + 1] - ptr[i]);
        });

        return new TermCounts(Rows, newColumns, ptr, cols, vals);
    }

    /// <summary>Sorts each row by column in place.</summary>
    public TermCounts SortRows(ParallelOptions parallel)
    {
        Parallel.For(0, Rows, parallel, i => SortRow(ColIndices, Counts, RowPtr[i], RowPtr[i + 1] - RowPtr[i]));
        return this;
    }

    private static void SortRow(int[] cols, int[] vals, int start, int length)
    {
        if (length > 24)
        {
            Array.Sort(cols, vals, start, length);
            return;
        }

        for (int i = start + 1; i < start + length; i++)
        {
            int c = cols[i], v = vals[i];
            int j = i - 1;
            while (j >= start && cols[j] > c)
            {
                cols[j + 1] = cols[j];
                vals[j + 1] = vals[j];
                j--;
            }

            cols[j + 1] = c;
            vals[j + 1] = v;
        }
    }
}

/// <summary>
/// Counts the terms (word n-grams) of documents: tokens by <see cref="WordTokenizer"/>, stop words removed, then
/// n-grams of the remaining tokens joined by one space (scikit-learn's <c>_word_ngrams</c>). Either learns the
/// terms or counts only those of a fixed vocabulary. Documents are counted in fixed blocks in parallel, each
/// block with its own term table; the blocks' terms are then merged in block order, so the result does not
/// depend on the number of threads.
/// </summary>
internal sealed class TermCounter
{
    private const int StopWord = -1;
    private const int BlockSize = 2048;

    private readonly TextVectorizerOptions _options;
    private readonly bool _frozen;
    private readonly TermTable _terms = new();
    private readonly List<int> _termEntries = [];
    private int[] _documentFrequency = [];
    private long[] _totalCount = [];

    public TermCounter(TextVectorizerOptions options, IReadOnlyList<string>? fixedVocabulary)
    {
        _options = options;
        if (fixedVocabulary is not null)
        {
            _frozen = true;
            foreach (string term in fixedVocabulary)
            {
                AddTerm(term);
            }
        }

        if (options.StopWords is not null)
        {
            foreach (string word in options.StopWords)
            {
                int hash = TermTable.Hash(word);
                int entry = _terms.Find(word, hash);
                if (entry < 0)
                {
                    _terms.Add(word, hash, StopWord);
                }
                else
                {
                    // Stop words go before anything else, so they win over a vocabulary term of the same text.
                    _terms.SetValue(entry, StopWord);
                }
            }
        }
    }

    /// <summary>Number of distinct terms met (fit) or of the fixed vocabulary.</summary>
    public int TermCount => _termEntries.Count;

    /// <summary>Documents containing each term, by term id.</summary>
    public ReadOnlySpan<int> DocumentFrequency => _documentFrequency.AsSpan(0, TermCount);

    /// <summary>Occurrences of each term over the corpus, by term id.</summary>
    public ReadOnlySpan<long> TotalCount => _totalCount.AsSpan(0, TermCount);

    /// <summary>The terms by id.</summary>
    public string[] Terms() => _termEntries.Select(e => _terms.KeyAt(e).ToString()).ToArray();

    public TermCounts Count(IReadOnlyList<string> documents, ParallelOptions parallel)
    {
        int n = documents.Count;
        int blockCount = (n + BlockSize - 1) / BlockSize;
        var blocks = new BlockCounts[blockCount];
        Parallel.For(0, blockCount, parallel, b =>
            blocks[b] = CountBlock(documents, b * BlockSize, Math.Min(n, (b + 1) * BlockSize)));

        if (!_frozen)
        {
            // Give the blocks' terms global ids, block after block, and renumber their columns.
            var maps = new int[blockCount][];
            for (int b = 0; b < blockCount; b++)
            {
                var block = blocks[b];
                var map = maps[b] = new int[block.TermEntries.Count];
                for (int t = 0; t < map.Length; t++)
                {
                    var key = block.Table!.KeyAt(block.TermEntries[t]);
                    int hash = block.Table.HashAt(block.TermEntries[t]);
                    int entry = _terms.Find(key, hash);
                    map[t] = entry >= 0 ? _terms.ValueAt(entry) : AddTerm(key, hash);
                }
            }

            Parallel.For(0, blockCount, parallel, b =>
            {
                var map = maps[b];
                var cols = blocks[b].Cols;
                for (int p = 0; p < cols.Count; p++)
                {
                    cols.Items[p] = map[cols.Items[p]];
                }
            });
        }

        _documentFrequency = new int[TermCount];
        _totalCount = new long[TermCount];
        var rowPtr = new int[n + 1];
        int total = 0;
        for (int b = 0; b < blockCount; b++)
        {
            var block = blocks[b];
            for (int p = 0; p < block.Cols.Count; p++)
            {
                int c = block.Cols.Items[p];
                _documentFrequency[c]++;
                _totalCount[c] += block.Counts.Items[p];
            }

            int first = b * BlockSize;
            for (int d = 0; d < block.RowLengths.Length; d++)
            {
                rowPtr[first + d + 1] = rowPtr[first + d] + block.RowLengths[d];
            }

            total += block.Cols.Count;
        }

        var allCols = new int[total];
        var allCounts = new int[total];
        Parallel.For(0, blockCount, parallel, b =>
        {
            int offset = rowPtr[b * BlockSize];
            Array.Copy(blocks[b].Cols.Items, 0, allCols, offset, blocks[b].Cols.Count);
            Array.Copy(blocks[b].Counts.Items, 0, allCounts, offset, blocks[b].Counts.Count);
        });

        return new TermCounts(n, TermCount, rowPtr, allCols, allCounts);
    }

    private int AddTerm(ReadOnlySpan<char> term) => AddTerm(term, TermTable.Hash(term));

    private int AddTerm(ReadOnlySpan<char> term, int hash)
    {
        int id = _termEntries.Count;
        _termEntries.Add(_terms.Add(term, hash, id));
        return id;
    }

    /// <summary>
    /// Counts documents [start, end). Learning: terms get block-local ids in a block-local table (seeded with the
    /// stop words). Fixed vocabulary: the shared table is only read and ids are final.
    /// </summary>
    private BlockCounts CountBlock(IReadOnlyList<string> documents, int start, int end)
    {
        TermTable table;
        var termEntries = new List<int>();
        if (_frozen)
        {
            table = _terms;
        }
        else
        {
            table = new TermTable(4096);
            if (_options.StopWords is not null)
            {
                foreach (string word in _options.StopWords)
                {
                    table.Add(word, TermTable.Hash(word), StopWord);
                }
            }
        }

        var result = new BlockCounts(end - start, _frozen ? null : table, termEntries);
        var lowered = new char[4096];
        var key = new char[256];
        var tokens = new List<(int Start, int Length)>();
        var kept = new List<(int Start, int Length)>();
        var local = new int[_frozen ? Math.Max(TermCount, 1) : 4096];
        var touched = new List<int>();
        int minN = _options.NgramMin, maxN = _options.NgramMax;

        for (int d = start; d < end; d++)
        {
            string document = documents[d] ?? string.Empty;
            ReadOnlySpan<char> text = document;
            tokens.Clear();
            if (_options.Lowercase)
            {
                int length = WordTokenizer.LowerAndTokenize(document, ref lowered, tokens);
                text = lowered.AsSpan(0, length);
            }
            else
            {
                WordTokenizer.Tokenize(text, tokens);
            }

            kept.Clear();
            foreach (var (tokenStart, tokenLength) in tokens)
            {
                var token = text.Slice(tokenStart, tokenLength);
                int hash = TermTable.Hash(token);
                int entry = table.Find(token, hash);
                int id = entry >= 0 ? table.ValueAt(entry) : -2;
                if (id == StopWord)
                {
                    continue;
                }

                if (maxN > 1)
                {
                    kept.Add((tokenStart, tokenLength));
                }

                if (minN == 1)
                {
                    if (id < 0 && !_frozen)
                    {
                        id = termEntries.Count;
                        termEntries.Add(table.Add(token, hash, id));
                    }

                    if (id >= 0)
                    {
                        Bump(id, ref local, touched);
                    }
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
                    int hash = TermTable.Hash(gram);
                    int entry = table.Find(gram, hash);
                    int id;
                    if (entry >= 0)
                    {
                        id = table.ValueAt(entry);
                    }
                    else if (_frozen)
                    {
                        continue;
                    }
                    else
                    {
                        id = termEntries.Count;
                        termEntries.Add(table.Add(gram, hash, id));
                    }

                    Bump(id, ref local, touched);
                }
            }

            foreach (int id in touched)
            {
                result.Cols.Add(id);
                result.Counts.Add(local[id]);
                local[id] = 0;
            }

            result.RowLengths[d - start] = touched.Count;
            touched.Clear();
        }

        return result;
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

    /// <summary>The counts of one block of documents.</summary>
    private sealed class BlockCounts(int documents, TermTable? table, List<int> termEntries)
    {
        public int[] RowLengths { get; } = new int[documents];

        public GrowableArray Cols { get; } = new();

        public GrowableArray Counts { get; } = new();

        public TermTable? Table { get; } = table;

        public List<int> TermEntries { get; } = termEntries;
    }

    /// <summary>An append-only int buffer.</summary>
    private sealed class GrowableArray
    {
        public int[] Items { get; private set; } = new int[4096];

        public int Count { get; private set; }

        public void Add(int value)
        {
            if (Count == Items.Length)
            {
                var grown = new int[Items.Length * 2];
                Array.Copy(Items, grown, Count);
                Items = grown;
            }

            Items[Count++] = value;
        }
    }
}
