using System.Text;
using Nmf.Matrices;
using Xunit;

namespace Nmf.Tests.IO;

/// <summary>The span line reader of the Matrix Market reader splits lines exactly as <see cref="TextReader.ReadLine"/> does.</summary>
public class LineReaderTests
{
    [Theory]
    [InlineData("")]
    [InlineData("a")]
    [InlineData("a\n")]
    [InlineData("a\r\nb\rc\n\nd")]
    [InlineData("\r\n\r\n")]
    [InlineData("x\r")]
    [InlineData("\n\r\r\n\n")]
    public void LinesAreThoseOfReadLine(string text) => AssertSameLines(text);

    [Fact]
    public void LinesAcrossAndLongerThanTheBuffer()
    {
        var sb = new StringBuilder();
        var rng = new Random(3);
        for (int i = 0; i < 3000; i++)
        {
            sb.Append('v', rng.Next(0, 200)).Append(rng.Next(3) switch { 0 => "\n", 1 => "\r\n", _ => "\r" });
        }

        sb.Append('w', 200_000).Append("\r\n").Append('z', 70_000);
        AssertSameLines(sb.ToString());

        // a \r\n split between two reads of the buffer
        string split = new string('a', (1 << 16) - 1) + "\r\nb\n";
        AssertSameLines(split);
    }

    private static void AssertSameLines(string text)
    {
        var expected = new List<string>();
        using (var reference = new StringReader(text))
        {
            string? line;
            while ((line = reference.ReadLine()) is not null)
            {
                expected.Add(line);
            }
        }

        var actual = new List<string>();
        var reader = new LineReader(new StringReader(text));
        while (reader.TryReadLine(out var line))
        {
            actual.Add(line.ToString());
        }

        Assert.Equal(expected, actual);
    }
}
