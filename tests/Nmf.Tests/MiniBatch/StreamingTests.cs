using System.Globalization;
using Nmf.Matrices;
using Xunit;

namespace Nmf.Tests.MiniBatch;

/// <summary>Row batches streamed from a CSV file give the in-memory fit; only one batch is parsed at a time.</summary>
public class StreamingTests
{
    private static string WriteCsv(DenseMatrix<double> x, bool header)
    {
        string path = Path.Combine(Path.GetTempPath(), $"nmf-stream-{Guid.NewGuid():N}.csv");
        var lines = new List<string>();
        if (header)
        {
            lines.Add("name," + string.Join(",", Enumerable.Range(0, x.Cols).Select(j => $"f{j}")));
        }

        for (int i = 0; i < x.Rows; i++)
        {
            string cells = string.Join(",", x.Row(i).ToArray().Select(v => v.ToString("R", CultureInfo.InvariantCulture)));
            lines.Add(header ? $"row{i}," + cells : cells);
        }

        File.WriteAllLines(path, lines);
        return path;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void CsvStreamGivesTheInMemoryFit(bool header)
    {
        var c = ReferenceCase.Load("digits-frobenius");
        var x = c.Dense<double>("X.csv");
        string path = WriteCsv(x, header);
        try
        {
            var source = new CsvRowBatches<double>(path);
            Assert.Equal(x.Rows, source.Rows);
            Assert.Equal(x.Cols, source.Cols);
            var options = c.Options() with { Init = NmfInit.Random, RandomState = 4 };
            var inMemory = new MiniBatchNmf<double>(options).Fit(x, cancellationToken: TestContext.Current.CancellationToken);
            var streamed = new MiniBatchNmf<double>(options).Fit(source, cancellationToken: TestContext.Current.CancellationToken);
            Assert.Equal(inMemory.NSteps, streamed.NSteps);
            Assert.InRange(ReferenceCase.RelativeDifference(streamed.Components, inMemory.Components), 0, 1e-12);
            var streamedW = DenseMatrix<double>.FromRows(streamed.ReadW(7).SelectMany(b => Enumerable.Range(0, b.Rows).Select(i => b.Row(i).ToArray())).ToList());
            Assert.InRange(ReferenceCase.RelativeDifference(streamedW, inMemory.W), 0, 1e-12);
            streamed.Dispose();
            Assert.Equal(x.SliceRows(37, 5).Data, source.ReadRange(37, 5).Data);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void RaggedCsvNamesTheLine()
    {
        string path = Path.Combine(Path.GetTempPath(), $"nmf-stream-{Guid.NewGuid():N}.csv");
        File.WriteAllLines(path, ["1,2,3", "4,5,6", "7,8"]);
        try
        {
            var source = new CsvRowBatches<double>(path);
            var e = Assert.Throws<NmfInputException>(() => source.ReadBatches(2).ToList());
            Assert.Contains("line 3", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>The streamed reader sees header, row names and values as the whole-file reader does.</summary>
    [Theory]
    [InlineData("a,1,2\nb,3,4\nc,5,6\n")]                 // row names, no header
    [InlineData(",x,y\na,1,2\nb,3,4\nc,5,6\n")]          // R's write.csv
    [InlineData("x,y\n1,2\n3,4\n\n5,6\n")]                // header, blank line
    [InlineData("1,2\r\n3,4\r\n5,6")]                     // CRLF, no final newline
    public void StreamedRowsAreTheReadersRows(string text)
    {
        string path = Path.Combine(Path.GetTempPath(), $"nmf-stream-{Guid.NewGuid():N}.csv");
        File.WriteAllText(path, text);
        try
        {
            var whole = (DenseMatrix<double>)MatrixReader.Read<double>(path).Matrix;
            var source = new CsvRowBatches<double>(path);
            Assert.Equal((whole.Rows, whole.Cols), (source.Rows, source.Cols));
            Assert.Equal(whole.Data, source.ReadBatches(2).SelectMany(b => ((DenseMatrix<double>)b).Data).ToArray());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void StreamedNegativeValueNamesLineAndColumn()
    {
        string path = Path.Combine(Path.GetTempPath(), $"nmf-stream-{Guid.NewGuid():N}.csv");
        File.WriteAllLines(path, ["1,2,3", "4,5,6", "7,-8,9"]);
        try
        {
            var e = Assert.Throws<NmfInputException>(() => new CsvRowBatches<double>(path).ReadBatches(2).ToList());
            Assert.Contains("line 3, column 2", e.Message, StringComparison.Ordinal);
            Assert.Contains("negative", e.Message, StringComparison.Ordinal);
            var allowed = new CsvRowBatches<double>(path, new MatrixReadOptions { AllowNegative = true });
            Assert.Equal(-8.0, ((DenseMatrix<double>)allowed.ReadBatches(3).Single())[2, 1]);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void StreamedFitRefusesNndsvd()
    {
        var x = ReferenceCase.Load("digits-frobenius").Dense<double>("X.csv");
        var options = new MiniBatchNmfOptions { NComponents = 3, Init = NmfInit.Nndsvd, MaxIter = 2 };
        var e = Assert.Throws<NmfInputException>(() => new MiniBatchNmf<double>(options).Fit(new MatrixRowBatches<double>(x), cancellationToken: TestContext.Current.CancellationToken));
        Assert.Contains("nndsvd", e.Message, StringComparison.Ordinal);
    }
}
