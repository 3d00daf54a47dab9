namespace Nmf.Images;

/// <summary>An 8-bit RGB picture, row-major, three bytes a pixel; the canvas the montages are drawn on.</summary>
public sealed class RgbImage
{
    /// <summary>Creates a picture filled with one colour.</summary>
    /// <param name="width">Width in pixels, at least 1.</param>
    /// <param name="height">Height in pixels, at least 1.</param>
    /// <param name="background">The fill colour.</param>
    public RgbImage(int width, int height, Rgb background)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        Width = width;
        Height = height;
        Data = new byte[checked(width * height * 3)];
        Fill(0, 0, width, height, background);
    }

    /// <summary>Width in pixels.</summary>
    public int Width { get; }

    /// <summary>Height in pixels.</summary>
    public int Height { get; }

    /// <summary>The pixels: R, G, B bytes of each pixel, row by row.</summary>
    public byte[] Data { get; }

    /// <summary>Gets or sets the pixel at column <paramref name="x"/>, row <paramref name="y"/>.</summary>
    public Rgb this[int x, int y]
    {
        get
        {
            int p = ((y * Width) + x) * 3;
            return new Rgb(Data[p], Data[p + 1], Data[p + 2]);
        }

        set
        {
            int p = ((y * Width) + x) * 3;
            Data[p] = value.R;
            Data[p + 1] = value.G;
            Data[p + 2] = value.B;
        }
    }

    /// <summary>Fills a rectangle (clipped to the picture) with one colour.</summary>
    public void Fill(int x0, int y0, int width, int height, Rgb colour)
    {
        for (int y = Math.Max(0, y0); y < Math.Min(Height, y0 + height); y++)
        {
            for (int x = Math.Max(0, x0); x < Math.Min(Width, x0 + width); x++)
            {
                this[x, y] = colour;
            }
        }
    }

    /// <summary>Copies another picture onto this one with its top-left corner at (x0, y0), clipped.</summary>
    public void Draw(RgbImage source, int x0, int y0)
    {
        ArgumentNullException.ThrowIfNull(source);
        for (int y = 0; y < source.Height; y++)
        {
            for (int x = 0; x < source.Width; x++)
            {
                int tx = x0 + x, ty = y0 + y;
                if (tx >= 0 && ty >= 0 && tx < Width && ty < Height)
                {
                    this[tx, ty] = source[x, y];
                }
            }
        }
    }
}

/// <summary>An 8-bit RGB colour.</summary>
/// <param name="R">Red.</param>
/// <param name="G">Green.</param>
/// <param name="B">Blue.</param>
public readonly record struct Rgb(byte R, byte G, byte B)
{
    /// <summary>White.</summary>
    public static Rgb White => new(255, 255, 255);

    /// <summary>A grey level.</summary>
    public static Rgb Grey(byte level) => new(level, level, level);
}
