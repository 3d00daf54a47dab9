using System.Runtime.CompilerServices;

namespace Nmf.Kernels;

/// <summary>
/// Splits a run of items with non-decreasing start offsets (CSR row pointers, bucket starts) into consecutive parts of
/// about equal entries. The parts depend only on the offsets, never on the thread count, so work split this way gives
/// the same result at any number of threads.
/// </summary>
internal static class OffsetSplit
{
    /// <summary>
    /// bounds[0..parts]: part p takes items bounds[p]..bounds[p+1]−1, the first item of part p being the first whose
    /// start is at or past p/parts of the entries (<paramref name="offsets"/> has one more element than there are items).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Bounds(ReadOnlySpan<int> offsets, Span<int> bounds)
    {
        int items = offsets.Length - 1, parts = bounds.Length - 1;
        long entries = offsets[items];
        bounds[0] = 0;
        for (int part = 1; part < parts; part++)
        {
            // Binary search: this runs on every product, and a scan would be serial work of the order of the items.
            long target = entries * part / parts;
            int lo = bounds[part - 1], hi = items;
            while (lo < hi)
            {
                int mid = lo + ((hi - lo) / 2);
                if (offsets[mid] < target)
                {
                    lo = mid + 1;
                }
                else
                {
                    hi = mid;
                }
            }

            bounds[part] = lo;
        }

        bounds[parts] = items;
    }
}
