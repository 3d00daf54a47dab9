using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using Nmf.Matrices;

namespace Nmf.Bench;

/// <summary>Readers for the benchmark matrices (NumPy .npy float64 and Matrix Market coordinate files, optionally gzipped).</summary>
internal static class BenchData
{
    /// <summary>Reads a C-order float64 .npy file (or .npy.gz).</summary>
    public static DenseMatrix<double> ReadNpy(string path)
    {
        using var stream = Open(path);
        using var reader = new BinaryReader(stream);
        var magic = reader.ReadBytes(8);
        if (magic.Length < 8 || magic[0] != 0x93 || Encoding.ASCII.GetString(magic, 1, 5) != "NUMPY")
        {
            throw new InvalidDataException($"{path}: not a .npy file");
        }

        int headerLength = magic[6] == 1 ? reader.ReadUInt16() : (int)reader.ReadUInt32();
        string header = Encoding.ASCII.GetString(reader.ReadBytes(headerLength));
        if (!header.Contains("'<f8'", StringComparison.Ordinal) || header.Contains("'fortran_order': True", StringComparison.Ordinal))
        {
            throw new InvalidDataException($"{path}: only C-order float64 is read");
        }

        int open = header.IndexOf("'shape': (", StringComparison.Ordinal) + 10;
        var dims = header[open..header.IndexOf(')', open)].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        int rows = int.Parse(dims[0], CultureInfo.InvariantCulture), cols = int.Parse(dims[1], CultureInfo.InvariantCulture);
        var m = new DenseMatrix<double>(rows, cols);
        var bytes = reader.ReadBytes(rows * cols * 8);
        for (int i = 0; i < m.Data.Length; i++)
        {
            m.Data[i] = BinaryPrimitives.ReadDoubleLittleEndian(bytes.AsSpan(i * 8));
        }

        return m;
    }

    /// <summary>Reads a Matrix Market "coordinate real general" file (or .mtx.gz) into CSR.</summary>
    public static CsrMatrix<double> ReadMtx(string path)
    {
        using var text = new StreamReader(Open(path));
        string? line;
        do
        {
            line = text.ReadLine() ?? throw new InvalidDataException($"{path}: no size line");
        }
        while (line.StartsWith('%'));

        var size = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        int rows = int.Parse(size[0], CultureInfo.InvariantCulture), cols = int.Parse(size[1], CultureInfo.InvariantCulture);
        int nnz = int.Parse(size[2], CultureInfo.InvariantCulture);
        var ri = new int[nnz];
        var ci = new int[nnz];
        var v = new double[nnz];
        for (int t = 0; t < nnz; t++)
        {
            var parts = (text.ReadLine() ?? throw new InvalidDataException($"{path}: ends after {t} entries")).Split(' ', StringSplitOptions.RemoveEmptyEntries);
            ri[t] = int.Parse(parts[0], CultureInfo.InvariantCulture) - 1;
            ci[t] = int.Parse(parts[1], CultureInfo.InvariantCulture) - 1;
            v[t] = double.Parse(parts[2], CultureInfo.InvariantCulture);
        }

        return CsrMatrix<double>.FromTriplets(rows, cols, ri, ci, v);
    }

    private static Stream Open(string path)
    {
        Stream s = File.OpenRead(path);
        return path.EndsWith(".gz", StringComparison.Ordinal) ? new GZipStream(s, CompressionMode.Decompress) : s;
    }
}
