namespace Nmf.Images;

/// <summary>Maps numbers to colours for the montages.</summary>
public static class ColorMap
{
    // ColorBrewer's RdBu, reversed (blue for negative, red for positive), 11 classes; white-ish at the centre.
    private static readonly Rgb[] Diverging =
    [
        new(5, 48, 97), new(33, 102, 172), new(67, 147, 195), new(146, 197, 222), new(209, 229, 240),
        new(247, 247, 247),
        new(253, 219, 199), new(244, 165, 130), new(214, 96, 77), new(178, 24, 43), new(103, 0, 31),
    ];

    /// <summary>Grey level of <paramref name="t"/> in [0, 1] (0 black, 1 white); values outside are clipped.</summary>
    public static Rgb Grey(double t)
    {
        if (double.IsNaN(t))
        {
            t = 0;
        }

        return Rgb.Grey((byte)Math.Round(Math.Clamp(t, 0, 1) * 255));
    }

    /// <summary>
    /// Diverging colour of <paramref name="t"/> in [−1, 1]: blue below zero, near-white at zero, red above; for
    /// signed images such as PCA components. Values outside are clipped.
    /// </summary>
    public static Rgb Signed(double t)
    {
        if (double.IsNaN(t))
        {
            t = 0;
        }

        double position = (Math.Clamp(t, -1, 1) + 1) / 2 * (Diverging.Length - 1);
        int lo = Math.Min((int)Math.Floor(position), Diverging.Length - 2);
        double f = position - lo;
        Rgb a = Diverging[lo], b = Diverging[lo + 1];
        return new Rgb(Mix(a.R, b.R, f), Mix(a.G, b.G, f), Mix(a.B, b.B, f));
    }

    private static byte Mix(byte a, byte b, double f) => (byte)Math.Round(a + ((b - a) * f));
}
