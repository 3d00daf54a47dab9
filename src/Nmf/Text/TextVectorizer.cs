using System.Numerics;
using Nmf.Matrices;

namespace Nmf.Text;

/// <summary>
/// Turns documents into a documents x terms sparse matrix exactly as scikit-learn 1.2's <c>CountVectorizer</c> and
/// <c>TfidfVectorizer</c> do with their default analyzer: Python lower-casing, tokens <c>(?u)\b\w\w+\b</c>, stop
/// words removed, word n-grams of the remaining tokens, document-frequency and <c>max_features</c> pruning, the
/// vocabulary sorted by code point, then raw counts or tf · idf with l2-normalised rows. Fit learns the vocabulary
/// (and idf); Transform applies them to other documents, ignoring unseen terms.
/// </summary>
public sealed class TextVectorizer
{
    private string[]? _vocabulary;
    private double[]? _idf;

    /// <summary>Creates an unfitted vectorizer.</summary>
    public TextVectorizer(TextVectorizerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
    }

    private ParallelOptions Parallel => new() { MaxDegreeOfParallelism = Options.Threads > 0 ? Options.Threads : Environment.ProcessorCount };

    /// <summary>The settings.</summary>
    public TextVectorizerOptions Options { get; }

    /// <summary>The terms, in column order (code-point order, as scikit-learn's <c>get_feature_names_out()</c>).</summary>
    public IReadOnlyList<string> Vocabulary => _vocabulary ?? throw new InvalidOperationException("the vectorizer is not fitted.");

    /// <summary>The idf of each column (scikit-learn's <c>idf_</c>); null for <see cref="TermWeighting.Counts"/>.</summary>
    public IReadOnlyList<double>? Idf => _vocabulary is null ? throw new InvalidOperationException("the vectorizer is not fitted.") : _idf;

    /// <summary>True once fitted or restored.</summary>
    public bool IsFitted => _vocabulary is not null;

    /// <summary>
    /// Restores a fitted vectorizer from its vocabulary (in column order) and, for TF-IDF, its idf (one per term).
    /// </summary>
    public static TextVectorizer FromVocabulary(TextVectorizerOptions options, IReadOnlyList<string> vocabulary, IReadOnlyList<double>? idf)
    {
        ArgumentNullException.ThrowIfNull(vocabulary);
        var v = new TextVectorizer(options);
        if (options.Weighting == TermWeighting.TfIdf && (idf is null || idf.Count != vocabulary.Count))
        {
            throw new ArgumentException($"TF-IDF needs one idf per term: {vocabulary.Count} terms, {idf?.Count ?? 0} idf values.", nameof(idf));
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (string term in vocabulary)
        {
            if (!seen.Add(term))
            {
                throw new ArgumentException($"the vocabulary repeats the term '{term}'.", nameof(vocabulary));
            }
        }

        v._vocabulary = [.. vocabulary];
        v._idf = options.Weighting == TermWeighting.TfIdf ? [.. idf!] : null;
        return v;
    }

    /// <summary>Learns the vocabulary (and idf) of <paramref name="documents"/>.</summary>
    public TextVectorizer Fit(IReadOnlyList<string> documents)
    {
        _ = FitTransform<double>(documents);
        return this;
    }

    /// <summary>Learns the vocabulary (and idf) and returns the documents x terms matrix of the same documents.</summary>
    /// <exception cref="NmfInputException">No document, or no term left after stop words and pruning.</exception>
    public CsrMatrix<T> FitTransform<T>(IReadOnlyList<string> documents) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(documents);
        if (documents.Count == 0)
        {
            throw new NmfInputException("the corpus has no documents.");
        }

        var counter = new TermCounter(Options, fixedVocabulary: null);
        var counts = counter.Count(documents, Parallel);
        if (counter.TermCount == 0)
        {
            throw new NmfInputException("empty vocabulary: every document is empty or holds only stop words and one-character tokens.");
        }

        int n = documents.Count;
        double maxDocs = Options.MaxDf.Resolve(n), minDocs = Options.MinDf.Resolve(n);
        if (maxDocs < minDocs)
        {
            throw new NmfInputException($"max_df {Options.MaxDf} corresponds to fewer documents than min_df {Options.MinDf}.");
        }

        string[] terms = counter.Terms();
        int[] order = VocabularyPruning.SortedOrder(terms);
        bool[] keep = VocabularyPruning.Select(order, counter.DocumentFrequency, counter.TotalCount, minDocs, maxDocs, Options.MaxFeatures);
        var newIndex = new int[terms.Length];
        Array.Fill(newIndex, -1);
        var kept = new List<string>();
        foreach (int old in order)
        {
            if (keep[old])
            {
                newIndex[old] = kept.Count;
                kept.Add(terms[old]);
            }
        }

        if (kept.Count == 0)
        {
            throw new NmfInputException("after pruning, no terms remain: lower min_df or raise max_df.");
        }

        var remapped = counts.Remap(newIndex, kept.Count, Parallel);
        _vocabulary = [.. kept];
        _idf = Options.Weighting == TermWeighting.TfIdf ? ComputeIdf(remapped, n) : null;
        return Weigh<T>(remapped);
    }

    /// <summary>The documents x terms matrix of new documents with the fitted vocabulary (and idf).</summary>
    public CsrMatrix<T> Transform<T>(IReadOnlyList<string> documents) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(documents);
        var vocabulary = _vocabulary ?? throw new InvalidOperationException("the vectorizer is not fitted.");
        var counter = new TermCounter(Options, vocabulary);
        var counts = counter.Count(documents, Parallel);
        return Weigh<T>(counts.SortRows(Parallel));
    }

    /// <summary>idf = ln((n + s) / (df + s)) + 1 with s = 1 for smooth idf (scikit-learn's TfidfTransformer.fit).</summary>
    private double[] ComputeIdf(TermCounts counts, int documents)
    {
        var df = new long[counts.Columns];
        foreach (int c in counts.ColIndices)
        {
            df[c]++;
        }

        double smooth = Options.SmoothIdf ? 1.0 : 0.0;
        var idf = new double[df.Length];
        for (int j = 0; j < idf.Length; j++)
        {
            idf[j] = Math.Log((documents + smooth) / (df[j] + smooth)) + 1.0;
        }

        return idf;
    }

    private static double Weight(int count, double idf, bool sublinear) => (sublinear ? Math.Log(count) + 1.0 : count) * idf;

    private CsrMatrix<T> Weigh<T>(TermCounts counts) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var values = new T[counts.Counts.Length];
        if (Options.Weighting == TermWeighting.Counts)
        {
            for (int p = 0; p < values.Length; p++)
            {
                values[p] = T.CreateChecked(counts.Counts[p]);
            }
        }
        else
        {
            var idf = _idf!;
            bool sublinear = Options.SublinearTf, normalize = Options.L2Normalize;
            System.Threading.Tasks.Parallel.For(0, counts.Rows, Parallel, i =>
            {
                int start = counts.RowPtr[i], end = counts.RowPtr[i + 1];
                double sumSquares = 0.0;
                for (int p = start; p < end; p++)
                {
                    double v = Weight(counts.Counts[p], idf[counts.ColIndices[p]], sublinear);
                    sumSquares += v * v;
                }

                // scikit-learn's normalize(): rows of norm zero stay zero.
                double norm = normalize && sumSquares > 0.0 ? Math.Sqrt(sumSquares) : 1.0;
                for (int p = start; p < end; p++)
                {
                    values[p] = T.CreateChecked(Weight(counts.Counts[p], idf[counts.ColIndices[p]], sublinear) / norm);
                }
            });
        }

        return new CsrMatrix<T>(counts.Rows, counts.Columns, counts.RowPtr, counts.ColIndices, values, trusted: true);
    }
}
