using System.Globalization;
using Nmf.Tests.Cli;
using Xunit;

namespace Nmf.Tests.Consensus;

public class ConsensusCommandTests
{
    [Fact]
    public void WritesEveryOutputAndPrintsTheSurvey()
    {
        using var dir = new TempFolder();
        string outDir = Path.Combine(dir.Path, "out");
        var result = CliProcess.Run("consensus", Path.Combine(TestPaths.Shared, "data", "golub.csv"), "-k", "2..3", "--runs", "4",
            "--transpose", "--labels", Path.Combine(TestPaths.Shared, "data", "golub-labels.csv"), "-o", outDir);
        Assert.True(result.ExitCode == 0, result.ToString());
        foreach (var k in new[] { 2, 3 })
        {
            foreach (var file in new[] { $"consensus-k{k}.csv", $"consensus-k{k}.png", $"clusters-k{k}.csv" })
            {
                Assert.True(File.Exists(Path.Combine(outDir, file)), file);
            }
        }

        foreach (var file in new[] { "survey.csv", "survey.png", "model.json" })
        {
            Assert.True(File.Exists(Path.Combine(outDir, file)), file);
        }

        var png = File.ReadAllBytes(Path.Combine(outDir, "consensus-k3.png"));
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, png[..4]);

        var survey = File.ReadAllLines(Path.Combine(outDir, "survey.csv"));
        Assert.Equal(3, survey.Length);
        Assert.StartsWith("rank,cophenetic,dispersion", survey[0], StringComparison.Ordinal);
        double cophenetic = double.Parse(survey[2].Split(',')[1], CultureInfo.InvariantCulture);
        Assert.InRange(cophenetic, 0.9, 1.0);

        var clusters = File.ReadAllLines(Path.Combine(outDir, "clusters-k3.csv"));
        Assert.Equal(39, clusters.Length);
        Assert.Equal("ALL_19769_B-cell", clusters[1].Split(',')[0]);
        Assert.Equal("AML", clusters[^1].Split(',')[3]);

        var consensus = File.ReadAllLines(Path.Combine(outDir, "consensus-k3.csv"));
        Assert.Equal(39, consensus.Length);
        Assert.Contains("cophenetic", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void BadRankIsOneLineErrorWithoutOutput()
    {
        using var dir = new TempFolder();
        string outDir = Path.Combine(dir.Path, "out");
        var result = CliProcess.Run("consensus", Path.Combine(TestPaths.Shared, "data", "golub.csv"), "-k", "3..2", "--transpose", "-o", outDir);
        Assert.Equal(2, result.ExitCode);
        Assert.Single(result.StderrLines);
        Assert.False(Directory.Exists(outDir) && Directory.EnumerateFileSystemEntries(outDir).Any());
    }

    [Fact]
    public void CrossvalWithMissingEntriesWritesScoresPerRankAndReplicate()
    {
        using var dir = new TempFolder();
        var random = new Random(4);
        var lines = new List<string> { string.Join(',', Enumerable.Range(1, 12).Select(j => $"f{j}")) };
        for (int i = 0; i < 25; i++)
        {
            double a = random.NextDouble(), b = random.NextDouble();
            lines.Add(string.Join(',', Enumerable.Range(0, 12).Select(j =>
                random.NextDouble() < 0.05 ? "NA" : ((a * ((j % 3) + 0.5)) + (b * ((j % 4) + 0.5))).ToString("R", CultureInfo.InvariantCulture))));
        }

        string input = Path.Combine(dir.Path, "gaps.csv");
        File.WriteAllLines(input, lines);
        string outDir = Path.Combine(dir.Path, "cv");
        var refused = CliProcess.Run("crossval", input, "-k", "1..3", "-o", outDir);
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("NA", refused.Stderr, StringComparison.Ordinal);

        var result = CliProcess.Run("crossval", input, "-k", "1..3", "--reps", "2", "--holdout", "0.1", "--missing", "nan", "-o", outDir);
        Assert.True(result.ExitCode == 0, result.ToString());
        var rows = File.ReadAllLines(Path.Combine(outDir, "crossval.csv"));
        Assert.Equal("rank,replicate,test_error,train_error,iterations,seconds", rows[0]);
        Assert.Equal(7, rows.Length);
        Assert.All(rows.Skip(1), r => Assert.True(double.IsFinite(double.Parse(r.Split(',')[2], CultureInfo.InvariantCulture)), r));
        Assert.True(File.Exists(Path.Combine(outDir, "crossval.png")));
        Assert.Contains("lowest mean test error at k = ", result.Stdout, StringComparison.Ordinal);

        // The data have rank 2: one component cannot predict the hidden entries, two can.
        double MeanTest(int k) => rows.Skip(1).Select(r => r.Split(',')).Where(f => f[0] == $"{k}")
            .Average(f => double.Parse(f[2], CultureInfo.InvariantCulture));
        Assert.True(MeanTest(2) < MeanTest(1) / 2, $"k=1 {MeanTest(1)}, k=2 {MeanTest(2)}");
    }
}
