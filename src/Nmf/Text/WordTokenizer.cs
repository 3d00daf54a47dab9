using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Text;

namespace Nmf.Text;

/// <summary>
/// scikit-learn's default analyzer front end, with Python's string semantics: <c>str.lower()</c> (full Unicode
/// lower-case mapping, final sigma included) followed by the token pattern <c>(?u)\b\w\w+\b</c>, where Python's
/// <c>\w</c> is a letter (categories L*), a number (N*) or the underscore. A token is therefore every maximal run
/// of word characters at least two code points long. .NET's own <c>\w</c> differs (it admits combining marks and
/// connector punctuation and leaves out letter-like numbers), hence this hand-written scanner, which is also much
/// faster than a regular expression.
/// </summary>
internal static class WordTokenizer
{
    private const byte WordFlag = 1;
    private const byte SpecialLowerFlag = 2;
    private const char CapitalSigma = '\u03A3';
    private const char CapitalIWithDot = '\u0130';

    // Per UTF-16 code unit of the Basic Multilingual Plane: its simple lower-case mapping and flags. Surrogates are
    // handled separately (they are neither word characters nor mapped here).
    private static readonly char[] LowerBmp = new char[65536];
    private static readonly byte[] FlagsBmp = BuildTables();

    private static byte[] BuildTables()
    {
        var flags = new byte[65536];
        for (int c = 0; c < 65536; c++)
        {
            if (c is >= 0xD800 and <= 0xDFFF)
            {
                LowerBmp[c] = (char)c;
                continue;
            }

            var rune = new Rune(c);
            LowerBmp[c] = (char)Rune.ToLowerInvariant(rune).Value;
            if (IsPythonWord(Rune.GetUnicodeCategory(rune)) || c == '_')
            {
                flags[c] |= WordFlag;
            }
        }

        flags[CapitalSigma] |= SpecialLowerFlag;
        flags[CapitalIWithDot] |= SpecialLowerFlag;
        return flags;
    }

    /// <summary>Python's <c>str.isalnum()</c>: letters and characters with a numeric value.</summary>
    private static bool IsPythonWord(UnicodeCategory category) => category switch
    {
        UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
            or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter
            or UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber => true,
        _ => false,
    };

    /// <summary>
    /// Writes Python's <c>text.lower()</c> into <paramref name="buffer"/> (grown as needed) and returns its length.
    /// </summary>
    public static int Lower(ReadOnlySpan<char> text, ref char[] buffer)
    {
        // Full lower-casing can lengthen the text only through U+0130 (one unit becomes two).
        if (buffer.Length < text.Length * 2)
        {
            buffer = new char[Math.Max(text.Length * 2, 256)];
        }

        var lower = LowerBmp;
        var flags = FlagsBmp;
        int n = 0;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if ((flags[c] & SpecialLowerFlag) == 0)
            {
                if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                {
                    var lowered = Rune.ToLowerInvariant(new Rune(c, text[i + 1]));
                    n += lowered.EncodeToUtf16(buffer.AsSpan(n));
                    i++;
                }
                else
                {
                    buffer[n++] = lower[c];
                }
            }
            else if (c == CapitalIWithDot)
            {
                // SpecialCasing.txt: U+0130 lower-cases to "i" followed by U+0307 COMBINING DOT ABOVE.
                buffer[n++] = 'i';
                buffer[n++] = '\u0307';
            }
            else
            {
                buffer[n++] = IsFinalSigma(text, i) ? '\u03C2' : '\u03C3';
            }
        }

        return n;
    }

    /// <summary>
    /// Unicode's Final_Sigma condition as Python applies it: a cased letter before (skipping case-ignorable
    /// characters) and no cased letter after (skipping case-ignorable characters).
    /// </summary>
    private static bool IsFinalSigma(ReadOnlySpan<char> text, int index)
    {
        int j = index - 1;
        while (j >= 0 && IsCaseIgnorable(text[j]))
        {
            j--;
        }

        if (j < 0 || !IsCased(text[j]))
        {
            return false;
        }

        j = index + 1;
        while (j < text.Length && IsCaseIgnorable(text[j]))
        {
            j++;
        }

        return j == text.Length || !IsCased(text[j]);
    }

    private static bool IsCased(char c) => CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.UppercaseLetter
        or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter;

    private static bool IsCaseIgnorable(char c) => c is '\'' or '.' or ':' or '\u00B7' or '\u2018' or '\u2019' or '\u2024'
        or '\u2027' or '\uFE13' or '\uFE52' or '\uFE55' or '\uFF07' or '\uFF0E' or '\uFF1A'
        || CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.NonSpacingMark or UnicodeCategory.EnclosingMark
            or UnicodeCategory.Format or UnicodeCategory.ModifierLetter or UnicodeCategory.ModifierSymbol;

    /// <summary>
    /// <see cref="Lower"/> then <see cref="Tokenize"/> in one pass when the text needs no special lower-casing
    /// (no surrogate pair, no U+0130, no capital sigma): the common case, which skips a second scan. Otherwise it
    /// falls back to the two passes. Returns the length of the lower-cased text in <paramref name="buffer"/>.
    /// </summary>
    public static int LowerAndTokenize(ReadOnlySpan<char> text, ref char[] buffer, List<(int Start, int Length)> tokens)
    {
        if (buffer.Length < text.Length * 2)
        {
            buffer = new char[Math.Max(text.Length * 2, 256)];
        }

        var lower = LowerBmp;
        var flags = FlagsBmp;
        var output = buffer;
        int firstToken = tokens.Count;
        int runStart = -1;
        int i = 0;
        while (i < text.Length)
        {
            // Eight ASCII characters at a time: lower-case A-Z and find the word characters (letters, digits, '_')
            // with vector compares; anything else goes through the tables one character at a time.
            uint wordMask = 0;
            int width = 1;
            if (Vector128.IsHardwareAccelerated && i + 8 <= text.Length)
            {
                var v = Vector128.LoadUnsafe(ref Unsafe.As<char, ushort>(ref MemoryMarshal.GetReference(text)), (nuint)i);
                if (Vector128.LessThanAll(v, Vector128.Create((ushort)0x80)))
                {
                    var upper = Vector128.LessThanOrEqual(v - Vector128.Create((ushort)'A'), Vector128.Create((ushort)25));
                    var lowered = v | (upper & Vector128.Create((ushort)0x20));
                    lowered.StoreUnsafe(ref Unsafe.As<char, ushort>(ref output[i]));
                    var word = Vector128.LessThanOrEqual(lowered - Vector128.Create((ushort)'a'), Vector128.Create((ushort)25))
                        | Vector128.LessThanOrEqual(lowered - Vector128.Create((ushort)'0'), Vector128.Create((ushort)9))
                        | Vector128.Equals(lowered, Vector128.Create((ushort)'_'));
                    wordMask = word.ExtractMostSignificantBits();
                    width = 8;
                    if (wordMask == 0xFF)
                    {
                        runStart = runStart < 0 ? i : runStart;
                        i += 8;
                        continue;
                    }

                    if (wordMask == 0 && runStart < 0)
                    {
                        i += 8;
                        continue;
                    }
                }
            }

            if (width == 1)
            {
                char c = text[i];
                if ((flags[c] & SpecialLowerFlag) != 0 || char.IsSurrogate(c))
                {
                    tokens.RemoveRange(firstToken, tokens.Count - firstToken);
                    int n = Lower(text, ref buffer);
                    Tokenize(buffer.AsSpan(0, n), tokens);
                    return n;
                }

                char lc = lower[c];
                output[i] = lc;
                wordMask = (uint)(flags[lc] & WordFlag);
            }

            for (int j = 0; j < width; j++, wordMask >>= 1)
            {
                if ((wordMask & 1) != 0)
                {
                    if (runStart < 0)
                    {
                        runStart = i + j;
                    }
                }
                else if (runStart >= 0)
                {
                    if (i + j - runStart >= 2)
                    {
                        tokens.Add((runStart, i + j - runStart));
                    }

                    runStart = -1;
                }
            }

            i += width;
        }

        if (runStart >= 0 && text.Length - runStart >= 2)
        {
            tokens.Add((runStart, text.Length - runStart));
        }

        return text.Length;
    }

    /// <summary>
    /// Finds the tokens of <paramref name="text"/>: appends the start and length (in UTF-16 units) of each maximal
    /// run of word characters that is at least two code points long.
    /// </summary>
    public static void Tokenize(ReadOnlySpan<char> text, List<(int Start, int Length)> tokens)
    {
        var flags = FlagsBmp;
        int i = 0;
        while (i < text.Length)
        {
            // Skip non-word characters.
            while (i < text.Length)
            {
                char c = text[i];
                if ((flags[c] & WordFlag) != 0)
                {
                    break;
                }

                if (char.IsHighSurrogate(c) && IsWordPair(text, i))
                {
                    break;
                }

                i++;
            }

            int start = i;
            int codePoints = 0;
            while (i < text.Length)
            {
                char c = text[i];
                if ((flags[c] & WordFlag) != 0)
                {
                    i++;
                }
                else if (char.IsHighSurrogate(c) && IsWordPair(text, i))
                {
                    i += 2;
                }
                else
                {
                    break;
                }

                codePoints++;
            }

            if (codePoints >= 2)
            {
                tokens.Add((start, i - start));
            }
        }
    }

    private static bool IsWordPair(ReadOnlySpan<char> text, int i) =>
        i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])
        && IsPythonWord(Rune.GetUnicodeCategory(new Rune(text[i], text[i + 1])));

    /// <summary>
    /// Compares two strings by Unicode code point, as Python sorts <c>str</c> (ordinal UTF-16 comparison differs
    /// from it only when a supplementary character meets a character in U+E000–U+FFFF).
    /// </summary>
    public static int CompareCodePoints(string? a, string? b)
    {
        if (a is null || b is null)
        {
            return a is null ? (b is null ? 0 : -1) : 1;
        }

        int n = Math.Min(a.Length, b.Length);
        for (int i = 0; i < n; i++)
        {
            char x = a[i], y = b[i];
            if (x != y)
            {
                return Reorder(x) - Reorder(y);
            }
        }

        return a.Length - b.Length;
    }

    // Moves surrogates above U+E000–U+FFFF so that UTF-16 order equals code-point order.
    private static int Reorder(char c) => c < 0xD800 ? c : c >= 0xE000 ? c - 0x800 : c + 0x2000;
}
