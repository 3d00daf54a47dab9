using Nmf.Decomposition;
using Nmf.Matrices;
using Nmf.Tests.Init;
using Xunit;

namespace Nmf.Tests.Decomposition;

public class FactorizationTests
{
    private static readonly Dictionary<string, double[]> Reference =
        ReferenceFile.Read("tests", "Nmf.Tests", "Decomposition", "data", "lu_qr.txt");

    [Theory]
    [InlineData(9, 4)]
    [InlineData(4, 9)]
    [InlineData(6, 6)]
    public void LuAndQrMatchScipy(int r, int c)
    {
        var a = new DenseMatrix<double>(r, c, Reference[$"A_{r}x{c}"]);
        var pl = RandomizedSvd.PermutedLowerOfLu(a);
        Assert.Equal((r, Math.Min(r, c)), (pl.Rows, pl.Cols));
        Assert.True(ReferenceFile.MaxRelativeError(pl.Data, Reference[$"PL_{r}x{c}"]) <= 1e-13);

        // Householder reflectors chosen as LAPACK's (β = −sign(α)‖x‖) give LAPACK's signs of Q too.
        var q = RandomizedSvd.OrthonormalBasis(a);
        Assert.Equal((r, Math.Min(r, c)), (q.Rows, q.Cols));
        Assert.True(ReferenceFile.MaxRelativeError(q.Data, Reference[$"Q_{r}x{c}"]) <= 1e-13);
    }
}
