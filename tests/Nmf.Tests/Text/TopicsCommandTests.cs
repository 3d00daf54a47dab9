using System.Text.Json;
using Nmf.Matrices;
using Nmf.Tests.Cli;
using Xunit;

namespace Nmf.Tests.Text;

public class TopicsCommandTests
{
    private static string Data(string name) => Path.Combine(TestPaths.Shared, "data", name);

    private static JsonElement ReadJson(string path) => JsonDocument.Parse(File.ReadAllText(path)).RootElement;

    private static DenseMatrix<double> ReadCsv(string path, bool header = false, bool rowNames = false) =>
        (DenseMatrix<double>)MatrixReader.Read<double>(path, new MatrixReadOptions { HasHeader = header, HasRowNames = rowNames }).Matrix;

    private static double RelativeDifference(DenseMatrix<double> a, DenseMatrix<double> b)
    {
        Assert.Equal((a.Rows, a.Cols), (b.Rows, b.Cols));
        double diff = 0, norm = 0;
        for (int i = 0; i < a.Data.Length; i++)
        {
            diff += (a.Data[i] - b.Data[i]) * (a.Data[i] - b.Data[i]);
            norm += b.Data[i] * b.Data[i];
        }

        return Math.Sqrt(diff / norm);
    }

    [Fact]
    public void AustenSixTopicsRecoverTheSixNovels()
    {
        using var tmp = new TempFolder();
        var r = CliProcess.Run("topics", Data("austen-chapters.tsv"), "-k", "6", "-o", tmp.File("out"));
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("purity", r.Stdout);
        foreach (string f in new[] { "topics.csv", "doc-topics.csv", "clusters.csv", "vocabulary.txt", "components.csv", "model.json" })
        {
            Assert.True(File.Exists(tmp.File(Path.Combine("out", f))), f);
        }

        var model = ReadJson(tmp.File("out/model.json"));
        Assert.True(model.GetProperty("metrics").GetProperty("purity").GetDouble() >= 0.95);
        Assert.Equal(8997, model.GetProperty("vectorizer").GetProperty("vocabulary_size").GetInt32());
        Assert.Equal(File.ReadAllLines(Data("austen-vocab.txt")), File.ReadAllLines(tmp.File("out/vocabulary.txt")));

        var memberships = ReadCsv(tmp.File("out/doc-topics.csv"), header: true, rowNames: true);
        Assert.Equal((269, 6), (memberships.Rows, memberships.Cols));
        for (int i = 0; i < memberships.Rows; i++)
        {
            Assert.Equal(1.0, memberships.Row(i).ToArray().Sum(), 1e-12);
        }

        var topics = File.ReadAllLines(tmp.File("out/topics.csv"));
        Assert.Equal("topic,rank,term,weight", topics[0]);
        Assert.Equal(1 + (6 * 10), topics.Length);

        // New documents through the saved model: the same chapters land in the same clusters.
        var t = CliProcess.Run("topics", "--model", tmp.File("out"), "--transform", Data("austen-chapters.tsv"), "-o", tmp.File("new"), "--json");
        Assert.True(t.ExitCode == 0, t.ToString());
        Assert.Equal(
            File.ReadAllLines(tmp.File("out/clusters.csv")).Select(l => l.Split(',')[1]),
            File.ReadAllLines(tmp.File("new/clusters.csv")).Select(l => l.Split(',')[1]));
        Assert.True(JsonDocument.Parse(t.Stdout).RootElement.GetProperty("metrics").GetProperty("purity").GetDouble() >= 0.95);
    }

    [Fact]
    public void ReutersTwoTopicsSeparateCrudeFromAcquisitions()
    {
        using var tmp = new TempFolder();
        var r = CliProcess.Run("topics", Data("reuters-crude-acq.tsv"), "-k", "2", "--init", "random", "--seed", "2", "-o", tmp.Path, "--json");
        Assert.True(r.ExitCode == 0, r.ToString());
        double nmi = JsonDocument.Parse(r.Stdout).RootElement.GetProperty("metrics").GetProperty("nmi").GetDouble();
        Assert.True(nmi >= 0.8, $"NMI {nmi}");

        // scikit-learn 1.2.1: TfidfVectorizer(min_df=2, max_df=0.95, stop_words='english') + NMF(2, init='random',
        // random_state=2), argmax of W: NMI 0.8168440917238011.
        Assert.Equal(0.8168440917238011, nmi, 1e-9);
    }

    [Theory]
    [InlineData("austen-tfidf-cd", "cd", "frobenius")]
    [InlineData("austen-tfidf-mu-kl", "mu", "kullback-leibler")]
    public void GoldenAustenCasesReproduceThroughTopics(string name, string solver, string loss)
    {
        string golden = Path.Combine(TestPaths.Shared, "golden", name);
        using var tmp = new TempFolder();
        var r = CliProcess.Run(
            "topics", Data("austen-chapters.tsv"), "-k", "6", "--min-df", "2", "--max-df", "0.95", "--stop-words", "english",
            "--solver", solver, "--loss", loss, "--tol", "0", "--max-iter", "100",
            "--w0", Path.Combine(golden, "W0.csv"), "--h0", Path.Combine(golden, "H0.csv"), "-o", tmp.Path, "--quiet");
        Assert.True(r.ExitCode == 0, r.ToString());
        var expectedH = ReadCsv(Path.Combine(golden, "H.csv"));
        double dh = RelativeDifference(ReadCsv(tmp.File("components.csv")), expectedH);
        Assert.True(dh <= 1e-6, $"H differs from scikit-learn's by {dh:E3} (relative)");

        // doc-topics.csv holds W with rows scaled to sum 1: compare with scikit-learn's W scaled the same way.
        var expectedW = ReadCsv(Path.Combine(golden, "W.csv"));
        for (int i = 0; i < expectedW.Rows; i++)
        {
            var row = expectedW.Row(i);
            double sum = row.ToArray().Sum();
            for (int k = 0; k < row.Length; k++)
            {
                row[k] /= sum;
            }
        }

        double dw = RelativeDifference(ReadCsv(tmp.File("doc-topics.csv"), header: true, rowNames: true), expectedW);
        Assert.True(dw <= 1e-6, $"normalised W differs from scikit-learn's by {dw:E3} (relative)");

        var model = ReadJson(tmp.File("model.json")).GetProperty("nmf");
        var expected = ReadJson(Path.Combine(golden, "case.json"));
        Assert.Equal(100, model.GetProperty("n_iter").GetInt32());
        double err = model.GetProperty("reconstruction_err").GetDouble(), expectedErr = expected.GetProperty("reconstruction_err").GetDouble();
        Assert.True(Math.Abs(err - expectedErr) <= 1e-6 * expectedErr, $"{err} vs {expectedErr}");
    }

    public static TheoryData<string, string, string[], string> BadCorpora => new()
    {
        { "empty.tsv", string.Empty, [], "empty file" },
        { "notext.tsv", "id\tbody\n1\thello world\n", [], "no text column" },
        { "labels.tsv", "id\ttext\n1\thello world\n", ["--label-column", "novel"], "no label column 'novel'" },
        { "stop.tsv", "text\nthe and of\nit is a\n", [], "empty vocabulary" },
        { "small.tsv", "text\nalpha beta\nalpha gamma\nbeta gamma\n", ["-k", "5"], "more than the 3 terms" },
        { "header-only.csv", "id,text\n", [], "no documents" },
    };

    [Theory]
    [MemberData(nameof(BadCorpora))]
    public void BadCorporaAreOneLineErrorsAndWriteNothing(string file, string content, string[] extra, string message)
    {
        using var tmp = new TempFolder();
        File.WriteAllText(tmp.File(file), content);
        var args = new List<string> { "topics", tmp.File(file), "-o", tmp.File("out") };
        if (!extra.Contains("-k"))
        {
            args.AddRange(["-k", "2"]);
        }

        args.AddRange(extra);
        args.AddRange(["--min-df", "1", "--max-df", "1.0"]);
        var r = CliProcess.Run(TestPaths.Root, args);
        Assert.True(r.ExitCode == 2, r.ToString());
        Assert.Single(r.StderrLines);
        Assert.Contains(message, r.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(tmp.File("out")), "the output folder was left behind");
    }

    [Fact]
    public void InvalidUtf8NamesTheFileAndByteOffset()
    {
        using var tmp = new TempFolder();
        string path = tmp.File("bad.txt");
        File.WriteAllBytes(path, [.. "good line\nbad "u8, 0xC3, 0x28, .. " line\n"u8]);
        var r = CliProcess.Run("topics", path, "-k", "1", "-o", tmp.File("out"));
        Assert.True(r.ExitCode == 2, r.ToString());
        Assert.Single(r.StderrLines);
        Assert.Contains("bad.txt: invalid UTF-8 at byte offset 14", r.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(tmp.File("out")));
    }

    [Fact]
    public void ModelWithoutTransformIsAUsageError()
    {
        using var tmp = new TempFolder();
        var r = CliProcess.Run("topics", "--model", tmp.Path, "-o", tmp.File("out"));
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--transform", r.Stderr, StringComparison.Ordinal);
    }
}

public class TopicsCommandFolderTests
{
    [Fact]
    public void FolderCorpusClustersBySubFolderAndListsOnlyPositiveTerms()
    {
        using var tmp = new TempFolder();
        Directory.CreateDirectory(tmp.File("docs/oil"));
        Directory.CreateDirectory(tmp.File("docs/deals"));
        for (int i = 0; i < 3; i++)
        {
            File.WriteAllText(tmp.File($"docs/oil/{i}.txt"), "oil price crude barrel opec");
            File.WriteAllText(tmp.File($"docs/deals/{i}.txt"), "shares acquisition company merger stake");
        }

        var r = CliProcess.Run("topics", tmp.File("docs"), "-k", "2", "--top", "8", "-o", tmp.File("out"));
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("purity 1.0000", r.Stdout);
        var topics = File.ReadAllLines(tmp.File("out/topics.csv")).Skip(1).ToArray();
        Assert.Equal(10, topics.Length); // five terms with a positive weight in each topic, not eight
        Assert.All(topics, line => Assert.True(double.Parse(line.Split(',')[3], System.Globalization.CultureInfo.InvariantCulture) > 0));

        var bad = CliProcess.Run("topics", tmp.File("docs"), "-k", "2", "--label-column", "3", "-o", tmp.File("out2"));
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("tables only", bad.Stderr, StringComparison.Ordinal);
    }
}

public class TopicsCommandCountsModelTests
{
    [Fact]
    public void CountsBigramsAndOwnStopWordsSurviveTheSavedModel()
    {
        using var tmp = new TempFolder();
        File.WriteAllText(tmp.File("stop.txt"), "oil\nshares\n");
        string corpus = Path.Combine(TestPaths.Shared, "data", "reuters-crude-acq.tsv");
        var fit = CliProcess.Run(
            "topics", corpus, "-k", "2", "--tf", "--ngram", "1,2", "--stop-words", tmp.File("stop.txt"), "--min-df", "0.05",
            "--max-df", "10", "--max-features", "300", "--solver", "mu", "--loss", "kl", "--quiet", "-o", tmp.File("model"));
        Assert.True(fit.ExitCode == 0, fit.ToString());
        var vocabulary = File.ReadAllLines(tmp.File("model/vocabulary.txt"));
        Assert.Equal(300, vocabulary.Length);
        Assert.DoesNotContain("oil", vocabulary);
        Assert.Contains(vocabulary, t => t.Contains(' ', StringComparison.Ordinal));

        var placed = CliProcess.Run("topics", "--model", tmp.File("model"), "--transform", corpus, "-o", tmp.File("placed"), "--quiet");
        Assert.True(placed.ExitCode == 0, placed.ToString());
        var memberships = File.ReadAllLines(tmp.File("placed/doc-topics.csv"));
        Assert.Equal(71, memberships.Length);
        Assert.Equal("id,topic_0,topic_1", memberships[0]);
    }
}
