using System.Numerics;
using Nmf.Matrices;

namespace Nmf.Decomposition;

/// <summary>
/// Latent semantic analysis (Deerwester, Dumais, Furnas, Landauer &amp; Harshman 1990): the truncated SVD of a
/// documents x terms (TF-IDF) matrix, without centring. Its topics are signed combinations of terms, to set
/// beside NMF's non-negative topics.
/// </summary>
public static class Lsa
{
    /// <summary>Fits LSA with k topics by scikit-learn's <c>TruncatedSVD</c> (randomized, 5 power iterations).</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="documentTerm">Documents x terms, typically TF-IDF, dense or CSR.</param>
    /// <param name="k">Number of topics.</param>
    /// <param name="randomState">Seed (NumPy's RandomState); null draws one.</param>
    /// <param name="threads">Threads for the matrix products; 0 uses every core.</param>
    public static LsaModel<T> Fit<T>(IMatrix<T> documentTerm, int k, int? randomState = null, int threads = 0)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var svd = new TruncatedSvd<T>(k, randomState: randomState, threads: threads);
        var coordinates = svd.FitTransform(documentTerm);
        return new LsaModel<T>(svd.Components, coordinates, svd.SingularValues, svd.ExplainedVarianceRatio);
    }
}

/// <summary>A fitted LSA model.</summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
/// <param name="Topics">k x terms: each row a signed topic (a right singular vector).</param>
/// <param name="DocumentCoordinates">documents x k: each document's coordinates on the topics, X · Vᵀ.</param>
/// <param name="SingularValues">The k singular values.</param>
/// <param name="ExplainedVarianceRatio">Share of the term variance each topic explains.</param>
public sealed record LsaModel<T>(DenseMatrix<T> Topics, DenseMatrix<T> DocumentCoordinates, T[] SingularValues, T[] ExplainedVarianceRatio)
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>The <paramref name="count"/> terms of largest weight magnitude in a topic, with their signed weights.</summary>
    /// <param name="topic">Topic index, 0 ≤ topic &lt; k.</param>
    /// <param name="count">How many terms.</param>
    /// <param name="vocabulary">The term of each column.</param>
    public IReadOnlyList<(string Term, T Weight)> TopTerms(int topic, int count, IReadOnlyList<string> vocabulary)
    {
        ArgumentNullException.ThrowIfNull(vocabulary);
        ArgumentOutOfRangeException.ThrowIfNegative(topic);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(topic, Topics.Rows);
        if (vocabulary.Count != Topics.Cols)
        {
            throw new ArgumentException($"vocabulary has {vocabulary.Count} terms, the topics {Topics.Cols}.", nameof(vocabulary));
        }

        var row = Topics.Row(topic).ToArray();
        return Enumerable.Range(0, row.Length)
            .OrderByDescending(j => T.Abs(row[j]))
            .ThenBy(j => j)
            .Take(count)
            .Select(j => (vocabulary[j], row[j]))
            .ToList();
    }
}
