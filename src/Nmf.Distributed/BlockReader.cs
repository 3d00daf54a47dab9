using System.Numerics;
using Nmf.Matrices;

namespace Nmf.Distributed;

/// <summary>Reads a block's rows on the silo that holds it.</summary>
internal static class BlockReader
{
    /// <summary>The rows of <paramref name="source"/>; errors name the silo and the file.</summary>
    public static IMatrix<T> Read<T>(BlockSource source, string silo) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (source.Path is null)
        {
            return (source.Inline ?? throw new NmfInputException($"silo {silo}: block source has neither a path nor inline rows.")).ToMatrix<T>();
        }

        if (!File.Exists(source.Path))
        {
            throw new NmfInputException($"silo {silo}: block file {source.Path} does not exist.");
        }

        try
        {
            return RowRange.Read<T>(source.Path, source.RowStart, source.RowCount);
        }
        catch (NmfInputException e)
        {
            throw new NmfInputException($"silo {silo}: {e.Message}", e);
        }
        catch (IOException e)
        {
            throw new NmfInputException($"silo {silo}: cannot read {source.Path}: {e.Message}", e);
        }
    }
}
