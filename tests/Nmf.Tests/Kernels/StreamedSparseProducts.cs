using Nmf.Kernels;

namespace Nmf.Tests.Kernels;

/// <summary>
/// While alive, the CSR products stream X's arrays past the caches at every size (<see cref="SparseProducts{T}.StreamBytes"/>
/// at 0 for float and double, instead of 16 MB); disposing restores the thresholds.
/// </summary>
internal sealed class StreamedSparseProducts : IDisposable
{
    private readonly long _double = SparseProducts<double>.StreamBytes, _float = SparseProducts<float>.StreamBytes;

    public StreamedSparseProducts()
    {
        SparseProducts<double>.StreamBytes = 0;
        SparseProducts<float>.StreamBytes = 0;
    }

    public void Dispose()
    {
        SparseProducts<double>.StreamBytes = _double;
        SparseProducts<float>.StreamBytes = _float;
    }
}
