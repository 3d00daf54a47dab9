using System.Text.Json;
using Xunit;

namespace Nmf.Tests.Cli;

public class InfoCommandTests
{
    [Fact]
    public void InfoDescribesDigits()
    {
        var r = CliProcess.Run("info", "data/digits.csv");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("1797 rows x 64 columns", r.Stdout);
        Assert.Contains("min 0, max 16", r.Stdout);
        Assert.Equal(string.Empty, r.Stderr);
    }

    [Fact]
    public void InfoJsonOfSparseMatrixMarket()
    {
        var r = CliProcess.Run("info", Path.Combine(TestPaths.Shared, "data", "austen-tfidf.mtx"), "--json");
        Assert.True(r.ExitCode == 0, r.ToString());
        using var doc = JsonDocument.Parse(r.Stdout);
        Assert.Equal(269, doc.RootElement.GetProperty("rows").GetInt32());
        Assert.Equal(8997, doc.RootElement.GetProperty("cols").GetInt32());
        Assert.Equal("sparse (CSR)", doc.RootElement.GetProperty("storage").GetString());
    }

    [Fact]
    public void InfoReadsStandardInput()
    {
        var r = CliProcess.Run(TestPaths.Root, ["info", "-", "--json"], stdin: "a\tb\n1\t2\n3\t4\n");
        Assert.True(r.ExitCode == 0, r.ToString());
        using var doc = JsonDocument.Parse(r.Stdout);
        Assert.Equal(2, doc.RootElement.GetProperty("rows").GetInt32());
        Assert.True(doc.RootElement.GetProperty("column_names").GetBoolean());
    }

    [Fact]
    public void InfoOfAnInvalidFileExitsWithCodeTwoAndOneLine()
    {
        var r = CliProcess.Run(TestPaths.Root, ["info", "-"], stdin: "1,2\n3,-4\n");
        Assert.Equal(2, r.ExitCode);
        Assert.Equal("nmf: -, line 2, column 2: negative value -4 (NMF needs every value >= 0).", Assert.Single(r.StderrLines));
    }
}
