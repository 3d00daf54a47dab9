using System.Globalization;
using System.IO.Compression;
using System.Text;
using Nmf.Matrices;

namespace Nmf.Tests.IO;

/// <summary>Writes test matrices in every input format, independently of the readers under test.</summary>
internal static class MatrixFiles
{
    public static string R(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    public static string Delimited(DenseMatrix<double> m, char sep)
    {
        var sb = new StringBuilder();
        for (int i = 0; i < m.Rows; i++)
        {
            sb.AppendJoin(sep, m.Row(i).ToArray().Select(R)).Append('\n');
        }

        return sb.ToString();
    }

    public static string MatrixMarketCoordinate(DenseMatrix<double> m)
    {
        var entries = new List<string>();
        for (int j = 0; j < m.Cols; j++)
        {
            for (int i = 0; i < m.Rows; i++)
            {
                if (m[i, j] != 0)
                {
                    entries.Add($"{i + 1} {j + 1} {R(m[i, j])}");
                }
            }
        }

        return $"%%MatrixMarket matrix coordinate real general\n% test\n{m.Rows} {m.Cols} {entries.Count}\n{string.Join('\n', entries)}\n";
    }

    public static string MatrixMarketArray(DenseMatrix<double> m)
    {
        var sb = new StringBuilder($"%%MatrixMarket matrix array real general\n{m.Rows} {m.Cols}\n");
        for (int j = 0; j < m.Cols; j++)
        {
            for (int i = 0; i < m.Rows; i++)
            {
                sb.Append(R(m[i, j])).Append('\n');
            }
        }

        return sb.ToString();
    }

    /// <summary>A version-1 .npy file: descr such as "&lt;f8", "&gt;f4", "|u1", C or Fortran order.</summary>
    public static byte[] Npy(DenseMatrix<double> m, string descr = "<f8", bool fortran = false, int version = 1)
    {
        string dict = $"{{'descr': '{descr}', 'fortran_order': {(fortran ? "True" : "False")}, 'shape': ({m.Rows}, {m.Cols}), }}";
        int prefix = version == 1 ? 10 : 12;
        int total = prefix + dict.Length + 1;
        int padded = (total + 63) / 64 * 64;
        dict = dict.PadRight(padded - prefix - 1) + "\n";
        var ms = new MemoryStream();
        ms.Write([0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', (byte)version, 0]);
        if (version == 1)
        {
            ms.Write(BitConverter.GetBytes((ushort)dict.Length));
        }
        else
        {
            ms.Write(BitConverter.GetBytes((uint)dict.Length));
        }

        ms.Write(Encoding.Latin1.GetBytes(dict));
        bool big = descr[0] == '>';
        char kind = descr[1];
        int size = int.Parse(descr.AsSpan(2), CultureInfo.InvariantCulture);
        for (int e = 0; e < m.Rows * m.Cols; e++)
        {
            double v = fortran ? m[e % m.Rows, e / m.Rows] : m.Data[e];
            byte[] b = (kind, size) switch
            {
                ('f', 8) => BitConverter.GetBytes(v),
                ('f', 4) => BitConverter.GetBytes((float)v),
                ('i', 4) => BitConverter.GetBytes((int)v),
                ('i', 8) => BitConverter.GetBytes((long)v),
                ('i', 2) => BitConverter.GetBytes((short)v),
                ('u', 1) => [(byte)v],
                ('u', 2) => BitConverter.GetBytes((ushort)v),
                _ => throw new ArgumentException(descr),
            };
            if (big)
            {
                Array.Reverse(b);
            }

            ms.Write(b);
        }

        return ms.ToArray();
    }

    public static byte[] Gzip(byte[] content)
    {
        var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Fastest, leaveOpen: true))
        {
            gz.Write(content);
        }

        return ms.ToArray();
    }

    public static NamedMatrix<double> ReadBytes(byte[] content, string name, MatrixReadOptions? options = null)
        => MatrixReader.Read<double>(new MemoryStream(content), name, options);

    public static NamedMatrix<double> ReadText(string content, string name, MatrixReadOptions? options = null)
        => ReadBytes(Encoding.UTF8.GetBytes(content), name, options);

    public static DenseMatrix<double> Dense(IMatrix<double> m) => m switch
    {
        DenseMatrix<double> d => d,
        CsrMatrix<double> s => s.ToDense(),
        _ => throw new ArgumentException(m.GetType().Name),
    };
}
