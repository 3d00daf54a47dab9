using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Nmf.Consensus;

namespace Nmf.Cli;

/// <summary>
/// <c>nmf crossval INPUT -k 2..10 --holdout 0.05 --reps 3 -o OUTDIR [--transpose] [--missing nan] [--json]</c>: the rank
/// by cross-validation on held-out entries (RcppML's <c>crossValidate</c>).
/// </summary>
internal static class CrossvalCommand
{
    public static Command Create()
    {
        var input = new Argument<string>("INPUT") { Description = "Matrix file, samples as rows (use --transpose for features x samples)." };
        var ranks = new Option<string>("--ranks", "-k") { Description = "Ranks to compare: K, A..B or a comma list.", Required = true };
        var holdout = new Option<double>("--holdout") { Description = "Fraction of entries held out per replicate.", DefaultValueFactory = _ => 0.05 };
        var reps = new Option<int>("--reps") { Description = "Replicates (hold-out sets) per rank.", DefaultValueFactory = _ => 3 };
        var loss = new Option<string>("--loss") { Description = "frobenius (default) or kullback-leibler.", DefaultValueFactory = _ => "frobenius" };
        var transpose = new Option<bool>("--transpose") { Description = "The file holds features x samples: use its transpose." };
        var missing = MissingOption();
        var seed = new Option<long>("--seed") { Description = "Seed of the hold-out sets and starts.", DefaultValueFactory = _ => 123456 };
        var maxIter = new Option<int>("--max-iter") { Description = "Most iterations per fit.", DefaultValueFactory = _ => 500 };
        var threads = CommonOptions.Threads();
        var output = CommonOptions.Output("Output folder: crossval.csv (rank, replicate, test and train error) and crossval.png.");
        var json = CommonOptions.Json();
        var inputFlags = new InputFlags();
        var command = new Command("crossval", "Choose the rank by the error on held-out entries (RcppML's crossValidate).");
        command.Arguments.Add(input);
        foreach (var option in new Option[] { ranks, holdout, reps, loss, transpose, missing, seed, maxIter, threads, output, json })
        {
            command.Options.Add(option);
        }

        inputFlags.AddTo(command);
        command.SetAction(parsed =>
        {
            var rankList = ConsensusCommand.ParseRanks(parsed.GetValue(ranks)!, "-k");
            var options = new CrossValidationOptions
            {
                Holdout = parsed.GetValue(holdout),
                Replicates = parsed.GetValue(reps),
                BetaLoss = parsed.GetValue(loss)!.ToLowerInvariant() switch
                {
                    "frobenius" => 2.0,
                    "kullback-leibler" or "kl" => 1.0,
                    var other => throw new CliUsageException($"--loss {other}: expected frobenius or kullback-leibler."),
                },
                Seed = parsed.GetValue(seed),
                MaxIter = parsed.GetValue(maxIter),
                Threads = parsed.GetValue(threads),
            };
            if (!(options.Holdout > 0 && options.Holdout < 1))
            {
                throw new CliUsageException($"--holdout {options.Holdout}: must be between 0 and 1.");
            }

            if (options.Replicates < 1)
            {
                throw new CliUsageException($"--reps {options.Replicates}: must be at least 1.");
            }

            using var outDir = OutputDirectory.Prepare(parsed.GetValue(output)!, "--output");
            var readOptions = inputFlags.ToReadOptions(parsed) with { AllowMissing = ParseMissing(parsed.GetValue(missing)) };
            var (x, _) = ConsensusCommand.ReadSamples(parsed.GetValue(input)!, readOptions, parsed.GetValue(transpose));
            if (rankList.Max() > Math.Min(x.Rows, x.Cols))
            {
                throw new CliUsageException($"-k: rank {rankList.Max()} exceeds min(samples, features) = {Math.Min(x.Rows, x.Cols)}.");
            }

            var scores = CrossValidation.Run(x, rankList, options, CliRuntime.Cancellation);
            var csv = new StringBuilder("rank,replicate,test_error,train_error,iterations,seconds\n");
            foreach (var s in scores)
            {
                csv.AppendLine(string.Create(CultureInfo.InvariantCulture,
                    $"{s.Rank},{s.Replicate},{CommonOptions.Invariant(s.TestError)},{CommonOptions.Invariant(s.TrainError)},{s.Iterations},{CommonOptions.Invariant(s.Seconds)}"));
            }

            outDir.Stage("crossval.csv", s => ConsensusCommand.WriteText(s, csv.ToString()));
            outDir.Stage("crossval.png", s => s.Write(Plots.ConsensusPlots.CrossValidation(scores)));
            outDir.Commit();

            var byRank = scores.GroupBy(s => s.Rank).Select(g => (Rank: g.Key, Test: g.Average(s => s.TestError), Train: g.Average(s => s.TrainError))).ToList();
            int best = byRank.MinBy(r => r.Test).Rank;
            if (parsed.GetValue(json))
            {
                var summary = new Dictionary<string, object?>
                {
                    ["best_rank"] = best,
                    ["holdout"] = options.Holdout,
                    ["replicates"] = options.Replicates,
                    ["scores"] = scores.Select(s => new Dictionary<string, object?>
                    {
                        ["rank"] = s.Rank, ["replicate"] = s.Replicate, ["test_error"] = s.TestError, ["train_error"] = s.TrainError,
                        ["iterations"] = s.Iterations,
                    }),
                };
                Console.Out.WriteLine(JsonSerializer.Serialize(summary, CliJson.Options));
                return ExitCodes.Ok;
            }

            var table = new StringBuilder(string.Create(CultureInfo.InvariantCulture, $"{"rank",4} {"test MSE",14} {"train MSE",14}  per replicate (test)\n"));
            foreach (var r in byRank)
            {
                var each = string.Join(' ', scores.Where(s => s.Rank == r.Rank).Select(s => s.TestError.ToString("G5", CultureInfo.InvariantCulture)));
                table.AppendLine(string.Create(CultureInfo.InvariantCulture, $"{r.Rank,4} {r.Test,14:G6} {r.Train,14:G6}  {each}"));
            }

            table.Append(CultureInfo.InvariantCulture, $"lowest mean test error at k = {best}");
            Console.Out.WriteLine(table.ToString());
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary><c>--missing nan</c>: NaN, NA and empty cells are missing entries fitted around by the masked solver.</summary>
    internal static Option<string?> MissingOption() =>
        new("--missing") { Description = "nan: read NaN, NA and empty cells as missing entries and fit around them (masked solver)." };

    internal static bool ParseMissing(string? value) => value?.ToLowerInvariant() switch
    {
        null => false,
        "nan" => true,
        _ => throw new CliUsageException($"--missing {value}: the only missing-value marker supported is nan."),
    };
}
