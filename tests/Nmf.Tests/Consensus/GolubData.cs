using System.Globalization;
using Nmf.Matrices;

namespace Nmf.Tests.Consensus;

/// <summary>The Golub leukaemia data (genes x samples in the file) read as samples x genes, with cell types.</summary>
internal static class GolubData
{
    private static readonly Lazy<(DenseMatrix<double> X, string[] Samples)> Data = new(Read);

    /// <summary>38 samples x 5000 genes.</summary>
    public static DenseMatrix<double> Samples => Data.Value.X;

    /// <summary>Cell type of every sample (B-cell, T-cell, AML), in the order of the file's columns.</summary>
    public static string[] CellTypes => Labels("cell");

    /// <summary>Class of every sample (ALL or AML).</summary>
    public static string[] Classes => Labels("class");

    private static string[] Labels(string column)
    {
        var lines = File.ReadAllLines(Path.Combine(TestPaths.Shared, "data", "golub-labels.csv"));
        int index = Array.IndexOf(lines[0].Split(','), column);
        var bySample = lines.Skip(1).Select(l => l.Split(',')).ToDictionary(f => f[0], f => f[index]);
        return [.. Data.Value.Samples.Select(s => bySample[s])];
    }

    private static (DenseMatrix<double>, string[]) Read()
    {
        var lines = File.ReadAllLines(Path.Combine(TestPaths.Shared, "data", "golub.csv"));
        var samples = lines[0].Split(',')[1..];
        var genes = lines.Skip(1).Where(l => l.Length > 0)
            .Select(l => l.Split(',')[1..].Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray()).ToList();
        return (DenseMatrix<double>.FromRows(genes).Transpose(), samples);
    }
}
