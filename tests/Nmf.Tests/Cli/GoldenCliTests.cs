using System.Globalization;
using System.Text.Json;
using Nmf.Matrices;
using Xunit;

namespace Nmf.Tests.Cli;

/// <summary>
/// The scikit-learn golden cases of ../shared/golden run through the command line, as a user checking our numbers
/// against sklearn would: <c>nmf fit</c> with the case's parameters and start (--w0/--h0, or the case's init), and
/// <c>nmf transform</c> for the transform case. W and H must match within 1e-6 (relative Frobenius norm).
/// </summary>
public class GoldenCliTests
{
    private const double Tolerance = 1e-6;

    public static TheoryData<string> FitCases()
    {
        var data = new TheoryData<string>();
        foreach (var dir in Directory.GetDirectories(Path.Combine(TestPaths.Shared, "golden")).Order(StringComparer.Ordinal))
        {
            if (File.Exists(Path.Combine(dir, "case.json")) && JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "case.json"))).RootElement.TryGetProperty("params", out _))
            {
                data.Add(Path.GetFileName(dir));
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(FitCases))]
    public void FitReproducesScikitLearn(string name)
    {
        string dir = Path.Combine(TestPaths.Shared, "golden", name);
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "case.json")));
        var root = doc.RootElement;
        var p = root.GetProperty("params");
        using var temp = new TempFolder();
        var args = new List<string> { "fit", InputPath(root, dir), "-k", p.GetProperty("n_components").GetInt32().ToString(CultureInfo.InvariantCulture), "-o", temp.Path, "--json" };
        args.AddRange(FlagsFor(p));
        if (p.GetProperty("init").GetString() == "custom")
        {
            args.AddRange(["--w0", Path.Combine(dir, "W0.csv"), "--h0", Path.Combine(dir, "H0.csv")]);
        }

        var r = CliProcess.Run(TestPaths.Root, args);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(string.Empty, r.Stderr);
        AssertClose(Path.Combine(dir, "W.csv"), temp.File("W.csv"));
        AssertClose(Path.Combine(dir, "H.csv"), temp.File("H.csv"));
        using var summary = JsonDocument.Parse(r.Stdout);
        double expected = root.GetProperty("reconstruction_err").GetDouble();
        double actual = summary.RootElement.GetProperty("reconstruction_err").GetDouble();
        Assert.True(Math.Abs(actual - expected) <= Tolerance * expected, $"reconstruction_err {actual}, sklearn {expected}");
        Assert.Equal(root.GetProperty("n_iter").GetInt32(), summary.RootElement.GetProperty("n_iter").GetInt32());
    }

    [Fact]
    public void TransformReproducesScikitLearn()
    {
        string fitDir = Path.Combine(TestPaths.Shared, "golden", "faces-fit-first80");
        string transformDir = Path.Combine(TestPaths.Shared, "golden", "faces-transform-last20");
        using var model = new TempFolder();
        using var output = new TempFolder();
        var fit = CliProcess.Run("fit", Path.Combine(fitDir, "X.csv"), "-k", "16", "--max-iter", "200", "--tol", "0",
            "--w0", Path.Combine(fitDir, "W0.csv"), "--h0", Path.Combine(fitDir, "H0.csv"), "-o", model.Path, "--quiet");
        Assert.True(fit.ExitCode == 0, fit.ToString());
        AssertClose(Path.Combine(fitDir, "H.csv"), model.File("H.csv"));
        var transform = CliProcess.Run("transform", Path.Combine(transformDir, "X.csv"), "--model", model.Path, "-o", output.Path, "--quiet");
        Assert.True(transform.ExitCode == 0, transform.ToString());
        AssertClose(Path.Combine(transformDir, "W.csv"), output.File("W.csv"));
    }

    internal static string InputPath(JsonElement caseRoot, string caseDir)
    {
        string x = caseRoot.GetProperty("X").GetString()!.Split(' ')[0];
        return x.StartsWith("data/", StringComparison.Ordinal) ? Path.Combine(TestPaths.Shared, x) : Path.Combine(caseDir, x);
    }

    internal static IEnumerable<string> FlagsFor(JsonElement p)
    {
        yield return "--max-iter";
        yield return p.GetProperty("max_iter").GetInt32().ToString(CultureInfo.InvariantCulture);
        yield return "--tol";
        yield return p.GetProperty("tol").GetDouble().ToString("R", CultureInfo.InvariantCulture);
        if (p.TryGetProperty("solver", out var solver))
        {
            yield return "--solver";
            yield return solver.GetString()!;
        }

        if (p.TryGetProperty("beta_loss", out var beta))
        {
            yield return "--loss";
            yield return beta.ValueKind == JsonValueKind.Number ? beta.GetDouble().ToString("R", CultureInfo.InvariantCulture) : beta.GetString()!;
        }

        string init = p.GetProperty("init").GetString()!;
        if (init != "custom")
        {
            yield return "--init";
            yield return init;
        }

        if (p.TryGetProperty("random_state", out var seed))
        {
            yield return "--seed";
            yield return seed.GetInt32().ToString(CultureInfo.InvariantCulture);
        }

        if (p.TryGetProperty("alpha_W", out var aw))
        {
            yield return "--alpha-w";
            yield return aw.GetDouble().ToString("R", CultureInfo.InvariantCulture);
        }

        if (p.TryGetProperty("alpha_H", out var ah))
        {
            yield return "--alpha-h";
            yield return ah.ValueKind == JsonValueKind.Number ? ah.GetDouble().ToString("R", CultureInfo.InvariantCulture) : ah.GetString()!;
        }

        if (p.TryGetProperty("l1_ratio", out var l1))
        {
            yield return "--l1-ratio";
            yield return l1.GetDouble().ToString("R", CultureInfo.InvariantCulture);
        }
    }

    internal static void AssertClose(string expectedPath, string actualPath)
    {
        var expected = (DenseMatrix<double>)MatrixReader.Read<double>(expectedPath).Matrix;
        var actual = (DenseMatrix<double>)MatrixReader.Read<double>(actualPath).Matrix;
        Assert.Equal((expected.Rows, expected.Cols), (actual.Rows, actual.Cols));
        double diff = 0, norm = 0;
        for (int i = 0; i < expected.Data.Length; i++)
        {
            diff += (expected.Data[i] - actual.Data[i]) * (expected.Data[i] - actual.Data[i]);
            norm += expected.Data[i] * expected.Data[i];
        }

        double rel = Math.Sqrt(diff / norm);
        Assert.True(rel <= Tolerance, $"{Path.GetFileName(actualPath)}: relative difference {rel:E3} from {expectedPath}");
    }
}
