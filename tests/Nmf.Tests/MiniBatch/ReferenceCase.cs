using Xunit;
using System.Globalization;
using System.Text.Json;
using Nmf.Matrices;

namespace Nmf.Tests.MiniBatch;

/// <summary>A scikit-learn MiniBatchNMF reference case of MiniBatch/reference (made by make_reference.py).</summary>
internal sealed class ReferenceCase
{
    public static readonly string Folder = Path.Combine(TestPaths.Root, "tests", "Nmf.Tests", "MiniBatch", "reference");

    private ReferenceCase(string name, JsonElement json)
    {
        Name = name;
        Json = json;
    }

    public string Name { get; }

    public JsonElement Json { get; }

    public string Dir => Path.Combine(Folder, Name);

    public static ReferenceCase Load(string name)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, name, "case.json")));
        return new ReferenceCase(name, doc.RootElement.Clone());
    }

    public MiniBatchNmfOptions Options()
    {
        var p = Json.GetProperty("params");
        double? Num(string key) => p.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : null;
        bool Has(string key) => p.TryGetProperty(key, out _);
        double beta = 2;
        if (p.TryGetProperty("beta_loss", out var b))
        {
            beta = b.ValueKind == JsonValueKind.Number ? b.GetDouble() : b.GetString() switch
            {
                "frobenius" => 2,
                "kullback-leibler" => 1,
                "itakura-saito" => 0,
                var s => throw new InvalidDataException(s),
            };
        }

        var defaults = new MiniBatchNmfOptions();
        return new MiniBatchNmfOptions
        {
            NComponents = Json.GetProperty("n_components").GetInt32(),
            Init = p.TryGetProperty("init", out var init) ? init.GetString() switch
            {
                "random" => NmfInit.Random,
                "nndsvd" => NmfInit.Nndsvd,
                "nndsvda" => NmfInit.Nndsvda,
                "nndsvdar" => NmfInit.Nndsvdar,
                _ => NmfInit.Custom,
            } : File.Exists(Path.Combine(Dir, "W0.csv")) ? NmfInit.Custom : NmfInit.Auto,
            RandomState = (int?)Num("random_state"),
            BatchSize = (int)(Num("batch_size") ?? defaults.BatchSize),
            BetaLoss = beta,
            Tol = Num("tol") ?? defaults.Tol,
            MaxNoImprovement = Has("max_no_improvement") ? (int?)Num("max_no_improvement") : defaults.MaxNoImprovement,
            MaxIter = (int)(Num("max_iter") ?? defaults.MaxIter),
            AlphaW = Num("alpha_W") ?? 0,
            AlphaH = Num("alpha_H"),
            L1Ratio = Num("l1_ratio") ?? 0,
            ForgetFactor = Num("forget_factor") ?? defaults.ForgetFactor,
            FreshRestarts = p.TryGetProperty("fresh_restarts", out var fr) && fr.GetBoolean(),
            FreshRestartsMaxIter = (int)(Num("fresh_restarts_max_iter") ?? defaults.FreshRestartsMaxIter),
            TransformMaxIter = (int?)Num("transform_max_iter"),
        };
    }

    public IMatrix<T> Matrix<T>(string file) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        if (file.EndsWith(".coo.csv", StringComparison.Ordinal))
        {
            var rows = new List<int>();
            var cols = new List<int>();
            var vals = new List<T>();
            foreach (var line in File.ReadLines(Path.Combine(Dir, file)))
            {
                var f = line.Split(',');
                rows.Add(int.Parse(f[0], CultureInfo.InvariantCulture));
                cols.Add(int.Parse(f[1], CultureInfo.InvariantCulture));
                vals.Add(T.CreateChecked(double.Parse(f[2], CultureInfo.InvariantCulture)));
            }

            var shape = Json.GetProperty("shape");
            return CsrMatrix<T>.FromTriplets(shape[0].GetInt32(), shape[1].GetInt32(), rows.ToArray(), cols.ToArray(), vals.ToArray());
        }

        return Dense<T>(file);
    }

    public DenseMatrix<T> Dense<T>(string file) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        var rows = File.ReadLines(Path.Combine(Dir, file))
            .Where(l => l.Length > 0)
            .Select(l => l.Split(',').Select(s => T.CreateChecked(double.Parse(s, CultureInfo.InvariantCulture))).ToArray())
            .ToList();
        return DenseMatrix<T>.FromRows(rows);
    }

    /// <summary>‖a − b‖_F / ‖b‖_F in double.</summary>
    public static double RelativeDifference<T>(DenseMatrix<T> a, DenseMatrix<double> b) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        Assert.Equal(b.Rows, a.Rows);
        Assert.Equal(b.Cols, a.Cols);
        double num = 0, den = 0;
        for (int p = 0; p < b.Data.Length; p++)
        {
            double d = double.CreateChecked(a.Data[p]) - b.Data[p];
            num += d * d;
            den += b.Data[p] * b.Data[p];
        }

        return Math.Sqrt(num / den);
    }
}
