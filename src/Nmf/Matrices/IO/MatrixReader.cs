using System.IO.Compression;
using System.Numerics;
using System.Text;

namespace Nmf.Matrices;

/// <summary>
/// Reads a matrix from a file: delimited text (CSV/TSV, with optional header row and row-name column), Matrix Market
/// (<c>.mtx</c>, coordinate → CSR, array → dense) or NumPy <c>.npy</c>; any of them gzip-compressed (<c>.gz</c>); the
/// path <c>-</c> reads standard input. Every problem with the input is reported as an <see cref="NmfInputException"/>
/// whose one-line message names the file, line and column (or element) and what is wrong.
/// </summary>
public static class MatrixReader
{
    private const int SniffLength = 4096;

    /// <summary>Reads the matrix in <paramref name="path"/> (<c>-</c> for standard input).</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>: the element type of the result.</typeparam>
    /// <param name="path">File to read; <c>-</c> reads standard input.</param>
    /// <param name="options">How to read it; null detects everything.</param>
    /// <returns>The matrix and the names the file gave.</returns>
    /// <exception cref="NmfInputException">The file is missing, unreadable, malformed, or holds a value NMF cannot take.</exception>
    public static NamedMatrix<T> Read<T>(string path, MatrixReadOptions? options = null)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path == "-")
        {
            return Read<T>(Console.OpenStandardInput(), "-", options);
        }

        return Read<T>(Open(path), path, options);
    }

    /// <summary>
    /// Reads only rows [<paramref name="start"/>, start + <paramref name="count"/>) of the matrix in
    /// <paramref name="path"/>, holding no more than those rows: a C-order <c>.npy</c> file is entered at the first
    /// row (a Fortran-order one column strip by column strip), Matrix Market and delimited text are streamed and only
    /// the range's entries kept (text before the range is not parsed, text after it is not read).
    /// </summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>: the element type of the result.</typeparam>
    /// <param name="path">File to read; <c>-</c> reads standard input.</param>
    /// <param name="start">First row, 0-based (a header row does not count).</param>
    /// <param name="count">Number of rows, at least 1; −1 reads to the last row.</param>
    /// <param name="options">How to read it; null detects everything.</param>
    /// <returns>The rows (dense, or CSR for a coordinate Matrix Market file) and the names the file gave them.</returns>
    /// <exception cref="NmfInputException">The range is empty or beyond the file's rows, or the file is missing,
    /// unreadable, malformed, or holds a value NMF cannot take.</exception>
    public static NamedMatrix<T> ReadRows<T>(string path, int start, int count, MatrixReadOptions? options = null)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(path);
        var window = RowWindow.Checked(path, start, count);
        var stream = path == "-" ? Console.OpenStandardInput() : Open(path);
        return Read<T>(stream, path, options, window);
    }

    private static FileStream Open(string path)
    {
        try
        {
            if (Directory.Exists(path))
            {
                throw new NmfInputException($"{path}: is a directory, not a matrix file.");
            }

            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        }
        catch (FileNotFoundException)
        {
            throw new NmfInputException($"{path}: file not found.");
        }
        catch (DirectoryNotFoundException)
        {
            throw new NmfInputException($"{path}: file not found (no such directory).");
        }
        catch (UnauthorizedAccessException)
        {
            throw new NmfInputException($"{path}: permission denied.");
        }
        catch (IOException e)
        {
            throw new NmfInputException($"{path}: cannot open: {e.Message}");
        }
    }

    /// <summary>Reads a matrix from a stream (closed afterwards).</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="stream">The bytes of the file, possibly gzip-compressed.</param>
    /// <param name="source">The name used in messages; its extension picks the separator of delimited text.</param>
    /// <param name="options">How to read it; null detects everything.</param>
    /// <returns>The matrix and the names the file gave.</returns>
    /// <exception cref="NmfInputException">The content is malformed or holds a value NMF cannot take.</exception>
    public static NamedMatrix<T> Read<T>(Stream stream, string source, MatrixReadOptions? options = null)
        where T : unmanaged, IFloatingPointIeee754<T>
        => Read<T>(stream, source, options, null);

    private static NamedMatrix<T> Read<T>(Stream stream, string source, MatrixReadOptions? options, RowWindow? window)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(source);
        options ??= new MatrixReadOptions();
        try
        {
            var peek = new PeekStream(stream, SniffLength);
            try
            {
                bool gzip = peek.Head.Length >= 2 && peek.Head[0] == 0x1f && peek.Head[1] == 0x8b;
                if (gzip)
                {
                    var inner = new PeekStream(new GZipStream(peek, CompressionMode.Decompress), SniffLength);
                    peek = inner;
                }

                if (peek.Head.IsEmpty)
                {
                    throw new NmfInputException($"{source}: empty file.");
                }

                var format = options.Format != MatrixFormat.Auto ? options.Format : Detect(source, peek.Head);
                return format switch
                {
                    MatrixFormat.MatrixMarket => MatrixMarketReader.Read<T>(peek, source, options, window),
                    MatrixFormat.Npy => NpyReader.Read<T>(peek, source, gzip ? -1 : peek.KnownLength, options, window),
                    _ => DelimitedReader.Read<T>(peek, source, options.Separator ?? SeparatorFor(source, peek.Head), options, window),
                };
            }
            finally
            {
                peek.Dispose();
            }
        }
        catch (InvalidDataException e)
        {
            throw new NmfInputException($"{source}: corrupt data: {OneLine(e.Message)}", e);
        }
        catch (DecoderFallbackException e)
        {
            throw new NmfInputException($"{source}: invalid text encoding: {OneLine(e.Message)}", e);
        }
        catch (IOException e)
        {
            throw new NmfInputException($"{source}: read error: {OneLine(e.Message)}", e);
        }
    }

    /// <summary>The format the content shows; when it shows none, the one the extension names (so that a damaged
    /// <c>.mtx</c> or <c>.npy</c> file gets that format's diagnosis), else delimited text.</summary>
    internal static MatrixFormat Detect(string source, ReadOnlySpan<byte> head)
    {
        var sniffed = Sniff(head);
        if (sniffed != MatrixFormat.Delimited)
        {
            return sniffed;
        }

        string name = source.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? source[..^3] : source;
        return Path.GetExtension(name).ToLowerInvariant() switch
        {
            ".mtx" or ".mm" => MatrixFormat.MatrixMarket,
            ".npy" => MatrixFormat.Npy,
            _ => MatrixFormat.Delimited,
        };
    }

    /// <summary>The format a file's first bytes show: Matrix Market banner, NumPy magic, otherwise delimited text.</summary>
    internal static MatrixFormat Sniff(ReadOnlySpan<byte> head)
    {
        if (NpyReader.HasMagic(head))
        {
            return MatrixFormat.Npy;
        }

        var banner = "%%MatrixMarket"u8;
        if (head.Length >= banner.Length && Ascii.EqualsIgnoreCase(head[..banner.Length], banner))
        {
            return MatrixFormat.MatrixMarket;
        }

        return MatrixFormat.Delimited;
    }

    /// <summary>The separator of delimited text: from the extension (under any <c>.gz</c>), else the first line's most
    /// telling character (tab, then comma, semicolon, space).</summary>
    internal static char SeparatorFor(string source, ReadOnlySpan<byte> head)
    {
        string name = source.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? source[..^3] : source;
        string ext = Path.GetExtension(name).ToLowerInvariant();
        if (ext == ".csv")
        {
            return ',';
        }

        if (ext is ".tsv" or ".tab")
        {
            return '\t';
        }

        int end = head.IndexOfAny((byte)'\n', (byte)'\r');
        var first = end < 0 ? head : head[..end];
        if (first.Contains((byte)'\t'))
        {
            return '\t';
        }

        if (first.Contains((byte)','))
        {
            return ',';
        }

        if (first.Contains((byte)';'))
        {
            return ';';
        }

        return first.Trim((byte)' ').Contains((byte)' ') ? ' ' : ',';
    }

    private static string OneLine(string s) => s.ReplaceLineEndings(" ");
}
