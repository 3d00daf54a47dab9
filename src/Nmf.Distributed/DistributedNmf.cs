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

    /// <summary>Also log one line per checkpoint ("checkpoint at iteration N."), for the logs of long fits.</summary>
    public bool LogCheckpoints { get; init; }

    /// <summary>Called after each completed iteration (tests use it to stop a silo mid-fit).</summary>
    internal Func<int, Task>? AfterIteration { get; init; }
}

/// <summary>The outcome of a distributed fit.</summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
public sealed class DistributedFitResult<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    internal DistributedFitResult(DenseMatrix<T> h, DenseMatrix<T>? w, int nIter, double error, int resumes, double seconds, long bytes, IReadOnlyList<string> silos, IReadOnlyList<int> blockRows, NmfInit init)
    {
        Init = init;
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

    /// <summary>The start the fit used (<see cref="NmfInit.Auto"/> resolved).</summary>
    public NmfInit Init { get; }

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
    /// <summary>
    /// Fits X = the blocks' rows stacked in order. The start is W0 and H0 when <see cref="NmfOptions.Init"/> is
    /// <see cref="NmfInit.Custom"/>; scikit-learn's random init from the mean of X summed over the blocks and NumPy's
    /// generator seeded with <see cref="NmfOptions.RandomState"/>; or NNDSVD, NNDSVDA, NNDSVDAR from a randomized SVD
    /// computed through the blocks (<see cref="BlockNndsvd"/>). <see cref="NmfInit.Auto"/> is scikit-learn's: NNDSVDA
    /// when k ≤ min(n, m), else random.
    /// </summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="grains">The cluster client (or a silo's grain factory).</param>
    /// <param name="blocks">Where each block's rows come from, in order.</param>
    /// <param name="options">Solver (mu or cd), beta, tol, max_iter, penalties, k, init.</param>
    /// <param name="w0">Starting W (n x k) for a custom init, else null.</param>
    /// <param name="h0">Starting H (k x m) for a custom init, else null.</param>
    /// <param name="fit">Checkpoints and logging.</param>
    /// <param name="cancellationToken">Stops the fit between iterations.</param>
    /// <returns>H, W and the fit's figures.</returns>
    public static async Task<DistributedFitResult<T>> FitAsync<T>(IGrainFactory grains, IReadOnlyList<BlockSource> blocks, NmfOptions options,
        DenseMatrix<T>? w0, DenseMatrix<T>? h0, DistributedFitOptions? fit = null, CancellationToken cancellationToken = default)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(grains);
        ArgumentNullException.ThrowIfNull(blocks);
        ArgumentNullException.ThrowIfNull(options);
        if (blocks.Count == 0)
        {
            throw new ArgumentException("at least one block is needed.", nameof(blocks));
        }

        fit ??= new DistributedFitOptions();
        int k = options.NComponents;
        bool custom = options.Init == NmfInit.Custom;
        if (custom && (w0 is null || h0 is null))
        {
            throw new ArgumentException("Init = Custom needs W0 and H0.", nameof(w0));
        }

        var driver = new BlockParallelNmf<T>(options, fit.CheckpointInterval, fit.MaxResumes, fit.Log, fit.AfterIteration, fit.LogCheckpoints);
        string fitId = Guid.NewGuid().ToString("N");
        var rowBlocks = await OrleansRowBlocks<T>.LoadAsync(grains, fitId, blocks, k, cancellationToken).ConfigureAwait(false);
        try
        {
            int n = rowBlocks.Rows, m = rowBlocks.Cols;

            // scikit-learn's 'auto': NNDSVDA when k <= min(n, m), else random
            var init = custom ? NmfInit.Custom : options.Init != NmfInit.Auto ? options.Init : k <= Math.Min(n, m) ? NmfInit.Nndsvda : NmfInit.Random;
            if (custom)
            {
                if (w0!.Rows != n || w0.Cols != k || h0!.Rows != k || h0.Cols != m)
                {
                    throw new ArgumentException($"the blocks hold {n} x {m}; W0 is {w0.Rows} x {w0.Cols} and H0 {h0!.Rows} x {h0.Cols} for k = {k}.", nameof(w0));
                }
            }
            else if (init == NmfInit.Random)
            {
                double mean = await rowBlocks.SumAsync(cancellationToken).ConfigureAwait(false) / ((double)n * m);
                (w0, h0) = RandomStart<T>(mean, n, m, k, options.RandomState);
            }
            else
            {
                int threads = options.Threads > 0 ? options.Threads : Environment.ProcessorCount;
                (w0, h0) = await BlockNndsvd.InitializeAsync(rowBlocks, k, init, options.RandomState, threads, cancellationToken).ConfigureAwait(false);
            }

            await rowBlocks.SetWAsync(w0, cancellationToken).ConfigureAwait(false);
            var result = await driver.FitAsync(rowBlocks, h0!, cancellationToken).ConfigureAwait(false);
            DenseMatrix<T>? w = null;
            if (fit.GatherW)
            {
                var parts = await rowBlocks.GetWAsync(cancellationToken).ConfigureAwait(false);
                w = new DenseMatrix<T>(n, k);
                int offset = 0;
                foreach (var p in parts)
                {
                    p.Data.CopyTo(w.Data, offset);
                    offset += p.Data.Length;
                }
            }

            return new DistributedFitResult<T>(result.H, w, result.NIter, result.ReconstructionError, result.Resumes, result.Seconds,
                result.BytesPerIteration, rowBlocks.Silos.ToArray(), rowBlocks.BlockRows.ToArray(), init);
        }
        finally
        {
            await rowBlocks.ReleaseAsync().ConfigureAwait(false);
        }
    }

    /// <summary>scikit-learn's random init from the mean of X: sqrt(mean / k)·|N(0, 1)|, H drawn before W.</summary>
    private static (DenseMatrix<T> W, DenseMatrix<T> H) RandomStart<T>(double mean, int n, int m, int k, int? seed)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T avg = T.Sqrt(T.CreateChecked(mean) / T.CreateChecked(k));
        var rng = Init.NumpyRandomState.FromSeed(seed);
        var h = new DenseMatrix<T>(k, m);
        var w = new DenseMatrix<T>(n, k);
        foreach (var target in new[] { h.Data, w.Data })
        {
            for (int i = 0; i < target.Length; i++)
            {
                target[i] = T.Abs(avg * T.CreateTruncating(rng.StandardNormal()));
            }
        }

        return (w, h);
    }
}
