namespace Nmf.Images;

/// <summary>
/// A 5x7 pixel capital-letter font for the labels of the montages (method names, "ORIGINAL"), so that the pictures
/// say what they show without a font library. Characters it lacks are drawn as spaces.
/// </summary>
internal static class BitmapFont
{
    public const int GlyphWidth = 5;
    public const int GlyphHeight = 7;

    private static readonly Dictionary<char, string[]> Glyphs = new()
    {
        ['A'] = [" ### ", "#   #", "#   #", "#####", "#   #", "#   #", "#   #"],
        ['C'] = [" ####", "#    ", "#    ", "#    ", "#    ", "#    ", " ####"],
        ['F'] = ["#####", "#    ", "#    ", "#### ", "#    ", "#    ", "#    "],
        ['G'] = [" ####", "#    ", "#    ", "#  ##", "#   #", "#   #", " ####"],
        ['I'] = [" ### ", "  #  ", "  #  ", "  #  ", "  #  ", "  #  ", " ### "],
        ['L'] = ["#    ", "#    ", "#    ", "#    ", "#    ", "#    ", "#####"],
        ['M'] = ["#   #", "## ##", "# # #", "#   #", "#   #", "#   #", "#   #"],
        ['N'] = ["#   #", "##  #", "# # #", "#  ##", "#   #", "#   #", "#   #"],
        ['O'] = [" ### ", "#   #", "#   #", "#   #", "#   #", "#   #", " ### "],
        ['P'] = ["#### ", "#   #", "#   #", "#### ", "#    ", "#    ", "#    "],
        ['R'] = ["#### ", "#   #", "#   #", "#### ", "# #  ", "#  # ", "#   #"],
        ['S'] = [" ####", "#    ", "#    ", " ### ", "    #", "    #", "#### "],
    };

    /// <summary>Width in pixels of <paramref name="text"/> at <paramref name="scale"/> (one blank column between letters).</summary>
    public static int Width(string text, int scale) => text.Length == 0 ? 0 : ((text.Length * (GlyphWidth + 1)) - 1) * scale;

    /// <summary>Draws <paramref name="text"/> (upper-cased) with its top-left corner at (x, y), clipped to the picture.</summary>
    public static void Draw(RgbImage picture, string text, int x, int y, int scale, Rgb colour)
    {
        foreach (char ch in text.ToUpperInvariant())
        {
            if (Glyphs.TryGetValue(ch, out var rows))
            {
                for (int r = 0; r < GlyphHeight; r++)
                {
                    for (int c = 0; c < GlyphWidth; c++)
                    {
                        if (rows[r][c] == '#')
                        {
                            picture.Fill(x + (c * scale), y + (r * scale), scale, scale, colour);
                        }
                    }
                }
            }

            x += (GlyphWidth + 1) * scale;
        }
    }
}
