using System.Numerics;
using System.Text;
using Nmf.Matrices;

namespace Nmf.Cli;

/// <summary>
/// What a person can read in H: when the features are the pixels of square images (m = s², no column names) each
/// component is drawn as an s x s picture in shades of text; otherwise each component lists its heaviest features.
/// </summary>
internal static class ComponentSummary
{
    private const string Shades = " .:-=+*#%@";

    public static string Describe<T>(DenseMatrix<T> h, IReadOnlyList<string>? featureNames)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int side = (int)Math.Round(Math.Sqrt(h.Cols));
        return featureNames is null && side * side == h.Cols && side is >= 4 and <= 32
            ? Pictures(h, side)
            : TopFeatures(h, featureNames, 8);
    }

    /// <summary>Components as s x s pictures, several side by side; each scaled to its own maximum.</summary>
    public static string Pictures<T>(DenseMatrix<T> h, int side)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var sb = new StringBuilder();
        int perLine = Math.Max(1, 78 / ((2 * side) + 2));
        for (int first = 0; first < h.Rows; first += perLine)
        {
            int last = Math.Min(h.Rows, first + perLine);
            for (int c = first; c < last; c++)
            {
                sb.Append($"component {c}".PadRight((2 * side) + 2));
            }

            sb.AppendLine();
            for (int y = 0; y < side; y++)
            {
                for (int c = first; c < last; c++)
                {
                    var row = h.Row(c);
                    double max = 0;
                    foreach (T v in row)
                    {
                        max = Math.Max(max, double.CreateChecked(v));
                    }

                    for (int x = 0; x < side; x++)
                    {
                        double v = max > 0 ? double.CreateChecked(row[(y * side) + x]) / max : 0;
                        char shade = Shades[Math.Clamp((int)(v * (Shades.Length - 1) + 0.5), 0, Shades.Length - 1)];
                        sb.Append(shade).Append(shade);
                    }

                    sb.Append("  ");
                }

                sb.AppendLine();
            }

            sb.AppendLine();
        }

        return sb.ToString();
    }

    /// <summary>Each component's heaviest features, by name (or column number from 1).</summary>
    public static string TopFeatures<T>(DenseMatrix<T> h, IReadOnlyList<string>? featureNames, int count)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var sb = new StringBuilder();
        for (int c = 0; c < h.Rows; c++)
        {
            var row = h.Row(c).ToArray();
            var top = Enumerable.Range(0, row.Length).OrderByDescending(j => row[j]).ThenBy(j => j).Take(count)
                .Where(j => row[j] > T.Zero)
                .Select(j => featureNames is null ? $"col {j + 1}" : featureNames[j]);
            sb.AppendLine($"component {c}: {string.Join(", ", top)}");
        }

        return sb.ToString();
    }
}
