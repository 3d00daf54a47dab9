using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Nmf.Cli.Plots;
using Nmf.Consensus;
using Nmf.Matrices;

namespace Nmf.Cli;

/// <summary>
/// <c>nmf consensus INPUT -k 2..6 --runs 10 [--method brunet|lee|cd|mu] [--transpose] [--labels FILE] [--seed S] -o OUTDIR
/// [--json] [--missing nan]</c>: a rank survey with consensus clustering of the samples (rows), as R NMF's <c>nmf(x, 2:6, nrun = 10)</c>.
/// </summary>
internal static class ConsensusCommand
{
    public static Command Create()
    {
        var input = new Argument<string>("INPUT") { Description = "Matrix file, samples as rows (use --transpose for genes x samples)." };
        var ranks = new Option<string>("--ranks", "-k") { Description = "Ranks to survey: K, A..B or a comma list.", Required = true };
        var runs = new Option<int>("--runs") { Description = "Runs from random starts per rank (R NMF's nrun).", DefaultValueFactory = _ => 10 };
        var method = new Option<string>("--method") { Description = "brunet (KL, default), lee (Frobenius), cd or mu.", DefaultValueFactory = _ => "brunet" };
        var transpose = new Option<bool>("--transpose") { Description = "The file holds features x samples (as golub.csv): factorise its transpose." };
        var labels = new Option<string?>("--labels") { Description = "Known classes of the samples: CSV of name,label (header allowed) or one label a line." };
        var labelColumn = new Option<string?>("--label-column") { Description = "Column of --labels holding the class (name or 1-based number; default the second)." };
        var seed = new Option<long>("--seed") { Description = "Base seed of the random starts.", DefaultValueFactory = _ => 123456 };
        var maxIter = new Option<int>("--max-iter") { Description = "Most iterations per run.", DefaultValueFactory = _ => 2000 };
        var missing = CrossvalCommand.MissingOption();
        var dtype = CommonOptions.Dtype();
        var threads = CommonOptions.Threads();
        var output = CommonOptions.Output("Output folder: consensus-k{K}.csv/.png, clusters-k{K}.csv, survey.csv/.png, model.json.");
        var json = CommonOptions.Json();
        var inputFlags = new InputFlags();
        var command = new Command("consensus", "Rank survey by consensus clustering over several runs (Brunet et al. 2004).");
        command.Arguments.Add(input);
        foreach (var option in new Option[] { ranks, runs, method, transpose, labels, labelColumn, seed, maxIter, missing, dtype, threads, output, json })
        {
            command.Options.Add(option);
        }

        inputFlags.AddTo(command);
        command.SetAction(parsed =>
        {
            var rankList = ParseRanks(parsed.GetValue(ranks)!, "-k");
            var options = new ConsensusOptions
            {
                Runs = parsed.GetValue(runs),
                Method = ParseMethod(parsed.GetValue(method)!),
                Seed = parsed.GetValue(seed),
                MaxIter = parsed.GetValue(maxIter),
                Threads = parsed.GetValue(threads),
            };
            if (options.Runs < 1)
            {
                throw new CliUsageException($"--runs {options.Runs}: must be at least 1.");
            }

            using var outDir = OutputDirectory.Prepare(parsed.GetValue(output)!, "--output");
            var readOptions = inputFlags.ToReadOptions(parsed) with { AllowMissing = CrossvalCommand.ParseMissing(parsed.GetValue(missing)) };
            // The survey's kernels are compiled on another core while the input is read.
            bool float32 = CommonOptions.IsFloat32(parsed.GetValue(dtype)!);
            var warmup = float32 ? RankSurvey.StartWarmup<float>(rankList, options) : RankSurvey.StartWarmup<double>(rankList, options);
            var (x, names) = ReadSamples(parsed.GetValue(input)!, readOptions, parsed.GetValue(transpose));
            int maxRank = Math.Min(x.Rows, x.Cols);
            if (rankList.Any(k => k > maxRank))
            {
                throw new CliUsageException($"-k: rank {rankList.Max()} exceeds min(samples, features) = {maxRank}.");
            }

            string? labelsPath = parsed.GetValue(labels);
            var known = labelsPath is null ? null : SampleLabels.Read(labelsPath, names, parsed.GetValue(labelColumn));
            warmup.Wait(CliRuntime.Cancellation);
            var (measures, results) = float32
                ? Survey(x.Convert<float>(), rankList, options, outDir, names, known)
                : Survey(x, rankList, options, outDir, names, known);

            outDir.Stage("survey.csv", s => WriteText(s, SurveyCsv(measures)));
            outDir.Stage("survey.png", s => s.Write(ConsensusPlots.Survey(measures)));
            var model = Model(parsed.GetValue(input)!, options, results, names);
            outDir.Stage("model.json", s => WriteText(s, JsonSerializer.Serialize(model, CliJson.Options)));
            outDir.Commit();

            Console.Out.WriteLine(parsed.GetValue(json) ? JsonSerializer.Serialize(model, CliJson.Options) : SurveyTable(measures, known is not null));
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>Runs the survey in T and stages each rank's files; returns the measures and the per-rank summaries.</summary>
    private static (List<RankMeasures> Measures, List<Dictionary<string, object?>> Ranks) Survey<T>(DenseMatrix<T> x, IReadOnlyList<int> ranks,
        ConsensusOptions options, OutputDirectory outDir, IReadOnlyList<string> names, IReadOnlyList<string>? known)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        var results = RankSurvey.Run(x, ranks, options, CliRuntime.Cancellation);
        var measures = results.Select(r => RankMeasures.Of(r, known)).ToList();
        foreach (var result in results)
        {
            WriteRank(outDir, result, names, known);
        }

        return (measures, [.. results.Select((r, i) => RankSummary(r, measures[i]))]);
    }

    /// <summary>Parses a rank list: "3", "2..6" or "2,3,5".</summary>
    internal static IReadOnlyList<int> ParseRanks(string text, string flag)
    {
        var ranks = new List<int>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var bounds = part.Split("..");
            if (bounds.Length > 2 || !bounds.All(b => int.TryParse(b, NumberStyles.None, CultureInfo.InvariantCulture, out _)))
            {
                throw new CliUsageException($"{flag} {text}: expected a rank K, a range A..B or a comma list.");
            }

            int from = int.Parse(bounds[0], CultureInfo.InvariantCulture), to = int.Parse(bounds[^1], CultureInfo.InvariantCulture);
            if (from < 1 || to < from)
            {
                throw new CliUsageException($"{flag} {text}: ranks must be at least 1 and ranges increasing.");
            }

            ranks.AddRange(Enumerable.Range(from, to - from + 1));
        }

        return ranks.Count > 0 ? [.. ranks.Distinct()] : throw new CliUsageException($"{flag}: no rank given.");
    }

    internal static NmfSolver ParseMethod(string text) => text.ToLowerInvariant() switch
    {
        "brunet" => NmfSolver.Brunet,
        "lee" => NmfSolver.Lee,
        "cd" => NmfSolver.Cd,
        "mu" => NmfSolver.Mu,
        _ => throw new CliUsageException($"--method {text}: expected brunet, lee, cd or mu."),
    };

    /// <summary>Reads INPUT as samples x features (transposed when asked), dense, with sample names (s1, s2, … if the file has none).</summary>
    internal static (DenseMatrix<double> X, IReadOnlyList<string> Names) ReadSamples(string path, MatrixReadOptions readOptions, bool transpose)
    {
        var named = MatrixReader.Read<double>(path, readOptions);
        if (transpose)
        {
            named = named.Transpose();
        }

        var x = named.Matrix as DenseMatrix<double> ?? ((CsrMatrix<double>)named.Matrix).ToDense();
        IReadOnlyList<string> names = named.RowNames ?? [.. Enumerable.Range(1, x.Rows).Select(i => $"s{i}")];
        return (x, names);
    }

    private static void WriteRank<T>(OutputDirectory outDir, ConsensusResult<T> result, IReadOnlyList<string> names, IReadOnlyList<string>? known)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        int n = names.Count, k = result.Rank;
        var consensus = new DenseMatrix<double>(n, n);
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                consensus[i, j] = result.Consensus[i, j];
            }
        }

        outDir.StageCsv($"consensus-k{k}.csv", consensus, names, names);
        outDir.Stage($"consensus-k{k}.png", s => s.Write(ConsensusPlots.Heatmap(result.Consensus, result.Tree.Order, known, k)));
        var clusters = new StringBuilder(known is null ? "sample,consensus_cluster,best_fit_cluster\n" : "sample,consensus_cluster,best_fit_cluster,label\n");
        for (int i = 0; i < n; i++)
        {
            clusters.Append(CultureInfo.InvariantCulture, $"{Csv(names[i])},{result.Clusters[i] + 1},{result.BestFitClusters[i] + 1}");
            clusters.Append(known is null ? "\n" : $",{Csv(known[i])}\n");
        }

        outDir.Stage($"clusters-k{k}.csv", s => WriteText(s, clusters.ToString()));
    }

    private static string SurveyCsv(IReadOnlyList<RankMeasures> rows)
    {
        var sb = new StringBuilder("rank,cophenetic,dispersion,silhouette,rss,loss,sparseness_basis,sparseness_coef,purity,nmi,ari,seconds\n");
        foreach (var r in rows)
        {
            sb.AppendLine(string.Join(',', new[] { r.Rank.ToString(CultureInfo.InvariantCulture) }.Concat(
                new[] { r.Cophenetic, r.Dispersion, r.Silhouette, r.ResidualSumOfSquares, r.Loss, r.SparsenessBasis, r.SparsenessCoefficients, r.Purity, r.Nmi, r.Ari, r.Seconds }
                .Select(CommonOptions.Invariant))));
        }

        return sb.ToString();
    }

    private static string SurveyTable(IReadOnlyList<RankMeasures> rows, bool withLabels)
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"{"rank",4} {"cophenetic",10} {"dispersion",10} {"silhouette",10} {"rss",12} {"loss",12} {"sp.basis",8} {"sp.coef",8}");
        sb.AppendLine(withLabels ? $" {"purity",7} {"NMI",7} {"ARI",7} {"seconds",8}" : $" {"seconds",8}");
        foreach (var r in rows)
        {
            sb.Append(CultureInfo.InvariantCulture, $"{r.Rank,4} {r.Cophenetic,10:F4} {r.Dispersion,10:F4} {r.Silhouette,10:F4} {r.ResidualSumOfSquares,12:G5} {r.Loss,12:G5} {r.SparsenessBasis,8:F4} {r.SparsenessCoefficients,8:F4}");
            sb.AppendLine(withLabels
                ? string.Create(CultureInfo.InvariantCulture, $" {r.Purity,7:F4} {r.Nmi,7:F4} {r.Ari,7:F4} {r.Seconds,8:F3}")
                : string.Create(CultureInfo.InvariantCulture, $" {r.Seconds,8:F3}"));
        }

        return sb.ToString().TrimEnd();
    }

    private static Dictionary<string, object?> Model(string input, ConsensusOptions options, List<Dictionary<string, object?>> ranks,
        IReadOnlyList<string> names) => new()
        {
            ["input"] = input,
            ["samples"] = names.Count,
            ["method"] = options.Method.ToString().ToLowerInvariant(),
            ["runs"] = options.Runs,
            ["seed"] = options.Seed,
            ["max_iter"] = options.MaxIter,
            ["ranks"] = ranks,
        };

    private static Dictionary<string, object?> RankSummary<T>(ConsensusResult<T> r, RankMeasures measures)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T> => new()
        {
            ["rank"] = r.Rank,
            ["cophenetic"] = r.Cophenetic,
            ["dispersion"] = r.Dispersion,
            ["silhouette"] = r.Silhouette,
            ["rss"] = r.ResidualSumOfSquares,
            ["loss"] = r.Loss,
            ["sparseness_basis"] = measures.SparsenessBasis,
            ["sparseness_coef"] = measures.SparsenessCoefficients,
            ["purity"] = measures.Purity,
            ["nmi"] = measures.Nmi,
            ["ari"] = measures.Ari,
            ["best_run"] = r.BestRun,
            ["run_losses"] = r.RunLosses,
            ["run_iterations"] = r.RunIterations,
            ["seconds"] = r.Seconds,
            ["clusters"] = r.Clusters.Select(c => c + 1),
            ["best_fit_clusters"] = r.BestFitClusters.Select(c => c + 1),
        };

    internal static void WriteText(Stream stream, string text)
    {
        var bytes = new UTF8Encoding(false).GetBytes(text);
        stream.Write(bytes);
    }

    private static string Csv(string field) =>
        field.AsSpan().IndexOfAny(",\"\n\r") >= 0 ? $"\"{field.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : field;
}
