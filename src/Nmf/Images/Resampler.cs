using System.Numerics;

namespace Nmf.Images;

/// <summary>
/// Resizes grey images with a separable triangle (bilinear) filter whose support widens with the shrink factor,
/// so that shrinking averages every source pixel instead of skipping some (the same idea as Pillow's BILINEAR).
/// </summary>
internal static class Resampler
{
    public static T[] Resize<T>(T[] pixels, ImageSize from, ImageSize to) where T : unmanaged, IFloatingPointIeee754<T>
    {
        // Rows first (width), then columns (height); each pass is a sparse weight matrix applied along one axis.
        var horizontal = Weights(from.Width, to.Width);
        var vertical = Weights(from.Height, to.Height);
        var wide = new double[from.Height * to.Width];
        for (int y = 0; y < from.Height; y++)
        {
            for (int x = 0; x < to.Width; x++)
            {
                double s = 0;
                foreach (var (index, weight) in horizontal[x])
                {
                    s += weight * double.CreateChecked(pixels[(y * from.Width) + index]);
                }

                wide[(y * to.Width) + x] = s;
            }
        }

        var result = new T[to.Pixels];
        for (int y = 0; y < to.Height; y++)
        {
            for (int x = 0; x < to.Width; x++)
            {
                double s = 0;
                foreach (var (index, weight) in vertical[y])
                {
                    s += weight * wide[(index * to.Width) + x];
                }

                result[(y * to.Width) + x] = T.CreateChecked(s);
            }
        }

        return result;
    }

    /// <summary>For each output position, the source positions and normalised weights that make it.</summary>
    private static (int Index, double Weight)[][] Weights(int source, int target)
    {
        double scale = (double)source / target;
        double support = Math.Max(1.0, scale); // triangle half-width in source pixels
        var weights = new (int, double)[target][];
        for (int t = 0; t < target; t++)
        {
            double centre = ((t + 0.5) * scale) - 0.5; // pixel centres aligned, as in most resamplers
            int lo = Math.Max(0, (int)Math.Floor(centre - support));
            int hi = Math.Min(source - 1, (int)Math.Ceiling(centre + support));
            var list = new List<(int, double)>();
            double total = 0;
            for (int s = lo; s <= hi; s++)
            {
                double w = 1.0 - (Math.Abs(s - centre) / support);
                if (w > 0)
                {
                    list.Add((s, w));
                    total += w;
                }
            }

            if (list.Count == 0)
            {
                // Exactly on a pixel centre with zero-width neighbours: take the nearest pixel.
                list.Add((Math.Clamp((int)Math.Round(centre), 0, source - 1), 1.0));
                total = 1.0;
            }

            weights[t] = list.Select(p => (p.Item1, p.Item2 / total)).ToArray();
        }

        return weights;
    }
}
