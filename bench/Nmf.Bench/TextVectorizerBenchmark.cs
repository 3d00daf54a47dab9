using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Nmf.Text;

namespace Nmf.Bench;

/// <summary>
/// TF-IDF of a one-document-per-line corpus (default /tmp/austen-paragraphs.txt from bench/text/make_corpus.py;
/// NMF_TEXT_CORPUS overrides), the settings of scikit-learn's TfidfVectorizer(min_df=2, max_df=0.95,
/// stop_words='english'); compare with bench/text/sklearn_vectorize.py on the same file.
/// </summary>
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 5)]
public class TextVectorizerBenchmark
{
    private IReadOnlyList<string> _documents = [];

    [GlobalSetup]
    public void Setup()
    {
        string path = Environment.GetEnvironmentVariable("NMF_TEXT_CORPUS") ?? "/tmp/austen-paragraphs.txt";
        _documents = CorpusReader.ReadLines(path).Texts;
    }

    [Benchmark]
    public int FitTransformTfIdf()
    {
        var vectorizer = new TextVectorizer(new TextVectorizerOptions
        {
            MinDf = DocumentFrequencyLimit.Count(2),
            MaxDf = DocumentFrequencyLimit.Proportion(0.95),
            StopWords = EnglishStopWords.Words,
        });
        return vectorizer.FitTransform<double>(_documents).Values.Length;
    }
}
