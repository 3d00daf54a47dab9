using System.Numerics;
using Nmf.Matrices;

namespace Nmf.Images;

/// <summary>Lays out images as tiles of one picture: basis images, and originals beside reconstructions.</summary>
public static class Montage
{
    /// <summary>Space between tiles, in pixels of the picture.</summary>
    public const int Gap = 2;

    private static readonly Rgb Background = Rgb.Grey(128);

    /// <summary>The zoom that makes a tile about 100 pixels on its longer side (at least 1).</summary>
    public static int DefaultZoom(ImageSize size) => Math.Max(1, 100 / Math.Max(size.Width, size.Height));

    /// <summary>
    /// A montage of basis images, one a row of <paramref name="components"/> (k x Height·Width), each scaled to
    /// its own range. Non-negative bases are drawn in grey from their minimum (black) to their maximum (white);
    /// signed bases (<paramref name="signed"/>, for example PCA's) in a diverging map with zero white, scaled by
    /// the largest magnitude so that the sign stays visible.
    /// </summary>
    /// <param name="components">The basis images, one a row.</param>
    /// <param name="size">The size of each image.</param>
    /// <param name="signed">Whether to use the diverging map.</param>
    /// <param name="columns">Tiles per row; default ⌈√k⌉.</param>
    /// <param name="zoom">Picture pixels per image pixel; default <see cref="DefaultZoom"/>.</param>
    public static RgbImage Basis<T>(DenseMatrix<T> components, ImageSize size, bool signed, int? columns = null, int? zoom = null)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(components);
        CheckShape(components, size);
        int k = components.Rows;
        int cols = columns ?? Math.Max(1, (int)Math.Ceiling(Math.Sqrt(k)));
        int rows = Math.Max(1, (k + cols - 1) / cols);
        int z = zoom ?? DefaultZoom(size);
        var picture = Canvas(cols, rows, size, z);
        for (int c = 0; c < k; c++)
        {
            var values = ToDouble(components.Row(c));
            Func<double, Rgb> colour;
            if (signed)
            {
                double maxAbs = values.Max(Math.Abs);
                colour = v => ColorMap.Signed(maxAbs > 0 ? v / maxAbs : 0);
            }
            else
            {
                double lo = values.Min(), hi = values.Max();
                colour = v => ColorMap.Grey(hi > lo ? (v - lo) / (hi - lo) : 0);
            }

            DrawTile(picture, values, size, z, c % cols, c / cols, colour);
        }

        return picture;
    }

    /// <summary>
    /// Rows of tiles: the first <paramref name="count"/> images of each matrix, one matrix a row (for example the
    /// originals above their reconstructions). All tiles share one grey scale from <paramref name="lo"/> (black)
    /// to <paramref name="hi"/> (white), so reconstructions are comparable with the originals; values outside
    /// are clipped.
    /// </summary>
    /// <param name="bands">Matrices of images, one image a row, all of the same size.</param>
    /// <param name="size">The size of each image.</param>
    /// <param name="count">Images per band (at most the rows of every matrix).</param>
    /// <param name="lo">The value drawn black.</param>
    /// <param name="hi">The value drawn white.</param>
    /// <param name="zoom">Picture pixels per image pixel; default <see cref="DefaultZoom"/>.</param>
    public static RgbImage Bands<T>(IReadOnlyList<DenseMatrix<T>> bands, ImageSize size, int count, double lo, double hi, int? zoom = null)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(bands);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        int z = zoom ?? DefaultZoom(size);
        var picture = Canvas(count, bands.Count, size, z);
        for (int b = 0; b < bands.Count; b++)
        {
            CheckShape(bands[b], size);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(count, bands[b].Rows);
            for (int i = 0; i < count; i++)
            {
                DrawTile(picture, ToDouble(bands[b].Row(i)), size, z, i, b, v => ColorMap.Grey(hi > lo ? (v - lo) / (hi - lo) : 0));
            }
        }

        return picture;
    }

    /// <summary>
    /// A picture with a title strip above it (capital letters of a built-in 5x7 font at twice its size; other
    /// characters are left blank).
    /// </summary>
    public static RgbImage WithTitle(RgbImage panel, string title)
    {
        ArgumentNullException.ThrowIfNull(panel);
        ArgumentNullException.ThrowIfNull(title);
        const int scale = 2, pad = 6;
        int strip = (BitmapFont.GlyphHeight * scale) + (2 * pad);
        var picture = new RgbImage(Math.Max(panel.Width, BitmapFont.Width(title, scale) + (2 * pad)), panel.Height + strip, Rgb.White);
        BitmapFont.Draw(picture, title, pad, pad, scale, Rgb.Grey(40));
        picture.Draw(panel, 0, strip);
        return picture;
    }

    /// <summary>
    /// A picture with a label left of each band of tiles (for <see cref="Bands{T}"/>: one label per band, drawn with
    /// the built-in capital-letter font), vertically centred on the band.
    /// </summary>
    public static RgbImage WithRowLabels(RgbImage panel, IReadOnlyList<string> labels, ImageSize tile, int? zoom = null)
    {
        ArgumentNullException.ThrowIfNull(panel);
        ArgumentNullException.ThrowIfNull(labels);
        const int scale = 2, pad = 6;
        int z = zoom ?? DefaultZoom(tile);
        int margin = labels.Max(l => BitmapFont.Width(l, scale)) + (2 * pad);
        var picture = new RgbImage(panel.Width + margin, panel.Height, Rgb.White);
        int band = (tile.Height * z) + Gap;
        for (int b = 0; b < labels.Count; b++)
        {
            int y = Gap + (b * band) + (((tile.Height * z) - (BitmapFont.GlyphHeight * scale)) / 2);
            BitmapFont.Draw(picture, labels[b], pad, y, scale, Rgb.Grey(40));
        }

        picture.Draw(panel, margin, 0);
        return picture;
    }

    /// <summary>Pictures placed left to right with a wide gap, tops aligned, on the montage background.</summary>
    public static RgbImage SideBySide(IReadOnlyList<RgbImage> panels)
    {
        ArgumentNullException.ThrowIfNull(panels);
        ArgumentOutOfRangeException.ThrowIfLessThan(panels.Count, 1);
        const int separator = 6 * Gap;
        int width = panels.Sum(p => p.Width) + (separator * (panels.Count - 1));
        int height = panels.Max(p => p.Height);
        var picture = new RgbImage(width, height, Rgb.White);
        int x = 0;
        foreach (var panel in panels)
        {
            picture.Draw(panel, x, 0);
            x += panel.Width + separator;
        }

        return picture;
    }

    private static RgbImage Canvas(int cols, int rows, ImageSize size, int zoom)
        => new((cols * ((size.Width * zoom) + Gap)) + Gap, (rows * ((size.Height * zoom) + Gap)) + Gap, Background);

    private static void DrawTile(RgbImage picture, double[] values, ImageSize size, int zoom, int column, int row, Func<double, Rgb> colour)
    {
        int x0 = Gap + (column * ((size.Width * zoom) + Gap));
        int y0 = Gap + (row * ((size.Height * zoom) + Gap));
        for (int y = 0; y < size.Height; y++)
        {
            for (int x = 0; x < size.Width; x++)
            {
                picture.Fill(x0 + (x * zoom), y0 + (y * zoom), zoom, zoom, colour(values[(y * size.Width) + x]));
            }
        }
    }

    private static double[] ToDouble<T>(ReadOnlySpan<T> span) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var d = new double[span.Length];
        for (int i = 0; i < d.Length; i++)
        {
            d[i] = double.CreateChecked(span[i]);
        }

        return d;
    }

    private static void CheckShape<T>(DenseMatrix<T> m, ImageSize size) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (m.Cols != size.Pixels)
        {
            throw new ArgumentException($"rows of {m.Cols} values are not {size.Width}x{size.Height} images.", nameof(m));
        }
    }
}
