using System.CommandLine;
using System.Diagnostics;
using System.Numerics;
using System.Text.Json.Nodes;
using Nmf.Matrices;

namespace Nmf.Cli;

/// <summary>
/// <c>nmf transform INPUT --model OUTDIR -o OUTDIR2</c>: W for new rows with the H and the options of a saved fit
/// (scikit-learn's <c>transform</c>), written to OUTDIR2/W.csv with a summary in OUTDIR2/transform.json.
/// </summary>
internal static class TransformCommand
{
    public static Command Create()
    {
        var input = new Argument<string>("INPUT") { Description = "New rows with the fit's features (.csv, .tsv, .mtx, .npy, optionally .gz; - for stdin)." };
        var model = new Option<string>("--model") { Description = "Folder written by nmf fit (model.json and H.csv).", Required = true };
        var output = CommonOptions.Output("Output folder for W.csv and transform.json.");
        var json = CommonOptions.Json();
        var quiet = CommonOptions.Quiet();
        var inputFlags = new InputFlags();
        var command = new Command("transform", "Compute W for new rows with the components H of a saved fit (H fixed).");
        command.Arguments.Add(input);
        command.Options.Add(model);
        command.Options.Add(output);
        command.Options.Add(json);
        command.Options.Add(quiet);
        inputFlags.AddTo(command);
        command.SetAction(parsed =>
        {
            string modelDir = parsed.GetValue(model)!;
            var saved = ModelFile.Load(modelDir);
            var request = new TransformRequest(parsed.GetValue(input)!, modelDir, parsed.GetValue(output)!, parsed.GetValue(json), parsed.GetValue(quiet), inputFlags.ToReadOptions(parsed));
            return saved.Float32 ? Run<float>(request, saved) : Run<double>(request, saved);
        });
        return command;
    }

    private static int Run<T>(TransformRequest request, (NmfOptions Options, bool Float32, bool Transposed, JsonObject Model) saved)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        using var outDir = OutputDirectory.Prepare(request.Output, "-o");
        string hPath = Path.Combine(request.ModelDir, "H.csv");
        if (!File.Exists(hPath))
        {
            throw new CliUsageException($"--model {request.ModelDir}: no H.csv there.");
        }

        var h = MatrixReader.Read<T>(hPath, new MatrixReadOptions { HasRowNames = false });
        var components = (DenseMatrix<T>)h.Matrix;
        var named = MatrixReader.Read<T>(request.Input, request.ReadOptions);
        if (saved.Transposed)
        {
            named = named.Transpose();
        }

        var x = named.Matrix;
        if (x.Cols != components.Cols)
        {
            throw new CliUsageException($"{named.Source}: {x.Cols} features (columns{(saved.Transposed ? " after --transpose" : string.Empty)}), but the model in {request.ModelDir} has {components.Cols}.");
        }

        if (h.ColumnNames is not null && named.ColumnNames is not null && !h.ColumnNames.SequenceEqual(named.ColumnNames))
        {
            int j = Enumerable.Range(0, components.Cols).First(c => h.ColumnNames[c] != named.ColumnNames[c]);
            throw new CliUsageException($"{named.Source}: column {j + 1} is {InputName(named.ColumnNames[j])}, but the model's feature {j + 1} is {InputName(h.ColumnNames[j])}.");
        }

        long start = Stopwatch.GetTimestamp();
        var w = MiniBatchFlags.Transform(saved.Model, saved.Options, components, x) // a mini-batch model: MiniBatchNMF.transform
            ?? NmfEstimator<T>.FromComponents(saved.Options, components).Transform(x);
        double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        CliRuntime.Cancellation.ThrowIfCancellationRequested();
        double relErr = Residual.RelativeFrobenius(x, w, components);
        var names = Enumerable.Range(0, components.Rows).Select(c => $"nmf{c}").ToArray();
        var summary = new JsonObject
        {
            ["version"] = ModelFile.Version,
            ["command"] = "transform",
            ["input"] = new JsonObject { ["path"] = request.Input, ["n_samples"] = x.Rows, ["n_features"] = x.Cols, ["shape"] = new JsonArray(x.Rows, x.Cols), ["transposed"] = saved.Transposed },
            ["model"] = request.ModelDir,
            ["parameters"] = ModelFile.Parameters(saved.Options, saved.Float32),
            ["rel_err"] = ModelFile.Number(relErr),
            ["seconds"] = seconds,
            ["outputs"] = new JsonObject { ["W"] = "W.csv" },
        };
        outDir.StageCsv("W.csv", w, named.RowNames, named.RowNames is null ? null : names);
        outDir.StageText("transform.json", ModelFile.Serialize(summary) + "\n");
        outDir.Commit();
        if (request.Json)
        {
            Console.Out.WriteLine(ModelFile.Serialize(summary));
        }
        else if (!request.Quiet)
        {
            Console.Out.WriteLine($"transform {named.Source}: {x.Rows} x {x.Cols} with the {components.Rows} components of {request.ModelDir} in {seconds:F2} s");
            Console.Out.WriteLine($"relative error ||X - WH|| / ||X|| = {relErr:F4}");
            Console.Out.WriteLine($"wrote {outDir.PathOf("W.csv")} ({w.Rows} x {w.Cols}), {outDir.PathOf("transform.json")}");
        }

        return ExitCodes.Ok;
    }

    private static string InputName(string s) => Nmf.Matrices.InputValues.Quote(s);

    private sealed record TransformRequest(string Input, string ModelDir, string Output, bool Json, bool Quiet, MatrixReadOptions ReadOptions);
}
