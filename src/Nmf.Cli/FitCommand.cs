using System.CommandLine;
using System.Numerics;
using System.Text.Json.Nodes;
using Nmf.Matrices;

namespace Nmf.Cli;

/// <summary>
/// <c>nmf fit INPUT -k K -o OUTDIR</c>: factorizes X ≈ W H with scikit-learn's parameters and writes OUTDIR/W.csv,
/// OUTDIR/H.csv and OUTDIR/model.json, all or nothing.
/// </summary>
internal static class FitCommand
{
    public static Command Create()
    {
        var input = new Argument<string>("INPUT") { Description = "Matrix to factorize, samples x features (.csv, .tsv, .mtx, .npy, optionally .gz; - for stdin)." };
        var k = new Option<int>("-k", "--n-components") { Description = "Number of components k.", Required = true };
        var output = CommonOptions.Output("Output folder for W.csv, H.csv and model.json.");
        var loss = new Option<string>("--loss") { Description = "frobenius (default), kl, is, or a beta.", DefaultValueFactory = _ => "frobenius" };
        var solver = new Option<string>("--solver") { Description = "cd (default, Frobenius only), mu (any loss), hals (accelerated HALS, Frobenius only), ehals (hals with extrapolation, Frobenius only: fastest to a given error), als, pg (Frobenius), brunet (KL) or lee (Frobenius).", DefaultValueFactory = _ => "cd" };
        var init = new Option<string?>("--init") { Description = "random, nndsvd, nndsvda or nndsvdar (default: nndsvda if k <= min(n, m), else random)." };
        var w0 = new Option<string?>("--w0") { Description = "Starting W (n x k) file; needs --h0 (custom init)." };
        var h0 = new Option<string?>("--h0") { Description = "Starting H (k x m) file; needs --w0 (custom init)." };
        var maxIter = new Option<int>("--max-iter") { Description = "Maximum number of iterations.", DefaultValueFactory = _ => 200 };
        var tol = new Option<double>("--tol") { Description = "Tolerance of the stopping condition (0: run --max-iter iterations).", DefaultValueFactory = _ => 1e-4 };
        var seed = CommonOptions.Seed();
        var alphaW = new Option<double>("--alpha-w") { Description = "Regularisation of W (scikit-learn 1.2's alpha_W).", DefaultValueFactory = _ => 0 };
        var alphaH = new Option<string?>("--alpha-h") { Description = "Regularisation of H: a number or 'same' (default)." };
        var l1Ratio = new Option<double>("--l1-ratio") { Description = "L1 share of the regularisation, 0..1.", DefaultValueFactory = _ => 0 };
        var shuffle = new Option<bool>("--shuffle") { Description = "Random coordinate order in cd." };
        var dtype = CommonOptions.Dtype();
        var threads = CommonOptions.Threads();
        var transpose = new Option<bool>("--transpose") { Description = "Factorize the transpose (for features x samples files such as genes x samples)." };
        var json = CommonOptions.Json();
        var quiet = CommonOptions.Quiet();
        var inputFlags = new InputFlags();

        var command = new Command("fit", "Factorize a non-negative matrix X ≈ W H and write W.csv, H.csv and model.json.");
        command.Arguments.Add(input);
        foreach (Option o in new Option[] { k, output, loss, solver, init, w0, h0, maxIter, tol, seed, alphaW, alphaH, l1Ratio, shuffle, dtype, threads, transpose, json, quiet })
        {
            command.Options.Add(o);
        }

        inputFlags.AddTo(command);
        var miniBatch = new MiniBatchFlags();
        miniBatch.AddTo(command);
        var cluster = new ClusterFlags();
        cluster.AddTo(command);
        command.SetAction(parsed =>
        {
            var request = new FitRequest(
                Input: parsed.GetValue(input)!,
                Output: parsed.GetValue(output)!,
                W0: parsed.GetValue(w0),
                H0: parsed.GetValue(h0),
                Transpose: parsed.GetValue(transpose),
                Json: parsed.GetValue(json),
                Quiet: parsed.GetValue(quiet),
                ReadOptions: inputFlags.ToReadOptions(parsed),
                Options: BuildOptions(parsed.GetValue(k), parsed.GetValue(loss)!, parsed.GetValue(solver)!, parsed.GetValue(init), parsed.GetValue(w0), parsed.GetValue(h0),
                    parsed.GetValue(maxIter), parsed.GetValue(tol), parsed.GetValue(seed), parsed.GetValue(alphaW), parsed.GetValue(alphaH),
                    parsed.GetValue(l1Ratio), parsed.GetValue(shuffle), parsed.GetValue(threads)));
            bool float32 = CommonOptions.IsFloat32(parsed.GetValue(dtype)!);
            if (miniBatch.Requested(parsed))
            {
                return miniBatch.Run(parsed, request.Input, request.Output, request.W0, request.H0, request.Options, float32, request.Json, request.Quiet, request.ReadOptions);
            }

            if (cluster.Requested(parsed))
            {
                return cluster.Run(parsed, request.Input, request.Output, request.W0, request.H0, request.Options, float32, request.Json, request.Quiet);
            }

            return float32 ? Run<float>(request) : Run<double>(request);
        });
        return command;
    }

    /// <summary>Checks every flag on its own (before any file is read) and builds the options.</summary>
    internal static NmfOptions BuildOptions(int k, string loss, string solver, string? init, string? w0, string? h0, int maxIter, double tol, int? seed,
        double alphaW, string? alphaH, double l1Ratio, bool shuffle, int threads)
    {
        if (k < 1)
        {
            throw new CliUsageException($"-k {k}: the number of components must be at least 1.");
        }

        if (maxIter < 1)
        {
            throw new CliUsageException($"--max-iter {maxIter}: must be at least 1.");
        }

        if (!(tol >= 0) || !double.IsFinite(tol))
        {
            throw new CliUsageException($"--tol {ModelFile.Invariant(tol)}: must be a number >= 0.");
        }

        if (!(alphaW >= 0) || !double.IsFinite(alphaW))
        {
            throw new CliUsageException($"--alpha-w {ModelFile.Invariant(alphaW)}: must be a number >= 0.");
        }

        if (!(l1Ratio is >= 0 and <= 1))
        {
            throw new CliUsageException($"--l1-ratio {ModelFile.Invariant(l1Ratio)}: must be between 0 and 1.");
        }

        if (threads < 0)
        {
            throw new CliUsageException($"--threads {threads}: must be 0 (all cores) or more.");
        }

        double beta = NmfFlags.ParseLoss(loss);
        var solverKind = NmfFlags.ParseSolver(solver);
        if (solverKind == NmfSolver.Cd && beta != 2)
        {
            throw new CliUsageException($"--solver cd works only with --loss frobenius (got --loss {loss}); use --solver mu for other losses.");
        }

        if ((w0 is null) != (h0 is null))
        {
            throw new CliUsageException(w0 is null ? "--h0 needs --w0: a custom start gives both W0 and H0." : "--w0 needs --h0: a custom start gives both W0 and H0.");
        }

        var initKind = NmfFlags.ParseInit(init);
        if (w0 is not null && initKind is not (NmfInit.Auto or NmfInit.Custom))
        {
            throw new CliUsageException($"--init {init} contradicts --w0/--h0, which start from the given factors (custom init).");
        }

        if (w0 is null && initKind == NmfInit.Custom)
        {
            throw new CliUsageException("--init custom needs --w0 and --h0.");
        }

        return new NmfOptions
        {
            NComponents = k,
            Init = w0 is not null ? NmfInit.Custom : initKind,
            Solver = solverKind,
            BetaLoss = beta,
            Tol = tol,
            MaxIter = maxIter,
            RandomState = seed,
            AlphaW = alphaW,
            AlphaH = NmfFlags.ParseAlphaH(alphaH),
            L1Ratio = l1Ratio,
            Shuffle = shuffle,
            Threads = threads,
        };
    }

    private static int Run<T>(FitRequest request)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var options = request.Options;
        using var outDir = OutputDirectory.Prepare(request.Output, "-o");
        // The fit's kernels are compiled on another core while the input is read; Matrix Market files (by their name,
        // as the reader decides before it has read a byte) come in as CSR.
        using var read = new CancellationTokenSource();
        bool sparse = MatrixReader.Detect(request.Input, default) == MatrixFormat.MatrixMarket;
        var warmup = NmfWarmup.Start<T>(options, sparse, read.Token);
        var named = MatrixReader.Read<T>(request.Input, request.ReadOptions);
        read.Cancel();
        if (request.Transpose)
        {
            named = named.Transpose();
        }

        var x = named.Matrix;
        CheckAgainstData(options, x, named.Source);
        DenseMatrix<T>? w0 = null, h0 = null;
        if (options.Init == NmfInit.Custom)
        {
            w0 = ReadFactor<T>(request.W0!, "--w0", x.Rows, options.NComponents, "n_samples x k");
            h0 = ReadFactor<T>(request.H0!, "--h0", options.NComponents, x.Cols, "k x n_features");
        }

        var token = CliRuntime.Cancellation;
        bool showProgress = !request.Quiet && !request.Json && CliRuntime.StderrIsTerminal;
        var estimator = new NmfEstimator<T>(options);
        warmup.Wait(CliRuntime.Cancellation);

        // The reader's and the warm-up's garbage (tens of MB for a large file) is collected now, in 2–4 ms: left to the
        // runtime, a full collection comes due during the first iterations and runs beside them on the cores they use.
        GC.Collect();
        FitProgressDisplay.Run(progress => estimator.Fit(x, w0, h0, progress, token), options.MaxIter, showProgress);
        token.ThrowIfCancellationRequested();

        var w = estimator.W;
        var h = estimator.Components;
        var componentNames = Enumerable.Range(0, options.NComponents).Select(c => $"nmf{c}").ToArray();
        double relErr = Residual.RelativeFrobenius(x, w, h);
        var summary = Summary(request, named, estimator, relErr);
        outDir.StageCsv("W.csv", w, named.RowNames, named.RowNames is null ? null : componentNames);
        outDir.StageCsv("H.csv", h, null, named.ColumnNames);
        outDir.StageText(ModelFile.FileName, ModelFile.Serialize(summary) + "\n");
        token.ThrowIfCancellationRequested();
        outDir.Commit();

        if (request.Json)
        {
            Console.Out.WriteLine(ModelFile.Serialize(summary));
        }
        else if (!request.Quiet)
        {
            var o = Console.Out;
            o.WriteLine($"fit {named.Source}: {x.Rows} x {x.Cols} {(x is CsrMatrix<T> ? "sparse" : "dense")}{(request.Transpose ? " (transposed)" : string.Empty)}, k = {options.NComponents}, solver {options.Solver.ToString().ToLowerInvariant()}, loss {NmfFlags.LossName(options.BetaLoss)}, init {NmfFlags.InitName(ResolvedInit(options, x))}");
            o.WriteLine($"{estimator.NIter} iterations in {estimator.Seconds:F2} s ({1000 * estimator.Seconds / Math.Max(1, estimator.NIter):F2} ms/iteration)");
            o.WriteLine($"reconstruction error {estimator.ReconstructionError:G6}, relative error ||X - WH|| / ||X|| = {relErr:F4}");
            o.WriteLine($"wrote {outDir.PathOf("W.csv")} ({w.Rows} x {w.Cols}), {outDir.PathOf("H.csv")} ({h.Rows} x {h.Cols}), {outDir.PathOf(ModelFile.FileName)}");
            o.WriteLine();
            o.Write(ComponentSummary.Describe(h, named.ColumnNames));
        }

        return ExitCodes.Ok;
    }

    /// <summary>The initialisation scikit-learn's default (init=None) resolves to: nndsvda when k ≤ min(n, m), else random.</summary>
    private static NmfInit ResolvedInit<T>(NmfOptions options, IMatrix<T> x)
        where T : unmanaged, IFloatingPointIeee754<T>
        => options.Init != NmfInit.Auto ? options.Init
            : options.NComponents <= Math.Min(x.Rows, x.Cols) ? NmfInit.Nndsvda : NmfInit.Random;

    /// <summary>The checks that need the data's shape and values, with messages naming the flag.</summary>
    private static void CheckAgainstData<T>(NmfOptions options, IMatrix<T> x, string source)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int min = Math.Min(x.Rows, x.Cols);
        if (options.Init is NmfInit.Nndsvd or NmfInit.Nndsvda or NmfInit.Nndsvdar && options.NComponents > min)
        {
            throw new CliUsageException($"-k {options.NComponents} is larger than min(n_samples, n_features) = {min} of {source}, which --init {NmfFlags.InitName(options.Init)} needs.");
        }

        if (options.BetaLoss <= 0)
        {
            var zero = Residual.FirstZero(x);
            if (zero is { } z)
            {
                throw new CliUsageException($"{source}: zero at row {z.Row + 1}, column {z.Col + 1}: --loss {NmfFlags.LossName(options.BetaLoss)} (beta <= 0) needs every value > 0.");
            }
        }
    }

    private static DenseMatrix<T> ReadFactor<T>(string path, string flag, int rows, int cols, string shape)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var f = MatrixReader.Read<T>(path);
        var dense = f.Matrix as DenseMatrix<T> ?? ((CsrMatrix<T>)f.Matrix).ToDense();
        if (dense.Rows != rows || dense.Cols != cols)
        {
            throw new CliUsageException($"{flag} {path}: shape {dense.Rows} x {dense.Cols}, expected {rows} x {cols} ({shape}).");
        }

        return dense;
    }

    private static JsonObject Summary<T>(FitRequest request, NamedMatrix<T> named, NmfEstimator<T> estimator, double relErr)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var x = named.Matrix;
        var history = new JsonArray();
        foreach (var it in estimator.History)
        {
            history.Add(ModelFile.Number(it.Loss));
        }

        return new JsonObject
        {
            ["version"] = ModelFile.Version,
            ["command"] = "fit",
            ["input"] = new JsonObject
            {
                ["path"] = request.Input,
                ["format"] = InfoCommand.FormatName(named.Format),
                ["n_samples"] = x.Rows,
                ["n_features"] = x.Cols,
                ["shape"] = new JsonArray(x.Rows, x.Cols),
                ["sparse"] = x is CsrMatrix<T>,
                ["stored"] = x.StoredCount,
                ["transposed"] = request.Transpose,
                ["row_names"] = named.RowNames is not null,
                ["column_names"] = named.ColumnNames is not null,
                ["w0"] = request.W0,
                ["h0"] = request.H0,
            },
            ["parameters"] = ModelFile.Parameters(estimator.Options, typeof(T) == typeof(float)),
            ["init_used"] = NmfFlags.InitName(ResolvedInit(estimator.Options, x)),
            ["n_iter"] = estimator.NIter,
            ["reconstruction_err"] = ModelFile.Number(estimator.ReconstructionError),
            ["rel_err"] = ModelFile.Number(relErr),
            ["loss_history"] = history,
            ["seconds"] = estimator.Seconds,
            ["seconds_per_iter"] = estimator.NIter > 0 ? estimator.Seconds / estimator.NIter : null,
            ["outputs"] = new JsonObject { ["W"] = "W.csv", ["H"] = "H.csv" },
        };
    }

    private sealed record FitRequest(string Input, string Output, string? W0, string? H0, bool Transpose, bool Json, bool Quiet, MatrixReadOptions ReadOptions, NmfOptions Options);
}
