using System.Text;
using Nmf.Tests.Cli;
using Nmf.Text;
using Xunit;

namespace Nmf.Tests.Text;

public class CorpusReaderTests
{
    [Fact]
    public void FolderOfTextFilesTakesTheSubFolderAsLabel()
    {
        using var tmp = new TempFolder();
        Directory.CreateDirectory(tmp.File("sports"));
        Directory.CreateDirectory(tmp.File("politics"));
        File.WriteAllText(tmp.File("sports/b.txt"), "goal");
        File.WriteAllText(tmp.File("sports/a.txt"), "match");
        File.WriteAllText(tmp.File("politics/c.txt"), "vote");
        File.WriteAllText(tmp.File("politics/ignored.md"), "not text");
        var corpus = CorpusReader.Read(tmp.Path);
        Assert.Equal(["politics/c", "sports/a", "sports/b"], corpus.Ids);
        Assert.Equal(["politics", "sports", "sports"], corpus.Labels!);
        Assert.Equal(["vote", "match", "goal"], corpus.Texts);
    }

    [Fact]
    public void FlatFolderHasNoLabels()
    {
        using var tmp = new TempFolder();
        File.WriteAllText(tmp.File("one.txt"), "first");
        File.WriteAllText(tmp.File("two.txt"), "second");
        var corpus = CorpusReader.Read(tmp.Path);
        Assert.False(corpus.HasLabels);
        Assert.Equal(["one", "two"], corpus.Ids);
    }

    [Fact]
    public void OneDocumentPerLineNumbersTheLines()
    {
        using var tmp = new TempFolder();
        File.WriteAllText(tmp.File("docs.txt"), "first doc\r\n\nthird doc\n");
        var corpus = CorpusReader.Read(tmp.File("docs.txt"));
        Assert.Equal(["1", "2", "3"], corpus.Ids);
        Assert.Equal(["first doc", string.Empty, "third doc"], corpus.Texts);
    }

    [Fact]
    public void CsvQuotingAndColumnsByNameOrNumber()
    {
        using var tmp = new TempFolder();
        File.WriteAllText(tmp.File("t.csv"), "key,body,kind\nk1,\"a, b\nc \"\"quoted\"\"\",x\nk2,plain \"inner\" quote,y\n");
        var corpus = CorpusReader.Read(tmp.File("t.csv"), new CorpusColumns { Text = "2", Id = "key", Label = "3" });
        Assert.Equal(["k1", "k2"], corpus.Ids);
        Assert.Equal(["a, b\nc \"quoted\"", "plain \"inner\" quote"], corpus.Texts);
        Assert.Equal(["x", "y"], corpus.Labels!);
    }

    [Fact]
    public void TsvHasNoQuotingAndFindsTextIdLabelByName()
    {
        using var tmp = new TempFolder();
        File.WriteAllText(tmp.File("t.tsv"), "label\ttext\tid\nA\t\"Well,\" she said\td1\n");
        var corpus = CorpusReader.Read(tmp.File("t.tsv"));
        Assert.Equal(["d1"], corpus.Ids);
        Assert.Equal(["\"Well,\" she said"], corpus.Texts);
        Assert.Equal(["A"], corpus.Labels!);
    }

    [Fact]
    public void ShortRowNamesItsLine()
    {
        using var tmp = new TempFolder();
        File.WriteAllText(tmp.File("t.tsv"), "id\ttext\n1\tfine\n2\n");
        var e = Assert.Throws<NmfInputException>(() => CorpusReader.Read(tmp.File("t.tsv")));
        Assert.Contains("t.tsv:3:", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void InvalidUtf8OffsetCountsTheByteOrderMark()
    {
        byte[] bytes = [0xEF, 0xBB, 0xBF, .. "ab"u8, 0xFF, .. "c"u8];
        var e = Assert.Throws<NmfInputException>(() => CorpusReader.DecodeUtf8(bytes, "x.txt"));
        Assert.Equal("x.txt: invalid UTF-8 at byte offset 5.", e.Message);
        Assert.Equal("abc", CorpusReader.DecodeUtf8([0xEF, 0xBB, 0xBF, .. "abc"u8], "y.txt"));
        Assert.Equal("é", CorpusReader.DecodeUtf8(Encoding.UTF8.GetBytes("é"), "z.txt"));
    }
}
