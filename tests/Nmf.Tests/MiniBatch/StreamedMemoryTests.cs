using System.Globalization;
using System.Text;
using Nmf.Matrices;
using Xunit;

namespace Nmf.Tests.MiniBatch;

/// <summary>Runs alone, so that the live heap it measures is its own.</summary>
[CollectionDefinition("Streamed memory", DisableParallelization = true)]
public sealed class StreamedMemoryCollection;

/// <summary>
/// A streamed mini-batch fit holds one batch of X and of W, whatever the number of rows: the largest live heap seen
/// between batches (after a full collection) is the same for 4,000 and 40,000 rows, while X of 40,000 rows would be
/// 16 MB and W 3.2 MB.
/// </summary>
[Collection("Streamed memory")]
public class StreamedMemoryTests
{
    private const int Cols = 50;
    private const int K = 10;

    [Fact]
    public void LiveMemoryOfAStreamedFitDoesNotGrowWithTheRows()
    {
        PeakLiveBytes(1_000); // JIT, static buffers and caches out of the measurement
        long small = PeakLiveBytes(4_000);
        long large = PeakLiveBytes(40_000);
        long wOfLarge = 40_000L * K * sizeof(double);
        Assert.True(large < small + (wOfLarge / 4), $"peak live heap: {large} bytes for 40,000 rows, {small} bytes for 4,000");
    }

    private static long PeakLiveBytes(int rows)
    {
        string path = Path.Combine(Path.GetTempPath(), $"nmf-streamed-memory-{Guid.NewGuid():N}.csv");
        try
        {
            WriteCsv(path, rows);
            var source = new MeasuredSource(new CsvRowBatches<double>(path));
            var options = new MiniBatchNmfOptions { NComponents = K, BatchSize = 500, MaxIter = 2, Tol = 0, MaxNoImprovement = null, RandomState = 0, Threads = 1 };
            using var model = new MiniBatchNmf<double>(options).Fit(source, cancellationToken: TestContext.Current.CancellationToken);
            Assert.Equal(2 * ((rows + 499) / 500), model.NSteps);
            GC.KeepAlive(model);
            return source.Peak;
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static void WriteCsv(string path, int rows)
    {
        var rng = new Random(rows);
        using var writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 16);
        var line = new StringBuilder();
        for (int i = 0; i < rows; i++)
        {
            line.Clear();
            for (int j = 0; j < Cols; j++)
            {
                line.Append(j == 0 ? string.Empty : ",").Append((rng.Next(0, 10_000) / 100.0).ToString(CultureInfo.InvariantCulture));
            }

            writer.WriteLine(line);
        }
    }

    /// <summary>Passes the batches on and records the live heap (after a full collection) at each one.</summary>
    private sealed class MeasuredSource(IRowBatchSource<double> inner) : IRowBatchSource<double>
    {
        public long Peak { get; private set; }

        public int Rows => inner.Rows;

        public int Cols => inner.Cols;

        public IEnumerable<IMatrix<double>> ReadBatches(int batchSize)
        {
            foreach (var batch in inner.ReadBatches(batchSize))
            {
                Peak = Math.Max(Peak, GC.GetTotalMemory(forceFullCollection: true));
                yield return batch;
            }
        }
    }
}
