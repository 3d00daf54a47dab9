using System.Globalization;
using System.Text.Json;
using Nmf.Images;
using Nmf.Tests.Cli;
using Xunit;

namespace Nmf.Tests.Images;

public class ImagesCommandTests
{
    private static readonly string FacesCsv = Path.Combine(TestPaths.Shared, "data", "lfw-faces.csv");

    [Fact]
    public void FacesNmfBesidePcaWritesPicturesFactorsAndOneTable()
    {
        using var work = new TempFolder();
        string output = work.File("faces");
        var r = CliProcess.Run("images", FacesCsv, "-k", "16", "-o", output, "--shape", "25x25", "--compare", "pca", "--seed", "0", "--json");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(string.Empty, r.Stderr);

        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "model.json")));
        var models = json.RootElement.GetProperty("models");
        Assert.Equal(2, models.GetArrayLength());
        var nmf = models[0];
        var pca = models[1];
        Assert.Equal("nmf", nmf.GetProperty("method").GetString());
        Assert.Equal("pca", pca.GetProperty("method").GetString());
        Assert.True(pca.GetProperty("reconstruction_err").GetDouble() < nmf.GetProperty("reconstruction_err").GetDouble());
        Assert.True(nmf.GetProperty("basis_sparseness").GetDouble() > pca.GetProperty("basis_sparseness").GetDouble());
        Assert.Equal(16, pca.GetProperty("explained_variance_ratio").GetArrayLength());
        Assert.Equal(r.Stdout.Trim(), File.ReadAllText(Path.Combine(output, "model.json")).Trim());

        // W and H of both methods, with names; H's rows are 25x25 basis images.
        var h = ImagesTestData.ReadCsv(Path.Combine(output, "H.csv"), header: true, rowNames: true);
        Assert.Equal((16, 625), (h.Rows, h.Cols));
        Assert.All(h.Data, v => Assert.True(v >= 0));
        var w = ImagesTestData.ReadCsv(Path.Combine(output, "W.csv"), header: true, rowNames: true);
        Assert.Equal((100, 16), (w.Rows, w.Cols));
        Assert.Contains(ImagesTestData.ReadCsv(Path.Combine(output, "H-pca.csv"), header: true, rowNames: true).Data, v => v < 0);
        double error = LeastSquaresErrorOf(w, h);
        Assert.Equal(nmf.GetProperty("reconstruction_err").GetDouble(), error, 1e-9);

        // components.png: two 4x4 montages side by side under titles; reconstruction.png: three bands of 10 faces.
        var (_, components) = ImageReader.ReadGrey<double>(Path.Combine(output, "components.png"));
        var (_, reconstruction) = ImageReader.ReadGrey<double>(Path.Combine(output, "reconstruction.png"));
        int montage = (4 * ((25 * 4) + Montage.Gap)) + Montage.Gap;
        Assert.True(components.Width > 2 * montage && components.Height > montage, components.ToString());
        int bands = (3 * ((25 * 4) + Montage.Gap)) + Montage.Gap;
        Assert.Equal(bands, reconstruction.Height);
    }

    [Fact]
    public void TableOnStdoutNamesEveryMethod()
    {
        using var work = new TempFolder();
        var r = CliProcess.Run("images", FacesCsv, "-k", "4", "-o", work.File("o"), "--method", "snmf", "--compare", "pca", "--max-iter", "20");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("basis sparseness", r.Stdout);
        Assert.Contains("snmf ", r.Stdout);
        Assert.Contains("pca ", r.Stdout);
        Assert.True(File.Exists(work.File(Path.Combine("o", "W-pca.csv"))));
    }

    [Fact]
    public void FolderOfPngsAndTheCsvOfTheSameImagesGiveTheSameModel()
    {
        using var work = new TempFolder();
        var faces = ImagesTestData.Faces();
        string folder = work.File("pngs");
        Directory.CreateDirectory(folder);
        var lines = new List<string>();
        for (int i = 0; i < 12; i++)
        {
            var bytes = faces.Row(i).ToArray().Select(v => (byte)Math.Round(v * 255)).ToArray();
            PngWriter.WriteGrey(Path.Combine(folder, $"face{i:D2}.png"), bytes, new ImageSize(25, 25));
            lines.Add(string.Join(',', bytes.Select(b => (b / 255.0).ToString("R", CultureInfo.InvariantCulture))));
        }

        File.WriteAllLines(work.File("faces.csv"), lines);
        var fromPng = CliProcess.Run("images", folder, "-k", "3", "-o", work.File("a"), "--seed", "1", "--json");
        var fromCsv = CliProcess.Run("images", work.File("faces.csv"), "-k", "3", "-o", work.File("b"), "--shape", "25x25", "--seed", "1", "--json");
        Assert.True(fromPng.ExitCode == 0, fromPng.ToString());
        Assert.True(fromCsv.ExitCode == 0, fromCsv.ToString());
        Assert.Equal(File.ReadAllText(work.File(Path.Combine("a", "H.csv"))), File.ReadAllText(work.File(Path.Combine("b", "H.csv"))));
        Assert.Equal(Error(fromPng.Stdout), Error(fromCsv.Stdout));
        Assert.StartsWith("face00.png,", File.ReadAllLines(work.File(Path.Combine("a", "W.csv")))[1], StringComparison.Ordinal);
    }

    [Fact]
    public void CorruptPngIsOneLineAndNoOutput()
    {
        using var work = new TempFolder();
        string folder = work.File("in");
        Directory.CreateDirectory(folder);
        PngWriter.WriteGrey(Path.Combine(folder, "a.png"), new byte[16], new ImageSize(4, 4));
        File.WriteAllBytes(Path.Combine(folder, "b.png"), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 9, 9]);
        var r = CliProcess.Run("images", folder, "-k", "1", "-o", work.File("out"));
        Assert.Equal(2, r.ExitCode);
        Assert.StartsWith("nmf: ", Assert.Single(r.StderrLines), StringComparison.Ordinal);
        Assert.Contains("b.png: not a readable image", r.Stderr);
        Assert.False(Directory.Exists(work.File("out")));
    }

    [Fact]
    public void MixedSizesNeedSize()
    {
        using var work = new TempFolder();
        string folder = work.File("in");
        Directory.CreateDirectory(folder);
        var rng = new Random(5);
        byte[] Noise(int n) => Enumerable.Range(0, n).Select(_ => (byte)rng.Next(256)).ToArray();
        PngWriter.WriteGrey(Path.Combine(folder, "a.png"), Noise(30 * 20), new ImageSize(30, 20));
        PngWriter.WriteGrey(Path.Combine(folder, "b.png"), Noise(24 * 24), new ImageSize(24, 24));
        PngWriter.WriteGrey(Path.Combine(folder, "c.png"), Noise(30 * 20), new ImageSize(30, 20));
        var r = CliProcess.Run("images", folder, "-k", "2", "-o", work.File("out"));
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("b.png: image is 24x24 but", Assert.Single(r.StderrLines));
        Assert.Contains("--size", r.Stderr);

        var ok = CliProcess.Run("images", folder, "-k", "2", "-o", work.File("out"), "--size", "12x10", "--json");
        Assert.True(ok.ExitCode == 0, ok.ToString());
        using var json = JsonDocument.Parse(ok.Stdout);
        Assert.Equal(12, json.RootElement.GetProperty("width").GetInt32());
        Assert.Equal(10, json.RootElement.GetProperty("height").GetInt32());
    }

    [Theory]
    [InlineData("--shape", "24x25", "--shape 24x25 needs 600 values a row, the rows have 625.")]
    [InlineData("--shape", "25", "--shape: '25' is not HxW")]
    [InlineData("--method", "ica", "--method ica: expected nmf, pca, lnmf or snmf.")]
    [InlineData("--compare", "lnmf", "--compare lnmf: only pca can be compared.")]
    [InlineData("--size", "0x3", "--size: '0x3' is not WxH")]
    public void BadFlagsAreOneLineErrors(string flag, string value, string message)
    {
        using var work = new TempFolder();
        var r = CliProcess.Run("images", FacesCsv, "-k", "2", "-o", work.File("out"), flag, value);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains(message, Assert.Single(r.StderrLines));
        Assert.False(Directory.Exists(work.File("out")));
    }

    [Fact]
    public void FlattenedImagesAreResizedWithSizeAndShapeIsForMatrixFilesOnly()
    {
        using var work = new TempFolder();
        var r = CliProcess.Run("images", FacesCsv, "-k", "2", "-o", work.File("small"), "--size", "10x12", "--method", "pca", "--json");
        Assert.True(r.ExitCode == 0, r.ToString());
        var h = ImagesTestData.ReadCsv(work.File(Path.Combine("small", "H.csv")), header: true, rowNames: true);
        Assert.Equal(120, h.Cols);

        string folder = work.File("in");
        Directory.CreateDirectory(folder);
        PngWriter.WriteGrey(Path.Combine(folder, "a.png"), new byte[16], new ImageSize(4, 4));
        var e = CliProcess.Run("images", folder, "-k", "1", "-o", work.File("out"), "--shape", "4x4");
        Assert.Equal(2, e.ExitCode);
        Assert.Contains("--shape applies to a matrix file", Assert.Single(e.StderrLines));
    }

    [Theory]
    [InlineData("als")]
    [InlineData("pg")]
    public void FitAndImagesTakeTheLeastSquaresSolvers(string solver)
    {
        using var work = new TempFolder();
        var fit = CliProcess.Run("fit", "data/digits.csv", "-k", "5", "--solver", solver, "--max-iter", "30", "-o", work.File("fit"), "--quiet");
        Assert.True(fit.ExitCode == 0, fit.ToString());
        var images = CliProcess.Run("images", FacesCsv, "-k", "4", "--solver", solver, "--max-iter", "30", "-o", work.File("img"), "--json");
        Assert.True(images.ExitCode == 0, images.ToString());
        using var json = JsonDocument.Parse(images.Stdout);
        Assert.Equal(solver, json.RootElement.GetProperty("models")[0].GetProperty("solver").GetString());
    }

    [Fact]
    public void DocsPicturesAreWhatTheReadmeCommandDraws()
    {
        string readme = File.ReadAllText(Path.Combine(TestPaths.Root, "README.md"));
        const string command = "nmf images data/lfw-faces.csv -k 16 --shape 25x25 --compare pca --seed 0 -o out/faces";
        Assert.Contains(command, readme);
        foreach (string picture in new[] { "docs/faces-components.png", "docs/faces-reconstruction.png", "docs/faces-lnmf-components.png" })
        {
            Assert.Contains($"({picture})", readme);
        }

        using var work = new TempFolder();
        var r = CliProcess.Run(TestPaths.Root, ["images", "data/lfw-faces.csv", "-k", "16", "--shape", "25x25", "--compare", "pca", "--seed", "0", "-o", work.Path, "--quiet"]);
        Assert.True(r.ExitCode == 0, r.ToString());
        foreach (var (drawn, committed) in new[] { ("components.png", "faces-components.png"), ("reconstruction.png", "faces-reconstruction.png") })
        {
            var (now, nowSize) = ImageReader.ReadGrey<double>(Path.Combine(work.Path, drawn));
            var (docs, docsSize) = ImageReader.ReadGrey<double>(Path.Combine(TestPaths.Root, "docs", committed));
            Assert.Equal(docsSize, nowSize);
            // Other CPUs may round the last bits differently; the pictures must still agree to a few grey levels.
            double worst = now.Zip(docs, (a, b) => Math.Abs(a - b)).Max();
            Assert.True(worst <= 4 / 255.0, $"{committed} differs from a fresh drawing by up to {worst * 255:F0} grey levels");
        }
    }

    private static double Error(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.GetProperty("models")[0].GetProperty("reconstruction_err").GetDouble();
    }

    private static double LeastSquaresErrorOf(Matrices.DenseMatrix<double> w, Matrices.DenseMatrix<double> h)
        => Solvers.LeastSquaresSolverTests.FrobeniusError(ImagesTestData.Faces(), w, h);
}
