using System.CommandLine;
using System.Globalization;
using System.Numerics;
using System.Text.Json.Nodes;
using Nmf.Matrices;

namespace Nmf.Cli;

/// <summary>
/// <c>nmf fit INPUT --minibatch --batch-size N ...</c>: scikit-learn's MiniBatchNMF. A CSV/TSV input is streamed in
/// row batches (one batch of X and of W in memory; W waits in a temporary file), other formats are read whole.
/// Writes W.csv, H.csv, model.json and the running sums that <c>nmf update</c> continues from.
/// </summary>
internal sealed class MiniBatchFlags
{
    /// <summary>File of the running numerator A of H's update (k x m).</summary>
    public const string NumeratorFile = "minibatch-numerator.csv";

    /// <summary>File of the running denominator B of H's update (k x m).</summary>
    public const string DenominatorFile = "minibatch-denominator.csv";

    private readonly Option<bool> _miniBatch = new("--minibatch") { Description = "Mini-batch NMF (scikit-learn's MiniBatchNMF, multiplicative updates); CSV/TSV input is streamed in row batches." };
    private readonly Option<int> _batchSize = new("--batch-size") { Description = "Rows per mini-batch (with --minibatch).", DefaultValueFactory = _ => 1024 };
    private readonly Option<double> _forgetFactor = new("--forget-factor") { Description = "Weight of past batches in H's running sums, 0..1 (with --minibatch).", DefaultValueFactory = _ => 0.7 };
    private readonly Option<bool> _freshRestarts = new("--fresh-restarts") { Description = "Solve W from scratch for every batch (with --minibatch)." };
    private readonly Option<int> _freshRestartsMaxIter = new("--fresh-restarts-max-iter") { Description = "W updates per fresh restart (with --minibatch).", DefaultValueFactory = _ => 30 };
    private readonly Option<int?> _maxNoImprovement = new("--max-no-improvement") { Description = "Stop after this many batches without a lower smoothed cost; 0 = never (with --minibatch).", DefaultValueFactory = _ => 10 };

    public void AddTo(Command command)
    {
        foreach (Option o in new Option[] { _miniBatch, _batchSize, _forgetFactor, _freshRestarts, _freshRestartsMaxIter, _maxNoImprovement })
        {
            command.Options.Add(o);
        }
    }

    public bool Requested(ParseResult parsed) => parsed.GetValue(_miniBatch);

    /// <summary>Runs the mini-batch fit with the fit's common options.</summary>
    public int Run(ParseResult parsed, string input, string output, string? w0Path, string? h0Path, NmfOptions common, bool float32, bool json, bool quiet, MatrixReadOptions readOptions)
    {
        if (common.Solver != NmfSolver.Cd && common.Solver != NmfSolver.Mu)
        {
            throw new CliUsageException($"--minibatch runs multiplicative updates; --solver {common.Solver.ToString().ToLowerInvariant()} does not apply.");
        }

        int? noImprovement = parsed.GetValue(_maxNoImprovement);
        var options = new MiniBatchNmfOptions
        {
            NComponents = common.NComponents,
            Init = common.Init,
            BatchSize = Positive(parsed.GetValue(_batchSize), "--batch-size"),
            BetaLoss = common.BetaLoss,
            Tol = common.Tol,
            MaxNoImprovement = noImprovement is 0 ? null : noImprovement,
            MaxIter = common.MaxIter,
            AlphaW = common.AlphaW,
            AlphaH = common.AlphaH,
            L1Ratio = common.L1Ratio,
            ForgetFactor = parsed.GetValue(_forgetFactor),
            FreshRestarts = parsed.GetValue(_freshRestarts),
            FreshRestartsMaxIter = Positive(parsed.GetValue(_freshRestartsMaxIter), "--fresh-restarts-max-iter"),
            RandomState = common.RandomState,
            Threads = common.Threads,
        };
        if (!(options.ForgetFactor is >= 0 and <= 1))
        {
            throw new CliUsageException($"--forget-factor {options.ForgetFactor.ToString(CultureInfo.InvariantCulture)}: must be between 0 and 1.");
        }

        if (noImprovement is < 0)
        {
            throw new CliUsageException($"--max-no-improvement {noImprovement}: must be 0 (never) or more.");
        }

        return float32
            ? Run<float>(input, output, w0Path, h0Path, options, json, quiet, readOptions)
            : Run<double>(input, output, w0Path, h0Path, options, json, quiet, readOptions);
    }

    private static int Positive(int value, string flag) => value >= 1 ? value : throw new CliUsageException($"{flag} {value}: must be at least 1.");

    private static int Run<T>(string input, string output, string? w0Path, string? h0Path, MiniBatchNmfOptions options, bool json, bool quiet, MatrixReadOptions readOptions)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        using var outDir = OutputDirectory.Prepare(output, "-o");
        bool streamed = IsDelimited(input);
        IRowBatchSource<T> source;
        IMatrix<T>? inMemory = null;
        if (streamed)
        {
            source = new CsvRowBatches<T>(input, readOptions);
        }
        else
        {
            inMemory = MatrixReader.Read<T>(input, readOptions).Matrix;
            source = new MatrixRowBatches<T>(inMemory);
        }

        DenseMatrix<T>? w0 = null, h0 = null;
        if (w0Path is not null)
        {
            w0 = ReadDense<T>(w0Path, "--w0", source.Rows, options.NComponents);
            h0 = ReadDense<T>(h0Path!, "--h0", options.NComponents, source.Cols);
        }

        using var model = new MiniBatchNmf<T>(options);
        if (inMemory is not null)
        {
            model.Fit(inMemory, w0, h0, CliRuntime.Cancellation);
        }
        else
        {
            model.Fit(source, w0, h0, CliRuntime.Cancellation);
        }

        outDir.Stage("W.csv", stream =>
        {
            using var writer = new StreamWriter(stream, new System.Text.UTF8Encoding(false), 1 << 16, leaveOpen: true);
            foreach (var rows in model.ReadW(Math.Min(options.BatchSize, source.Rows)))
            {
                CsvWriter.Write(writer, rows);
            }
        });
        outDir.StageCsv("H.csv", model.Components, null, null);
        SaveState(outDir, model);
        var summary = Summary(input, source, streamed, model, typeof(T) == typeof(float));
        outDir.StageText(ModelFile.FileName, ModelFile.Serialize(summary) + "\n");
        CliRuntime.Cancellation.ThrowIfCancellationRequested();
        outDir.Commit();
        Report(json, quiet, summary, $"fit {input}: {source.Rows} x {source.Cols}{(streamed ? " streamed" : string.Empty)}, k = {options.NComponents}, mini-batch mu, batch {Math.Min(options.BatchSize, source.Rows)}, loss {NmfFlags.LossName(options.BetaLoss)}",
            $"{model.NIter} passes, {model.NSteps} mini-batches in {model.Seconds:F2} s; reconstruction error {model.ReconstructionError:G6}",
            $"wrote {outDir.PathOf("W.csv")}, {outDir.PathOf("H.csv")}, {outDir.PathOf(ModelFile.FileName)} (and the running sums for nmf update)");
        return ExitCodes.Ok;
    }

    /// <summary>The options of a saved mini-batch model: the fit's common parameters and its <c>minibatch</c> object.</summary>
    public static MiniBatchNmfOptions OptionsOf(NmfOptions common, JsonObject mb) => new()
    {
        NComponents = common.NComponents,
        Init = common.Init,
        BatchSize = mb["batch_size"]!.GetValue<int>(),
        BetaLoss = common.BetaLoss,
        Tol = common.Tol,
        MaxNoImprovement = mb["max_no_improvement"]?.GetValue<int>(),
        MaxIter = common.MaxIter,
        AlphaW = common.AlphaW,
        AlphaH = common.AlphaH,
        L1Ratio = common.L1Ratio,
        ForgetFactor = mb["forget_factor"]!.GetValue<double>(),
        FreshRestarts = mb["fresh_restarts"]!.GetValue<bool>(),
        FreshRestartsMaxIter = mb["fresh_restarts_max_iter"]!.GetValue<int>(),
        TransformMaxIter = mb["transform_max_iter"]?.GetValue<int>(),
        RandomState = common.RandomState,
        Threads = common.Threads,
    };

    /// <summary>
    /// W for new rows from a saved model when it is a mini-batch one, as scikit-learn's <c>MiniBatchNMF.transform</c>
    /// computes it (<c>_solve_W</c>: multiplicative updates of W from sqrt(mean(X) / k) with H fixed, stopped by the
    /// relative change of W against tol or after transform_max_iter, which defaults to max_iter); null for a model
    /// fitted by the batch estimator, whose transform differs (its solver's own stopping rule).
    /// </summary>
    public static DenseMatrix<T>? Transform<T>(JsonObject model, NmfOptions common, DenseMatrix<T> components, IMatrix<T> x)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (model["minibatch"] is not JsonObject mb)
        {
            return null;
        }

        using var restored = MiniBatchNmf<T>.FromComponents(OptionsOf(common, mb), components);
        return restored.Transform(x);
    }

    /// <summary>Stages H's running sums (the state partial fits continue from).</summary>
    public static void SaveState<T>(OutputDirectory outDir, MiniBatchNmf<T> model) where T : unmanaged, IFloatingPointIeee754<T>
    {
        outDir.StageCsv(NumeratorFile, model.ComponentsNumerator!, null, null);
        outDir.StageCsv(DenominatorFile, model.ComponentsDenominator!, null, null);
    }

    /// <summary>The model.json of a mini-batch model: the fit's summary plus the parameters <c>nmf update</c> needs.</summary>
    public static JsonObject Summary<T>(string input, IRowBatchSource<T> source, bool streamed, MiniBatchNmf<T> model, bool float32)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var o = model.Options;
        var common = new NmfOptions
        {
            NComponents = o.NComponents,
            Init = o.Init,
            Solver = NmfSolver.Mu,
            BetaLoss = o.BetaLoss,
            Tol = o.Tol,
            MaxIter = o.MaxIter,
            RandomState = o.RandomState,
            AlphaW = o.AlphaW,
            AlphaH = o.AlphaH,
            L1Ratio = o.L1Ratio,
            Threads = o.Threads,
        };
        return new JsonObject
        {
            ["version"] = ModelFile.Version,
            ["command"] = "fit",
            ["input"] = new JsonObject
            {
                ["path"] = input,
                ["n_samples"] = source.Rows,
                ["n_features"] = source.Cols,
                ["shape"] = new JsonArray(source.Rows, source.Cols),
                ["streamed"] = streamed,
                ["transposed"] = false,
            },
            ["parameters"] = ModelFile.Parameters(common, float32),
            ["minibatch"] = new JsonObject
            {
                ["batch_size"] = o.BatchSize,
                ["forget_factor"] = o.ForgetFactor,
                ["fresh_restarts"] = o.FreshRestarts,
                ["fresh_restarts_max_iter"] = o.FreshRestartsMaxIter,
                ["max_no_improvement"] = o.MaxNoImprovement,
                ["transform_max_iter"] = o.TransformMaxIter,
                ["rho"] = model.Rho,
                ["n_steps"] = model.NSteps,
                ["numerator"] = NumeratorFile,
                ["denominator"] = DenominatorFile,
            },
            ["n_iter"] = model.NIter,
            ["n_steps"] = model.NSteps,
            ["reconstruction_err"] = ModelFile.Number(model.ReconstructionError),
            ["seconds"] = model.Seconds,
            ["outputs"] = new JsonObject { ["W"] = "W.csv", ["H"] = "H.csv" },
        };
    }

    public static void Report(bool json, bool quiet, JsonObject summary, params string[] lines)
    {
        if (json)
        {
            Console.Out.WriteLine(ModelFile.Serialize(summary));
        }
        else if (!quiet)
        {
            foreach (string line in lines)
            {
                Console.Out.WriteLine(line);
            }
        }
    }

    public static bool IsDelimited(string path)
    {
        string name = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? path[..^3] : path;
        string ext = Path.GetExtension(name).ToLowerInvariant();
        return ext is ".csv" or ".tsv" or ".tab" or ".txt";
    }

    public static DenseMatrix<T> ReadDense<T>(string path, string flag, int rows, int cols) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var m = MatrixReader.Read<T>(path).Matrix;
        var dense = m as DenseMatrix<T> ?? ((CsrMatrix<T>)m).ToDense();
        if (dense.Rows != rows || dense.Cols != cols)
        {
            throw new CliUsageException($"{flag} {path}: shape {dense.Rows} x {dense.Cols}, expected {rows} x {cols}.");
        }

        return dense;
    }
}
