using System.Globalization;
using System.Text;
using CsCheck;
using Nmf.Matrices;
using Xunit;

namespace Nmf.Tests.IO;

/// <summary>
/// Fuzzing of the readers: generated files of every format, valid ones and byte-level mutations of them. Each input
/// must be read correctly (valid ones: exactly the generated values) or rejected with <see cref="NmfInputException"/>;
/// never another exception, a hang, or memory out of proportion to the input. The suite runs a short pass;
/// scripts/fuzz-readers.sh sets NMF_FUZZ_ITER for the long run (and NMF_FUZZ_REPORT to collect the figures).
/// </summary>
public class ReaderFuzzTests
{
    private static readonly long Iterations = long.TryParse(Environment.GetEnvironmentVariable("NMF_FUZZ_ITER"), out long n) ? n : 1500;
    private static readonly TimeSpan HangLimit = TimeSpan.FromSeconds(10);

    public enum Format { Csv, Tsv, MatrixMarket, MatrixMarketArray, Npy, CsvGz }

    /// <summary>A small matrix of non-negative values with a chosen text form for each (integers, decimals, exponents).</summary>
    private static readonly Gen<DenseMatrix<double>> Matrices =
        Gen.Select(Gen.Int[1, 12], Gen.Int[1, 9]).SelectMany((r, c) =>
            Gen.Frequency(
                (3, Gen.Int[0, 20].Select(i => (double)i)),
                (3, Gen.Double[0, 1000]),
                (1, Gen.Double[0, 1].Select(d => d * 1e-300)),
                (2, Gen.Const(0.0)))
            .Array[r * c].Select(v => new DenseMatrix<double>(r, c, v)));

    /// <summary>Byte edits: flip, overwrite with a telling character, insert, delete, truncate, duplicate a span.</summary>
    private static readonly Gen<(int Kind, double Where, byte Value, int Length)[]> Mutations =
        Gen.Select(Gen.Int[0, 5], Gen.Double[0, 1], Gen.OneOf(Gen.Byte, Gen.OneOfConst("-,;\t\n\r\"'.eE+%NaI \0x0123456789"u8.ToArray())), Gen.Int[1, 40])
            .Array[0, 4];

    private sealed record Case(Format Format, DenseMatrix<double> Matrix, byte[] Bytes, bool Mutated, bool Names);

    private static Gen<Case> Cases(Format format) =>
        Gen.Select(Matrices, Gen.Bool, Mutations, Gen.Int[0, 3]).Select((m, names, mutations, mutateChoice) =>
        {
            bool named = names && format is Format.Csv or Format.Tsv or Format.CsvGz;
            byte[] valid = Encode(format, m, named);
            bool mutate = mutateChoice > 0 && mutations.Length > 0; // three in four inputs are mutated
            byte[] bytes = !mutate ? valid
                : format == Format.CsvGz && mutateChoice == 1 ? MatrixFiles.Gzip(Mutate(Encoding.UTF8.GetBytes(WithNames(m, ',', named)), mutations))
                : Mutate(valid, mutations);
            return new Case(format, m, bytes, mutate && !bytes.AsSpan().SequenceEqual(valid), named);
        });

    private static byte[] Encode(Format format, DenseMatrix<double> m, bool names)
    {
        return format switch
        {
            Format.Csv => Encoding.UTF8.GetBytes(WithNames(m, ',', names)),
            Format.Tsv => Encoding.UTF8.GetBytes(WithNames(m, '\t', names)),
            Format.CsvGz => MatrixFiles.Gzip(Encoding.UTF8.GetBytes(WithNames(m, ',', names))),
            Format.MatrixMarket => Encoding.UTF8.GetBytes(MatrixFiles.MatrixMarketCoordinate(m)),
            Format.MatrixMarketArray => Encoding.UTF8.GetBytes(MatrixFiles.MatrixMarketArray(m)),
            _ => MatrixFiles.Npy(m, fortran: m.Rows % 2 == 0),
        };
    }

    private static string WithNames(DenseMatrix<double> m, char sep, bool names)
    {
        if (!names)
        {
            return MatrixFiles.Delimited(m, sep);
        }

        var sb = new StringBuilder("\"\"");
        for (int j = 0; j < m.Cols; j++)
        {
            sb.Append(sep).Append("c").Append(j);
        }

        sb.Append('\n');
        for (int i = 0; i < m.Rows; i++)
        {
            sb.Append("row ").Append(i);
            foreach (double v in m.Row(i))
            {
                sb.Append(sep).Append(MatrixFiles.R(v));
            }

            sb.Append('\n');
        }

        return sb.ToString();
    }

    private static byte[] Mutate(byte[] valid, (int Kind, double Where, byte Value, int Length)[] mutations)
    {
        // Gzip files are mutated before compression half of the time (to reach the reader behind the decompressor)
        // and after it otherwise (to reach the decompressor's own errors).
        var bytes = new List<byte>(valid);
        foreach (var (kind, where, value, length) in mutations)
        {
            int at = Math.Min(bytes.Count, (int)(where * bytes.Count));
            switch (kind)
            {
                case 0 when at < bytes.Count:
                    bytes[at] ^= (byte)(1 << (value % 8));
                    break;
                case 1 when at < bytes.Count:
                    bytes[at] = value;
                    break;
                case 2:
                    bytes.InsertRange(at, Enumerable.Repeat(value, 1 + (length % 3)));
                    break;
                case 3:
                    bytes.RemoveRange(at, Math.Min(length, bytes.Count - at));
                    break;
                case 4:
                    bytes.RemoveRange(at, bytes.Count - at);
                    break;
                default:
                    bytes.InsertRange(at, bytes.GetRange(at, Math.Min(length, bytes.Count - at)));
                    break;
            }
        }

        return bytes.ToArray();
    }

    private static string NameOf(Format format) => format switch
    {
        Format.Csv => "f.csv",
        Format.Tsv => "f.tsv",
        Format.CsvGz => "f.csv.gz",
        Format.MatrixMarket or Format.MatrixMarketArray => "f.mtx",
        _ => "f.npy",
    };

    [Theory]
    [InlineData(Format.Csv)]
    [InlineData(Format.Tsv)]
    [InlineData(Format.CsvGz)]
    [InlineData(Format.MatrixMarket)]
    [InlineData(Format.MatrixMarketArray)]
    [InlineData(Format.Npy)]
    public void ReadersReadOrRejectCleanly(Format format)
    {
        long accepted = 0, rejected = 0, total = 0;
        long maxAllocated = 0;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        Cases(format).Sample(
            c =>
            {
                var (result, error, allocated) = ReadGuarded(c.Bytes, NameOf(c.Format));
                Interlocked.Increment(ref total);
                InterlockedMax(ref maxAllocated, allocated);
                long budget = (16L << 20) + (128L * c.Bytes.Length);
                if (allocated > budget)
                {
                    throw new InvalidOperationException($"allocated {allocated} bytes for a {c.Bytes.Length}-byte input");
                }

                if (error is not null)
                {
                    if (error is not NmfInputException)
                    {
                        throw new InvalidOperationException($"{error.GetType().Name} instead of NmfInputException: {error.Message}", error);
                    }

                    if (error.Message.Contains('\n', StringComparison.Ordinal) || !error.Message.StartsWith(NameOf(c.Format), StringComparison.Ordinal))
                    {
                        throw new InvalidOperationException($"message is not one line naming the file: {error.Message}");
                    }

                    if (!c.Mutated)
                    {
                        throw new InvalidOperationException($"valid input rejected: {error.Message}");
                    }

                    Interlocked.Increment(ref rejected);
                    return;
                }

                Interlocked.Increment(ref accepted);
                var dense = MatrixFiles.Dense(result!.Matrix);
                if (!c.Mutated)
                {
                    if (!dense.Data.AsSpan().SequenceEqual(c.Matrix.Data) || dense.Rows != c.Matrix.Rows)
                    {
                        throw new InvalidOperationException("valid input read with other values");
                    }

                    if (c.Names != (result.RowNames is not null))
                    {
                        throw new InvalidOperationException("row names not detected as written");
                    }
                }

                foreach (double v in dense.Data)
                {
                    if (!(v >= 0) || !double.IsFinite(v))
                    {
                        throw new InvalidOperationException($"accepted value {v}");
                    }
                }
            },
            iter: Iterations,
            print: c => $"{c.Format} mutated={c.Mutated} bytes={Convert.ToBase64String(c.Bytes)}");

        Assert.Equal(Iterations, total);
        Assert.True(accepted > 0 && rejected > 0, $"accepted {accepted}, rejected {rejected}: the generators must reach both outcomes");
        string? report = Environment.GetEnvironmentVariable("NMF_FUZZ_REPORT");
        if (report is not null)
        {
            lock (typeof(ReaderFuzzTests))
            {
                File.AppendAllText(report, string.Create(CultureInfo.InvariantCulture,
                    $"{format,-18} inputs {total,8}  accepted {accepted,8}  rejected {rejected,8}  max allocated per read {maxAllocated / 1024.0:F0} KiB  {clock.Elapsed.TotalSeconds:F1} s\n"));
            }
        }
    }

    /// <summary>Reads on a worker thread so that a hang fails the test instead of stalling it.</summary>
    private static (NamedMatrix<double>? Result, Exception? Error, long Allocated) ReadGuarded(byte[] bytes, string name)
    {
        var task = Task.Run(() =>
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            try
            {
                var m = MatrixReader.Read<double>(new MemoryStream(bytes), name);
                return (m, (Exception?)null, GC.GetAllocatedBytesForCurrentThread() - before);
            }
            catch (Exception e)
            {
                return ((NamedMatrix<double>?)null, e, GC.GetAllocatedBytesForCurrentThread() - before);
            }
        });
        if (!task.Wait(HangLimit))
        {
            throw new TimeoutException($"reading a {bytes.Length}-byte input took more than {HangLimit.TotalSeconds} s");
        }

        return task.Result;
    }

    private static void InterlockedMax(ref long target, long value)
    {
        long current;
        while (value > (current = Interlocked.Read(ref target)) && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
