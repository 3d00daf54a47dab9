namespace Nmf.Text;

/// <summary>One document of a corpus.</summary>
/// <param name="Id">Its identifier (a column of the table, the file's relative path, or the line number).</param>
/// <param name="Text">Its text.</param>
/// <param name="Label">Its known class (a label column or the sub-folder), or null.</param>
public sealed record Document(string Id, string Text, string? Label);

/// <summary>A collection of documents read from one source.</summary>
public sealed class Corpus
{
    /// <summary>Wraps documents; labels must be given for all or for none.</summary>
    public Corpus(string source, IReadOnlyList<Document> documents)
    {
        ArgumentNullException.ThrowIfNull(documents);
        Source = source;
        Documents = documents;
        int labelled = documents.Count(d => d.Label is not null);
        if (labelled != 0 && labelled != documents.Count)
        {
            throw new ArgumentException("either every document has a label or none has.", nameof(documents));
        }

        HasLabels = labelled > 0;
    }

    /// <summary>Where the documents came from (a path).</summary>
    public string Source { get; }

    /// <summary>The documents, in source order.</summary>
    public IReadOnlyList<Document> Documents { get; }

    /// <summary>True when every document carries a label.</summary>
    public bool HasLabels { get; }

    /// <summary>The texts, in order.</summary>
    public IReadOnlyList<string> Texts => Documents.Select(d => d.Text).ToArray();

    /// <summary>The ids, in order.</summary>
    public IReadOnlyList<string> Ids => Documents.Select(d => d.Id).ToArray();

    /// <summary>The labels, in order (null when the corpus has none).</summary>
    public IReadOnlyList<string>? Labels => HasLabels ? Documents.Select(d => d.Label!).ToArray() : null;
}

/// <summary>
/// Which columns of a table hold the text, the id and the label: each a header name or a 1-based column number;
/// null picks the column named <c>text</c> (or the only column), <c>id</c> and <c>label</c> when present.
/// </summary>
public sealed record CorpusColumns
{
    /// <summary>The text column; default the column named <c>text</c>, or the only column.</summary>
    public string? Text { get; init; }

    /// <summary>The id column; default the column named <c>id</c> if any, else the row number.</summary>
    public string? Id { get; init; }

    /// <summary>The label column; default the column named <c>label</c> if any, else no labels.</summary>
    public string? Label { get; init; }
}
