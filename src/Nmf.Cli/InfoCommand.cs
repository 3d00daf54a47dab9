using System.CommandLine;
using System.Text.Json;
using Nmf.Matrices;

namespace Nmf.Cli;

/// <summary><c>nmf info INPUT</c>: reads and validates a matrix file and describes it (shape, density, range, memory).</summary>
internal static class InfoCommand
{
    public static Command Create()
    {
        var input = new Argument<string>("INPUT") { Description = "Matrix file (.csv, .tsv, .mtx, .npy, optionally .gz; - for stdin)." };
        var json = CommonOptions.Json();
        var inputFlags = new InputFlags();
        var command = new Command("info", "Validate a matrix file and show its shape, density, value range and memory.");
        command.Arguments.Add(input);
        command.Options.Add(json);
        inputFlags.AddTo(command);
        command.SetAction(parsed =>
        {
            string path = parsed.GetValue(input)!;
            var named = MatrixReader.Read<double>(path, inputFlags.ToReadOptions(parsed));
            var stats = MatrixStats.Of(named.Matrix);
            var summary = new Dictionary<string, object?>
            {
                ["input"] = path,
                ["format"] = FormatName(named.Format),
                ["rows"] = named.Matrix.Rows,
                ["cols"] = named.Matrix.Cols,
                ["storage"] = named.Matrix is CsrMatrix<double> ? "sparse (CSR)" : "dense",
                ["nonzeros"] = stats.NonZeros,
                ["density"] = stats.Density,
                ["min"] = stats.Min,
                ["max"] = stats.Max,
                ["sum"] = stats.Sum,
                ["memory_bytes"] = stats.MemoryBytes,
                ["row_names"] = named.RowNames is not null,
                ["column_names"] = named.ColumnNames is not null,
            };
            if (parsed.GetValue(json))
            {
                Console.Out.WriteLine(JsonSerializer.Serialize(summary, CliJson.Options));
                return ExitCodes.Ok;
            }

            var o = Console.Out;
            o.WriteLine($"{path}: {FormatName(named.Format)}, {named.Matrix.Rows} rows x {named.Matrix.Cols} columns, {summary["storage"]}");
            o.WriteLine($"  non-zeros  {stats.NonZeros} ({stats.Density:P2} dense)");
            o.WriteLine($"  values     min {stats.Min:G6}, max {stats.Max:G6}, sum {stats.Sum:G6}");
            o.WriteLine($"  memory     {Bytes(stats.MemoryBytes)} as float64 ({Bytes(stats.MemoryBytes / 2)} as float32)");
            o.WriteLine($"  row names  {Names(named.RowNames)}");
            o.WriteLine($"  col names  {Names(named.ColumnNames)}");
            o.WriteLine("  valid      yes: non-negative and finite, ready for nmf fit");
            return ExitCodes.Ok;
        });
        return command;
    }

    internal static string FormatName(MatrixFormat format) => format switch
    {
        MatrixFormat.MatrixMarket => "Matrix Market",
        MatrixFormat.Npy => "NumPy .npy",
        _ => "delimited text",
    };

    private static string Names(IReadOnlyList<string>? names)
        => names is null ? "none" : $"{names.Count}: {string.Join(", ", names.Take(4))}{(names.Count > 4 ? ", ..." : string.Empty)}";

    private static string Bytes(long b) => b switch
    {
        < 1L << 10 => $"{b} B",
        < 1L << 20 => $"{b / 1024.0:F1} KiB",
        < 1L << 30 => $"{b / (1024.0 * 1024):F1} MiB",
        _ => $"{b / (1024.0 * 1024 * 1024):F2} GiB",
    };
}

/// <summary>Summary statistics of a matrix: non-zeros, range, sum and storage size.</summary>
internal readonly record struct MatrixStats(long NonZeros, double Density, double Min, double Max, double Sum, long MemoryBytes)
{
    public static MatrixStats Of(IMatrix<double> x)
    {
        long nnz = 0;
        double min = double.PositiveInfinity, max = double.NegativeInfinity, sum = 0;
        ReadOnlySpan<double> values = x switch
        {
            DenseMatrix<double> d => d.Data,
            CsrMatrix<double> s => s.Values,
            _ => throw new NotSupportedException(x.GetType().Name),
        };
        foreach (double v in values)
        {
            if (v != 0)
            {
                nnz++;
            }

            min = Math.Min(min, v);
            max = Math.Max(max, v);
            sum += v;
        }

        long cells = (long)x.Rows * x.Cols;
        if (x is CsrMatrix<double> && values.Length < cells)
        {
            min = Math.Min(min, 0); // implicit zeros
            max = Math.Max(max, 0);
        }

        long memory = x is CsrMatrix<double> ? (values.Length * 12L) + ((x.Rows + 1) * 4L) : cells * 8;
        return new MatrixStats(nnz, cells == 0 ? 0 : (double)nnz / cells, min, max, sum, memory);
    }
}
