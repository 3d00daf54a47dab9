using System.Globalization;

namespace Nmf.Images;

/// <summary>The width and height of an image in pixels.</summary>
/// <param name="Width">Pixels per row, at least 1.</param>
/// <param name="Height">Rows of pixels, at least 1.</param>
public readonly record struct ImageSize(int Width, int Height)
{
    /// <summary>Pixels in one image: <c>Width * Height</c>.</summary>
    public int Pixels => Width * Height;

    /// <summary>Parses <c>WxH</c> (width first, the form of <c>--size</c>), for example <c>25x30</c>.</summary>
    /// <param name="text">The text to parse.</param>
    /// <param name="parameter">The parameter's name, for the error message.</param>
    /// <exception cref="NmfInputException">When the text is not two positive integers joined by <c>x</c>.</exception>
    public static ImageSize ParseWidthByHeight(string text, string parameter = "--size")
    {
        var (first, second) = ParsePair(text, parameter, "WxH");
        return new ImageSize(first, second);
    }

    /// <summary>Parses <c>HxW</c> (height first, the form of <c>--shape</c>, like NumPy's shape).</summary>
    /// <param name="text">The text to parse.</param>
    /// <param name="parameter">The parameter's name, for the error message.</param>
    /// <exception cref="NmfInputException">When the text is not two positive integers joined by <c>x</c>.</exception>
    public static ImageSize ParseHeightByWidth(string text, string parameter = "--shape")
    {
        var (first, second) = ParsePair(text, parameter, "HxW");
        return new ImageSize(second, first);
    }

    /// <summary><c>WxH</c>.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Width}x{Height}");

    private static (int First, int Second) ParsePair(string text, string parameter, string form)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Trim().Split('x', 'X');
        if (parts.Length == 2
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int a)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int b)
            && a > 0 && b > 0 && (long)a * b <= int.MaxValue)
        {
            return (a, b);
        }

        throw new NmfInputException($"{parameter}: '{text}' is not {form} with two positive integers (for example 25x25).");
    }
}
