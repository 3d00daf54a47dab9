using System.CommandLine;
using System.Numerics;
using System.Text.Json.Nodes;
using Nmf.Matrices;

namespace Nmf.Cli;

/// <summary>
/// <c>nmf update --model DIR NEW.csv</c>: scikit-learn's <c>partial_fit</c> on new rows, continuing a model written by
/// <c>nmf fit --minibatch</c> (its H and running sums). The new rows are taken in mini-batches of the model's
/// batch size, one <c>partial_fit</c> each, streamed for CSV/TSV. The model folder is updated in place (all or
/// nothing) unless <c>-o</c> names another folder.
/// </summary>
internal static class UpdateCommand
{
    public static Command Create()
    {
        var input = new Argument<string>("NEW") { Description = "New rows with the model's features (.csv, .tsv streamed; .mtx, .npy read whole; optionally .gz)." };
        var model = new Option<string>("--model") { Description = "Folder written by nmf fit --minibatch.", Required = true };
        var output = new Option<string?>("--output", "-o") { Description = "Write the updated model here instead of updating --model in place." };
        var json = CommonOptions.Json();
        var quiet = CommonOptions.Quiet();
        var command = new Command("update", "Update a mini-batch model with new rows (scikit-learn's partial_fit).");
        command.Arguments.Add(input);
        command.Options.Add(model);
        command.Options.Add(output);
        command.Options.Add(json);
        command.Options.Add(quiet);
        command.SetAction(parsed =>
        {
            string modelDir = parsed.GetValue(model)!;
            var saved = ModelFile.Load(modelDir);
            if (saved.Model["minibatch"] is not JsonObject)
            {
                throw new CliUsageException($"--model {modelDir}: not a mini-batch model (fit it with nmf fit --minibatch).");
            }

            string outDir = parsed.GetValue(output) ?? modelDir;
            return saved.Float32
                ? Run<float>(parsed.GetValue(input)!, modelDir, outDir, saved.Options, saved.Model, parsed.GetValue(json), parsed.GetValue(quiet))
                : Run<double>(parsed.GetValue(input)!, modelDir, outDir, saved.Options, saved.Model, parsed.GetValue(json), parsed.GetValue(quiet));
        });
        return command;
    }

    private static int Run<T>(string input, string modelDir, string output, NmfOptions common, JsonObject saved, bool json, bool quiet)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var mb = saved["minibatch"]!.AsObject();
        var options = MiniBatchFlags.OptionsOf(common, mb);
        int k = options.NComponents;
        var h = ReadSaved(modelDir, "H.csv");
        var numerator = ReadSaved(modelDir, MiniBatchFlags.NumeratorFile);
        var denominator = ReadSaved(modelDir, MiniBatchFlags.DenominatorFile);
        var model = MiniBatchNmf<T>.Restore(options, h, numerator, denominator, mb["rho"]!.GetValue<double>(), mb["n_steps"]!.GetValue<int>());
        int m = h.Cols;

        using var outDir = OutputDirectory.Prepare(output, "-o");
        bool streamed = MiniBatchFlags.IsDelimited(input);
        IRowBatchSource<T> source = streamed ? new CsvRowBatches<T>(input) : new MatrixRowBatches<T>(MatrixReader.Read<T>(input).Matrix);
        if (source.Cols != m)
        {
            throw new CliUsageException($"{input}: {source.Cols} columns, the model has {m} features.");
        }

        int steps = 0;
        foreach (var batch in source.ReadBatches(options.BatchSize))
        {
            CliRuntime.Cancellation.ThrowIfCancellationRequested();
            model.PartialFit(batch);
            steps++;
        }

        outDir.StageCsv("H.csv", model.Components, null, null);
        MiniBatchFlags.SaveState(outDir, model);
        var summary = (JsonObject)saved.DeepClone();
        summary["minibatch"]!["n_steps"] = model.NSteps;
        summary["n_steps"] = model.NSteps;
        var updates = summary["updates"] as JsonArray ?? [];
        updates.Add(new JsonObject { ["path"] = input, ["n_samples"] = source.Rows, ["mini_batches"] = steps });
        summary["updates"] = updates;
        if (!string.Equals(Path.GetFullPath(output), Path.GetFullPath(modelDir), StringComparison.Ordinal))
        {
            // W of the fitted rows belongs to the old model only; the updated model carries H and its sums.
            summary["outputs"] = new JsonObject { ["H"] = "H.csv" };
        }

        outDir.StageText(ModelFile.FileName, ModelFile.Serialize(summary) + "\n");
        CliRuntime.Cancellation.ThrowIfCancellationRequested();
        outDir.Commit();
        MiniBatchFlags.Report(json, quiet, summary,
            $"update {outDir.Path}: {source.Rows} new rows in {steps} mini-batches; {model.NSteps} mini-batches in all",
            $"wrote {outDir.PathOf("H.csv")}, {outDir.PathOf(ModelFile.FileName)} and the running sums");
        return ExitCodes.Ok;

        DenseMatrix<T> ReadSaved(string dir, string file)
        {
            string path = Path.Combine(dir, file);
            if (!File.Exists(path))
            {
                throw new CliUsageException($"--model {dir}: no {file} there.");
            }

            return MiniBatchFlags.ReadDense<T>(path, "--model", k, ColsOf(path));
        }
    }

    private static int ColsOf(string path)
    {
        using var reader = new StreamReader(path);
        string? first = reader.ReadLine();
        return first is null ? 0 : first.Split(',').Length;
    }
}
