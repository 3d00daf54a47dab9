using Xunit;
using Nmf.Distributed;
using Nmf.Matrices;
using Nmf.Tests.MiniBatch;

namespace Nmf.Tests.Distributed;

/// <summary>Small matrices and starts shared by the distributed tests.</summary>
internal static class DistributedTestData
{
    /// <summary>The first 150 digits (150 x 64, dense).</summary>
    public static DenseMatrix<double> Digits()
    {
        var all = ReferenceCase.Load("digits-frobenius").Dense<double>("X.csv");
        return all.SliceRows(0, 150);
    }

    /// <summary>80 Austen chapters x 400 terms of TF-IDF (sparse).</summary>
    public static CsrMatrix<double> Austen() => (CsrMatrix<double>)ReferenceCase.Load("austen-sparse-frobenius").Matrix<double>("X.coo.csv");

    /// <summary>A positive start scaled like scikit-learn's random init: sqrt(mean(X) / k) · (|N(0,1)|-like + 0.1).</summary>
    public static (DenseMatrix<double> W0, DenseMatrix<double> H0) Start(IMatrix<double> x, int k, int seed)
    {
        double mean = Nmf.Solvers.MiniBatchMultiplicativeUpdate.Mean(x);
        double scale = Math.Sqrt(mean / k);
        var rng = new Random(seed);
        var w = new DenseMatrix<double>(x.Rows, k);
        var h = new DenseMatrix<double>(k, x.Cols);
        for (int p = 0; p < h.Data.Length; p++)
        {
            h.Data[p] = scale * (rng.NextDouble() + 0.1);
        }

        for (int p = 0; p < w.Data.Length; p++)
        {
            w.Data[p] = scale * (rng.NextDouble() + 0.1);
        }

        return (w, h);
    }

    public static NmfOptions Options(NmfSolver solver, double beta, int k, int iterations) => new()
    {
        NComponents = k,
        Init = NmfInit.Custom,
        Solver = solver,
        BetaLoss = beta,
        Tol = 0,
        MaxIter = iterations,
        Threads = 1,
    };

    /// <summary>The single-machine block fit with the given partition.</summary>
    public static async Task<(DenseMatrix<double> W, BlockFitResult<double> Result)> LocalFit(IMatrix<double> x, NmfOptions options, DenseMatrix<double> w0, DenseMatrix<double> h0, int[] blockRows)
    {
        var blocks = new LocalRowBlocks<double>(x, w0, blockRows);
        var result = await new BlockParallelNmf<double>(options, checkpointInterval: 0).FitAsync(blocks, h0, TestContext.Current.CancellationToken);
        var parts = await blocks.GetWAsync(TestContext.Current.CancellationToken);
        var w = new DenseMatrix<double>(x.Rows, options.NComponents);
        int offset = 0;
        foreach (var p in parts)
        {
            p.Data.CopyTo(w.Data, offset);
            offset += p.Data.Length;
        }

        return (w, result);
    }

    /// <summary>Inline block sources of consecutive rows.</summary>
    public static BlockSource[] InlineBlocks<T>(IMatrix<T> x, int[] blockRows)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        var sources = new BlockSource[blockRows.Length];
        int start = 0;
        for (int b = 0; b < blockRows.Length; b++)
        {
            sources[b] = new BlockSource { Inline = MatrixPayload.From(MatrixRows.Slice(x, start, blockRows[b])) };
            start += blockRows[b];
        }

        return sources;
    }

    public static double RelativeDifference(DenseMatrix<double> a, DenseMatrix<double> b) => ReferenceCase.RelativeDifference(a, b);
}
