using System.Globalization;
using Nmf.Images;
using Nmf.Matrices;
using Xunit;

namespace Nmf.Tests.Images;

public sealed class ImageIoTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("nmf-images-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    /// <summary>The first faces as 8-bit grey levels (25 x 25).</summary>
    private static byte[][] FaceBytes(int count)
    {
        var faces = ImagesTestData.Faces();
        return Enumerable.Range(0, count)
            .Select(i => faces.Row(i).ToArray().Select(v => (byte)Math.Round(v * 255)).ToArray())
            .ToArray();
    }

    [Fact]
    public void SameImagesAsPngAndAsCsvGiveTheSameMatrix()
    {
        var faces = FaceBytes(4);
        var pngs = Path.Combine(folder, "png");
        Directory.CreateDirectory(pngs);
        for (int i = 0; i < faces.Length; i++)
        {
            PngWriter.WriteGrey(Path.Combine(pngs, $"face{i}.png"), faces[i], new ImageSize(25, 25));
        }

        string csv = Path.Combine(folder, "faces.csv");
        File.WriteAllLines(csv, faces.Select(f => string.Join(',', f.Select(b => (b / 255.0).ToString("R", CultureInfo.InvariantCulture)))));

        var fromPng = ImageReader.ReadFolder<double>(pngs);
        var fromCsv = ImageSet<double>.FromRows(ImagesTestData.ReadCsv(csv), ImageSize.ParseHeightByWidth("25x25"));
        Assert.Equal(new ImageSize(25, 25), fromPng.Size);
        Assert.Equal(["face0.png", "face1.png", "face2.png", "face3.png"], fromPng.Names);
        Assert.Equal(fromCsv.Pixels.Data, fromPng.Pixels.Data);
        Assert.Equal(faces[2][(3 * 25) + 7] / 255.0, fromPng.Pixels[2, (3 * 25) + 7]);
    }

    [Fact]
    public void ReadsJpegBmpPgmAndColourAsGrey()
    {
        var face = FaceBytes(1)[0];
        var size = new ImageSize(25, 25);
        PngWriter.WriteGrey(Path.Combine(folder, "a.png"), face, size);
        using (var bmp = File.Create(Path.Combine(folder, "b.bmp")))
        {
            new StbImageWriteSharp.ImageWriter().WriteBmp(face, 25, 25, StbImageWriteSharp.ColorComponents.Grey, bmp);
        }

        // Binary PGM (P5): a header and the bytes.
        var header = System.Text.Encoding.ASCII.GetBytes("P5\n# a face\n25 25\n255\n");
        File.WriteAllBytes(Path.Combine(folder, "c.pgm"), [.. header, .. face]);

        // A colour PNG with R = G = B is the same grey.
        var rgb = new RgbImage(25, 25, Rgb.White);
        for (int p = 0; p < face.Length; p++)
        {
            rgb[p % 25, p / 25] = Rgb.Grey(face[p]);
        }

        PngWriter.Write(Path.Combine(folder, "d.png"), rgb);
        using (var jpg = File.Create(Path.Combine(folder, "e.jpg")))
        {
            new StbImageWriteSharp.ImageWriter().WriteJpg(face, 25, 25, StbImageWriteSharp.ColorComponents.Grey, jpg, 95);
        }

        var set = ImageReader.ReadFolder<double>(folder);
        Assert.Equal(5, set.Count);
        for (int i = 1; i < 4; i++)
        {
            Assert.Equal(set.Pixels.Row(0).ToArray(), set.Pixels.Row(i).ToArray());
        }

        // JPEG is lossy: close, not equal.
        double worst = 0;
        for (int p = 0; p < 625; p++)
        {
            worst = Math.Max(worst, Math.Abs(set.Pixels[4, p] - set.Pixels[0, p]));
        }

        Assert.InRange(worst, 0, 0.15);
    }

    [Fact]
    public void ColourIsConvertedWithLumaWeights()
    {
        var red = new RgbImage(4, 3, new Rgb(255, 0, 0));
        string path = Path.Combine(folder, "red.png");
        PngWriter.Write(path, red);
        var (pixels, size) = ImageReader.ReadGrey<double>(path);
        Assert.Equal(new ImageSize(4, 3), size);
        Assert.All(pixels, v => Assert.Equal((255 * 77 >> 8) / 255.0, v, 1e-12));
    }

    [Fact]
    public void ReadsTextAndSixteenBitPgmAndPpm()
    {
        File.WriteAllText(Path.Combine(folder, "a.pgm"), "P2\n# comment\n3 2\n4\n0 1 2\n3 4 4\n");
        byte[] sixteen = [.. System.Text.Encoding.ASCII.GetBytes("P5 3 2 1000\n"), 0, 0, 0, 250, 1, 244, 2, 238, 3, 232, 3, 232];
        File.WriteAllBytes(Path.Combine(folder, "b.pgm"), sixteen);
        File.WriteAllText(Path.Combine(folder, "c.ppm"), "P3 3 2 4  0 0 0  1 1 1  2 2 2  3 3 3  4 4 4  4 4 4");
        var set = ImageReader.ReadFolder<double>(folder);
        double[] expected = [0, 0.25, 0.5, 0.75, 1, 1];
        for (int i = 0; i < 3; i++)
        {
            for (int p = 0; p < 6; p++)
            {
                Assert.Equal(expected[p], set.Pixels[i, p], 12);
            }
        }

        File.WriteAllText(Path.Combine(folder, "d.pgm"), "P2 3 2 4 0 1");
        var e = Assert.Throws<NmfInputException>(() => ImageReader.ReadFolder<double>(folder));
        Assert.Contains("d.pgm", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CorruptPngIsAOneLineErrorNamingTheFile()
    {
        string path = Path.Combine(folder, "broken.png");
        File.WriteAllBytes(path, [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3, 4, 5]);
        var e = Assert.Throws<NmfInputException>(() => ImageReader.ReadFolder<double>(folder));
        Assert.Contains("broken.png", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void MixedSizesNeedSize()
    {
        PngWriter.WriteGrey(Path.Combine(folder, "a.png"), new byte[6 * 4], new ImageSize(6, 4));
        PngWriter.WriteGrey(Path.Combine(folder, "b.png"), Enumerable.Repeat((byte)200, 8 * 8).ToArray(), new ImageSize(8, 8));
        var e = Assert.Throws<NmfInputException>(() => ImageReader.ReadFolder<double>(folder));
        Assert.Contains("b.png", e.Message, StringComparison.Ordinal);
        Assert.Contains("--size", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);

        var set = ImageReader.ReadFolder<double>(folder, ImageSize.ParseWidthByHeight("5x3"));
        Assert.Equal(new ImageSize(5, 3), set.Size);
        Assert.Equal(15, set.Pixels.Cols);
        Assert.All(set.Pixels.Row(0).ToArray(), v => Assert.Equal(0.0, v, 12));
        Assert.All(set.Pixels.Row(1).ToArray(), v => Assert.Equal(200 / 255.0, v, 12));
    }

    [Fact]
    public void ShapeThatDoesNotMatchTheRowsIsAOneLineError()
    {
        var x = new DenseMatrix<double>(3, 625);
        var e = Assert.Throws<NmfInputException>(() => ImageSet<double>.FromRows(x, ImageSize.ParseHeightByWidth("24x25")));
        Assert.Contains("--shape 24x25", e.Message, StringComparison.Ordinal);
        Assert.Contains("625", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
        Assert.Equal(new ImageSize(25, 24), ImageSet<double>.FromRows(new DenseMatrix<double>(3, 600), ImageSize.ParseHeightByWidth("24x25")).Size);
    }

    [Theory]
    [InlineData("25")]
    [InlineData("0x4")]
    [InlineData("ax4")]
    [InlineData("4x-3")]
    [InlineData("3x4x5")]
    public void BadSizesAreRejected(string text)
    {
        Assert.Throws<NmfInputException>(() => ImageSize.ParseWidthByHeight(text));
        Assert.Throws<NmfInputException>(() => ImageSize.ParseHeightByWidth(text));
    }

    [Fact]
    public void HeightByWidthAndWidthByHeightAreTheRightWayRound()
    {
        Assert.Equal(new ImageSize(Width: 30, Height: 20), ImageSize.ParseHeightByWidth("20x30"));
        Assert.Equal(new ImageSize(Width: 20, Height: 30), ImageSize.ParseWidthByHeight("20x30"));
    }

    [Fact]
    public void ResizingKeepsConstantsAndAveragesWhenShrinking()
    {
        var constant = Enumerable.Repeat(0.25, 7 * 5).ToArray();
        Assert.All(Resampler.Resize(constant, new ImageSize(7, 5), new ImageSize(3, 11)), v => Assert.Equal(0.25, v, 12));

        // Stripes one pixel wide shrunk by 4 average to the mean grey rather than aliasing to black or white.
        var stripes = new double[16 * 16];
        for (int p = 0; p < stripes.Length; p++)
        {
            stripes[p] = (p % 16) % 2;
        }

        Assert.All(Resampler.Resize(stripes, new ImageSize(16, 16), new ImageSize(4, 4)), v => Assert.InRange(v, 0.4, 0.6));
    }

    [Fact]
    public void MontageLaysOutTilesAndColoursSignsApart()
    {
        var basis = new DenseMatrix<double>(5, 6);
        basis.Row(0).Fill(-1);
        basis.Row(1).Fill(1);
        var picture = Montage.Basis(basis, new ImageSize(3, 2), signed: true, zoom: 4);
        // ⌈√5⌉ = 3 columns, 2 rows, tiles 12 x 8 with 2-pixel gaps.
        Assert.Equal((3 * (12 + 2)) + 2, picture.Width);
        Assert.Equal((2 * (8 + 2)) + 2, picture.Height);
        var negative = picture[3, 3];
        var positive = picture[2 + 14 + 1, 3];
        var zero = picture[2 + 28 + 1, 3];
        Assert.True(negative.B > negative.R);
        Assert.True(positive.R > positive.B);
        Assert.True(zero.R > 240 && zero.G > 240 && zero.B > 240);

        var grey = Montage.Basis(basis, new ImageSize(3, 2), signed: false, zoom: 1);
        Assert.Equal(Rgb.Grey(0), grey[2, 2]); // a flat tile is drawn at its minimum
    }

    [Fact]
    public void PngRoundTripsThroughTheReader()
    {
        var picture = Montage.Bands([ImagesTestData.Faces().SliceRows(0, 3)], new ImageSize(25, 25), 3, 0, 1, zoom: 1);
        string path = Path.Combine(folder, "m.png");
        PngWriter.Write(path, picture);
        var (pixels, size) = ImageReader.ReadGrey<double>(path);
        Assert.Equal(new ImageSize(picture.Width, picture.Height), size);
        Assert.Equal(picture[2 + 5, 2 + 9].R / 255.0, pixels[((2 + 9) * size.Width) + 2 + 5], 12);
        Assert.False(File.Exists(path + ".tmp"));
    }
}
