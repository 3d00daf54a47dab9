using System.CommandLine;
using System.Globalization;
using Nmf.Matrices;

namespace Nmf.Cli;

/// <summary>Exit codes of every verb.</summary>
internal static class ExitCodes
{
    /// <summary>Success.</summary>
    public const int Ok = 0;

    /// <summary>A bug or an unexpected failure: message on stderr.</summary>
    public const int InternalError = 1;

    /// <summary>Bad input or flags: one line on stderr naming the file/line/column or the flag.</summary>
    public const int InputError = 2;

    /// <summary>Stopped by Ctrl-C (128 + SIGINT), nothing written.</summary>
    public const int Cancelled = 130;
}

/// <summary>
/// A user-facing error with a one-line message (exit code 2). Verbs throw it for bad flags; readers and the estimator
/// throw <see cref="NmfInputException"/>, which is reported the same way.
/// </summary>
internal sealed class CliUsageException(string message) : NmfInputException(message);

/// <summary>Process-wide state every verb shares: Ctrl-C cancellation and whether stderr is a terminal.</summary>
internal static class CliRuntime
{
    private static readonly CancellationTokenSource CancelSource = new();

    /// <summary>Cancelled on the first Ctrl-C; a second Ctrl-C ends the process at once.</summary>
    public static CancellationToken Cancellation => CancelSource.Token;

    /// <summary>Whether a progress display may be drawn: stderr is an interactive terminal.</summary>
    public static bool StderrIsTerminal => !Console.IsErrorRedirected && Environment.GetEnvironmentVariable("NMF_NO_PROGRESS") is null;

    public static void HookCtrlC()
    {
        Console.CancelKeyPress += (_, e) =>
        {
            if (!CancelSource.IsCancellationRequested)
            {
                e.Cancel = true; // stop cleanly: the verb sees the token, deletes its temporary files, exits 130
                CancelSource.Cancel();
            }
        };
    }

    /// <summary>Parses the command line, runs the verb, and maps every outcome to an exit code and at most one line on
    /// stderr (a stack trace only for internal errors, and only with NMF_DEBUG set). No arguments at all print the help
    /// on stdout and exit 0, as <c>--help</c> does: nothing was asked that could fail.</summary>
    public static int Run(Command root, string[] args)
    {
        HookCtrlC();
        if (args.Length == 0)
        {
            args = ["--help"];
        }

        ParseResult parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            // One line: an unknown flag is the most telling error (its value is then also "unrecognized").
            var error = parsed.Errors.FirstOrDefault(e => e.Message.Contains("'-", StringComparison.Ordinal)) ?? parsed.Errors[0];
            Console.Error.WriteLine($"nmf: {OneLine(error.Message)}");
            return ExitCodes.InputError;
        }

        try
        {
            var config = new InvocationConfiguration { EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null };
            return parsed.Invoke(config);
        }
        catch (Exception e) when (IsInputError(e))
        {
            Console.Error.WriteLine($"nmf: {OneLine(e.Message)}");
            return ExitCodes.InputError;
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine("nmf: cancelled; no output written.");
            return ExitCodes.Cancelled;
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"nmf: internal error: {e.GetType().Name}: {OneLine(e.Message)}");
            if (Environment.GetEnvironmentVariable("NMF_DEBUG") is not null)
            {
                Console.Error.WriteLine(e);
            }

            return ExitCodes.InternalError;
        }
    }

    /// <summary>Bad input or parameters: the library's own exception and the argument exceptions it throws for options.</summary>
    public static bool IsInputError(Exception e) => e is NmfInputException or ArgumentException;

    public static string OneLine(string s) => s.ReplaceLineEndings(" ").Trim();
}

/// <summary>Options several verbs share. Each call makes a new option, to be added to one command.</summary>
internal static class CommonOptions
{
    public static Option<bool> Json() => new("--json") { Description = "Print one JSON object on stdout instead of the human summary." };

    public static Option<bool> Quiet() => new("--quiet", "-q") { Description = "No progress bar and no summary (errors still go to stderr)." };

    public static Option<int?> Seed() => new("--seed") { Description = "Random seed (scikit-learn's random_state) for random init and shuffling." };

    public static Option<int> Threads() => new("--threads") { Description = "Threads for the kernels; 0 = all cores. Results do not depend on it.", DefaultValueFactory = _ => 0 };

    public static Option<string> Dtype() => new("--dtype") { Description = "Element type: float64 (default) or float32.", DefaultValueFactory = _ => "float64" };

    public static Option<string> Output(string description) => new("--output", "-o") { Description = description, Required = true };

    /// <summary>Parses --dtype: true for float32.</summary>
    public static bool IsFloat32(string dtype) => dtype.ToLowerInvariant() switch
    {
        "float64" or "double" or "f8" => false,
        "float32" or "float" or "single" or "f4" => true,
        _ => throw new CliUsageException($"--dtype {dtype}: expected float64 or float32."),
    };

    public static string Invariant(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}

/// <summary>The flags that say how to read an input file (<c>--header/--no-header</c>, <c>--row-names/--no-row-names</c>).</summary>
internal sealed class InputFlags
{
    private readonly Option<bool> _header = new("--header") { Description = "The first row holds column names (default: detected)." };
    private readonly Option<bool> _noHeader = new("--no-header") { Description = "The first row is data." };
    private readonly Option<bool> _rowNames = new("--row-names") { Description = "The first column holds row names (default: detected)." };
    private readonly Option<bool> _noRowNames = new("--no-row-names") { Description = "The first column is data." };

    public void AddTo(Command command)
    {
        command.Options.Add(_header);
        command.Options.Add(_noHeader);
        command.Options.Add(_rowNames);
        command.Options.Add(_noRowNames);
    }

    public MatrixReadOptions ToReadOptions(ParseResult parsed)
    {
        return new MatrixReadOptions
        {
            HasHeader = Pick(parsed, _header, _noHeader, "--header", "--no-header"),
            HasRowNames = Pick(parsed, _rowNames, _noRowNames, "--row-names", "--no-row-names"),
            CancellationToken = CliRuntime.Cancellation, // Ctrl-C stops a long read, not only the fit after it
        };
    }

    private static bool? Pick(ParseResult parsed, Option<bool> yes, Option<bool> no, string yesName, string noName)
    {
        bool y = parsed.GetValue(yes), n = parsed.GetValue(no);
        if (y && n)
        {
            throw new CliUsageException($"{yesName} and {noName} contradict each other.");
        }

        return y ? true : n ? false : null;
    }
}
