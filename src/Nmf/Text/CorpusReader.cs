using System.Globalization;
using System.Text;
using System.Text.Unicode;

namespace Nmf.Text;

/// <summary>
/// Reads corpora: a table with a header row (<c>.tsv</c>/<c>.tab</c>: tab-separated, no quoting; <c>.csv</c>:
/// comma-separated with RFC 4180 quoting), a folder of <c>.txt</c> files (searched recursively; the label is the
/// first sub-folder when files lie in sub-folders), or any other file as one document per line. Files must be
/// UTF-8 (a byte-order mark is skipped); problems are <see cref="NmfInputException"/>s naming the file.
/// </summary>
public static class CorpusReader
{
    /// <summary>Reads <paramref name="path"/>, choosing the format from whether it is a folder and its extension.</summary>
    public static Corpus Read(string path, CorpusColumns? columns = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (Directory.Exists(path))
        {
            return ReadFolder(path);
        }

        if (!File.Exists(path))
        {
            throw new NmfInputException($"{path}: no such file or folder.");
        }

        string extension = Path.GetExtension(path).ToLowerInvariant();
        return extension switch
        {
            ".tsv" or ".tab" => ReadTable(path, '\t', columns ?? new CorpusColumns()),
            ".csv" => ReadTable(path, ',', columns ?? new CorpusColumns()),
            _ => ReadLines(path),
        };
    }

    /// <summary>Reads a delimited table with a header row.</summary>
    public static Corpus ReadTable(string path, char separator, CorpusColumns columns)
    {
        ArgumentNullException.ThrowIfNull(columns);
        string content = ReadUtf8(path);
        var rows = separator == '\t' ? SplitTsv(content) : SplitCsv(content, separator, path);
        if (rows.Count == 0)
        {
            throw new NmfInputException($"{path}: empty file, expected a header row and documents.");
        }

        var header = rows[0].Fields;
        int text = columns.Text is null
            ? header.Length == 1 ? 0 : FindByName(header, "text")
            : Resolve(header, columns.Text, path, "text");
        if (text < 0)
        {
            throw new NmfInputException($"{path}: no text column: no column is named 'text' (columns: {string.Join(", ", header)}); choose one by name or number.");
        }

        int id = columns.Id is null ? FindByName(header, "id") : Resolve(header, columns.Id, path, "id");
        int label = columns.Label is null ? FindByName(header, "label") : Resolve(header, columns.Label, path, "label");
        int needed = Math.Max(text, Math.Max(id, label)) + 1;
        var documents = new List<Document>(rows.Count - 1);
        for (int r = 1; r < rows.Count; r++)
        {
            var (fields, line) = rows[r];
            if (fields.Length < needed)
            {
                throw new NmfInputException($"{path}:{line}: {fields.Length} field(s), expected at least {needed}.");
            }

            documents.Add(new Document(
                id >= 0 ? fields[id] : r.ToString(CultureInfo.InvariantCulture),
                fields[text],
                label >= 0 ? fields[label] : null));
        }

        if (documents.Count == 0)
        {
            throw new NmfInputException($"{path}: no documents after the header row.");
        }

        return new Corpus(path, documents);
    }

    /// <summary>Reads every <c>.txt</c> file under a folder, in ordinal order of relative path.</summary>
    public static Corpus ReadFolder(string path)
    {
        var files = Directory.EnumerateFiles(path, "*.txt", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(path, f).Replace(Path.DirectorySeparatorChar, '/'))
            .Order(StringComparer.Ordinal)
            .ToArray();
        if (files.Length == 0)
        {
            throw new NmfInputException($"{path}: the folder holds no .txt files.");
        }

        bool labelled = files.Any(f => f.Contains('/', StringComparison.Ordinal));
        var documents = files.Select(f =>
        {
            int slash = f.IndexOf('/', StringComparison.Ordinal);
            string? label = labelled ? (slash < 0 ? "." : f[..slash]) : null;
            return new Document(f[..^4], ReadUtf8(Path.Combine(path, f)), label);
        }).ToArray();
        return new Corpus(path, documents);
    }

    /// <summary>Reads one document per line; the id is the 1-based line number.</summary>
    public static Corpus ReadLines(string path)
    {
        string content = ReadUtf8(path);
        var documents = new List<Document>();
        int start = 0, line = 0;
        while (start < content.Length)
        {
            int end = content.IndexOf('\n', start);
            if (end < 0)
            {
                end = content.Length;
            }

            int stop = end > start && content[end - 1] == '\r' ? end - 1 : end;
            line++;
            documents.Add(new Document(line.ToString(CultureInfo.InvariantCulture), content[start..stop], null));
            start = end + 1;
        }

        if (documents.Count == 0)
        {
            throw new NmfInputException($"{path}: empty file, expected one document per line.");
        }

        return new Corpus(path, documents);
    }

    /// <summary>Reads a whole file as strict UTF-8.</summary>
    /// <exception cref="NmfInputException">An invalid byte sequence, with its byte offset.</exception>
    public static string ReadUtf8(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new NmfInputException($"{path}: cannot read: {e.Message}", e);
        }

        return DecodeUtf8(bytes, path);
    }

    /// <summary>Decodes strict UTF-8 (a leading byte-order mark skipped).</summary>
    /// <exception cref="NmfInputException">An invalid byte sequence, naming <paramref name="source"/> and the byte offset.</exception>
    public static string DecodeUtf8(ReadOnlySpan<byte> bytes, string source)
    {
        int offset = bytes.StartsWith("\uFEFF"u8) ? 3 : 0;
        var input = bytes[offset..];
        var chars = new char[input.Length];
        var status = Utf8.ToUtf16(input, chars, out int read, out int written, replaceInvalidSequences: false);
        if (status != System.Buffers.OperationStatus.Done)
        {
            throw new NmfInputException($"{source}: invalid UTF-8 at byte offset {offset + read}.");
        }

        return new string(chars, 0, written);
    }

    private static int FindByName(string[] header, string name) =>
        Array.FindIndex(header, h => string.Equals(h.Trim(), name, StringComparison.OrdinalIgnoreCase));

    private static int Resolve(string[] header, string column, string path, string role)
    {
        int byName = Array.FindIndex(header, h => string.Equals(h, column, StringComparison.Ordinal));
        if (byName >= 0)
        {
            return byName;
        }

        if (int.TryParse(column, NumberStyles.None, CultureInfo.InvariantCulture, out int number) && number >= 1 && number <= header.Length)
        {
            return number - 1;
        }

        throw new NmfInputException($"{path}: no {role} column '{column}' (columns: {string.Join(", ", header)}; or a number 1-{header.Length}).");
    }

    // Tab-separated values as IANA defines them: no quoting, one record a line; blank lines are skipped.
    private static List<(string[] Fields, int Line)> SplitTsv(string content)
    {
        var rows = new List<(string[], int)>();
        int start = 0, line = 0;
        while (start < content.Length)
        {
            int end = content.IndexOf('\n', start);
            if (end < 0)
            {
                end = content.Length;
            }

            line++;
            int stop = end > start && content[end - 1] == '\r' ? end - 1 : end;
            if (stop > start)
            {
                rows.Add((content[start..stop].Split('\t'), line));
            }

            start = end + 1;
        }

        return rows;
    }

    // RFC 4180: a field that starts with a quote runs to the closing quote, "" inside is one quote, and it may span
    // lines; quotes inside an unquoted field are literal. Blank lines are skipped.
    private static List<(string[] Fields, int Line)> SplitCsv(string content, char separator, string path)
    {
        var rows = new List<(string[], int)>();
        var fields = new List<string>();
        var field = new StringBuilder();
        int i = 0, line = 1;
        while (i < content.Length)
        {
            int recordLine = line;
            fields.Clear();
            bool endOfRecord = false;
            while (!endOfRecord)
            {
                field.Clear();
                if (i < content.Length && content[i] == '"')
                {
                    int quoteLine = line;
                    i++;
                    while (true)
                    {
                        if (i >= content.Length)
                        {
                            throw new NmfInputException($"{path}:{quoteLine}: quoted field is never closed.");
                        }

                        char c = content[i++];
                        if (c == '"')
                        {
                            if (i < content.Length && content[i] == '"')
                            {
                                field.Append('"');
                                i++;
                                continue;
                            }

                            break;
                        }

                        if (c == '\n')
                        {
                            line++;
                        }

                        field.Append(c);
                    }
                }

                while (i < content.Length && content[i] != separator && content[i] != '\n')
                {
                    if (content[i] != '\r' || (i + 1 < content.Length && content[i + 1] != '\n'))
                    {
                        field.Append(content[i]);
                    }

                    i++;
                }

                fields.Add(field.ToString());
                if (i >= content.Length || content[i] == '\n')
                {
                    endOfRecord = true;
                    line++;
                }

                i++;
            }

            if (fields.Count > 1 || fields[0].Length > 0)
            {
                rows.Add(([.. fields], recordLine));
            }
        }

        return rows;
    }
}
