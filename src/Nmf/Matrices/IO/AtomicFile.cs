namespace Nmf.Matrices;

/// <summary>
/// Writes files so that they appear complete or not at all: the content goes to a temporary file in the same directory,
/// which is flushed and renamed over the target (a rename within one directory is atomic on the file systems .NET
/// supports). On any failure the temporary file is deleted.
/// </summary>
internal static class AtomicFile
{
    /// <summary>The temporary name used for <paramref name="path"/>: hidden, in the same directory, unique.</summary>
    public static string TemporaryPathFor(string path)
    {
        string dir = Path.GetDirectoryName(Path.GetFullPath(path))!;
        return Path.Combine(dir, $".{Path.GetFileName(path)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
    }

    public static void Write(string path, Action<Stream> write)
    {
        string temp = WriteTemporary(path, write);
        try
        {
            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    /// <summary>Writes the content to a temporary file next to <paramref name="path"/> and returns its name.</summary>
    public static string WriteTemporary(string path, Action<Stream> write)
    {
        string temp = TemporaryPathFor(path);
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }

            return temp;
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    public static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
