using System.Globalization;
using Nmf.Matrices;
using Nmf.Tests.Cli;
using Xunit;

namespace Nmf.Tests.MiniBatch;

/// <summary><c>nmf fit --minibatch</c> and <c>nmf update</c> give the library's streamed fit and partial fits.</summary>
public class MiniBatchCliTests
{
    private static void WriteCsv(string path, DenseMatrix<double> m) => CsvWriter.WriteFile(path, m);

    [Fact]
    public void FitThenUpdateMatchTheLibrary()
    {
        var c = ReferenceCase.Load("digits-frobenius");
        var x = c.Dense<double>("X.csv");
        var w0 = c.Dense<double>("W0.csv");
        var h0 = c.Dense<double>("H0.csv");
        var fresh = ReferenceCase.Load("digits-fresh-restarts").Dense<double>("Xnew.csv");
        using var work = new TempFolder();
        WriteCsv(work.File("x.csv"), x);
        WriteCsv(work.File("new.csv"), fresh);
        WriteCsv(work.File("w0.csv"), w0);
        WriteCsv(work.File("h0.csv"), h0);

        var fit = CliProcess.Run(work.Path, ["fit", "x.csv", "--minibatch", "--batch-size", "64", "-k", "6", "--solver", "mu", "--max-iter", "8", "--tol", "0",
            "--max-no-improvement", "0", "--w0", "w0.csv", "--h0", "h0.csv", "-o", "model", "--quiet"]);
        Assert.True(fit.ExitCode == 0, fit.ToString());

        // the same fit through the library, streamed from the same file
        var options = c.Options();
        using var model = new MiniBatchNmf<double>(options).Fit(new CsvRowBatches<double>(work.File("x.csv")), w0, h0, TestContext.Current.CancellationToken);
        var h = MatrixReader.Read<double>(work.File("model/H.csv")).Matrix;
        Assert.Equal(model.Components.Data, ((DenseMatrix<double>)h).Data);
        Assert.InRange(ReferenceCase.RelativeDifference(model.Components, c.Dense<double>("H.csv")), 0, 1e-9);

        var update = CliProcess.Run(work.Path, ["update", "--model", "model", "new.csv", "--quiet"]);
        Assert.True(update.ExitCode == 0, update.ToString());
        model.PartialFit(fresh.SliceRows(0, 40));
        var updated = (DenseMatrix<double>)MatrixReader.Read<double>(work.File("model/H.csv")).Matrix;
        Assert.Equal(model.Components.Data, updated.Data);
        Assert.Contains("\"n_steps\": 41", File.ReadAllText(work.File("model/model.json")), StringComparison.Ordinal);

        // W.csv of the fitted rows no longer matches the updated H: removed; W of the new rows under the updated H
        // (MiniBatchNMF.transform) is written instead.
        Assert.False(File.Exists(work.File("model/W.csv")));
        var wNew = (DenseMatrix<double>)MatrixReader.Read<double>(work.File("model/W-new.csv")).Matrix;
        Assert.Equal(model.Transform(fresh.SliceRows(0, 40)).Data, wNew.Data);
        Assert.Contains("\"W_new\": \"W-new.csv\"", File.ReadAllText(work.File("model/model.json")), StringComparison.Ordinal);
        Assert.Contains("W-new.csv", update.Stdout + CliProcess.Run(work.Path, ["update", "--help"]).Stdout, StringComparison.Ordinal);

        // a file with other columns: one line, exit 2, the model untouched
        File.WriteAllLines(work.File("narrow.csv"), ["1,2", "3,4"]);
        var bad = CliProcess.Run(work.Path, ["update", "--model", "model", "narrow.csv"]);
        Assert.Equal(2, bad.ExitCode);
        Assert.Single(bad.StderrLines);
        Assert.Equal(updated.Data, ((DenseMatrix<double>)MatrixReader.Read<double>(work.File("model/H.csv")).Matrix).Data);
        Assert.Equal(wNew.Data, ((DenseMatrix<double>)MatrixReader.Read<double>(work.File("model/W-new.csv")).Matrix).Data);
    }

    /// <summary>
    /// <c>nmf transform</c> of a mini-batch model is scikit-learn's <c>MiniBatchNMF.transform</c> (W by its MU
    /// <c>_solve_W</c> with H fixed, its tol rule and transform_max_iter = max_iter), not the batch NMF's transform.
    /// digits-transform-kl stops W's updates on tol after 26 of 30; digits-frobenius runs all 8.
    /// </summary>
    [Theory]
    [InlineData("digits-transform-kl", "kl", "50", "30", "0.003", "0.002", "0.5")]
    [InlineData("digits-frobenius", "frobenius", "64", "8", "0", "0", "0")]
    public void TransformOfAMiniBatchModelIsScikitLearns(string name, string loss, string batch, string maxIter, string tol, string alphaW, string l1Ratio)
    {
        var c = ReferenceCase.Load(name);
        using var work = new TempFolder();
        WriteCsv(work.File("x.csv"), c.Dense<double>("X.csv"));
        WriteCsv(work.File("w0.csv"), c.Dense<double>("W0.csv"));
        WriteCsv(work.File("h0.csv"), c.Dense<double>("H0.csv"));
        WriteCsv(work.File("new.csv"), c.Dense<double>("Xnew.csv"));
        var fit = CliProcess.Run(work.Path, ["fit", "x.csv", "--minibatch", "--batch-size", batch, "-k", "6", "--solver", "mu", "--loss", loss,
            "--max-iter", maxIter, "--tol", tol, "--max-no-improvement", "0", "--alpha-w", alphaW, "--l1-ratio", l1Ratio,
            "--w0", "w0.csv", "--h0", "h0.csv", "-o", "model", "--quiet"]);
        Assert.True(fit.ExitCode == 0, fit.ToString());
        Assert.InRange(ReferenceCase.RelativeDifference((DenseMatrix<double>)MatrixReader.Read<double>(work.File("model/H.csv")).Matrix, c.Dense<double>("H.csv")), 0, 1e-9);

        var transform = CliProcess.Run(work.Path, ["transform", "new.csv", "--model", "model", "-o", "t", "--quiet"]);
        Assert.True(transform.ExitCode == 0, transform.ToString());
        var w = (DenseMatrix<double>)MatrixReader.Read<double>(work.File("t/W.csv")).Matrix;
        Assert.InRange(ReferenceCase.RelativeDifference(w, c.Dense<double>("Wt.csv")), 0, 1e-9);
    }

    [Fact]
    public void ClusterThatDoesNotAnswerIsOneLineAndWritesNothing()
    {
        using var work = new TempFolder();
        File.WriteAllLines(work.File("x.csv"), ["1,2,3", "4,5,6", "7,8,9"]);
        // a free port for the gateway (cluster port + 10000)
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        int gateway = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        int port = gateway > 10000 ? gateway - 10000 : 1;
        var r = CliProcess.Run(work.Path, ["fit", "x.csv", "--cluster", "127.0.0.1:" + port.ToString(CultureInfo.InvariantCulture), "-k", "2", "--solver", "mu", "-o", "out"]);
        Assert.Equal(2, r.ExitCode);
        Assert.Single(r.StderrLines);
        Assert.Contains("no NMF cluster answers", r.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(work.File("out")));
    }
}
