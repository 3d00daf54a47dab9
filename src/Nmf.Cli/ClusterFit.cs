using System.CommandLine;
using System.Numerics;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Hosting;
using Nmf.Distributed;
using Nmf.Matrices;

namespace Nmf.Cli;

/// <summary>
/// <c>nmf fit INPUT --cluster HOST:PORT ...</c>: the fit on an NMF cluster (<c>nmf worker</c> silos). INPUT is a
/// folder of part files (one block each, in name order) or one CSV/TSV file split into <c>--blocks</c> row ranges;
/// every silo reads its own blocks, so the paths must be valid on the silos (the same machine or a shared folder).
/// Solvers mu (any loss) and cd; W.csv, H.csv and model.json as a local fit writes them.
/// </summary>
internal sealed class ClusterFlags
{
    private readonly Option<string?> _cluster = new("--cluster") { Description = "HOST:PORT of an NMF cluster's primary silo (nmf worker): fit there, the silos reading their blocks." };
    private readonly Option<int> _blocks = new("--blocks") { Description = "Row blocks a single input file is split into (with --cluster).", DefaultValueFactory = _ => 4 };
    private readonly Option<int> _checkpoint = new("--checkpoint-every") { Description = "Iterations between checkpoints the fit resumes from when a silo dies; 0 = none (with --cluster).", DefaultValueFactory = _ => 10 };

    private readonly Option<bool> _logCheckpoints = new("--log-checkpoints") { Description = "Print one line on stderr per checkpoint, for the logs of long fits (with --cluster)." };

    public void AddTo(Command command)
    {
        command.Options.Add(_logCheckpoints);
        command.Options.Add(_cluster);
        command.Options.Add(_blocks);
        command.Options.Add(_checkpoint);
    }

    public bool Requested(ParseResult parsed) => parsed.GetValue(_cluster) is not null;

    public int Run(ParseResult parsed, string input, string output, string? w0Path, string? h0Path, NmfOptions options, bool float32, bool json, bool quiet)
    {
        var primary = NmfClusterHosting.ParseAddress(parsed.GetValue(_cluster)!, "--cluster");
        int blocks = parsed.GetValue(_blocks);
        int checkpoint = parsed.GetValue(_checkpoint);
        if (blocks < 1)
        {
            throw new CliUsageException($"--blocks {blocks}: must be at least 1.");
        }

        if (checkpoint < 0)
        {
            throw new CliUsageException($"--checkpoint-every {checkpoint}: must be 0 (none) or more.");
        }

        if (options.Solver is not (NmfSolver.Mu or NmfSolver.Cd))
        {
            throw new CliUsageException($"--cluster runs --solver mu or cd, not {options.Solver.ToString().ToLowerInvariant()}.");
        }

        var sources = Sources(input, blocks);
        bool logCheckpoints = parsed.GetValue(_logCheckpoints);
        return float32
            ? Run<float>(primary, sources, input, output, w0Path, h0Path, options, checkpoint, logCheckpoints, json, quiet)
            : Run<double>(primary, sources, input, output, w0Path, h0Path, options, checkpoint, logCheckpoints, json, quiet);
    }

    /// <summary>The blocks of INPUT: the files of a folder in name order, or row ranges of one delimited file.</summary>
    private static BlockSource[] Sources(string input, int blocks)
    {
        string full = Path.GetFullPath(input);
        if (Directory.Exists(full))
        {
            var files = Directory.GetFiles(full).Where(f => !Path.GetFileName(f).StartsWith('.')).OrderBy(f => f, StringComparer.Ordinal).ToArray();
            if (files.Length == 0)
            {
                throw new CliUsageException($"{input}: the folder holds no part files.");
            }

            return files.Select(f => new BlockSource { Path = f }).ToArray();
        }

        if (!File.Exists(full))
        {
            throw new CliUsageException($"{input}: file not found.");
        }

        if (!MiniBatchFlags.IsDelimited(full))
        {
            throw new CliUsageException($"{input}: --cluster splits CSV/TSV files into row blocks; give other formats as a folder of part files.");
        }

        int rows = new CsvRowBatches<double>(full).Rows;
        blocks = Math.Min(blocks, rows);
        var sources = new BlockSource[blocks];
        int start = 0;
        for (int b = 0; b < blocks; b++)
        {
            int count = (rows / blocks) + (b < rows % blocks ? 1 : 0);
            sources[b] = new BlockSource { Path = full, RowStart = start, RowCount = count };
            start += count;
        }

        return sources;
    }

    private static int Run<T>(System.Net.IPEndPoint primary, BlockSource[] sources, string input, string output, string? w0Path, string? h0Path, NmfOptions options, int checkpoint, bool logCheckpoints, bool json, bool quiet)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var token = CliRuntime.Cancellation;
        using var outDir = OutputDirectory.Prepare(output, "-o");
        DenseMatrix<T>? w0 = null, h0 = null;
        if (w0Path is not null)
        {
            var w = MatrixReader.Read<T>(w0Path).Matrix;
            var h = MatrixReader.Read<T>(h0Path!).Matrix;
            w0 = w as DenseMatrix<T> ?? ((CsrMatrix<T>)w).ToDense();
            h0 = h as DenseMatrix<T> ?? ((CsrMatrix<T>)h).ToDense();
        }

        var (host, client) = NmfClusterHosting.ConnectAsync(primary, token).GetAwaiter().GetResult();
        using (host)
        {
            var log = new List<string>();
            DistributedFitResult<T> result;
            try
            {
                result = Fit();
            }
            catch (Exception e) when (e is RowBlockUnavailableException or ClusterUnreachableException)
            {
                // a lost silo the fit could not resume from: one line, nothing written
                throw new CliUsageException($"cluster {primary}: {CliRuntime.OneLine(e.Message)}");
            }

            DistributedFitResult<T> Fit() => DistributedNmf.FitAsync(client, sources, options, w0, h0, new DistributedFitOptions
            {
                CheckpointInterval = checkpoint,
                LogCheckpoints = logCheckpoints,
                Log = line =>
                {
                    log.Add(line);
                    if (!quiet && !json)
                    {
                        Console.Error.WriteLine($"nmf: {line}");
                    }
                },
            }, token).GetAwaiter().GetResult();
            host.StopAsync(TimeSpan.FromSeconds(5)).GetAwaiter().GetResult();

            outDir.StageCsv("W.csv", result.W!, null, null);
            outDir.StageCsv("H.csv", result.Components, null, null);
            var summary = new JsonObject
            {
                ["version"] = ModelFile.Version,
                ["command"] = "fit",
                ["input"] = new JsonObject
                {
                    ["path"] = input,
                    ["n_samples"] = result.W!.Rows,
                    ["n_features"] = result.Components.Cols,
                    ["shape"] = new JsonArray(result.W.Rows, result.Components.Cols),
                    ["transposed"] = false,
                    ["blocks"] = new JsonArray(sources.Select((s, b) => (JsonNode)new JsonObject { ["source"] = s.ToString(), ["rows"] = result.BlockRows[b], ["silo"] = result.Silos[b] }).ToArray()),
                },
                ["parameters"] = ModelFile.Parameters(options with { Init = result.Init }, typeof(T) == typeof(float)),
                ["cluster"] = new JsonObject
                {
                    ["address"] = primary.ToString(),
                    ["silos"] = result.Silos.Distinct().Count(),
                    ["checkpoint_every"] = checkpoint,
                    ["resumes"] = result.Resumes,
                    ["bytes_per_iteration"] = result.BytesPerIteration,
                },
                ["n_iter"] = result.NIter,
                ["reconstruction_err"] = ModelFile.Number(result.ReconstructionError),
                ["seconds"] = result.Seconds,
                ["seconds_per_iter"] = result.NIter > 0 ? result.Seconds / result.NIter : null,
                ["outputs"] = new JsonObject { ["W"] = "W.csv", ["H"] = "H.csv" },
            };
            outDir.StageText(ModelFile.FileName, ModelFile.Serialize(summary) + "\n");
            token.ThrowIfCancellationRequested();
            outDir.Commit();
            MiniBatchFlags.Report(json, quiet, summary,
                $"fit {input} on the cluster at {primary}: {result.W.Rows} x {result.Components.Cols} in {sources.Length} blocks on {result.Silos.Distinct().Count()} silos, k = {options.NComponents}, solver {options.Solver.ToString().ToLowerInvariant()}, loss {NmfFlags.LossName(options.BetaLoss)}",
                $"{result.NIter} iterations in {result.Seconds:F2} s ({1000 * result.Seconds / Math.Max(1, result.NIter):F2} ms/iteration), {result.BytesPerIteration / 1024.0:F1} KiB exchanged per iteration, {result.Resumes} resumes",
                $"reconstruction error {result.ReconstructionError:G6}",
                $"wrote {outDir.PathOf("W.csv")}, {outDir.PathOf("H.csv")}, {outDir.PathOf(ModelFile.FileName)}");
        }

        return ExitCodes.Ok;
    }
}
