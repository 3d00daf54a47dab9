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
/// <para>
/// W: the fit's W.csv (W of the rows the model was fitted on, under the old H) would no longer match the updated H,
/// so it is removed. In its place the update writes <see cref="NewRowsW"/>: W of the new rows under the updated H,
/// as <c>MiniBatchNMF.transform</c> gives it (one more pass over NEW, a batch at a time for streamed CSV/TSV).
/// W of the earlier rows under the updated H is <c>nmf transform OLD.csv --model DIR</c>.
/// </para>
/// </summary>
internal static class UpdateCommand
{
    /// <summary>W of the last update's new rows under the updated H.</summary>
    public const string NewRowsW = "W-new.csv";

    public static Command Create()
    {
        var input = new Argument<string>("NEW") { Description = "New rows with the model's features (.csv, .tsv streamed; .mtx, .npy read whole; optionally .gz)." };
        var model = new Option<string>("--model") { Description = "Folder written by nmf fit --minibatch.", Required = true };
        var output = new Option<string?>("--output", "-o") { Description = "Write the updated model here instead of updating --model in place." };
        var json = CommonOptions.Json();
        var quiet = CommonOptions.Quiet();
        var command = new Command("update", $"Update a mini-batch model with new rows (scikit-learn's partial_fit). Writes the updated H and {NewRowsW} "
            + "(W of the new rows under the updated H) and removes the fit's W.csv, which no longer matches H; "
            + "nmf transform gives W of other rows.");
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
        var readOptions = new MatrixReadOptions { CancellationToken = CliRuntime.Cancellation };
        IMatrix<T>? inMemory = streamed ? null : MatrixReader.Read<T>(input, readOptions).Matrix;
        IRowBatchSource<T> source = inMemory is null ? new CsvRowBatches<T>(input, readOptions) : new MatrixRowBatches<T>(inMemory);
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

        // W of the new rows with the updated H fixed: all at once in memory (scikit-learn's transform of NEW), or a
        // batch at a time when streamed (each batch stops on its own relative change of W).
        outDir.Stage(NewRowsW, stream =>
        {
            using var writer = new StreamWriter(stream, new System.Text.UTF8Encoding(false), 1 << 16, leaveOpen: true);
            if (inMemory is not null)
            {
                CsvWriter.Write(writer, model.Transform(inMemory));
                return;
            }

            foreach (var batch in source.ReadBatches(options.BatchSize))
            {
                CliRuntime.Cancellation.ThrowIfCancellationRequested();
                CsvWriter.Write(writer, model.Transform(batch));
            }
        });
        outDir.StageCsv("H.csv", model.Components, null, null);
        MiniBatchFlags.SaveState(outDir, model);
        var summary = (JsonObject)saved.DeepClone();
        summary["minibatch"]!["n_steps"] = model.NSteps;
        summary["n_steps"] = model.NSteps;
        var updates = summary["updates"] as JsonArray ?? [];
        updates.Add(new JsonObject { ["path"] = input, ["n_samples"] = source.Rows, ["mini_batches"] = steps, ["W"] = NewRowsW });
        summary["updates"] = updates;

        // W of the fitted rows belongs to the old H only: the updated model carries H, its sums and W of the new rows.
        summary["outputs"] = new JsonObject { ["H"] = "H.csv", ["W_new"] = NewRowsW };
        outDir.StageText(ModelFile.FileName, ModelFile.Serialize(summary) + "\n");
        CliRuntime.Cancellation.ThrowIfCancellationRequested();
        outDir.Commit();
        string stale = outDir.PathOf("W.csv");
        bool removed = File.Exists(stale);
        if (removed)
        {
            File.Delete(stale);
        }

        MiniBatchFlags.Report(json, quiet, summary,
            $"update {outDir.Path}: {source.Rows} new rows in {steps} mini-batches; {model.NSteps} mini-batches in all",
            $"wrote {outDir.PathOf("H.csv")}, {outDir.PathOf(NewRowsW)} (W of the new rows), {outDir.PathOf(ModelFile.FileName)} and the running sums"
                + (removed ? $"; removed {stale} (W of the fitted rows under the old H: nmf transform recomputes it)" : string.Empty));
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
