namespace Nmf.Cli;

/// <summary>
/// Known classes of the samples for <c>--labels</c>: a CSV/TSV with the sample name first and the class in another
/// column (header optional), matched to the matrix's sample names when they agree, else taken in order; or a file of
/// one label a line. An empty label cell takes the first non-empty cell to its right.
/// </summary>
internal static class SampleLabels
{
    public static IReadOnlyList<string> Read(string path, IReadOnlyList<string> sampleNames, string? column)
    {
        string[] lines;
        try
        {
            lines = [.. File.ReadAllLines(path).Where(l => l.Trim().Length > 0)];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliUsageException($"--labels {path}: {CliRuntime.OneLine(e.Message)}");
        }

        int n = sampleNames.Count;
        bool header = lines.Length == n + 1;
        if (lines.Length != n && !header)
        {
            throw new CliUsageException($"--labels {path}: {lines.Length} lines, expected one per sample ({n}), after an optional header.");
        }

        char separator = lines[0].Contains('\t', StringComparison.Ordinal) ? '\t' : ',';
        var rows = lines.Select(l => l.Split(separator).Select(f => f.Trim().Trim('"')).ToArray()).ToArray();
        int index = ColumnIndex(path, rows[0], header, column);
        var body = header ? rows[1..] : rows;
        for (int i = 0; i < body.Length; i++)
        {
            if (index >= body[i].Length)
            {
                throw new CliUsageException($"--labels {path}, line {i + (header ? 2 : 1)}: no column {index + 1}.");
            }
        }

        if (body[0].Length > 1)
        {
            var byName = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var row in body)
            {
                byName.TryAdd(row[0], Label(row, index));
            }

            if (sampleNames.All(byName.ContainsKey))
            {
                return [.. sampleNames.Select(s => byName[s])];
            }
        }

        return [.. body.Select(r => Label(r, index))];
    }

    /// <summary>The label in column <paramref name="index"/>, or when that cell is empty the first non-empty cell after it
    /// (golub-labels.csv leaves the cell type of AML samples empty and names the class in the next column).</summary>
    private static string Label(string[] row, int index) =>
        row.Skip(index).FirstOrDefault(f => f.Length > 0) ?? "(none)";

    private static int ColumnIndex(string path, string[] first, bool header, string? column)
    {
        if (column is null)
        {
            return first.Length > 1 ? 1 : 0;
        }

        if (int.TryParse(column, out int number) && number >= 1 && number <= first.Length)
        {
            return number - 1;
        }

        int named = header ? Array.IndexOf(first, column) : -1;
        return named >= 0 ? named : throw new CliUsageException($"--label-column {column}: not a column of {path}.");
    }
}
