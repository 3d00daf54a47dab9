using Nmf.Matrices;
using Xunit;

namespace Nmf.Tests;

public class SmokeTests
{
    [Fact]
    public void CsrTransposeRoundTrips()
    {
        var d = DenseMatrix<double>.From2D(new double[,] { { 1, 0, 2 }, { 0, 3, 0 } });
        var s = CsrMatrix<double>.FromDense(d);
        Assert.Equal(d.Transpose().Data, s.Transpose().ToDense().Data);
    }
}
