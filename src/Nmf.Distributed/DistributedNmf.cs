using System.Numerics;
using Nmf.Matrices;

namespace Nmf.Distributed;

/// <summary>How a distributed fit keeps checkpoints and reports.</summary>
public sealed record DistributedFitOptions
{
    /// <summary>Iterations between checkpoints of H and every W_b (kept by the client); 0 keeps none. Default 10.</summary>
    public int CheckpointInterval { get; init; } = 10;

    /// <summary>How many lost blocks the fit survives by resuming from its last checkpoint; default 3.</summary>
    public int MaxResumes { get; init; } = 3;

    /// <summary>Fetch W (n x k) from the blocks at the end; default true.</summary>
    public bool GatherW { get; init; } = true;

    /// <summary>Receives one line per event worth telling (a resume).</summary>
    public Action<string>? Log { get; init; }

    /// <summary>Called after each completed iteration (tests use it to stop a silo mid-fit).</summary>
    internal Func<int, Task>? AfterIteration { get; init; }
}

/// <summary>The outcome of a distributed fit.</summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
public sealed class DistributedFitResult<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    internal DistributedFitResult(DenseMatrix<T> h, DenseMatrix<T>? w, int nIter, double error, int resumes, double seconds, long bytes, IReadOnlyList<string> silos, IReadOnlyList<int> blockRows)
    {
        Components = h;
        W = w;
        NIter = nIter;
        ReconstructionError = error;
        Resumes = resumes;
        Seconds = seconds;
        BytesPerIteration = bytes;
        Silos = silos;
        BlockRows = blockRows;
    }

    /// <summary>H (k x m).</summary>
    public DenseMatrix<T> Components { get; }

    /// <summary>W (n x k), the blocks' W_b in block order; null when not gathered.</summary>
    public DenseMatrix<T>? W { get; }

    /// <summary>Iterations done.</summary>
    public int NIter { get; }

    /// <summary>sqrt(2 · D_β(X | W H)), scikit-learn's <c>reconstruction_err_</c>.</summary>
    public double ReconstructionError { get; }

    /// <summary>Times the fit resumed from a checkpoint after losing a block.</summary>
    public int Resumes { get; }

    /// <summary>Seconds of the iterations (after the blocks were loaded).</summary>
    public double Seconds { get; }

    /// <summary>Bytes exchanged with the blocks per iteration (H to every block, every block's shares back).</summary>
    public long BytesPerIteration { get; }

    /// <summary>The silo of each block at the end.</summary>
    public IReadOnlyList<string> Silos { get; }

    /// <summary>Rows of each block.</summary>
    public IReadOnlyList<int> BlockRows { get; }
}

/// <summary>
/// NMF of a matrix whose row blocks live on the silos of an Orleans cluster: each silo reads its blocks, W_b stays
/// with its block, H is broadcast and the blocks' shares of H's update are summed in block order by the caller
/// (the 1-D algorithm of MPI-FAUN / PLANC). Solvers <see cref="NmfSolver.Mu"/> (any beta) and
/// <see cref="NmfSolver.Cd"/> (HALS); the result equals the single-machine block fit with the same partition.
/// </summary>
public static class DistributedNmf
{
    /// <summary>Fits X = the blocks' rows stacked in order, from W0 (rows in block order) and H0.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="grains">The cluster client (or a silo's grain factory).</param>
    /// <param name="blocks">Where each block's rows come from, in order.</param>
    /// <param name="options">Solver, beta, tol, max_iter, penalties, k. Init must be <see cref="NmfInit.Custom"/>.</param>
    /// <param name="w0">Starting W, n x k.</param>
    /// <param name="h0">Starting H, k x m.</param>
    /// <param name="fit">Checkpoints and logging.</param>
    /// <param name="cancellationToken">Stops the fit between iterations.</param>
    /// <returns>H, W and the fit's figures.</returns>
    public static async Task<DistributedFitResult<T>> FitAsync<T>(IGrainFactory grains, IReadOnlyList<BlockSource> blocks, NmfOptions options,
        DenseMatrix<T> w0, DenseMatrix<T> h0, DistributedFitOptions? fit = null, CancellationToken cancellationToken = default)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(grains);
        ArgumentNullException.ThrowIfNull(blocks);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(w0);
        ArgumentNullException.ThrowIfNull(h0);
        if (blocks.Count == 0)
        {
            throw new ArgumentException("at least one block is needed.", nameof(blocks));
        }

        fit ??= new DistributedFitOptions();
        int k = options.NComponents;
        if (h0.Rows != k || w0.Cols != k)
        {
            throw new ArgumentException($"W0 is {w0.Rows} x {w0.Cols} and H0 {h0.Rows} x {h0.Cols}; n_components is {k}.", nameof(h0));
        }

        var driver = new BlockParallelNmf<T>(options, fit.CheckpointInterval, fit.MaxResumes, fit.Log, fit.AfterIteration);
        string fitId = Guid.NewGuid().ToString("N");
        var rowBlocks = await OrleansRowBlocks<T>.LoadAsync(grains, fitId, blocks, k, (start, rows) =>
        {
            if (start + rows > w0.Rows)
            {
                throw new ArgumentException($"the blocks hold more than W0's {w0.Rows} rows.", nameof(w0));
            }

            return w0.SliceRows(start, rows);
        }, cancellationToken).ConfigureAwait(false);
        try
        {
            if (rowBlocks.Rows != w0.Rows || rowBlocks.Cols != h0.Cols)
            {
                throw new ArgumentException($"the blocks hold {rowBlocks.Rows} x {rowBlocks.Cols}; W0 has {w0.Rows} rows and H0 {h0.Cols} columns.", nameof(w0));
            }

            var result = await driver.FitAsync(rowBlocks, h0, cancellationToken).ConfigureAwait(false);
            var parts = await rowBlocks.GetWAsync(cancellationToken).ConfigureAwait(false);
            var blockRows = parts.Select(p => p.Rows).ToArray();
            DenseMatrix<T>? w = null;
            if (fit.GatherW)
            {
                w = new DenseMatrix<T>(rowBlocks.Rows, k);
                int offset = 0;
                foreach (var p in parts)
                {
                    p.Data.CopyTo(w.Data, offset);
                    offset += p.Data.Length;
                }
            }

            return new DistributedFitResult<T>(result.H, w, result.NIter, result.ReconstructionError, result.Resumes, result.Seconds,
                result.BytesPerIteration, rowBlocks.Silos.ToArray(), blockRows);
        }
        finally
        {
            await rowBlocks.ReleaseAsync().ConfigureAwait(false);
        }
    }
}
