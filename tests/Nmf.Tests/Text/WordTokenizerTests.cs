using System.Globalization;
using Nmf.Text;
using Xunit;

namespace Nmf.Tests.Text;

public class WordTokenizerTests
{
    private static List<string> Tokens(string text)
    {
        var buffer = new char[4];
        int n = WordTokenizer.Lower(text, ref buffer);
        var spans = new List<(int Start, int Length)>();
        WordTokenizer.Tokenize(buffer.AsSpan(0, n), spans);
        return spans.Select(s => new string(buffer, s.Start, s.Length)).ToList();
    }

    [Fact]
    public void MatchesPythonLowerAndTokenPatternOnUnicode()
    {
        // Expected: Python 3.11's re.findall(r"(?u)\b\w\w+\b", sample.lower()), printed by scripts/text-references.py.
        const string sample = "Naïve CAFÉ_au-lait x 1a ǅemo x² İSTANBUL ΟΔΟΣ ΣΑΣ. a\u0301b 𝐀𝐁 ⅫⅠ under_score ‿join 中文 ١٢٣";
        string[] python = ["naïve", "café_au", "lait", "1a", "ǆemo", "x²", "stanbul", "οδος", "σας", "𝐀𝐁", "ⅻⅰ", "under_score", "join", "中文", "١٢٣"];
        Assert.Equal(python, Tokens(sample));
    }

    [Fact]
    public void OneCharacterRunsAreNotTokens()
    {
        Assert.Equal(["ab", "cd"], Tokens("a ab b, cd! e"));
        Assert.Empty(Tokens(""));
        Assert.Empty(Tokens("a b c . ,"));
    }

    [Fact]
    public void CodePointOrderPutsSupplementaryCharactersLast()
    {
        string[] words = ["\uFFFD", "𝐀", "b", "a", "ab", "\uE000"];
        Array.Sort(words, WordTokenizer.CompareCodePoints);
        Assert.Equal(["a", "ab", "b", "\uE000", "\uFFFD", "𝐀"], words);
    }

    [Fact]
    public void ArgSortHasNumPysTieOrder()
    {
        // Values with many ties and NumPy 1.24's values.argsort(), from scripts/text-references.py.
        var lines = File.ReadAllLines(Path.Combine(TestPaths.Root, "tests", "Nmf.Tests", "Text", "numpy-argsort.txt"));
        long[] values = lines[0].Split(' ').Select(s => long.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        int[] expected = lines[1].Split(' ').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(expected, NumPySort.ArgSort(values));
        var stable = Enumerable.Range(0, values.Length).OrderBy(i => values[i]).ToArray();
        Assert.NotEqual(stable, expected);
    }
}

public class WordTokenizerFusedPathTests
{
    [Theory]
    [InlineData("Plain ASCII text, with Some CAPITALS and 42 numbers_here.")]
    [InlineData("Naïve CAFÉ_au-lait x 1a ǅemo x² İSTANBUL ΟΔΟΣ ΣΑΣ. a\u0301b 𝐀𝐁 ⅫⅠ under_score ‿join 中文 ١٢٣")]
    [InlineData("ends with a word")]
    [InlineData("x")]
    [InlineData("")]
    public void OnePassEqualsLowerThenTokenize(string text)
    {
        var twoPass = new char[1];
        int n = WordTokenizer.Lower(text, ref twoPass);
        var expected = new List<(int Start, int Length)>();
        WordTokenizer.Tokenize(twoPass.AsSpan(0, n), expected);

        var onePass = new char[1];
        var actual = new List<(int Start, int Length)>();
        int m = WordTokenizer.LowerAndTokenize(text, ref onePass, actual);
        Assert.Equal(new string(twoPass, 0, n), new string(onePass, 0, m));
        Assert.Equal(expected, actual);
    }
}

public class WordTokenizerVectorPathTests
{
    [Fact]
    public void EveryAsciiMixAndRunLengthMatchesTheTwoPassScanner()
    {
        // Runs crossing 8-character blocks, runs of length 1 and 2 at block edges, and non-ASCII in between.
        var random = new Random(12345);
        const string alphabet = "aZ_9 .,'-\tXyé中";
        for (int trial = 0; trial < 2000; trial++)
        {
            var chars = new char[random.Next(0, 40)];
            for (int i = 0; i < chars.Length; i++)
            {
                chars[i] = alphabet[random.Next(alphabet.Length)];
            }

            string text = new(chars);
            var twoPass = new char[1];
            int n = WordTokenizer.Lower(text, ref twoPass);
            var expected = new List<(int Start, int Length)>();
            WordTokenizer.Tokenize(twoPass.AsSpan(0, n), expected);
            var onePass = new char[1];
            var actual = new List<(int Start, int Length)>();
            int m = WordTokenizer.LowerAndTokenize(text, ref onePass, actual);
            Assert.Equal(new string(twoPass, 0, n), new string(onePass, 0, m));
            Assert.Equal(expected, actual);
        }
    }
}
