using Nmf.Matrices;
using Xunit;

namespace Nmf.Tests.IO;

public class CsvWriterTests
{
    [Fact]
    public void DoublesRoundTripBitForBit()
    {
        var rng = new Random(11);
        var m = new DenseMatrix<double>(50, 7);
        for (int i = 0; i < m.Data.Length; i++)
        {
            m.Data[i] = rng.Next(4) switch
            {
                0 => rng.NextDouble(),
                1 => Math.Exp((rng.NextDouble() * 1400) - 700),
                2 => double.Epsilon * rng.Next(1, 1000),
                _ => 0,
            };
        }

        var text = new StringWriter();
        CsvWriter.Write(text, m);
        var back = MatrixFiles.ReadText(text.ToString(), "w.csv");
        Assert.Equal(m.Data, ((DenseMatrix<double>)back.Matrix).Data);
        Assert.Null(back.RowNames);
    }

    [Fact]
    public void FloatsRoundTripBitForBit()
    {
        var rng = new Random(3);
        var m = new DenseMatrix<float>(20, 9);
        for (int i = 0; i < m.Data.Length; i++)
        {
            m.Data[i] = (float)Math.Exp((rng.NextDouble() * 160) - 80);
        }

        var text = new StringWriter();
        CsvWriter.Write(text, m);
        var back = MatrixReader.Read<float>(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(text.ToString())), "f.csv");
        Assert.Equal(m.Data, ((DenseMatrix<float>)back.Matrix).Data);
    }

    [Fact]
    public void NamesRoundTripEvenWhenTheyNeedQuoting()
    {
        var m = DenseMatrix<double>.From2D(new double[,] { { 1, 2 }, { 3, 4 } });
        string[] rows = ["gene, one", "2"];
        string[] cols = ["say \"hi\"", " padded "];
        var path = Path.Combine(Path.GetTempPath(), $"nmf-writer-{Guid.NewGuid():N}.csv");
        try
        {
            CsvWriter.WriteFile(path, m, rows, cols);
            var back = MatrixReader.Read<double>(path);
            Assert.Equal(rows, back.RowNames);
            Assert.Equal(cols, back.ColumnNames);
            Assert.Equal(m.Data, ((DenseMatrix<double>)back.Matrix).Data);
            Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(path)!, $".{Path.GetFileName(path)}*.tmp"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void AFailedWriteLeavesTheOldFileAndNoTemporary()
    {
        var dir = Directory.CreateTempSubdirectory("nmf-atomic-");
        try
        {
            var path = Path.Combine(dir.FullName, "W.csv");
            File.WriteAllText(path, "old\n");
            Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, s =>
            {
                s.Write("partial"u8);
                throw new InvalidOperationException("disk full");
            }));
            Assert.Equal("old\n", File.ReadAllText(path));
            Assert.Single(Directory.GetFiles(dir.FullName));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
