using Nmf.Matrices;

namespace Nmf.Cli;

/// <summary>
/// The output folder of a verb, written all or nothing: <see cref="Stage"/> writes each file to a temporary file beside
/// its target, <see cref="Commit"/> renames them into place once everything succeeded. Disposing without committing
/// deletes the temporary files (and the folder, when this run created it and it is empty), so an error or Ctrl-C
/// leaves nothing behind.
/// </summary>
internal sealed class OutputDirectory : IDisposable
{
    private readonly List<(string Temp, string Final)> _staged = [];
    private readonly bool _created;
    private bool _committed;

    private OutputDirectory(string path, bool created)
    {
        Path = path;
        _created = created;
    }

    /// <summary>The folder.</summary>
    public string Path { get; }

    /// <summary>Creates the folder if needed and checks it can be written, before any long work starts.</summary>
    /// <param name="path">The folder.</param>
    /// <param name="flag">The flag that named it, for messages.</param>
    public static OutputDirectory Prepare(string path, string flag)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            throw new CliUsageException($"{flag}: an output folder is required.");
        }

        if (File.Exists(path))
        {
            throw new CliUsageException($"{flag} {path}: is a file, not a folder.");
        }

        bool created = !Directory.Exists(path);
        try
        {
            Directory.CreateDirectory(path);
            string probe = AtomicFile.WriteTemporary(System.IO.Path.Combine(path, "probe"), _ => { });
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            var dir = new OutputDirectory(path, created);
            dir.Dispose();
            throw new CliUsageException($"{flag} {path}: output folder is not writable: {CliRuntime.OneLine(e.Message)}");
        }

        return new OutputDirectory(path, created);
    }

    /// <summary>The path of <paramref name="fileName"/> inside the folder.</summary>
    public string PathOf(string fileName) => System.IO.Path.Combine(Path, fileName);

    /// <summary>Writes <paramref name="fileName"/> to a temporary file; it appears under its name at <see cref="Commit"/>.</summary>
    public void Stage(string fileName, Action<Stream> write)
    {
        string final = PathOf(fileName);
        _staged.Add((AtomicFile.WriteTemporary(final, write), final));
    }

    /// <summary>Writes a matrix as CSV (see <see cref="CsvWriter"/>) to be renamed into place at <see cref="Commit"/>.</summary>
    public void StageCsv<T>(string fileName, DenseMatrix<T> matrix, IReadOnlyList<string>? rowNames, IReadOnlyList<string>? columnNames)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        Stage(fileName, stream =>
        {
            using var writer = new StreamWriter(stream, new System.Text.UTF8Encoding(false), 1 << 16, leaveOpen: true);
            CsvWriter.Write(writer, matrix, rowNames, columnNames);
        });
    }

    /// <summary>Writes a text file (UTF-8) to be renamed into place at <see cref="Commit"/>.</summary>
    public void StageText(string fileName, string text)
    {
        Stage(fileName, stream => stream.Write(new System.Text.UTF8Encoding(false).GetBytes(text)));
    }

    /// <summary>Renames every staged file into place.</summary>
    public void Commit()
    {
        foreach (var (temp, final) in _staged)
        {
            File.Move(temp, final, overwrite: true);
        }

        _staged.Clear();
        _committed = true;
    }

    public void Dispose()
    {
        foreach (var (temp, _) in _staged)
        {
            AtomicFile.TryDelete(temp);
        }

        _staged.Clear();
        if (!_committed && _created)
        {
            try
            {
                if (Directory.Exists(Path) && !Directory.EnumerateFileSystemEntries(Path).Any())
                {
                    Directory.Delete(Path);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The folder stays, empty.
            }
        }
    }
}
