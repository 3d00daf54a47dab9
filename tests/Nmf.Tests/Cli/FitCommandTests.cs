using System.Text.Json;
using Nmf.Matrices;
using Nmf.Tests.IO;
using Xunit;

namespace Nmf.Tests.Cli;

public class FitCommandTests
{
    private static DenseMatrix<double> DigitsHead()
    {
        var all = (DenseMatrix<double>)MatrixReader.Read<double>(Path.Combine(TestPaths.Root, "data", "digits.csv")).Matrix;
        return all.SliceRows(0, 120);
    }

    [Fact]
    public void EveryFormatOfTheSameMatrixGivesTheSameFactors()
    {
        var x = DigitsHead();
        using var work = new TempFolder();
        File.WriteAllText(work.File("x.csv"), MatrixFiles.Delimited(x, ','));
        File.WriteAllText(work.File("x.tsv"), MatrixFiles.Delimited(x, '\t'));
        File.WriteAllText(work.File("x-array.mtx"), MatrixFiles.MatrixMarketArray(x));
        File.WriteAllText(work.File("x.mtx"), MatrixFiles.MatrixMarketCoordinate(x));
        File.WriteAllBytes(work.File("x.npy"), MatrixFiles.Npy(x, fortran: true));
        File.WriteAllBytes(work.File("x.csv.gz"), MatrixFiles.Gzip(System.Text.Encoding.UTF8.GetBytes(MatrixFiles.Delimited(x, ','))));
        string[] inputs = ["x.csv", "x.tsv", "x-array.mtx", "x.npy", "x.csv.gz", "x.mtx"];
        foreach (string input in inputs)
        {
            var r = CliProcess.Run(work.Path, ["fit", input, "-k", "5", "--init", "nndsvd", "--max-iter", "40", "--tol", "0", "-o", "out-" + input, "--quiet"]);
            Assert.True(r.ExitCode == 0, r.ToString());
        }

        // Dense inputs: byte-identical outputs. The coordinate file is read as CSR, whose products sum in another
        // order, so it agrees to rounding only.
        foreach (string input in inputs[1..^1])
        {
            Assert.Equal(File.ReadAllText(work.File("out-x.csv/W.csv")), File.ReadAllText(work.File($"out-{input}/W.csv")));
            Assert.Equal(File.ReadAllText(work.File("out-x.csv/H.csv")), File.ReadAllText(work.File($"out-{input}/H.csv")));
        }

        GoldenCliTests.AssertClose(work.File("out-x.csv/W.csv"), work.File("out-x.mtx/W.csv"));
        GoldenCliTests.AssertClose(work.File("out-x.csv/H.csv"), work.File("out-x.mtx/H.csv"));
    }

    [Theory]
    [InlineData("float64")]
    [InlineData("float32")]
    public void WrittenFactorsReadBackEqualTheEstimatorsFactors(string dtype)
    {
        var x = DigitsHead();
        using var work = new TempFolder();
        File.WriteAllText(work.File("x.csv"), MatrixFiles.Delimited(x, ','));
        var r = CliProcess.Run(work.Path, ["fit", "x.csv", "-k", "4", "--solver", "mu", "--loss", "kl", "--max-iter", "30", "--tol", "0", "--init", "nndsvda", "--dtype", dtype, "-o", "out", "--quiet"]);
        Assert.True(r.ExitCode == 0, r.ToString());
        var options = new NmfOptions { NComponents = 4, Solver = NmfSolver.Mu, BetaLoss = 1, MaxIter = 30, Tol = 0, Init = NmfInit.Nndsvda };
        if (dtype == "float32")
        {
            var nmf = new NmfEstimator<float>(options).Fit(x.Convert<float>(), cancellationToken: TestContext.Current.CancellationToken);
            Assert.Equal(nmf.W.Data, ((DenseMatrix<float>)MatrixReader.Read<float>(work.File("out/W.csv")).Matrix).Data);
            Assert.Equal(nmf.Components.Data, ((DenseMatrix<float>)MatrixReader.Read<float>(work.File("out/H.csv")).Matrix).Data);
        }
        else
        {
            var nmf = new NmfEstimator<double>(options).Fit(x, cancellationToken: TestContext.Current.CancellationToken);
            Assert.Equal(nmf.W.Data, ((DenseMatrix<double>)MatrixReader.Read<double>(work.File("out/W.csv")).Matrix).Data);
            Assert.Equal(nmf.Components.Data, ((DenseMatrix<double>)MatrixReader.Read<double>(work.File("out/H.csv")).Matrix).Data);
        }
    }

    [Fact]
    public void JsonSummaryIsTheModelFileAndHoldsEveryField()
    {
        using var work = new TempFolder();
        var r = CliProcess.Run(TestPaths.Root, ["fit", "data/digits.csv", "-k", "3", "--solver", "mu", "--max-iter", "20", "--tol", "0", "--seed", "5", "--alpha-h", "0.1", "--json", "-o", work.Path]);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(string.Empty, r.Stderr);
        Assert.Equal(r.Stdout.Trim(), File.ReadAllText(work.File("model.json")).Trim());
        using var doc = JsonDocument.Parse(r.Stdout);
        var root = doc.RootElement;
        var p = root.GetProperty("parameters");
        Assert.Equal(3, p.GetProperty("n_components").GetInt32());
        Assert.Equal("mu", p.GetProperty("solver").GetString());
        Assert.Equal(2.0, p.GetProperty("beta_loss").GetDouble());
        Assert.Equal(5, p.GetProperty("random_state").GetInt32());
        Assert.Equal(0.1, p.GetProperty("alpha_H").GetDouble());
        Assert.Equal("same", JsonDocument.Parse(File.ReadAllText(Path.Combine(TestPaths.Shared, "golden", "faces-cd-l1l2", "case.json"))).RootElement.GetProperty("params").GetProperty("alpha_H").GetString());
        foreach (string key in new[] { "tol", "max_iter", "alpha_W", "l1_ratio", "shuffle", "init", "dtype" })
        {
            Assert.True(p.TryGetProperty(key, out _), key);
        }

        Assert.Equal(1797, root.GetProperty("input").GetProperty("n_samples").GetInt32());
        Assert.Equal(64, root.GetProperty("input").GetProperty("n_features").GetInt32());
        Assert.Equal(20, root.GetProperty("n_iter").GetInt32());
        Assert.Equal(20, root.GetProperty("loss_history").GetArrayLength());
        double rel = root.GetProperty("rel_err").GetDouble();
        Assert.InRange(rel, 0.01, 1);
        Assert.True(root.GetProperty("seconds").GetDouble() > 0);
        Assert.True(root.GetProperty("seconds_per_iter").GetDouble() > 0);
        Assert.False(string.IsNullOrEmpty(root.GetProperty("version").GetString()));

        // rel_err is ‖X − WH‖_F / ‖X‖_F of the written factors.
        var x = (DenseMatrix<double>)MatrixReader.Read<double>(Path.Combine(TestPaths.Root, "data", "digits.csv")).Matrix;
        var w = (DenseMatrix<double>)MatrixReader.Read<double>(work.File("W.csv")).Matrix;
        var h = (DenseMatrix<double>)MatrixReader.Read<double>(work.File("H.csv")).Matrix;
        double num = 0, den = 0;
        for (int i = 0; i < x.Rows; i++)
        {
            for (int j = 0; j < x.Cols; j++)
            {
                double wh = 0;
                for (int c = 0; c < 3; c++)
                {
                    wh += w[i, c] * h[c, j];
                }

                num += (x[i, j] - wh) * (x[i, j] - wh);
                den += x[i, j] * x[i, j];
            }
        }

        Assert.Equal(Math.Sqrt(num / den), rel, 1e-10);
        Assert.Equal(root.GetProperty("reconstruction_err").GetDouble(), Math.Sqrt(num), 1e-6 * Math.Sqrt(num));
    }

    [Fact]
    public void NamesOfTheInputGoToTheFactorsAndTransformKeepsThem()
    {
        using var work = new TempFolder();
        var r = CliProcess.Run(TestPaths.Root, ["fit", "data/golub.csv", "--transpose", "-k", "3", "--max-iter", "30", "-o", work.File("model"), "--quiet"]);
        Assert.True(r.ExitCode == 0, r.ToString());
        var w = MatrixReader.Read<double>(work.File("model/W.csv"));
        var h = MatrixReader.Read<double>(work.File("model/H.csv"));
        Assert.Equal(38, w.Matrix.Rows);
        Assert.Equal("ALL_19769_B-cell", w.RowNames![0]);
        Assert.Equal(new[] { "nmf0", "nmf1", "nmf2" }, w.ColumnNames);
        Assert.Equal("M12759_at", h.ColumnNames![0]);
        Assert.Null(h.RowNames);

        var t = CliProcess.Run(TestPaths.Root, ["transform", "data/golub.csv", "--model", work.File("model"), "-o", work.File("t"), "--json"]);
        Assert.True(t.ExitCode == 0, t.ToString());
        var wt = MatrixReader.Read<double>(work.File("t/W.csv"));
        Assert.Equal(w.RowNames, wt.RowNames);
        using var doc = JsonDocument.Parse(t.Stdout);
        Assert.Equal(38, doc.RootElement.GetProperty("input").GetProperty("n_samples").GetInt32());
    }

    [Fact]
    public void CtrlCStopsCleanlyAndLeavesNoFiles()
    {
        if (!OperatingSystem.IsLinux())
        {
            return; // SIGINT delivery below uses kill(1)
        }

        using var work = new TempFolder();
        string outDir = work.File("out");
        var r = CliProcess.RunAndInterrupt(TestPaths.Root, ["fit", "data/golub.csv", "-k", "3", "--solver", "mu", "--max-iter", "100000000", "--tol", "0", "-o", outDir],
            () => Directory.Exists(outDir)); // the folder appears after the Ctrl-C handler is installed
        Assert.True(r.ExitCode == 130, r.ToString());
        Assert.Contains("cancelled", r.Stderr);
        Assert.False(Directory.Exists(outDir) && Directory.EnumerateFileSystemEntries(outDir).Any());
    }
}
