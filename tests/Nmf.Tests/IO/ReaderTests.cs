using Nmf.Matrices;
using Xunit;

namespace Nmf.Tests.IO;

public class ReaderTests
{
    private static readonly DenseMatrix<double> Small = DenseMatrix<double>.From2D(new double[,]
    {
        { 0, 1.5, 2, 0 },
        { 3, 0, 0, 4.25 },
        { 0, 0, 0, 0 },
        { 1e-300, 7, 1e300, 0.1 },
        { 5, 6, 0, 0.30000000000000004 },
    });

    [Fact]
    public void DigitsCsvHasTheDocumentedShapeAndNoNames()
    {
        var x = MatrixReader.Read<double>(Path.Combine(TestPaths.Shared, "data", "digits.csv"));
        Assert.Equal((1797, 64), (x.Matrix.Rows, x.Matrix.Cols));
        Assert.Null(x.RowNames);
        Assert.Null(x.ColumnNames);
        var d = Assert.IsType<DenseMatrix<double>>(x.Matrix);
        Assert.Equal(new double[] { 0, 0, 5, 13, 9, 1, 0, 0 }, d.Row(0)[..8].ToArray());
    }

    [Fact]
    public void GolubCsvHeaderAndRowNamesAreDetected()
    {
        var x = MatrixReader.Read<double>(Path.Combine(TestPaths.Shared, "data", "golub.csv"));
        Assert.Equal((5000, 38), (x.Matrix.Rows, x.Matrix.Cols));
        Assert.Equal("M12759_at", x.RowNames![0]);
        Assert.Equal("ALL_19769_B-cell", x.ColumnNames![0]);
        Assert.Equal(1080.0, ((DenseMatrix<double>)x.Matrix)[0, 0]);
    }

    [Fact]
    public void EveryFormatOfTheSameMatrixReadsIdentically()
    {
        var csv = MatrixFiles.ReadText(MatrixFiles.Delimited(Small, ','), "m.csv");
        var tsv = MatrixFiles.ReadText(MatrixFiles.Delimited(Small, '\t'), "m.tsv");
        var sniffedSemicolon = MatrixFiles.ReadText(MatrixFiles.Delimited(Small, ';'), "m.txt");
        var mtx = MatrixFiles.ReadText(MatrixFiles.MatrixMarketCoordinate(Small), "m.mtx");
        var mtxArray = MatrixFiles.ReadText(MatrixFiles.MatrixMarketArray(Small), "m.mtx");
        var npy = MatrixFiles.ReadBytes(MatrixFiles.Npy(Small), "m.npy");
        var npyFortran = MatrixFiles.ReadBytes(MatrixFiles.Npy(Small, fortran: true), "m.npy");
        var npyBig = MatrixFiles.ReadBytes(MatrixFiles.Npy(Small, descr: ">f8", version: 2), "m.npy");
        var gz = MatrixFiles.ReadBytes(MatrixFiles.Gzip(MatrixFiles.Npy(Small)), "m.npy.gz");
        var csvGz = MatrixFiles.ReadBytes(MatrixFiles.Gzip(System.Text.Encoding.UTF8.GetBytes(MatrixFiles.Delimited(Small, '\t'))), "m.tsv.gz");
        Assert.IsType<CsrMatrix<double>>(mtx.Matrix);
        foreach (var m in new[] { csv, tsv, sniffedSemicolon, mtx, mtxArray, npy, npyFortran, npyBig, gz, csvGz })
        {
            Assert.Equal(Small.Data, MatrixFiles.Dense(m.Matrix).Data);
            Assert.Equal((5, 4), (m.Matrix.Rows, m.Matrix.Cols));
        }
    }

    [Theory]
    [InlineData("<f4")]
    [InlineData("<i4")]
    [InlineData("<i8")]
    [InlineData(">i2")]
    [InlineData("|u1")]
    [InlineData("<u2")]
    public void NpyIntegerAndSingleTypesReadAsDouble(string descr)
    {
        var m = DenseMatrix<double>.From2D(new double[,] { { 0, 1, 2 }, { 250, 7, 3 } });
        var x = MatrixFiles.ReadBytes(MatrixFiles.Npy(m, descr, fortran: descr == "<i8"), "m.npy");
        Assert.Equal(m.Data, ((DenseMatrix<double>)x.Matrix).Data);
    }

    [Fact]
    public void MatrixMarketSymmetricPatternAndIntegerVariants()
    {
        var sym = MatrixFiles.ReadText("%%MatrixMarket matrix coordinate real symmetric\n3 3 3\n1 1 1.5\n3 1 2\n2 2 4\n", "s.mtx");
        Assert.Equal(new double[] { 1.5, 0, 2, 0, 4, 0, 2, 0, 0 }, MatrixFiles.Dense(sym.Matrix).Data);
        var pattern = MatrixFiles.ReadText("%%MatrixMarket matrix coordinate pattern general\n2 3 2\n1 3\n2 1\n", "p.mtx");
        Assert.Equal(new double[] { 0, 0, 1, 1, 0, 0 }, MatrixFiles.Dense(pattern.Matrix).Data);
        var integer = MatrixFiles.ReadText("%%MatrixMarket matrix coordinate integer general\n%c\n\n2 2 3\n1 1 3\n2 2 5\n1 1 2\n", "i.mtx");
        Assert.Equal(new double[] { 5, 0, 0, 5 }, MatrixFiles.Dense(integer.Matrix).Data); // duplicates summed
        var symArray = MatrixFiles.ReadText("%%MatrixMarket matrix array real symmetric\n2 2\n1\n2\n3\n", "a.mtx");
        Assert.Equal(new double[] { 1, 2, 2, 3 }, MatrixFiles.Dense(symArray.Matrix).Data);
    }

    [Fact]
    public void HeaderAndRowNamesCanBeDetectedOrForced()
    {
        const string text = "id,a,b\nr1,1,2\nr2,3,4\n";
        var detected = MatrixFiles.ReadText(text, "n.csv");
        Assert.Equal(new[] { "a", "b" }, detected.ColumnNames);
        Assert.Equal(new[] { "r1", "r2" }, detected.RowNames);

        var rNames = MatrixFiles.ReadText("\"\",\"x\",\"y\"\n\"1\",1,2\n\"2\",3,4\n", "r.csv");
        Assert.Equal(new[] { "1", "2" }, rNames.RowNames);
        Assert.Equal(new[] { "x", "y" }, rNames.ColumnNames);

        var numericHeader = MatrixFiles.ReadText("10,20\n1,2\n", "h.csv", new MatrixReadOptions { HasHeader = true });
        Assert.Equal(new[] { "10", "20" }, numericHeader.ColumnNames);
        Assert.Equal(1, numericHeader.Matrix.Rows);

        var writeTable = MatrixFiles.ReadText("x\ty\nr1\t1\t2\n", "w.tsv");
        Assert.Equal(new[] { "x", "y" }, writeTable.ColumnNames);

        var forcedOff = Assert.Throws<NmfInputException>(() => MatrixFiles.ReadText(text, "n.csv", new MatrixReadOptions { HasHeader = false, HasRowNames = false }));
        Assert.Contains("n.csv, line 1, column 1: non-numeric cell 'id'", forcedOff.Message);
    }

    [Theory]
    [InlineData("1,2\n3,-4\n", "bad.csv, line 2, column 2: negative value -4")]
    [InlineData("1,2\n3,NaN\n", "bad.csv, line 2, column 2: NaN")]
    [InlineData("1,2\nNA,4\n", "bad.csv, line 2, column 1: 'NA' is NaN or infinite")]
    [InlineData("1,Infinity\n3,4\n", "bad.csv, line 1, column 2: infinite value")]
    [InlineData("1,1e999\n3,4\n", "bad.csv, line 1, column 2: infinite value")]
    [InlineData("", "bad.csv: empty file")]
    [InlineData("\n\n", "bad.csv: empty file")]
    [InlineData("a,b\n", "bad.csv: no rows of numbers after the header")]
    [InlineData("1,2\n3,4,5\n", "bad.csv, line 2: ragged row: 3 fields, expected 2")]
    [InlineData("1,2\n3,x4\n", "bad.csv, line 2, column 2: non-numeric cell 'x4'")]
    [InlineData("1,2\n3,\n", "bad.csv, line 2, column 2: empty cell")]
    public void DelimitedErrorsNameTheLineAndColumn(string text, string expected)
    {
        var e = Assert.Throws<NmfInputException>(() => MatrixFiles.ReadText(text, "bad.csv"));
        Assert.StartsWith(expected, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Theory]
    [InlineData("%%MatrixMarket matrix coordinate real general\n2 2 3\n1 1 1\n2 2 2\n", "truncated Matrix Market file: 2 of 3 entries")]
    [InlineData("%%MatrixMarket matrix coordinate real general\n", "truncated Matrix Market file: no size line")]
    [InlineData("%%MatrixMarket matrix coordinate real general\n2 2 1\n3 1 1\n", "line 3: row index '3' is not an integer in 1..2")]
    [InlineData("%%MatrixMarket matrix coordinate real general\n2 2 1\n1 1\n", "line 3: malformed entry '1 1'")]
    [InlineData("%%MatrixMarket matrix coordinate real general\n2 2 1\n1 1 -1\n", "line 3: negative value -1")]
    [InlineData("%%MatrixMarket matrix coordinate real general\n2 2 1\n1 1 1\n2 2 1\n", "line 4: more entries than the 1")]
    [InlineData("%%MatrixMarket matrix coordinate complex general\n2 2 1\n1 1 1 0\n", "Matrix Market field 'complex' is not supported")]
    [InlineData("%%MatrixMarket matrix array real general\n2 2\n1\n2\n3\n", "truncated Matrix Market file: 3 of 4 values")]
    [InlineData("%%MatrixMarket matrix\n", "line 1: malformed Matrix Market banner")]
    [InlineData("%%MatrixMarket matrix coordinate real general\n2 x 1\n", "line 2: number of columns 'x'")]
    [InlineData("%%MatrixMarket matrix coordinate real general\n2000000000 2000000000 1\n1 1 1\n", "too many empty rows or columns")]
    public void MatrixMarketErrorsNameTheProblem(string text, string expected)
    {
        var e = Assert.Throws<NmfInputException>(() => MatrixFiles.ReadText(text, "bad.mtx"));
        Assert.Contains(expected, e.Message);
        Assert.StartsWith("bad.mtx", e.Message);
    }

    [Fact]
    public void NpyErrorsNameTheProblem()
    {
        var good = MatrixFiles.Npy(Small);
        string Error(byte[] bytes) => Assert.Throws<NmfInputException>(() => MatrixFiles.ReadBytes(bytes, "bad.npy", new MatrixReadOptions { Format = MatrixFormat.Npy })).Message;

        Assert.Contains("truncated .npy data", Error(good[..^3]));
        Assert.Contains("not a .npy file", Error([.. "NUMPY"u8.ToArray(), 1, 0]));
        Assert.Contains("dtype '<c16' is not supported", Error(MatrixFiles.Npy(Small).Select(b => b).ToArray().Replace("<f8", "<c16")));
        Assert.Contains("exactly 2 dimensions", Error(good.Replace("(5, 4)", "(20,)  ")));
        string quoted = Error(good.Replace("(5, 4)", "(5\n4,)")); // found by the fuzzer: file text in a message
        Assert.Contains("exactly 2 dimensions", quoted);
        Assert.DoesNotContain('\n', quoted);
        Assert.Contains("malformed .npy header", Error(good.Replace("'shape'", "'shapo'")));
        Assert.Contains("unsupported .npy format version 9", Error([.. good[..6], 9, .. good[7..]]));
        var negative = Small.Clone();
        negative[3, 2] = -2;
        Assert.Contains("element (row 4, column 3): negative value -2", Error(MatrixFiles.Npy(negative, fortran: true)));
    }

    [Fact]
    public void CorruptGzipIsAnInputError()
    {
        var gz = MatrixFiles.Gzip(System.Text.Encoding.UTF8.GetBytes(MatrixFiles.Delimited(Small, ',')));
        gz[12] ^= 0xff;
        gz[13] ^= 0xff;
        var e = Assert.Throws<NmfInputException>(() => MatrixFiles.ReadBytes(gz[..^4], "bad.csv.gz"));
        Assert.StartsWith("bad.csv.gz", e.Message);
    }

    [Fact]
    public void MissingFileAndDirectoryAreInputErrors()
    {
        Assert.Contains("file not found", Assert.Throws<NmfInputException>(() => MatrixReader.Read<double>("/nonexistent/x.csv")).Message);
        Assert.Contains("is a directory", Assert.Throws<NmfInputException>(() => MatrixReader.Read<double>(TestPaths.Root)).Message);
    }

    [Fact]
    public void FloatReadingKeepsSinglePrecisionValuesExact()
    {
        var x = MatrixFiles.ReadText("0.1,16777217\n3.4028235E+38,1E-45\n", "f.csv");
        var f = MatrixReader.Read<float>(new MemoryStream("0.1,16777217\n3.4028235E+38,1E-45\n"u8.ToArray()), "f.csv");
        Assert.Equal(new[] { 0.1f, 16777216f, float.MaxValue, float.Epsilon }, ((DenseMatrix<float>)f.Matrix).Data);
        Assert.Equal(0.1, ((DenseMatrix<double>)x.Matrix).Data[0]);
    }

    [Fact]
    public void LargeCsvStreamsWithinTwiceItsNumbersSize()
    {
        // 400,000 numbers: the reader may allocate the numbers twice (chunks, then the final array) plus small buffers,
        // never a string per cell or a doubling list.
        const int Rows = 20_000, Cols = 20;
        var sb = new System.Text.StringBuilder(Rows * Cols * 8);
        var rng = new Random(7);
        for (int i = 0; i < Rows; i++)
        {
            for (int j = 0; j < Cols; j++)
            {
                sb.Append(j == 0 ? string.Empty : ",").Append(MatrixFiles.R(Math.Round(rng.NextDouble() * 100, 3)));
            }

            sb.Append('\n');
        }

        var bytes = System.Text.Encoding.ASCII.GetBytes(sb.ToString());
        MatrixFiles.ReadBytes(bytes, "warm.csv"); // JIT and static buffers out of the measurement
        long before = GC.GetAllocatedBytesForCurrentThread();
        var x = MatrixFiles.ReadBytes(bytes, "big.csv");
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        long numbers = (long)Rows * Cols * sizeof(double);
        Assert.Equal(Rows, x.Matrix.Rows);
        Assert.True(allocated < (2 * numbers) + (2 << 20), $"allocated {allocated} bytes for {numbers} bytes of numbers");
    }
}

internal static class ByteReplace
{
    public static byte[] Replace(this byte[] bytes, string from, string to)
    {
        string s = System.Text.Encoding.Latin1.GetString(bytes);
        int at = s.IndexOf(from, StringComparison.Ordinal);
        Assert.True(at >= 0, from);
        return System.Text.Encoding.Latin1.GetBytes(string.Concat(s.AsSpan(0, at), to, s.AsSpan(at + from.Length)));
    }
}
