using System.Numerics;
using Nmf.Matrices;
using StbImageSharp;

namespace Nmf.Images;

/// <summary>
/// Reads PNG, JPEG and BMP images (through StbImageSharp) and PGM/PPM images as grey levels in [0, 1]:
/// colour is converted to grey by stb_image's luma weights (77 R + 150 G + 29 B) / 256, 16-bit PNGs are
/// reduced to 8 bits, and each level v becomes v / 255 (v / maximum value for PGM/PPM).
/// </summary>
public static class ImageReader
{
    /// <summary>The file extensions read from a folder, compared without regard to case.</summary>
    public static IReadOnlyList<string> Extensions { get; } = [".png", ".jpg", ".jpeg", ".bmp", ".pgm", ".ppm", ".pnm"];

    /// <summary>Reads one image as grey levels in [0, 1], row-major.</summary>
    /// <param name="path">The image file.</param>
    /// <returns>The pixels and the image's size.</returns>
    /// <exception cref="NmfInputException">When the file is missing or not a readable image.</exception>
    public static (T[] Pixels, ImageSize Size) ReadGrey<T>(string path) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(path);
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new NmfInputException($"{path}: cannot read the file ({e.Message})", e);
        }

        if (PnmDecoder.IsPnm(bytes))
        {
            try
            {
                var (grey, pnmSize) = PnmDecoder.Decode(bytes);
                return (grey.Select(T.CreateChecked).ToArray(), pnmSize);
            }
            catch (FormatException e)
            {
                throw new NmfInputException($"{path}: not a readable image ({e.Message}).", e);
            }
        }

        ImageResult image;
        try
        {
            image = ImageResult.FromMemory(bytes, ColorComponents.Grey);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            string reason = string.IsNullOrWhiteSpace(e.Message) ? e.GetType().Name : e.Message.ReplaceLineEndings(" ");
            throw new NmfInputException($"{path}: not a readable image ({reason}).", e);
        }

        if (image is null || image.Width <= 0 || image.Height <= 0 || image.Data is null
            || image.Data.Length < image.Width * image.Height)
        {
            throw new NmfInputException($"{path}: not a readable image (no pixel data).");
        }

        var size = new ImageSize(image.Width, image.Height);
        var pixels = new T[size.Pixels];
        T scale = T.CreateChecked(255);
        for (int p = 0; p < pixels.Length; p++)
        {
            pixels[p] = T.CreateChecked(image.Data[p]) / scale;
        }

        return (pixels, size);
    }

    /// <summary>Reads one image, resized to <paramref name="size"/> when given.</summary>
    /// <param name="path">The image file.</param>
    /// <param name="size">The size wanted, or null to keep the image's own.</param>
    /// <exception cref="NmfInputException">When the file is missing or not a readable image.</exception>
    public static (T[] Pixels, ImageSize Size) ReadGrey<T>(string path, ImageSize? size)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var (pixels, own) = ReadGrey<T>(path);
        if (size is not { } wanted || wanted == own)
        {
            return (pixels, own);
        }

        return (Resampler.Resize(pixels, own, wanted), wanted);
    }

    /// <summary>
    /// Reads every image of a folder (files with one of <see cref="Extensions"/>, in ordinal order of their
    /// names) as the rows of a matrix.
    /// </summary>
    /// <param name="folder">The folder.</param>
    /// <param name="size">Resize every image to this size; null requires all images to have the same size.</param>
    /// <exception cref="NmfInputException">
    /// When the folder holds no image, an image is unreadable, or sizes differ and <paramref name="size"/> is null.
    /// </exception>
    public static ImageSet<T> ReadFolder<T>(string folder, ImageSize? size = null)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(folder);
        if (!Directory.Exists(folder))
        {
            throw new NmfInputException($"{folder}: no such folder.");
        }

        var files = Directory.EnumerateFiles(folder)
            .Where(IsImageFile)
            .OrderBy(f => Path.GetFileName(f), StringComparer.Ordinal)
            .ToArray();
        if (files.Length == 0)
        {
            throw new NmfInputException($"{folder}: no image files ({string.Join(' ', Extensions)}).");
        }

        return ReadFiles<T>(files, size);
    }

    /// <summary>Reads the given image files, in the order given, as the rows of a matrix.</summary>
    /// <param name="files">At least one image file.</param>
    /// <param name="size">Resize every image to this size; null requires all images to have the same size.</param>
    /// <exception cref="NmfInputException">When an image is unreadable or sizes differ without <paramref name="size"/>.</exception>
    public static ImageSet<T> ReadFiles<T>(IReadOnlyList<string> files, ImageSize? size = null)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(files);
        if (files.Count == 0)
        {
            throw new NmfInputException("no image files given.");
        }

        var rows = new T[files.Count][];
        ImageSize? common = size;
        string? firstFile = null;
        for (int i = 0; i < files.Count; i++)
        {
            var (pixels, own) = ReadGrey<T>(files[i], size);
            if (common is { } c && own != c)
            {
                throw new NmfInputException(
                    $"{files[i]}: image is {own.Width}x{own.Height} but {firstFile} is {c.Width}x{c.Height}; give --size WxH to resize all images.");
            }

            common ??= own;
            firstFile ??= files[i];
            rows[i] = pixels;
        }

        return new ImageSet<T>(DenseMatrix<T>.FromRows(rows), common!.Value, files.Select(Path.GetFileName).ToArray()!);
    }

    /// <summary>Whether a path has one of the image <see cref="Extensions"/>.</summary>
    public static bool IsImageFile(string path)
        => Extensions.Contains(Path.GetExtension(path), StringComparer.OrdinalIgnoreCase);
}
