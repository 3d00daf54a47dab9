using Nmf.Matrices;
using Nmf.Text;
using Xunit;

namespace Nmf.Tests.Text;

public class TextVectorizerTests
{
    private static readonly Lazy<Corpus> Austen = new(() => CorpusReader.Read(Path.Combine(TestPaths.Shared, "data", "austen-chapters.tsv")));

    [Fact]
    public void TfIdfReproducesScikitLearnOnAusten()
    {
        var vectorizer = new TextVectorizer(new TextVectorizerOptions
        {
            MinDf = DocumentFrequencyLimit.Count(2),
            MaxDf = DocumentFrequencyLimit.Proportion(0.95),
            StopWords = EnglishStopWords.Words,
        });
        var x = vectorizer.FitTransform<double>(Austen.Value.Texts);
        AssertSameAsReference(vectorizer, x, "austen-tfidf.mtx", "austen-vocab.txt");
    }

    [Fact]
    public void BigramCountsReproduceScikitLearnOnAusten()
    {
        var vectorizer = new TextVectorizer(new TextVectorizerOptions
        {
            Weighting = TermWeighting.Counts,
            MinDf = DocumentFrequencyLimit.Count(3),
            NgramMax = 2,
            MaxFeatures = 5000,
        });
        var x = vectorizer.FitTransform<double>(Austen.Value.Texts);
        AssertSameAsReference(vectorizer, x, "austen-counts-12gram.mtx", "austen-counts-12gram-vocab.txt");
    }

    private static void AssertSameAsReference(TextVectorizer vectorizer, CsrMatrix<double> x, string matrixFile, string vocabularyFile)
    {
        var expectedVocabulary = File.ReadAllLines(Path.Combine(TestPaths.Shared, "data", vocabularyFile));
        Assert.Equal(expectedVocabulary, vectorizer.Vocabulary);
        var (rows, cols, entries) = MatrixMarketText.Read(Path.Combine(TestPaths.Shared, "data", matrixFile));
        Assert.Equal((rows, cols), (x.Rows, x.Cols));
        Assert.Equal(entries.Count, x.Values.Length);
        for (int i = 0; i < x.Rows; i++)
        {
            for (int p = x.RowPtr[i]; p < x.RowPtr[i + 1]; p++)
            {
                Assert.True(entries.TryGetValue((i, x.ColIndices[p]), out double expected), $"unexpected entry ({i}, {x.ColIndices[p]})");
                Assert.True(Math.Abs(expected - x.Values[p]) <= 1e-12, $"({i}, {x.ColIndices[p]}): {x.Values[p]} vs {expected}");
            }
        }
    }
}
