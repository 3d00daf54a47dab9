using System.CommandLine;
using Nmf.Cli;
using Xunit;

namespace Nmf.Tests.Cli;

/// <summary>How the shared command-line plumbing maps outcomes to exit codes.</summary>
public class CliRuntimeTests
{
    [Fact]
    public void OutcomesMapToExitCodes()
    {
        var root = new RootCommand("test")
        {
            Verb("ok", () => ExitCodes.Ok),
            Verb("input", () => throw new NmfInputException("x.csv, line 3, column 2: negative value -1.")),
            Verb("argument", () => throw new ArgumentOutOfRangeException("alpha", "must be >= 0")),
            Verb("bug", () => throw new InvalidOperationException("unexpected state")),
            Verb("cancel", () => throw new OperationCanceledException()),
        };
        var saved = Console.Error;
        var errors = new StringWriter();
        Console.SetError(errors);
        try
        {
            Assert.Equal(0, CliRuntime.Run(root, ["ok"]));
            Assert.Equal(2, CliRuntime.Run(root, ["input"]));
            Assert.Equal(2, CliRuntime.Run(root, ["argument"]));
            Assert.Equal(1, CliRuntime.Run(root, ["bug"]));
            Assert.Equal(130, CliRuntime.Run(root, ["cancel"]));
            Assert.Equal(2, CliRuntime.Run(root, ["ok", "--nope"]));
        }
        finally
        {
            Console.SetError(saved);
        }

        var lines = errors.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(5, lines.Length);
        Assert.Equal("nmf: x.csv, line 3, column 2: negative value -1.", lines[0]);
        Assert.StartsWith("nmf: must be >= 0", lines[1]);
        Assert.Equal("nmf: internal error: InvalidOperationException: unexpected state", lines[2]);
        Assert.Contains("cancelled", lines[3]);
        Assert.Contains("--nope", lines[4]);
    }

    private static Command Verb(string name, Func<int> action)
    {
        var c = new Command(name);
        c.SetAction(_ => action());
        return c;
    }
}
