using Xunit;

namespace Nmf.Tests.Cli;

/// <summary>
/// Every bad input of the command-line contract: exit code 2, exactly one line on stderr naming the problem (file,
/// line and column, or the flag), no stack trace, nothing on stdout and nothing left in the output folder.
/// </summary>
public class CliErrorTests
{
    private static readonly string Digits = Path.Combine("data", "digits.csv");

    [Theory]
    [InlineData("negative.csv", "1,2\n3,-0.5\n", "negative.csv, line 2, column 2: negative value -0.5")]
    [InlineData("nan.csv", "1,2\nNaN,4\n", "nan.csv, line 2, column 1: NaN")]
    [InlineData("inf.csv", "1,inf\n3,4\n", "inf.csv, line 1, column 2: 'inf' is NaN or infinite")]
    [InlineData("empty.csv", "", "empty.csv: empty file")]
    [InlineData("ragged.csv", "1,2,3\n4,5\n", "ragged.csv, line 2: ragged row: 2 fields, expected 3")]
    [InlineData("text.csv", "1,2\n3,four\n", "text.csv, line 2, column 2: non-numeric cell 'four'")]
    [InlineData("truncated.mtx", "%%MatrixMarket matrix coordinate real general\n3 3 4\n1 1 1\n2 2 1\n", "truncated.mtx, line 4: truncated Matrix Market file: 2 of 4 entries")]
    [InlineData("malformed.mtx", "%%MatrixMarket matrix coordinate real general\n3 3 1\n1 one 1\n", "malformed.mtx, line 3: column index 'one' is not an integer")]
    [InlineData("header.npy", "\u0093NUMPY\u0001\u0000\u000f\u0000{'descr': 'xx'}", "header.npy: malformed .npy header")]
    public void BadInputFile(string fileName, string content, string expected)
    {
        using var work = new TempFolder();
        File.WriteAllBytes(work.File(fileName), System.Text.Encoding.Latin1.GetBytes(content));
        AssertInputError(work, [work.File(fileName), "-k", "1"], expected);
    }

    [Fact]
    public void ComponentsNotPositive() => AssertInputError(["data/digits.csv", "-k", "0"], "-k 0: the number of components must be at least 1");

    [Fact]
    public void ComponentsAboveMinShapeWithNndsvd()
        => AssertInputError([Digits, "-k", "65", "--init", "nndsvd"], "-k 65 is larger than min(n_samples, n_features) = 64");

    [Fact]
    public void ZerosWithItakuraSaito()
        => AssertInputError([Digits, "-k", "2", "--solver", "mu", "--loss", "is"], "zero at row 1, column 1: --loss itakura-saito (beta <= 0) needs every value > 0");

    [Fact]
    public void CoordinateDescentWithKullbackLeibler()
        => AssertInputError([Digits, "-k", "2", "--loss", "kl"], "--solver cd works only with --loss frobenius (got --loss kl)");

    [Fact]
    public void StartingFactorsOfTheWrongShape()
    {
        using var work = new TempFolder();
        File.WriteAllText(work.File("x.csv"), "1,2,3\n4,5,6\n");
        File.WriteAllText(work.File("w0.csv"), "1,1\n1,1\n");
        File.WriteAllText(work.File("h0.csv"), "1,1,1\n1,1,1\n1,1,1\n");
        AssertInputError(work, [work.File("x.csv"), "-k", "2", "--w0", work.File("w0.csv"), "--h0", work.File("h0.csv")],
            $"--h0 {work.File("h0.csv")}: shape 3 x 3, expected 2 x 3 (k x n_features)");
    }

    [Fact]
    public void StartingFactorWithoutItsPartner()
        => AssertInputError([Digits, "-k", "2", "--w0", Digits], "--w0 needs --h0");

    [Fact]
    public void UnknownFlag() => AssertInputError([Digits, "-k", "2", "--components-count", "3"], "--components-count");

    [Fact]
    public void UnknownLoss() => AssertInputError([Digits, "-k", "2", "--loss", "cosine"], "--loss cosine: expected frobenius, kl, is or a number");

    [Fact]
    public void UnwritableOutputFolder()
    {
        using var work = new TempFolder();
        File.WriteAllText(work.File("a-file"), "not a folder");
        string outDir = Path.Combine(work.File("a-file"), "out");
        var r = CliProcess.Run(TestPaths.Root, ["fit", Digits, "-k", "2", "-o", outDir]);
        Assert.Equal(2, r.ExitCode);
        Assert.StartsWith($"nmf: -o {outDir}: output folder is not writable", Assert.Single(r.StderrLines));
        Assert.False(Directory.Exists(outDir));
    }

    [Fact]
    public void MissingInputFile() => AssertInputError(["no/such/file.csv", "-k", "2"], "no/such/file.csv: file not found");

    [Fact]
    public void TransformWithoutAModel()
    {
        using var work = new TempFolder();
        string outDir = work.File("out");
        var r = CliProcess.Run(TestPaths.Root, ["transform", Digits, "--model", work.Path, "-o", outDir]);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("no model.json there", Assert.Single(r.StderrLines));
        Assert.False(Directory.Exists(outDir) && Directory.EnumerateFileSystemEntries(outDir).Any());
    }

    private static void AssertInputError(string[] fitArgs, string expected)
    {
        using var work = new TempFolder();
        AssertInputError(work, fitArgs, expected);
    }

    private static void AssertInputError(TempFolder work, string[] fitArgs, string expected)
    {
        string outDir = work.File("out");
        var r = CliProcess.Run(TestPaths.Root, ["fit", .. fitArgs, "-o", outDir]);
        Assert.True(r.ExitCode == 2, r.ToString());
        string line = Assert.Single(r.StderrLines);
        Assert.StartsWith("nmf: ", line);
        Assert.Contains(expected, line);
        Assert.DoesNotContain("   at ", r.Stderr);
        Assert.Equal(string.Empty, r.Stdout);
        Assert.False(Directory.Exists(outDir) && Directory.EnumerateFileSystemEntries(outDir).Any(), "output folder not empty");
    }
}
