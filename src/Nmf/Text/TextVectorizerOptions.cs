using System.Globalization;

namespace Nmf.Text;

/// <summary>How the counts of a term in a document become the matrix entry.</summary>
public enum TermWeighting
{
    /// <summary>Raw counts, as scikit-learn's <c>CountVectorizer</c>; no normalisation.</summary>
    Counts,

    /// <summary>TF-IDF as scikit-learn's <c>TfidfVectorizer</c>: tf · idf, then the rows normalised.</summary>
    TfIdf,
}

/// <summary>
/// A document-frequency bound of scikit-learn's <c>min_df</c>/<c>max_df</c>: an absolute number of documents
/// (an integer there) or a proportion of the documents in [0, 1] (a float there).
/// </summary>
public readonly record struct DocumentFrequencyLimit
{
    private DocumentFrequencyLimit(bool isProportion, double value)
    {
        IsProportion = isProportion;
        Value = value;
    }

    /// <summary>True when <see cref="Value"/> is a proportion of the documents, false when it is a count.</summary>
    public bool IsProportion { get; }

    /// <summary>The count or the proportion.</summary>
    public double Value { get; }

    /// <summary>A bound of <paramref name="documents"/> documents.</summary>
    public static DocumentFrequencyLimit Count(int documents)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(documents);
        return new DocumentFrequencyLimit(false, documents);
    }

    /// <summary>A bound of a proportion in [0, 1] of the documents.</summary>
    public static DocumentFrequencyLimit Proportion(double proportion)
    {
        if (!(proportion >= 0.0 && proportion <= 1.0))
        {
            throw new ArgumentOutOfRangeException(nameof(proportion), proportion, "a document-frequency proportion must be in [0, 1].");
        }

        return new DocumentFrequencyLimit(true, proportion);
    }

    /// <summary>
    /// Parses scikit-learn's convention: an integer ("2") is a count, a number with a decimal point or exponent
    /// ("0.95", "1.0") is a proportion.
    /// </summary>
    public static DocumentFrequencyLimit Parse(string text, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int count))
        {
            return Count(count);
        }

        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double p) && p >= 0.0 && p <= 1.0)
        {
            return Proportion(p);
        }

        throw new NmfInputException($"{parameterName}: '{text}' is neither a document count (a non-negative integer) nor a proportion in [0.0, 1.0].");
    }

    /// <summary>The bound in documents for a corpus of <paramref name="documents"/> documents (a proportion is scaled).</summary>
    public double Resolve(int documents) => IsProportion ? Value * documents : Value;

    /// <inheritdoc />
    public override string ToString() => IsProportion
        ? Value.ToString("0.0###############", CultureInfo.InvariantCulture)
        : ((int)Value).ToString(CultureInfo.InvariantCulture);
}

/// <summary>
/// Settings of <see cref="TextVectorizer"/>, with scikit-learn's <c>TfidfVectorizer</c> defaults (set
/// <see cref="Weighting"/> to <see cref="TermWeighting.Counts"/> for <c>CountVectorizer</c>).
/// </summary>
public sealed record TextVectorizerOptions
{
    /// <summary>Lower-case the text before tokenising (Python's <c>str.lower()</c>); default true.</summary>
    public bool Lowercase { get; init; } = true;

    /// <summary>
    /// Tokens removed before n-grams are formed (scikit-learn's <c>stop_words</c>); null keeps every token.
    /// <see cref="EnglishStopWords.Words"/> is scikit-learn's <c>'english'</c>.
    /// </summary>
    public IReadOnlySet<string>? StopWords { get; init; }

    /// <summary>Terms in fewer documents are dropped (<c>min_df</c>); default a count of 1.</summary>
    public DocumentFrequencyLimit MinDf { get; init; } = DocumentFrequencyLimit.Count(1);

    /// <summary>Terms in more documents are dropped (<c>max_df</c>); default the proportion 1.0.</summary>
    public DocumentFrequencyLimit MaxDf { get; init; } = DocumentFrequencyLimit.Proportion(1.0);

    /// <summary>Keep only this many terms, the most frequent over the corpus (<c>max_features</c>); null keeps all.</summary>
    public int? MaxFeatures { get; init; }

    /// <summary>Smallest n of the word n-grams (<c>ngram_range[0]</c>); default 1.</summary>
    public int NgramMin { get; init; } = 1;

    /// <summary>Largest n of the word n-grams (<c>ngram_range[1]</c>); default 1.</summary>
    public int NgramMax { get; init; } = 1;

    /// <summary>Counts or TF-IDF; default <see cref="TermWeighting.TfIdf"/>.</summary>
    public TermWeighting Weighting { get; init; } = TermWeighting.TfIdf;

    /// <summary>TF-IDF only: smooth idf = ln((1 + n) / (1 + df)) + 1 (<c>smooth_idf</c>); default true. Otherwise ln(n / df) + 1.</summary>
    public bool SmoothIdf { get; init; } = true;

    /// <summary>TF-IDF only: replace tf by 1 + ln(tf) (<c>sublinear_tf</c>); default false.</summary>
    public bool SublinearTf { get; init; }

    /// <summary>TF-IDF only: scale each row to unit Euclidean norm (<c>norm='l2'</c>); default true.</summary>
    public bool L2Normalize { get; init; } = true;

    /// <summary>Threads to use; 0 (default) uses every processor. The result does not depend on it.</summary>
    public int Threads { get; init; }

    /// <summary>Checks the settings; throws <see cref="ArgumentException"/> naming the bad one.</summary>
    public void Validate()
    {
        if (NgramMin < 1 || NgramMax < NgramMin)
        {
            throw new ArgumentException($"ngram range ({NgramMin}, {NgramMax}) must satisfy 1 <= min <= max.", nameof(NgramMin));
        }

        if (Threads < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(Threads), Threads, "threads must be 0 (all processors) or more.");
        }

        if (MaxFeatures is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxFeatures), MaxFeatures, "max_features must be at least 1.");
        }
    }
}
