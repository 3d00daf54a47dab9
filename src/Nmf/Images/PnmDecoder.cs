using System.Globalization;
using System.Text;

namespace Nmf.Images;

/// <summary>
/// Netpbm grey and colour maps (PGM P2/P5, PPM P3/P6), which StbImageSharp does not read: a short text header
/// (magic, width, height, maximum value, # comments) then the samples, as text or as 1- or 2-byte big-endian
/// binary. Colour becomes grey by the same luma weights as the other formats (77 R + 150 G + 29 B) / 256.
/// </summary>
internal static class PnmDecoder
{
    /// <summary>Whether the bytes start with a Netpbm grey or colour magic number.</summary>
    public static bool IsPnm(byte[] bytes)
        => bytes.Length >= 2 && bytes[0] == (byte)'P' && bytes[1] is (byte)'2' or (byte)'3' or (byte)'5' or (byte)'6';

    /// <summary>Decodes to grey levels in [0, 1] (sample / maximum value), row-major.</summary>
    /// <exception cref="FormatException">When the header or the samples are malformed or truncated.</exception>
    public static (double[] Grey, ImageSize Size) Decode(byte[] bytes)
    {
        char kind = (char)bytes[1];
        int position = 2;
        int width = ReadHeaderNumber(bytes, ref position, "width");
        int height = ReadHeaderNumber(bytes, ref position, "height");
        int maxValue = ReadHeaderNumber(bytes, ref position, "maximum value");
        if (width < 1 || height < 1 || maxValue < 1 || maxValue > 65535 || (long)width * height > int.MaxValue / 3)
        {
            throw new FormatException($"bad header: {width}x{height}, maximum value {maxValue}");
        }

        int channels = kind is '3' or '6' ? 3 : 1;
        int samples = width * height * channels;
        var values = new int[samples];
        if (kind is '5' or '6')
        {
            position++; // exactly one whitespace byte separates the header from binary samples
            int bytesPer = maxValue > 255 ? 2 : 1;
            if (bytes.Length - position < (long)samples * bytesPer)
            {
                throw new FormatException($"truncated: {samples} samples expected");
            }

            for (int s = 0; s < samples; s++)
            {
                values[s] = bytesPer == 1 ? bytes[position + s] : (bytes[position + (2 * s)] << 8) | bytes[position + (2 * s) + 1];
            }
        }
        else
        {
            for (int s = 0; s < samples; s++)
            {
                values[s] = ReadHeaderNumber(bytes, ref position, "sample");
            }
        }

        var grey = new double[width * height];
        for (int p = 0; p < grey.Length; p++)
        {
            double v = channels == 1
                ? values[p]
                : ((77.0 * values[3 * p]) + (150.0 * values[(3 * p) + 1]) + (29.0 * values[(3 * p) + 2])) / 256;
            grey[p] = Math.Min(1.0, v / maxValue);
        }

        return (grey, new ImageSize(width, height));
    }

    private static int ReadHeaderNumber(byte[] bytes, ref int position, string what)
    {
        while (position < bytes.Length)
        {
            if (bytes[position] == (byte)'#')
            {
                while (position < bytes.Length && bytes[position] != (byte)'\n')
                {
                    position++;
                }
            }
            else if (char.IsWhiteSpace((char)bytes[position]))
            {
                position++;
            }
            else
            {
                break;
            }
        }

        int start = position;
        while (position < bytes.Length && bytes[position] >= (byte)'0' && bytes[position] <= (byte)'9')
        {
            position++;
        }

        if (position == start || position - start > 9)
        {
            throw new FormatException($"expected the {what} at byte {start}");
        }

        return int.Parse(Encoding.ASCII.GetString(bytes, start, position - start), NumberStyles.None, CultureInfo.InvariantCulture);
    }
}
