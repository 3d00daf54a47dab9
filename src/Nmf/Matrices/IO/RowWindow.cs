namespace Nmf.Matrices;

/// <summary>
/// The rows [<see cref="Start"/>, <see cref="Start"/> + <see cref="Count"/>) a reader keeps (0-based, header excluded);
/// a <see cref="Count"/> of −1 keeps every row from <see cref="Start"/> to the end of the file.
/// </summary>
internal readonly record struct RowWindow(int Start, int Count)
{
    /// <summary>One past the last row kept; <see cref="int.MaxValue"/> when the window runs to the end.</summary>
    public int End => Count < 0 ? int.MaxValue : Start + Count;

    /// <summary>Whether data row <paramref name="row"/> (0-based) is kept.</summary>
    public bool Contains(long row) => row >= Start && row < End;

    /// <summary>A window given by a caller: start ≥ 0, count ≥ 1 or −1 (to the end); an empty window is an error.</summary>
    public static RowWindow Checked(string source, int start, int count)
    {
        if (start < 0)
        {
            throw new NmfInputException($"{source}: row range starts at row {(long)start + 1}; rows are numbered from 1.");
        }

        if (count == 0 || count < -1)
        {
            throw new NmfInputException($"{source}: empty row range ({count} rows from row {(long)start + 1}) requested; a range holds at least one row.");
        }

        if ((long)start + Math.Max(count, 1) > int.MaxValue)
        {
            throw new NmfInputException($"{source}: row range {(long)start + 1}..{(long)start + count} is beyond the largest row number supported.");
        }

        return new RowWindow(start, count);
    }

    /// <summary>The window within a file of <paramref name="rows"/> rows: the number of rows kept, or an error naming
    /// both the requested range and the file's row count.</summary>
    public int RowsIn(string source, long rows)
    {
        if (Start >= rows || (Count >= 0 && (long)Start + Count > rows))
        {
            throw new NmfInputException($"{source}: rows {(long)Start + 1}..{(Count < 0 ? "end" : ((long)Start + Count).ToString(System.Globalization.CultureInfo.InvariantCulture))} requested, the file has {rows}.");
        }

        return Count < 0 ? (int)(rows - Start) : Count;
    }
}
