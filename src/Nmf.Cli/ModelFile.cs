using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Nmf.Cli;

/// <summary>
/// <c>model.json</c>, written by <c>nmf fit</c> beside W.csv and H.csv: every parameter (scikit-learn's names), the input,
/// the results and the loss history. <c>nmf transform</c> reads the parameters back. <c>--json</c> prints the same object.
/// </summary>
internal static class ModelFile
{
    public const string FileName = "model.json";

    public static string Version => typeof(ModelFile).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? typeof(ModelFile).Assembly.GetName().Version?.ToString() ?? "unknown";

    public static JsonObject Parameters(NmfOptions o, bool float32) => new()
    {
        ["n_components"] = o.NComponents,
        ["init"] = NmfFlags.InitName(o.Init),
        ["solver"] = o.Solver.ToString().ToLowerInvariant(),
        ["beta_loss"] = o.BetaLoss,
        ["loss"] = NmfFlags.LossName(o.BetaLoss),
        ["tol"] = o.Tol,
        ["max_iter"] = o.MaxIter,
        ["random_state"] = o.RandomState,
        ["alpha_W"] = o.AlphaW,
        ["alpha_H"] = o.AlphaH is null ? "same" : JsonValue.Create(o.AlphaH.Value),
        ["l1_ratio"] = o.L1Ratio,
        ["shuffle"] = o.Shuffle,
        ["threads"] = o.Threads,
        ["dtype"] = float32 ? "float32" : "float64",
    };

    /// <summary>The options saved in a model file, and whether it was fitted in float32 and on the transpose.</summary>
    public static (NmfOptions Options, bool Float32, bool Transposed, JsonObject Model) Load(string modelDir)
    {
        string path = Path.Combine(modelDir, FileName);
        if (!File.Exists(path))
        {
            throw new CliUsageException($"--model {modelDir}: no {FileName} there (write one with nmf fit -o {modelDir}).");
        }

        JsonObject model;
        try
        {
            model = JsonNode.Parse(File.ReadAllText(path))?.AsObject() ?? throw new JsonException("empty");
            var p = model["parameters"]!.AsObject();
            var options = new NmfOptions
            {
                NComponents = p["n_components"]!.GetValue<int>(),
                Init = NmfFlags.ParseInit(p["init"]!.GetValue<string>() is "auto" ? null : p["init"]!.GetValue<string>()),
                Solver = NmfFlags.ParseSolver(p["solver"]!.GetValue<string>()),
                BetaLoss = p["beta_loss"]!.GetValue<double>(),
                Tol = p["tol"]!.GetValue<double>(),
                MaxIter = p["max_iter"]!.GetValue<int>(),
                RandomState = p["random_state"]?.GetValue<int>(),
                AlphaW = p["alpha_W"]!.GetValue<double>(),
                AlphaH = p["alpha_H"] is JsonValue v && v.TryGetValue<double>(out double a) ? a : null,
                L1Ratio = p["l1_ratio"]!.GetValue<double>(),
                Shuffle = p["shuffle"]!.GetValue<bool>(),
                Threads = p["threads"]?.GetValue<int>() ?? 0,
            };
            bool float32 = p["dtype"]?.GetValue<string>() == "float32";
            bool transposed = model["input"]?["transposed"]?.GetValue<bool>() ?? false;
            return (options, float32, transposed, model);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or NullReferenceException or FormatException or KeyNotFoundException)
        {
            throw new CliUsageException($"--model {modelDir}: {FileName} is not a model written by nmf fit: {CliRuntime.OneLine(e.Message)}");
        }
    }

    /// <summary>A double for JSON: NaN and infinities (never valid JSON numbers) become null.</summary>
    public static JsonNode? Number(double v) => double.IsFinite(v) ? JsonValue.Create(v) : null;

    public static string Serialize(JsonObject o) => o.ToJsonString(CliJson.Options);

    public static string Invariant(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}
