using System.Numerics;
using Nmf.Matrices;

namespace Nmf.Images;

/// <summary>
/// Grey images of one size as the rows of a matrix: row i holds image i's pixels row by row (row-major, top row
/// first), values in [0, 1] for images read from files.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
public sealed class ImageSet<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Wraps a matrix of flattened images.</summary>
    /// <param name="pixels">n x (Height·Width): one image a row.</param>
    /// <param name="size">The size of every image.</param>
    /// <param name="names">One name per image (file names), or null for <c>row1</c>, <c>row2</c>, ...</param>
    /// <exception cref="NmfInputException">When the row length is not <c>Height·Width</c>.</exception>
    public ImageSet(DenseMatrix<T> pixels, ImageSize size, IReadOnlyList<string>? names = null)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        if (pixels.Cols != size.Pixels)
        {
            throw new NmfInputException($"--shape {size.Height}x{size.Width} needs {size.Pixels} values a row, the rows have {pixels.Cols}.");
        }

        if (names is not null && names.Count != pixels.Rows)
        {
            throw new ArgumentException($"{names.Count} names for {pixels.Rows} images.", nameof(names));
        }

        Pixels = pixels;
        Size = size;
        Names = names ?? Enumerable.Range(1, pixels.Rows).Select(i => $"row{i}").ToArray();
    }

    /// <summary>The images, one a row (n x Height·Width).</summary>
    public DenseMatrix<T> Pixels { get; }

    /// <summary>The size shared by every image.</summary>
    public ImageSize Size { get; }

    /// <summary>One name per image.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>Number of images.</summary>
    public int Count => Pixels.Rows;

    /// <summary>Every image resized to <paramref name="size"/> (a triangle filter that averages when shrinking).</summary>
    public ImageSet<T> Resized(ImageSize size)
    {
        var rows = new T[Count][];
        for (int i = 0; i < Count; i++)
        {
            rows[i] = Resampler.Resize(Pixels.Row(i).ToArray(), Size, size);
        }

        return new ImageSet<T>(DenseMatrix<T>.FromRows(rows), size, Names);
    }

    /// <summary>
    /// Reads flattened images from a matrix whose rows have <c>Height·Width</c> values (for example a CSV).
    /// </summary>
    /// <param name="pixels">One image a row.</param>
    /// <param name="shape">The images' size (from <c>--shape HxW</c>).</param>
    /// <exception cref="NmfInputException">When the shape does not match the row length.</exception>
    public static ImageSet<T> FromRows(DenseMatrix<T> pixels, ImageSize shape) => new(pixels, shape);
}
