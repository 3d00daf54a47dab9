using System.Text.RegularExpressions;
using Nmf.Matrices;
using Xunit;

namespace Nmf.Tests.Cli;

/// <summary>Every command of README.md runs, in order, in a scratch folder that sees the repository's data/.</summary>
public partial class ReadmeTests
{
    private const string RunPrefix = "dotnet run --project src/Nmf.Cli -c Release -- ";

    [Fact]
    public void ReadmeStartsWithTheTopicsAndTheTestCommand()
    {
        var commands = ShellCommands();
        Assert.StartsWith(RunPrefix + "topics data/austen-chapters.tsv", commands[0]);
        Assert.Equal("dotnet test -c Release", commands[1]);
        Assert.Contains("\ndotnet test -c Release", File.ReadAllText(Path.Combine(TestPaths.Root, ".ci", "run")).Replace(" 2>&1", "\n", StringComparison.Ordinal));
    }

    [Fact]
    public void EveryReadmeCommandRuns()
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
        {
            return; // the commands are POSIX shell lines
        }

        using var work = new TempFolder();
        File.CreateSymbolicLink(work.File("data"), Path.Combine(TestPaths.Root, "data"));
        int ran = 0;
        string? firstOutput = null;
        foreach (string command in ShellCommands())
        {
            // Not run here: the test command is what runs this test (and .ci/run runs it, checked above); packing and
            // installing the tool would rebuild the CLI while the tests use it (checked by hand, see the README).
            if (command.StartsWith("dotnet test", StringComparison.Ordinal) || command.StartsWith("dotnet pack", StringComparison.Ordinal)
                || command.StartsWith("dotnet tool", StringComparison.Ordinal))
            {
                continue;
            }

            string line = command.StartsWith(RunPrefix, StringComparison.Ordinal) ? "nmf " + command[RunPrefix.Length..] : command;
            Assert.Contains("nmf ", line + " ");
            var r = CliProcess.RunShell(work.Path, line);
            Assert.True(r.ExitCode == 0, $"{line}\n{r}");
            firstOutput ??= r.Stdout;
            ran++;
        }

        Assert.True(ran >= 12, $"only {ran} README commands ran");
        Assert.Contains("purity 1.0000", firstOutput);
        Assert.True(File.Exists(work.File(Path.Combine("out", "digits", "model.json"))));
        Assert.Equal(38, MatrixReader.Read<double>(work.File(Path.Combine("out", "golub", "W.csv"))).Matrix.Rows);
    }

    [Fact]
    public void ReadmeDigitsFitDrawsTheComponents()
    {
        using var work = new TempFolder();
        var r = CliProcess.Run(TestPaths.Root, ["fit", "data/digits.csv", "-k", "10", "-o", work.Path]);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("component 9", r.Stdout);
        Assert.Contains("relative error", r.Stdout);
        Assert.Equal(string.Empty, r.Stderr); // no progress bar when stderr is not a terminal
    }

    [Fact]
    public void LibraryExampleOfTheReadmeRuns()
    {
        string readme = File.ReadAllText(Path.Combine(TestPaths.Root, "README.md"));
        Assert.Contains("new NmfEstimator<double>(new NmfOptions { NComponents = 10, Solver = NmfSolver.Cd, MaxIter = 200 })", readme);

        // The README's code, with paths made absolute.
        var x = MatrixReader.Read<double>(Path.Combine(TestPaths.Root, "data", "digits.csv")).Matrix;
        var nmf = new NmfEstimator<double>(new NmfOptions { NComponents = 10, Solver = NmfSolver.Cd, MaxIter = 200 });
        DenseMatrix<double> w = nmf.FitTransform(x, cancellationToken: TestContext.Current.CancellationToken);
        DenseMatrix<double> h = nmf.Components;
        using var work = new TempFolder();
        CsvWriter.WriteFile(work.File("H.csv"), h);
        Assert.Equal((1797, 10), (w.Rows, w.Cols));
        Assert.Equal(h.Data, ((DenseMatrix<double>)MatrixReader.Read<double>(work.File("H.csv")).Matrix).Data);
        Assert.True(nmf.NIter > 0 && nmf.ReconstructionError > 0);
    }

    [Fact]
    public async Task WarmupExampleOfTheReadmeRuns()
    {
        string readme = File.ReadAllText(Path.Combine(TestPaths.Root, "README.md"));
        Assert.Contains("var warmup = NmfWarmup.Start<double>(options, sparse: false, read.Token);", readme);

        // The README's code, with the path made absolute; the fit equals one without the warm-up.
        var options = new NmfOptions { NComponents = 10, Solver = NmfSolver.Cd };
        using var read = new CancellationTokenSource();
        var warmup = NmfWarmup.Start<double>(options, sparse: false, read.Token);
        var x = MatrixReader.Read<double>(Path.Combine(TestPaths.Root, "data", "digits.csv")).Matrix;
        await read.CancelAsync();
        await warmup.WaitAsync(TestContext.Current.CancellationToken);
        var w = new NmfEstimator<double>(options with { RandomState = 0 }).FitTransform(x, cancellationToken: TestContext.Current.CancellationToken);
        var again = new NmfEstimator<double>(options with { RandomState = 0 }).FitTransform(x, cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(again.Data, w.Data);
    }

    private static List<string> ShellCommands()
    {
        string readme = File.ReadAllText(Path.Combine(TestPaths.Root, "README.md"));
        var commands = new List<string>();
        foreach (Match block in ShellBlock().Matches(readme))
        {
            commands.AddRange(block.Groups[1].Value.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        }

        return commands;
    }

    [GeneratedRegex("```sh\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex ShellBlock();
}
