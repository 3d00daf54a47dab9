using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Nmf.Matrices;

namespace Nmf.Tests.Golden;

/// <summary>
/// One folder of <c>../shared/golden</c>: scikit-learn 1.2.1's parameters (<c>case.json</c>), the data X (a CSV in
/// the folder or a file under <c>../shared/data</c>) and the factor CSVs. Readers here are minimal and
/// self-contained on purpose: the tests must not depend on the product's readers they may be checking.
/// </summary>
internal sealed class GoldenCase
{
    private static readonly ConcurrentDictionary<string, IMatrix<double>> DataCache = new();

    private GoldenCase(string name, string folder, JsonElement json)
    {
        Name = name;
        Folder = folder;
        Json = json;
    }

    /// <summary>The folder holding all cases.</summary>
    public static string Root => Path.Combine(TestPaths.Shared, "golden");

    /// <summary>Every case name, sorted.</summary>
    public static IEnumerable<string> AllNames =>
        Directory.GetDirectories(Root).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal);

    /// <summary>The case's folder name.</summary>
    public string Name { get; }

    /// <summary>The case's folder.</summary>
    public string Folder { get; }

    /// <summary>The parsed <c>case.json</c>.</summary>
    public JsonElement Json { get; }

    /// <summary>The <c>params</c> object given to sklearn's NMF (absent for the transform case).</summary>
    public JsonElement? Params => Json.TryGetProperty("params", out var p) ? p : null;

    /// <summary>The <c>init</c> parameter ("custom", "nndsvd", ...); null for the transform case.</summary>
    public string? Init => Params is { } p && p.TryGetProperty("init", out var i) ? i.GetString() : null;

    /// <summary>Whether this is the transform case (W of new rows with H fixed) rather than a fit.</summary>
    public bool IsTransform => Params is null;

    /// <summary>sklearn's <c>reconstruction_err_</c>.</summary>
    public double ReconstructionError => Json.GetProperty("reconstruction_err").GetDouble();

    /// <summary>sklearn's beta-divergence of the result.</summary>
    public double Objective => Json.GetProperty("objective").GetDouble();

    /// <summary>sklearn's <c>n_iter_</c>.</summary>
    public int NIter => Json.GetProperty("n_iter").GetInt32();

    /// <summary>Loads case <paramref name="name"/>.</summary>
    public static GoldenCase Load(string name) => LoadFrom(Path.Combine(Root, name));

    /// <summary>Loads the case in <paramref name="folder"/> (any folder laid out like a golden case).</summary>
    public static GoldenCase LoadFrom(string folder)
    {
        string name = Path.GetFileName(folder);
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "case.json")));
        return new GoldenCase(name, folder, doc.RootElement.Clone());
    }

    /// <summary>X: <c>X.csv</c> of the folder, or the data file <c>case.json</c> names (cached across cases).</summary>
    public IMatrix<double> X()
    {
        string spec = Json.TryGetProperty("X", out var xs) ? xs.GetString()! : "X.csv";
        string relative = spec.Split(' ')[0];
        string path = relative.StartsWith("data/", StringComparison.Ordinal)
            ? Path.Combine(TestPaths.Shared, relative)
            : Path.Combine(Folder, relative);
        return DataCache.GetOrAdd(Path.GetFullPath(path), ReadData);
    }

    /// <summary>A CSV of the folder (W0, H0, Winit, Hinit, W, H, Xnew, Wnew), or null if the case has none.</summary>
    public DenseMatrix<double>? Factor(string name)
    {
        string path = Path.Combine(Folder, name + ".csv");
        return File.Exists(path) ? ReadCsv(path, header: false) : null;
    }

    /// <summary>The options sklearn was given, in this library's terms.</summary>
    public NmfOptions Options()
    {
        var p = Params ?? throw new InvalidOperationException(Name + " has no params.");
        var o = new NmfOptions { NComponents = p.GetProperty("n_components").GetInt32() };
        foreach (var prop in p.EnumerateObject())
        {
            var v = prop.Value;
            o = prop.Name switch
            {
                "n_components" => o,
                "tol" => o with { Tol = v.GetDouble() },
                "max_iter" => o with { MaxIter = v.GetInt32() },
                "random_state" => o with { RandomState = v.GetInt32() },
                "shuffle" => o with { Shuffle = v.GetBoolean() },
                "l1_ratio" => o with { L1Ratio = v.GetDouble() },
                "alpha_W" => o with { AlphaW = v.GetDouble() },
                "alpha_H" => o with { AlphaH = v.ValueKind == JsonValueKind.String ? null : v.GetDouble() },
                "solver" => o with { Solver = v.GetString() == "cd" ? NmfSolver.Cd : NmfSolver.Mu },
                "init" => o with { Init = Enum.Parse<NmfInit>(v.GetString()!, ignoreCase: true) },
                "beta_loss" => o with { BetaLoss = v.ValueKind == JsonValueKind.Number ? v.GetDouble() : NamedBeta(v.GetString()!) },
                _ => throw new NotSupportedException($"{Name}: parameter {prop.Name} is not mapped."),
            };
        }

        return o;
    }

    private static double NamedBeta(string name) => name switch
    {
        "frobenius" => 2.0,
        "kullback-leibler" => 1.0,
        "itakura-saito" => 0.0,
        _ => throw new NotSupportedException(name),
    };

    private static IMatrix<double> ReadData(string path)
    {
        if (path.EndsWith(".mtx", StringComparison.Ordinal))
        {
            return ReadMatrixMarket(path);
        }

        // golub.csv: a header row of sample names and a first column of gene names.
        bool named = Path.GetFileName(path) == "golub.csv";
        return ReadCsv(path, named);
    }

    /// <summary>Comma-separated numbers; with <paramref name="header"/> the first row and first column are names.</summary>
    private static DenseMatrix<double> ReadCsv(string path, bool header)
    {
        var rows = new List<double[]>();
        foreach (string line in File.ReadLines(path).Skip(header ? 1 : 0))
        {
            if (line.Length == 0)
            {
                continue;
            }

            var fields = line.Split(',');
            rows.Add(fields.Skip(header ? 1 : 0).Select(f => double.Parse(f, CultureInfo.InvariantCulture)).ToArray());
        }

        return DenseMatrix<double>.FromRows(rows);
    }

    /// <summary>Matrix Market "coordinate real general", 1-based indices, to CSR.</summary>
    private static CsrMatrix<double> ReadMatrixMarket(string path)
    {
        using var reader = new StreamReader(path);
        string? line;
        while ((line = reader.ReadLine()) is not null && line.StartsWith('%'))
        {
        }

        var size = line!.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToArray();
        int rows = size[0], cols = size[1], nnz = size[2];
        var ri = new int[nnz];
        var ci = new int[nnz];
        var vals = new double[nnz];
        for (int t = 0; t < nnz; t++)
        {
            var f = reader.ReadLine()!.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            ri[t] = int.Parse(f[0], CultureInfo.InvariantCulture) - 1;
            ci[t] = int.Parse(f[1], CultureInfo.InvariantCulture) - 1;
            vals[t] = double.Parse(f[2], CultureInfo.InvariantCulture);
        }

        return CsrMatrix<double>.FromTriplets(rows, cols, ri, ci, vals);
    }
}
