using StbImageWriteSharp;

namespace Nmf.Images;

/// <summary>Writes PNG files through StbImageWriteSharp.</summary>
public static class PngWriter
{
    /// <summary>
    /// Writes an RGB picture as PNG. The file is written under a temporary name beside the target and renamed,
    /// so a failure never leaves a partial file.
    /// </summary>
    /// <param name="path">The file to write (replaced if it exists).</param>
    /// <param name="image">The picture.</param>
    public static void Write(string path, RgbImage image)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(image);
        string temp = path + ".tmp";
        try
        {
            using (var stream = File.Create(temp))
            {
                new ImageWriter().WritePng(image.Data, image.Width, image.Height, ColorComponents.RedGreenBlue, stream);
            }

            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }
    }

    /// <summary>Writes an RGB picture as PNG to a stream.</summary>
    /// <param name="stream">Where the PNG goes (left open).</param>
    /// <param name="image">The picture.</param>
    public static void Write(Stream stream, RgbImage image)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(image);
        new ImageWriter().WritePng(image.Data, image.Width, image.Height, ColorComponents.RedGreenBlue, stream);
    }

    /// <summary>Writes grey levels (one byte a pixel, row-major) as an 8-bit greyscale PNG.</summary>
    /// <param name="path">The file to write (replaced if it exists).</param>
    /// <param name="grey">Width·Height bytes.</param>
    /// <param name="size">The image's size.</param>
    public static void WriteGrey(string path, byte[] grey, ImageSize size)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(grey);
        if (grey.Length != size.Pixels)
        {
            throw new ArgumentException($"{grey.Length} grey levels for a {size} image.", nameof(grey));
        }

        string temp = path + ".tmp";
        try
        {
            using (var stream = File.Create(temp))
            {
                new ImageWriter().WritePng(grey, size.Width, size.Height, ColorComponents.Grey, stream);
            }

            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }
    }
}
