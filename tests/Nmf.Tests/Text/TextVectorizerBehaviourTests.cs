using Nmf.Matrices;
using Nmf.Text;
using Xunit;

namespace Nmf.Tests.Text;

public class TextVectorizerBehaviourTests
{
    private static readonly string[] Fruit = ["apple banana", "Apple cherry", "apple banana date"];

    private static List<string> Vocabulary(TextVectorizerOptions options, IReadOnlyList<string> documents)
    {
        var v = new TextVectorizer(options with { Weighting = TermWeighting.Counts });
        v.Fit(documents);
        return [.. v.Vocabulary];
    }

    [Fact]
    public void DocumentFrequencyBoundsAreCountsOrProportions()
    {
        // df: apple 3, banana 2, cherry 1, date 1.
        var defaults = new TextVectorizerOptions();
        Assert.Equal(["apple", "banana", "cherry", "date"], Vocabulary(defaults, Fruit));
        Assert.Equal(["apple", "banana"], Vocabulary(defaults with { MinDf = DocumentFrequencyLimit.Count(2) }, Fruit));
        Assert.Equal(["banana", "cherry", "date"], Vocabulary(defaults with { MaxDf = DocumentFrequencyLimit.Count(2) }, Fruit));
        Assert.Equal(["cherry", "date"], Vocabulary(defaults with { MaxDf = DocumentFrequencyLimit.Proportion(0.5) }, Fruit));
        Assert.Equal(["apple", "banana"], Vocabulary(defaults with { MinDf = DocumentFrequencyLimit.Proportion(0.6) }, Fruit));
        Assert.Equal(["apple", "banana"], Vocabulary(defaults with { MaxFeatures = 2 }, Fruit));
        Assert.Throws<NmfInputException>(() => Vocabulary(
            defaults with { MinDf = DocumentFrequencyLimit.Count(3), MaxDf = DocumentFrequencyLimit.Count(2) }, Fruit));
    }

    [Fact]
    public void ParseFollowsScikitLearnsIntegerOrFloatRule()
    {
        Assert.Equal(DocumentFrequencyLimit.Count(1), DocumentFrequencyLimit.Parse("1", "min_df"));
        Assert.Equal(DocumentFrequencyLimit.Proportion(1.0), DocumentFrequencyLimit.Parse("1.0", "max_df"));
        Assert.Equal("1.0", DocumentFrequencyLimit.Proportion(1.0).ToString());
        Assert.Throws<NmfInputException>(() => DocumentFrequencyLimit.Parse("1.5", "max_df"));
        Assert.Throws<NmfInputException>(() => DocumentFrequencyLimit.Parse("-2", "min_df"));
    }

    [Fact]
    public void NgramsAreFormedAfterStopWordRemoval()
    {
        var options = new TextVectorizerOptions { StopWords = EnglishStopWords.Words, NgramMin = 2, NgramMax = 2 };
        Assert.Equal(["cat sat", "sat mat"], Vocabulary(options, ["The cat sat on the mat"]));
        Assert.Equal(["cat", "cat sat", "mat", "sat", "sat mat"], Vocabulary(options with { NgramMin = 1 }, ["The cat sat on the mat"]));
    }

    [Fact]
    public void SublinearTfIdfByHand()
    {
        // Two documents; "aa" three times in the first and absent from the second, "bb" once in both.
        var v = new TextVectorizer(new TextVectorizerOptions { SublinearTf = true });
        var x = v.FitTransform<double>(["aa aa aa bb", "bb cc"]).ToDense();
        double idfAa = Math.Log(3.0 / 2.0) + 1.0, idfBb = Math.Log(3.0 / 3.0) + 1.0;
        double a = (1.0 + Math.Log(3.0)) * idfAa, b = idfBb;
        double norm = Math.Sqrt((a * a) + (b * b));
        Assert.Equal(["aa", "bb", "cc"], v.Vocabulary);
        Assert.Equal(a / norm, x[0, 0], 1e-15);
        Assert.Equal(b / norm, x[0, 1], 1e-15);
        Assert.Equal(0.0, x[0, 2]);
        Assert.Equal([idfAa, idfBb, idfAa], v.Idf!);
    }

    [Fact]
    public void TransformOfTheTrainingDocumentsEqualsFitTransform()
    {
        var corpus = CorpusReader.Read(Path.Combine(TestPaths.Shared, "data", "reuters-crude-acq.tsv"));
        var options = new TextVectorizerOptions { StopWords = EnglishStopWords.Words, MinDf = DocumentFrequencyLimit.Count(2), NgramMax = 2 };
        var v = new TextVectorizer(options);
        var fitted = v.FitTransform<double>(corpus.Texts);
        var again = v.Transform<double>(corpus.Texts);
        Assert.Equal(fitted.RowPtr, again.RowPtr);
        Assert.Equal(fitted.ColIndices, again.ColIndices);
        Assert.Equal(fitted.Values, again.Values);

        var restored = TextVectorizer.FromVocabulary(options, v.Vocabulary, v.Idf);
        var unseen = restored.Transform<double>(["oil prices zzzunseen crude oil", "zzzunseen"]);
        Assert.Equal(0, unseen.RowPtr[2] - unseen.RowPtr[1]);
        Assert.Contains(v.Vocabulary.ToList().IndexOf("crude oil"), unseen.ColIndices);
    }

    [Fact]
    public void ThreadsAndElementTypeDoNotChangeTheResult()
    {
        var corpus = CorpusReader.Read(Path.Combine(TestPaths.Shared, "data", "reuters-crude-acq.tsv"));
        var texts = Enumerable.Repeat(corpus.Texts, 80).SelectMany(t => t).ToArray(); // several counting blocks
        var one = new TextVectorizer(new TextVectorizerOptions { Threads = 1 }).FitTransform<double>(texts);
        var many = new TextVectorizer(new TextVectorizerOptions { Threads = 4 }).FitTransform<double>(texts);
        Assert.Equal(one.ColIndices, many.ColIndices);
        Assert.Equal(one.Values, many.Values);
        var single = new TextVectorizer(new TextVectorizerOptions { Threads = 4 }).FitTransform<float>(texts);
        Assert.Equal(one.ColIndices, single.ColIndices);
        for (int p = 0; p < one.Values.Length; p++)
        {
            Assert.Equal((float)one.Values[p], single.Values[p]);
        }
    }

    [Fact]
    public void AssignmentsNormaliseRowsAndMarkEmptyDocuments()
    {
        var w = DenseMatrix<double>.From2D(new double[,] { { 1, 3 }, { 0, 0 }, { 2, 2 } });
        var a = TopicAssignments.FromWeights(w);
        Assert.Equal([0.25, 0.75], a.Memberships.Row(0).ToArray());
        Assert.Equal([1, -1, 0], a.Clusters);
        Assert.Equal([0.75, 0.0, 0.5], a.ClusterMembership);
    }
}
