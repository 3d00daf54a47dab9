using System.Globalization;

namespace Nmf.Tests.Text;

/// <summary>A minimal Matrix Market coordinate reader for the reference files of these tests.</summary>
internal static class MatrixMarketText
{
    public static (int Rows, int Cols, Dictionary<(int, int), double> Entries) Read(string path)
    {
        using var reader = new StreamReader(path);
        string? line;
        do
        {
            line = reader.ReadLine();
        }
        while (line is not null && line.StartsWith('%'));

        var size = line!.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        int rows = int.Parse(size[0], CultureInfo.InvariantCulture), cols = int.Parse(size[1], CultureInfo.InvariantCulture);
        var entries = new Dictionary<(int, int), double>();
        while ((line = reader.ReadLine()) is not null)
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length < 3)
            {
                continue;
            }

            entries[(int.Parse(parts[0], CultureInfo.InvariantCulture) - 1, int.Parse(parts[1], CultureInfo.InvariantCulture) - 1)] =
                double.Parse(parts[2], CultureInfo.InvariantCulture);
        }

        return (rows, cols, entries);
    }
}
