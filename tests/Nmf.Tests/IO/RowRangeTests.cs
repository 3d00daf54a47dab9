using System.Text;
using Nmf.Matrices;
using Xunit;

namespace Nmf.Tests.IO;

/// <summary>
/// <see cref="MatrixReader.ReadRows{T}"/>: a range of rows read from any format equals the same rows cut out of the
/// whole matrix, and reading it holds only those rows.
/// </summary>
public sealed class RowRangeTests : IDisposable
{
    private const int N = 23;
    private const int M = 7;
    private static readonly DenseMatrix<double> X = MakeMatrix(N, M);
    private static readonly DenseMatrix<double> Square = Symmetric(MakeMatrix(9, 9));
    private readonly string _dir = Directory.CreateTempSubdirectory("nmf-rows-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>One file name per format and variant (written by <see cref="Write"/>).</summary>
    public static TheoryData<string> Formats() => [.. FormatNames];

    private static readonly string[] FormatNames =
    [
        "plain.csv", "names.csv", "m.tsv.gz", "coordinate.mtx", "symmetric-coordinate.mtx", "array.mtx",
        "symmetric-array.mtx", "c.npy", "fortran.npy", "c-f4.npy", "fortran.npy.gz", "c.npy.gz",
    ];

    public static TheoryData<string, int, int> Ranges()
    {
        var data = new TheoryData<string, int, int>();
        foreach (string f in FormatNames)
        {
            int n = f.StartsWith("symmetric", StringComparison.Ordinal) ? 9 : N;
            data.Add(f, 0, 5);          // first rows
            data.Add(f, 3, n - 5);      // middle
            data.Add(f, n - 4, 4);      // last rows
            data.Add(f, n - 4, -1);     // to the end
            data.Add(f, n - 1, 1);      // the last row alone
            data.Add(f, 0, -1);         // everything
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Ranges))]
    public void RangeEqualsTheSliceOfTheWholeRead(string file, int start, int count)
    {
        string path = Write(file);
        var whole = MatrixReader.Read<double>(path);
        var range = MatrixReader.ReadRows<double>(path, start, count);
        int rows = count < 0 ? whole.Matrix.Rows - start : count;
        Assert.Equal(whole.Matrix.GetType(), range.Matrix.GetType());
        Assert.Equal((rows, whole.Matrix.Cols), (range.Matrix.Rows, range.Matrix.Cols));
        var expected = MatrixFiles.Dense(whole.Matrix).SliceRows(start, rows);
        Assert.Equal(expected.Data, MatrixFiles.Dense(range.Matrix).Data);
        if (range.Matrix is CsrMatrix<double> csr)
        {
            var wholeCsr = (CsrMatrix<double>)whole.Matrix;
            Assert.Equal(wholeCsr.RowPtr[start + rows] - wholeCsr.RowPtr[start], csr.Values.Length);
        }

        if (whole.RowNames is not null)
        {
            Assert.Equal(whole.RowNames.Skip(start).Take(rows), range.RowNames!);
            Assert.Equal(whole.ColumnNames, range.ColumnNames);
        }
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void EmptyOrOutOfFileRangesAreOneLineErrors(string file)
    {
        string path = Write(file);
        int n = MatrixReader.Read<double>(path).Matrix.Rows;
        var empty = Assert.Throws<NmfInputException>(() => MatrixReader.ReadRows<double>(path, 2, 0));
        Assert.Contains("empty row range", empty.Message, StringComparison.Ordinal);
        var beyond = Assert.Throws<NmfInputException>(() => MatrixReader.ReadRows<double>(path, n - 2, 5));
        Assert.Contains($"rows {n - 1}..{n + 3} requested, the file has {n}", beyond.Message, StringComparison.Ordinal);
        var after = Assert.Throws<NmfInputException>(() => MatrixReader.ReadRows<double>(path, n, -1));
        Assert.Contains($"rows {n + 1}..end requested, the file has {n}", after.Message, StringComparison.Ordinal);
        Assert.Throws<NmfInputException>(() => MatrixReader.ReadRows<double>(path, -1, 2));
        Assert.DoesNotContain('\n', beyond.Message);
    }

    [Fact]
    public void BadValueInTheRangeNamesItsRowAndOneOutsideIsNotRead()
    {
        var bad = X.Clone();
        bad[10, 2] = -1;
        string npy = Path.Combine(_dir, "bad.npy");
        File.WriteAllBytes(npy, MatrixFiles.Npy(bad));
        var e = Assert.Throws<NmfInputException>(() => MatrixReader.ReadRows<double>(npy, 8, 4));
        Assert.Contains("row 11, column 3", e.Message, StringComparison.Ordinal);
        Assert.Equal(4, MatrixReader.ReadRows<double>(npy, 0, 4).Matrix.Rows); // row 11 is never decoded

        string fortran = Path.Combine(_dir, "bad-f.npy");
        File.WriteAllBytes(fortran, MatrixFiles.Npy(bad, fortran: true));
        e = Assert.Throws<NmfInputException>(() => MatrixReader.ReadRows<double>(fortran, 8, 4));
        Assert.Contains("row 11, column 3", e.Message, StringComparison.Ordinal);
        Assert.Equal(4, MatrixReader.ReadRows<double>(fortran, 12, 4).Matrix.Rows);
    }

    [Theory]
    [InlineData("%%MatrixMarket matrix coordinate real general\n4 2 4\n1 1 1.5\n3 2 oops\n2 2 2\n4 1 -1\n", "line 4: non-numeric value 'oops'")]
    [InlineData("%%MatrixMarket matrix array real general\n4 2\n1\n2\noops\n4\n5\n6\n7\n-1\n", "line 5: non-numeric value 'oops'")]
    public void MatrixMarketValuesAreCheckedByTheRangeThatHoldsThem(string text, string error)
    {
        string path = Path.Combine(_dir, "ranges.mtx");
        File.WriteAllText(path, text);
        Assert.Equal(2, MatrixReader.ReadRows<double>(path, 0, 2).Matrix.Rows); // rows 3 and 4 hold the bad values
        var e = Assert.Throws<NmfInputException>(() => MatrixReader.ReadRows<double>(path, 2, 1));
        Assert.Contains(error, e.Message, StringComparison.Ordinal);
        Assert.Contains("negative", Assert.Throws<NmfInputException>(() => MatrixReader.ReadRows<double>(path, 3, 1)).Message, StringComparison.Ordinal);
        Assert.Throws<NmfInputException>(() => MatrixReader.Read<double>(path)); // the whole file holds them all
    }

    [Fact]
    public void TruncatedNpyIsAnErrorForARangeToo()
    {
        byte[] full = MatrixFiles.Npy(X);
        string path = Path.Combine(_dir, "short.npy");
        File.WriteAllBytes(path, full.AsSpan(0, full.Length - 8).ToArray());
        Assert.Throws<NmfInputException>(() => MatrixReader.ReadRows<double>(path, 0, 2));
        string gzPath = Path.Combine(_dir, "short.npy.gz");
        File.WriteAllBytes(gzPath, MatrixFiles.Gzip(full.AsSpan(0, full.Length - 8).ToArray()));
        var e = Assert.Throws<NmfInputException>(() => MatrixReader.ReadRows<double>(gzPath, N - 2, 2));
        Assert.Contains("truncated", e.Message, StringComparison.Ordinal);
    }

    /// <summary>A silo's block of one file: the block reader reads just its rows; a bad range names the silo.</summary>
    [Theory]
    [InlineData("fortran.npy")]
    [InlineData("coordinate.mtx")]
    [InlineData("names.csv")]
    public void SiloReadsItsBlockOfOneFile(string file)
    {
        string path = Write(file);
        var whole = MatrixFiles.Dense(MatrixReader.Read<double>(path).Matrix);
        var block = Nmf.Distributed.BlockReader.Read<double>(new Nmf.Distributed.BlockSource { Path = path, RowStart = 8, RowCount = 6 }, "silo-2");
        Assert.Equal(whole.SliceRows(8, 6).Data, MatrixFiles.Dense(block).Data);
        var tail = Nmf.Distributed.BlockReader.Read<double>(new Nmf.Distributed.BlockSource { Path = path, RowStart = 20 }, "silo-2");
        Assert.Equal(whole.SliceRows(20, N - 20).Data, MatrixFiles.Dense(tail).Data);
        var e = Assert.Throws<NmfInputException>(() => Nmf.Distributed.BlockReader.Read<double>(new Nmf.Distributed.BlockSource { Path = path, RowStart = 20, RowCount = 9 }, "silo-2"));
        Assert.StartsWith($"silo silo-2: {path}: rows 21..29 requested, the file has {N}", e.Message, StringComparison.Ordinal);
    }

    public static TheoryData<string> BigFormats() => ["c.npy", "fortran.npy", "big.csv", "coordinate.mtx", "array.mtx"];

    /// <summary>
    /// 20,000 x 50 (8 MB of doubles): a range of 100 rows allocates about those rows and fixed buffers, not the file
    /// (Matrix Market: its lines are read as spans of one buffer, and the entry buffers come in chunks of 64 K).
    /// </summary>
    [Theory]
    [MemberData(nameof(BigFormats))]
    public void RangeOfABigFileAllocatesAboutTheRange(string file)
    {
        const int Rows = 20_000, Cols = 50, Start = 12_345, Count = 100;
        var big = MakeMatrix(Rows, Cols);
        string path = Path.Combine(_dir, file);
        switch (file)
        {
            case "c.npy":
                File.WriteAllBytes(path, MatrixFiles.Npy(big));
                break;
            case "fortran.npy":
                File.WriteAllBytes(path, MatrixFiles.Npy(big, fortran: true));
                break;
            case "coordinate.mtx":
                File.WriteAllText(path, MatrixFiles.MatrixMarketCoordinate(big));
                break;
            case "array.mtx":
                File.WriteAllText(path, MatrixFiles.MatrixMarketArray(big));
                break;
            default:
                File.WriteAllText(path, MatrixFiles.Delimited(big, ','));
                break;
        }

        MatrixReader.ReadRows<double>(path, 0, 1); // JIT and static buffers out of the measurement
        long before = GC.GetAllocatedBytesForCurrentThread();
        var range = MatrixReader.ReadRows<double>(path, Start, Count);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(big.SliceRows(Start, Count).Data, MatrixFiles.Dense(range.Matrix).Data);
        long rangeBytes = (long)Count * Cols * sizeof(double);
        long fileValues = (long)Rows * Cols * sizeof(double);
        long bound = (2 * rangeBytes) + (file.EndsWith(".mtx", StringComparison.Ordinal) ? 4 << 20 : 1 << 20);
        Assert.True(allocated < bound, $"{file}: allocated {allocated} bytes for a range of {rangeBytes} bytes (file: {fileValues} bytes of values)");
    }

    private string Write(string file)
    {
        string path = Path.Combine(_dir, file);
        if (File.Exists(path))
        {
            return path;
        }

        byte[] content = file switch
        {
            "plain.csv" => Encoding.UTF8.GetBytes(MatrixFiles.Delimited(X, ',')),
            "names.csv" => Encoding.UTF8.GetBytes(WithNames(X)),
            "m.tsv.gz" => MatrixFiles.Gzip(Encoding.UTF8.GetBytes(MatrixFiles.Delimited(X, '\t'))),
            "coordinate.mtx" => Encoding.UTF8.GetBytes(Shuffled(MatrixFiles.MatrixMarketCoordinate(X))),
            "symmetric-coordinate.mtx" => Encoding.UTF8.GetBytes(SymmetricCoordinate(Square)),
            "array.mtx" => Encoding.UTF8.GetBytes(MatrixFiles.MatrixMarketArray(X)),
            "symmetric-array.mtx" => Encoding.UTF8.GetBytes(SymmetricArray(Square)),
            "c.npy" => MatrixFiles.Npy(X),
            "fortran.npy" => MatrixFiles.Npy(X, fortran: true),
            "c-f4.npy" => MatrixFiles.Npy(X, descr: "<f4", version: 2),
            "fortran.npy.gz" => MatrixFiles.Gzip(MatrixFiles.Npy(X, fortran: true)),
            "c.npy.gz" => MatrixFiles.Gzip(MatrixFiles.Npy(X, descr: ">f8")),
            _ => throw new ArgumentException(file),
        };
        File.WriteAllBytes(path, content);
        return path;
    }

    /// <summary>Non-negative values with about a third zeros, and a row of zeros (row 6), exact in float32.</summary>
    private static DenseMatrix<double> MakeMatrix(int rows, int cols)
    {
        var rng = new Random(rows * 31 + cols);
        var m = new DenseMatrix<double>(rows, cols);
        for (int p = 0; p < m.Data.Length; p++)
        {
            m.Data[p] = rng.Next(3) == 0 ? 0 : rng.Next(1, 4000) / 8.0;
        }

        if (rows > 6)
        {
            m.Row(5).Clear();
        }

        return m;
    }

    private static DenseMatrix<double> Symmetric(DenseMatrix<double> a)
    {
        var s = a.Clone();
        for (int i = 0; i < a.Rows; i++)
        {
            for (int j = 0; j < i; j++)
            {
                s[j, i] = s[i, j];
            }
        }

        return s;
    }

    private static string WithNames(DenseMatrix<double> m)
    {
        var sb = new StringBuilder("gene");
        for (int j = 0; j < m.Cols; j++)
        {
            sb.Append(",s").Append(j);
        }

        sb.Append('\n');
        for (int i = 0; i < m.Rows; i++)
        {
            sb.Append('g').Append(i).Append(',').AppendJoin(',', m.Row(i).ToArray().Select(MatrixFiles.R)).Append('\n');
        }

        return sb.ToString();
    }

    /// <summary>The entries in a scrambled order (a row's entries spread over the file).</summary>
    private static string Shuffled(string mtx)
    {
        var lines = mtx.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var entries = lines.Skip(3).ToArray();
        new Random(5).Shuffle(entries);
        return string.Join('\n', lines.Take(3).Concat(entries)) + "\n";
    }

    private static string SymmetricCoordinate(DenseMatrix<double> s)
    {
        var entries = new List<string>();
        for (int j = 0; j < s.Cols; j++)
        {
            for (int i = j; i < s.Rows; i++)
            {
                if (s[i, j] != 0)
                {
                    entries.Add($"{i + 1} {j + 1} {MatrixFiles.R(s[i, j])}");
                }
            }
        }

        return $"%%MatrixMarket matrix coordinate real symmetric\n{s.Rows} {s.Cols} {entries.Count}\n{string.Join('\n', entries)}\n";
    }

    private static string SymmetricArray(DenseMatrix<double> s)
    {
        var sb = new StringBuilder($"%%MatrixMarket matrix array real symmetric\n{s.Rows} {s.Cols}\n");
        for (int j = 0; j < s.Cols; j++)
        {
            for (int i = j; i < s.Rows; i++)
            {
                sb.Append(MatrixFiles.R(s[i, j])).Append('\n');
            }
        }

        return sb.ToString();
    }
}
