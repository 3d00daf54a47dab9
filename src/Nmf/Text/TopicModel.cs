using System.Numerics;
using Nmf.Matrices;

namespace Nmf.Text;

/// <summary>One term of a topic and its weight in the topic's row of H.</summary>
/// <param name="Term">The vocabulary term.</param>
/// <param name="Weight">H[topic, term].</param>
public readonly record struct TopicTerm(string Term, double Weight);

/// <summary>A topic: a row of H read as words.</summary>
/// <param name="Index">The topic's row in H (0-based).</param>
/// <param name="Share">
/// The topic's part of the reconstructed corpus: Σ_i W_ik · Σ_j H_kj over Σ of that over all topics (the topics'
/// shares add up to 1, since the entries of WH sum to Σ_k (Σ_i W_ik)(Σ_j H_kj)).
/// </param>
/// <param name="Terms">The highest-weighted terms with a positive weight, heaviest first (ties: vocabulary order).</param>
public sealed record Topic(int Index, double Share, IReadOnlyList<TopicTerm> Terms);

/// <summary>How documents belong to topics.</summary>
public sealed class TopicAssignments
{
    internal TopicAssignments(DenseMatrix<double> memberships, int[] clusters, double[] clusterMembership)
    {
        Memberships = memberships;
        Clusters = clusters;
        ClusterMembership = clusterMembership;
    }

    /// <summary>
    /// Documents x topics: each row of W divided by its sum, so a document's memberships add up to 1. A document
    /// with no vocabulary term has a zero row of W and keeps zero memberships.
    /// </summary>
    public DenseMatrix<double> Memberships { get; }

    /// <summary>Hard cluster of each document: the topic of largest membership (the first on ties); -1 for a document with no vocabulary term.</summary>
    public IReadOnlyList<int> Clusters { get; }

    /// <summary>The membership of each document in its cluster (0 for cluster -1).</summary>
    public IReadOnlyList<double> ClusterMembership { get; }

    /// <summary>Fuzzy memberships and hard clusters from W (documents x topics).</summary>
    public static TopicAssignments FromWeights<T>(DenseMatrix<T> w) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(w);
        var memberships = new DenseMatrix<double>(w.Rows, w.Cols);
        var clusters = new int[w.Rows];
        var best = new double[w.Rows];
        for (int i = 0; i < w.Rows; i++)
        {
            var row = w.Row(i);
            double sum = 0.0;
            foreach (var v in row)
            {
                sum += double.CreateChecked(v);
            }

            clusters[i] = -1;
            if (sum <= 0.0)
            {
                continue;
            }

            var target = memberships.Row(i);
            for (int k = 0; k < row.Length; k++)
            {
                target[k] = double.CreateChecked(row[k]) / sum;
                if (clusters[i] < 0 || target[k] > best[i])
                {
                    clusters[i] = k;
                    best[i] = target[k];
                }
            }
        }

        return new TopicAssignments(memberships, clusters, best);
    }
}

/// <summary>
/// Topic modelling with NMF: documents → <see cref="TextVectorizer"/> (TF-IDF or counts) → X ≈ W H with
/// <see cref="NmfEstimator{T}"/>. Rows of H are topics (read through their heaviest terms), rows of W say how much
/// of each topic a document holds. New documents are placed in the same topics by vectorising them with the saved
/// vocabulary and idf and solving for W with H fixed (<see cref="NmfEstimator{T}.Transform"/>).
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
public sealed class TopicModel<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private TopicModel(TextVectorizer vectorizer, NmfEstimator<T> estimator, TopicAssignments? assignments)
    {
        Vectorizer = vectorizer;
        Estimator = estimator;
        Assignments = assignments;
    }

    /// <summary>The fitted vectorizer (vocabulary, idf).</summary>
    public TextVectorizer Vectorizer { get; }

    /// <summary>The fitted (or restored) NMF; its <see cref="NmfEstimator{T}.Components"/> are the topics.</summary>
    public NmfEstimator<T> Estimator { get; }

    /// <summary>Memberships and clusters of the documents of the fit; null for a restored model.</summary>
    public TopicAssignments? Assignments { get; }

    /// <summary>Vectorises <paramref name="documents"/> and factorises the documents x terms matrix.</summary>
    /// <param name="documents">The texts.</param>
    /// <param name="vectorizer">Vectorizer settings.</param>
    /// <param name="nmf">NMF settings; <see cref="NmfOptions.NComponents"/> is the number of topics.</param>
    /// <param name="w0">Starting W (documents x topics) for <see cref="NmfInit.Custom"/>.</param>
    /// <param name="h0">Starting H (topics x terms) for <see cref="NmfInit.Custom"/>.</param>
    /// <param name="progress">Receives each NMF iteration.</param>
    /// <param name="cancellationToken">Stops the fit.</param>
    /// <exception cref="NmfInputException">No usable term, or more topics than terms.</exception>
    public static TopicModel<T> Fit(
        IReadOnlyList<string> documents,
        TextVectorizerOptions vectorizer,
        NmfOptions nmf,
        DenseMatrix<T>? w0 = null,
        DenseMatrix<T>? h0 = null,
        IProgress<NmfIteration>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(nmf);
        var textVectorizer = new TextVectorizer(vectorizer);
        var x = textVectorizer.FitTransform<T>(documents);
        if (nmf.NComponents > x.Cols)
        {
            throw new NmfInputException($"k = {nmf.NComponents} topics is more than the {x.Cols} terms of the vocabulary; lower k or min_df.");
        }

        if (x.Values.Length == 0)
        {
            throw new NmfInputException("every document is empty after stop words and pruning.");
        }

        var estimator = new NmfEstimator<T>(nmf);
        var w = estimator.FitTransform(x, w0, h0, progress, cancellationToken);
        return new TopicModel<T>(textVectorizer, estimator, TopicAssignments.FromWeights(w));
    }

    /// <summary>A model from a fitted vectorizer and an estimator holding the components (for example read from disk).</summary>
    public static TopicModel<T> FromParts(TextVectorizer vectorizer, NmfEstimator<T> estimator)
    {
        ArgumentNullException.ThrowIfNull(vectorizer);
        ArgumentNullException.ThrowIfNull(estimator);
        if (estimator.Components.Cols != vectorizer.Vocabulary.Count)
        {
            throw new NmfInputException($"the components have {estimator.Components.Cols} terms, the vocabulary {vectorizer.Vocabulary.Count}.");
        }

        return new TopicModel<T>(vectorizer, estimator, null);
    }

    /// <summary>Each topic's heaviest <paramref name="topTerms"/> terms and its share (shares need the W of a fit; null otherwise).</summary>
    public IReadOnlyList<Topic> Topics(int topTerms)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(topTerms, 1);
        var h = Estimator.Components;
        var vocabulary = Vectorizer.Vocabulary;
        var mass = new double[h.Rows];
        if (Assignments is not null)
        {
            var w = Estimator.W;
            for (int k = 0; k < h.Rows; k++)
            {
                double rowSum = 0.0, colSum = 0.0;
                foreach (var v in h.Row(k))
                {
                    rowSum += double.CreateChecked(v);
                }

                for (int i = 0; i < w.Rows; i++)
                {
                    colSum += double.CreateChecked(w[i, k]);
                }

                mass[k] = rowSum * colSum;
            }
        }

        double total = mass.Sum();
        var topics = new Topic[h.Rows];
        for (int k = 0; k < h.Rows; k++)
        {
            var row = h.Row(k).ToArray();
            var order = Enumerable.Range(0, row.Length)
                .Where(j => row[j] > T.Zero)
                .OrderByDescending(j => row[j])
                .ThenBy(j => j)
                .Take(topTerms)
                .Select(j => new TopicTerm(vocabulary[j], double.CreateChecked(row[j])))
                .ToArray();
            topics[k] = new Topic(k, total > 0.0 ? mass[k] / total : double.NaN, order);
        }

        return topics;
    }

    /// <summary>Places new documents in the fitted topics: vectorised with the saved vocabulary and idf, W solved with H fixed.</summary>
    public TopicAssignments Transform(IReadOnlyList<string> documents)
    {
        var x = Vectorizer.Transform<T>(documents);
        return TopicAssignments.FromWeights(Estimator.Transform(x));
    }
}
