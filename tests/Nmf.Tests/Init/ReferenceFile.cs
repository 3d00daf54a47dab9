using System.Globalization;

namespace Nmf.Tests.Init;

/// <summary>Reads the reference arrays written by the Python scripts: one array a line, its name then its values.</summary>
internal static class ReferenceFile
{
    public static Dictionary<string, double[]> Read(params string[] relativePath)
    {
        var path = Path.Combine([TestPaths.Root, .. relativePath]);
        var result = new Dictionary<string, double[]>();
        foreach (var line in File.ReadLines(path))
        {
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            result[parts[0]] = parts.Skip(1).Select(p => double.Parse(p, CultureInfo.InvariantCulture)).ToArray();
        }

        return result;
    }

    /// <summary>Largest |a − b| / max|b| (0 when both are empty).</summary>
    public static double MaxRelativeError(ReadOnlySpan<double> actual, ReadOnlySpan<double> expected)
    {
        Xunit.Assert.Equal(expected.Length, actual.Length);
        double scale = 0, diff = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            scale = Math.Max(scale, Math.Abs(expected[i]));
            diff = Math.Max(diff, Math.Abs(actual[i] - expected[i]));
        }

        return scale == 0 ? diff : diff / scale;
    }
}
