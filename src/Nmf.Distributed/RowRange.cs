using System.Numerics;
using Nmf.Matrices;

namespace Nmf.Distributed;

/// <summary>Reads a range of rows of a matrix file: delimited text is streamed (only those rows are held), Matrix Market and .npy are read whole.</summary>
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

        // Matrix Market and .npy: the file is read whole (a part file is exactly the block; a row range of one big
        // file holds that file on the silo while the rows are cut out).
        var x = MatrixReader.Read<T>(path).Matrix;
        if (start == 0 && (count < 0 || count == x.Rows))
        {
            return x;
        }

        if (count < 0)
        {
            count = x.Rows - start;
        }

        if (start < 0 || start + count > x.Rows)
        {
            throw new NmfInputException($"{path}: rows {start + 1}..{start + count} requested, the file has {x.Rows}.");
        }

        return Solvers.MiniBatchMultiplicativeUpdate.SliceRows(x, start, count);
    }
}
