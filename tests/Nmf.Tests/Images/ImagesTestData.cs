using System.Globalization;
using System.Text.Json;
using Nmf.Matrices;

namespace Nmf.Tests.Images;

/// <summary>Reads the shared data and golden cases used by the image and NMF-family tests.</summary>
internal static class ImagesTestData
{
    /// <summary>A header-less CSV of numbers (optionally skipping a header row and a first label column).</summary>
    public static DenseMatrix<double> ReadCsv(string path, bool header = false, bool rowNames = false)
    {
        var rows = File.ReadLines(path)
            .Skip(header ? 1 : 0)
            .Where(l => l.Length > 0)
            .Select(l => l.Split(',').Skip(rowNames ? 1 : 0).Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray())
            .ToList();
        return DenseMatrix<double>.FromRows(rows);
    }

    public static DenseMatrix<double> Faces() => ReadCsv(Path.Combine(TestPaths.Shared, "data", "lfw-faces.csv"));

    /// <summary>X, W0, H0 and scikit-learn's reconstruction error of a golden fit with a custom start.</summary>
    public static (DenseMatrix<double> X, DenseMatrix<double> W0, DenseMatrix<double> H0, double ReconstructionError, int MaxIter) Golden(string name)
    {
        string folder = Path.Combine(TestPaths.Shared, "golden", name);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "case.json")));
        var root = json.RootElement;
        string xSpec = root.GetProperty("X").GetString()!;
        DenseMatrix<double> x = xSpec switch
        {
            "X.csv" => ReadCsv(Path.Combine(folder, "X.csv")),
            _ when xSpec.StartsWith("data/digits.csv", StringComparison.Ordinal) => ReadCsv(Path.Combine(TestPaths.Shared, "data", "digits.csv")),
            _ when xSpec.StartsWith("data/golub.csv", StringComparison.Ordinal) => ReadCsv(Path.Combine(TestPaths.Shared, "data", "golub.csv"), header: true, rowNames: true),
            _ when xSpec.StartsWith("data/lfw-faces.csv", StringComparison.Ordinal) => Faces(),
            _ => throw new NotSupportedException(xSpec),
        };
        return (x, ReadCsv(Path.Combine(folder, "W0.csv")), ReadCsv(Path.Combine(folder, "H0.csv")),
            root.GetProperty("reconstruction_err").GetDouble(), root.GetProperty("params").GetProperty("max_iter").GetInt32());
    }
}
