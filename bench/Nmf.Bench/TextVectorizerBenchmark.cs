using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Nmf.Text;

namespace Nmf.Bench;

/// <summary>
/// TF-IDF of a one-document-per-line corpus (default /tmp/austen-paragraphs.txt from bench/text/make_corpus.py;
/// NMF_TEXT_CORPUS overrides), the settings of scikit-learn's TfidfVectorizer(min_df=2, max_df=0.95,
/// stop_words='english'); compare with bench/text/sklearn_vectorize.py on the same file.
/// </summary>
[Config(typeof(Settings))]
public class TextVectorizerBenchmark
{
    private IReadOnlyList<string> _documents = [];

    /// <summary>Threads of the vectorizer: 1, or 0 for every core (scikit-learn uses one).</summary>
    [Params(1, 0)]
    public int Threads { get; set; }

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
            Threads = Threads,
        });
        return vectorizer.FitTransform<double>(_documents).Values.Length;
    }

    /// <summary>One in-process job of 5 measured runs: a run takes about a second, so no unrolling is needed.</summary>
    private sealed class Settings : ManualConfig
    {
        public Settings() => AddJob(Job.Default
            .WithStrategy(RunStrategy.Monitoring)
            .WithLaunchCount(1)
            .WithWarmupCount(1)
            .WithIterationCount(5)
            .WithToolchain(InProcessEmitToolchain.Instance));
    }
}
