using System.Numerics;
using Nmf.Matrices;

namespace Nmf.Distributed;

/// <summary>Reads a range of rows of a matrix file, holding only those rows (delimited text is streamed).</summary>
internal static class RowRange
{
    public static IMatrix<T> Read<T>(string path, int start, int count) where T : unmanaged, IFloatingPointIeee754<T>
    {
        string name = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? path[..^3] : path;
        string ext = Path.GetExtension(name).ToLowerInvariant();
        if (ext is ".csv" or ".tsv" or ".tab" or ".txt")
        {
            return new CsvRowBatches<T>(path).ReadRange(start, count);
        }

        throw new NmfInputException($"{path}: block files are read as CSV/TSV; {ext} is not supported for blocks.");
    }
}
