using System.Numerics;
using System.Runtime.InteropServices;

namespace Nmf.Matrices;

/// <summary>
/// The rows of a factor (W, n x k) read and written a block of rows at a time: in memory, or in a temporary file
/// (deleted when disposed) so that a streamed fit holds only the current batch's rows of W.
/// </summary>
internal sealed class FactorRows<T> : IDisposable where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly DenseMatrix<T>? _matrix;
    private readonly FileStream? _file;

    private FactorRows(int rows, int cols, DenseMatrix<T>? matrix, FileStream? file)
    {
        Rows = rows;
        Cols = cols;
        _matrix = matrix;
        _file = file;
    }

    public int Rows { get; }

    public int Cols { get; }

    /// <summary>The whole factor when it is held in memory, otherwise null.</summary>
    public DenseMatrix<T>? Matrix => _matrix;

    public static FactorRows<T> InMemory(DenseMatrix<T> matrix) => new(matrix.Rows, matrix.Cols, matrix, null);

    /// <summary>A zero factor in a temporary file.</summary>
    public static FactorRows<T> TemporaryFile(int rows, int cols)
    {
        string path = Path.Combine(Path.GetTempPath(), $"nmf-w-{Guid.NewGuid():N}.bin");
        var file = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.DeleteOnClose | FileOptions.RandomAccess);
        file.SetLength((long)rows * cols * Marshal.SizeOf<T>());
        return new FactorRows<T>(rows, cols, null, file);
    }

    /// <summary>Rows [start, start + count) as a new matrix.</summary>
    public DenseMatrix<T> Read(int start, int count)
    {
        if (_matrix is not null)
        {
            return _matrix.SliceRows(start, count);
        }

        var m = new DenseMatrix<T>(count, Cols);
        var bytes = MemoryMarshal.AsBytes(m.Data.AsSpan());
        int read = RandomAccess.Read(_file!.SafeFileHandle, bytes, Offset(start));
        if (read != bytes.Length)
        {
            throw new IOException($"temporary W file: read {read} of {bytes.Length} bytes.");
        }

        return m;
    }

    /// <summary>Writes <paramref name="values"/> as rows [start, start + values.Rows).</summary>
    public void Write(int start, DenseMatrix<T> values)
    {
        if (_matrix is not null)
        {
            values.Data.CopyTo(_matrix.Data, start * Cols);
            return;
        }

        RandomAccess.Write(_file!.SafeFileHandle, MemoryMarshal.AsBytes(values.Data.AsSpan()), Offset(start));
    }

    public void Dispose() => _file?.Dispose();

    private long Offset(int row) => (long)row * Cols * Marshal.SizeOf<T>();
}
