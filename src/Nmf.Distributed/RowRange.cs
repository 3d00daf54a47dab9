using System.Numerics;
using Nmf.Matrices;

namespace Nmf.Distributed;

/// <summary>Reads a range of rows of a matrix file, holding only those rows (see <see cref="MatrixReader.ReadRows{T}"/>).</summary>
internal static class RowRange
{
    public static IMatrix<T> Read<T>(string path, int start, int count) where T : unmanaged, IFloatingPointIeee754<T>
        => start == 0 && count < 0 ? MatrixReader.Read<T>(path).Matrix : MatrixReader.ReadRows<T>(path, start, count).Matrix;
}
