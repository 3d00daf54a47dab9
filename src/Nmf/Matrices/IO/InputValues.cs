using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Numerics;

namespace Nmf.Matrices;

/// <summary>Parsing and checking of the numbers in input files, with one-line messages that say where a problem is.</summary>
internal static class InputValues
{
    /// <summary>Largest number of elements a dense matrix can hold (one .NET array, int indices).</summary>
    public const long MaxDenseElements = int.MaxValue;

    public static bool TryParse<T>(ReadOnlySpan<char> text, out T value) where T : unmanaged, IFloatingPointIeee754<T>
        => T.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);

    /// <summary>Whether a cell reads as a number (NaN and infinities included: they are numbers, rejected later).</summary>
    public static bool IsNumber(ReadOnlySpan<char> text)
        => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _) || IsMissingOrInfinityWord(text);

    /// <summary>Spellings other programs write for NaN and infinity (R, NumPy, spreadsheets).</summary>
    public static bool IsMissingOrInfinityWord(ReadOnlySpan<char> text)
    {
        var t = text.Trim();
        return t.Equals("NA", StringComparison.OrdinalIgnoreCase) || t.Equals("nan", StringComparison.OrdinalIgnoreCase)
            || t.Equals("inf", StringComparison.OrdinalIgnoreCase) || t.Equals("-inf", StringComparison.OrdinalIgnoreCase)
            || t.Equals("+inf", StringComparison.OrdinalIgnoreCase) || t.Equals("Infinity", StringComparison.OrdinalIgnoreCase)
            || t.Equals("-Infinity", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Why a value cannot be in X, or null when it can (NaN can when missing entries are allowed).</summary>
    public static string? Problem<T>(T value, bool allowNegative, bool allowMissing = false) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (T.IsNaN(value))
        {
            return allowMissing ? null : "NaN (missing value)";
        }

        if (T.IsInfinity(value))
        {
            return $"infinite value {Format(value)}";
        }

        if (!allowNegative && T.IsNegative(value) && value != T.Zero)
        {
            return $"negative value {Format(value)} (NMF needs every value >= 0)";
        }

        return null;
    }

    public static string Format<T>(T value) where T : IFormattable => value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>A cell for a message: quoted, shortened if long, control characters made visible.</summary>
    public static string Quote(ReadOnlySpan<char> text)
    {
        const int Max = 40;
        var s = text.Length > Max ? string.Concat(text[..Max], "...") : text.ToString();
        var sb = new System.Text.StringBuilder(s.Length + 2).Append('\'');
        foreach (char c in s)
        {
            sb.Append(char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString());
        }

        return sb.Append('\'').ToString();
    }

    /// <summary>Throws the input error; the message is kept to one line whatever text of the file it quotes.</summary>
    [DoesNotReturn]
    public static void Throw(string message) => throw new NmfInputException(OneLine(message));

    /// <summary>Line breaks and other control characters replaced, so that a message is one line.</summary>
    public static string OneLine(string message)
    {
        if (!message.AsSpan().ContainsAnyInRange('\0', '\u001f'))
        {
            return message;
        }

        var sb = new System.Text.StringBuilder(message.Length);
        foreach (char c in message)
        {
            sb.Append(char.IsControl(c) ? ' ' : c);
        }

        return sb.ToString();
    }
}
