namespace Nmf.Matrices;

/// <summary>File formats the matrix readers understand.</summary>
public enum MatrixFormat
{
    /// <summary>Decide from the content (Matrix Market and NumPy magic bytes, gzip) and the file extension.</summary>
    Auto,

    /// <summary>Delimited text (comma, tab, semicolon or space separated), optional header row and row-name column.</summary>
    Delimited,

    /// <summary>Matrix Market exchange format (<c>.mtx</c>): coordinate (read as CSR) or array (read as dense).</summary>
    MatrixMarket,

    /// <summary>NumPy <c>.npy</c> array of two dimensions.</summary>
    Npy,
}
