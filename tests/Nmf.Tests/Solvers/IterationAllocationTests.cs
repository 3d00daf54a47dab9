using System.Numerics;
using Nmf.Matrices;
using Xunit;

namespace Nmf.Tests.Solvers;

/// <summary>Runs alone, so that the process-wide allocation count it reads is its own fits'.</summary>
[CollectionDefinition("Allocation count", DisableParallelization = true)]
public sealed class AllocationCountCollection;

/// <summary>
/// The iterations allocate nothing: a fit of 205 iterations allocates no more than a fit of 5 from the same start, on
/// every thread of the process (the kernels' workers included), apart from the history's 200 more entries.
/// </summary>
[Collection("Allocation count")]
public class IterationAllocationTests
{
    private const int Rows = 240, Cols = 96, K = 6, Few = 5, Many = 205;

    [Theory]
    [InlineData(NmfSolver.Cd, 2.0, false, false)]
    [InlineData(NmfSolver.Cd, 2.0, true, false)]
    [InlineData(NmfSolver.Cd, 2.0, false, true)]
    [InlineData(NmfSolver.Cd, 2.0, true, true)]
    [InlineData(NmfSolver.Mu, 2.0, false, false)]
    [InlineData(NmfSolver.Mu, 2.0, true, false)]
    [InlineData(NmfSolver.Mu, 1.0, false, false)]
    [InlineData(NmfSolver.Mu, 1.0, true, false)]
    [InlineData(NmfSolver.Mu, 1.0, true, true)]
    [InlineData(NmfSolver.Mu, 0.0, false, false)]
    [InlineData(NmfSolver.Hals, 2.0, false, false)]
    [InlineData(NmfSolver.Hals, 2.0, true, false)]
    [InlineData(NmfSolver.Ehals, 2.0, false, false)]
    [InlineData(NmfSolver.Ehals, 2.0, true, false)]
    public void IterationsAllocateNothing(NmfSolver solver, double beta, bool sparse, bool single)
    {
        long history = HistoryBytes(Many) - HistoryBytes(Few);

        // The count is the whole process's: the test host's own threads may allocate during a fit, which only adds, so
        // the least of three tries is taken.
        long extra = long.MaxValue;
        for (int attempt = 0; attempt < 3 && extra > history; attempt++)
        {
            extra = Math.Min(extra, single ? ExtraBytes<float>(solver, beta, sparse) : ExtraBytes<double>(solver, beta, sparse));
        }

        Assert.True(extra <= history, $"{Many} iterations allocated {extra} bytes more than {Few}; the history's entries take {history}");
    }

    /// <summary>Bytes allocated by a fit of <see cref="Many"/> iterations beyond one of <see cref="Few"/> (each after a
    /// first fit that compiles the code and fills the per-thread buffers), at two threads.</summary>
    private static long ExtraBytes<T>(NmfSolver solver, double beta, bool sparse) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var dense = Matrix<T>(sparse);
        IMatrix<T> x = sparse ? CsrMatrix<T>.FromDense(dense) : dense;
        var options = new NmfOptions
        {
            NComponents = K, Solver = solver, BetaLoss = beta, Init = NmfInit.Random, RandomState = 3, Tol = 0, Threads = 2,
        };
        Fit(x, options with { MaxIter = Few });
        long few = Fit(x, options with { MaxIter = Few });
        long many = Fit(x, options with { MaxIter = Many });
        return many - few;
    }

    /// <summary>What a history of <paramref name="entries"/> iterations allocates (its list's growth).</summary>
    private static long HistoryBytes(int entries)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        var history = new List<NmfIteration>();
        for (int i = 0; i < entries; i++)
        {
            history.Add(new NmfIteration(i, 0, 0, 0));
        }

        GC.KeepAlive(history);
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    private static long Fit<T>(IMatrix<T> x, NmfOptions options) where T : unmanaged, IFloatingPointIeee754<T>
    {
        long before = GC.GetTotalAllocatedBytes(precise: true);
        var model = new NmfEstimator<T>(options).Fit(x, cancellationToken: TestContext.Current.CancellationToken);
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        Assert.Equal(options.MaxIter, model.NIter);
        return allocated;
    }

    /// <summary>Positive values (IS needs them) with a quarter of the entries stored when sparse.</summary>
    private static DenseMatrix<T> Matrix<T>(bool sparse) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var rng = new Random(17);
        var m = new DenseMatrix<T>(Rows, Cols);
        for (int i = 0; i < m.Data.Length; i++)
        {
            m.Data[i] = sparse && rng.NextDouble() < 0.75 ? T.Zero : T.CreateChecked(0.05 + rng.NextDouble());
        }

        return m;
    }
}
