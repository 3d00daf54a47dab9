using System.Numerics;
using Nmf.Matrices;

namespace Nmf.Distributed;

/// <summary>
/// The seam between the block-parallel NMF driver and where the row blocks of X and W live: in this process
/// (<see cref="LocalRowBlocks{T}"/>) or on the silos of a cluster. Every method acts on all blocks and returns their
/// results in block order, so the driver reduces them in a fixed order whatever ran where.
/// </summary>
internal interface IRowBlocks<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Number of blocks (fixed for a fit).</summary>
    int BlockCount { get; }

    /// <summary>Total rows n of X.</summary>
    int Rows { get; }

    /// <summary>Columns m of X.</summary>
    int Cols { get; }

    /// <summary>Rows of each block, in block order.</summary>
    IReadOnlyList<int> BlockRows { get; }

    /// <summary>Each block updates its W_b from the broadcast H and returns its share of H's update.</summary>
    Task<RowBlockPartials<T>[]> StepAsync(RowBlockStep<T> step, CancellationToken cancellationToken);

    /// <summary>Each block's D_β(X_b | W_b H).</summary>
    Task<double[]> DivergenceAsync(DenseMatrix<T> h, double beta, int threads, CancellationToken cancellationToken);

    /// <summary>Each block's W_b (copies), for checkpoints and the final W.</summary>
    Task<DenseMatrix<T>[]> GetWAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Brings every block back to a checkpoint: blocks whose host died are re-created on live hosts and re-read
    /// their rows of X; every block's W_b is set to <paramref name="w"/>[b].
    /// </summary>
    Task RestoreAsync(DenseMatrix<T>[] w, CancellationToken cancellationToken);

    /// <summary>Σ of X's stored values, summed over the blocks in block order.</summary>
    Task<double> SumAsync(CancellationToken cancellationToken);

    /// <summary>Each block's rows of X·Qᵀ (n_b x r) for Q (r x m), the same for every block.</summary>
    Task<DenseMatrix<T>[]> TimesTransposedAsync(DenseMatrix<T> q, int threads, CancellationToken cancellationToken);

    /// <summary>Each block's share Y_bᵀ·X_b (r x m) of Yᵀ·X, from the block's rows <paramref name="y"/>[b] (n_b x r) of Y.</summary>
    Task<DenseMatrix<T>[]> TransposedTimesAsync(DenseMatrix<T>[] y, int threads, CancellationToken cancellationToken);
}

/// <summary>
/// A block could not answer because its host (a silo) is gone or lost the block's state. The driver resumes
/// from its last checkpoint when it has one, otherwise the fit fails with this error.
/// </summary>
public sealed class RowBlockUnavailableException : Exception
{
    /// <summary>Creates the exception.</summary>
    public RowBlockUnavailableException()
    {
    }

    /// <summary>Creates the exception with a one-line message naming the block and its host.</summary>
    public RowBlockUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the transport error behind it.</summary>
    public RowBlockUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>Row blocks held in this process: the single-machine form of the block-parallel fit.</summary>
internal sealed class LocalRowBlocks<T> : IRowBlocks<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly IMatrix<T>[] _x;
    private readonly DenseMatrix<T>[] _w;

    /// <summary>Blocks of consecutive rows of <paramref name="x"/> with the given row counts, W_b cut from <paramref name="w0"/>.</summary>
    public LocalRowBlocks(IMatrix<T> x, DenseMatrix<T> w0, IReadOnlyList<int> blockRows)
    {
        if (blockRows.Sum() != x.Rows || w0.Rows != x.Rows)
        {
            throw new ArgumentException($"block rows sum to {blockRows.Sum()}, X has {x.Rows} rows and W0 {w0.Rows}.", nameof(blockRows));
        }

        _x = new IMatrix<T>[blockRows.Count];
        _w = new DenseMatrix<T>[blockRows.Count];
        int start = 0;
        for (int b = 0; b < blockRows.Count; b++)
        {
            _x[b] = MatrixRows.Slice(x, start, blockRows[b]);
            _w[b] = w0.SliceRows(start, blockRows[b]);
            start += blockRows[b];
        }

        Rows = x.Rows;
        Cols = x.Cols;
        BlockRows = blockRows.ToArray();
    }

    /// <inheritdoc />
    public IReadOnlyList<int> BlockRows { get; }

    /// <inheritdoc />
    public int BlockCount => _x.Length;

    /// <inheritdoc />
    public int Rows { get; }

    /// <inheritdoc />
    public int Cols { get; }

    /// <inheritdoc />
    public Task<RowBlockPartials<T>[]> StepAsync(RowBlockStep<T> step, CancellationToken cancellationToken)
        => Task.FromResult(_x.Select((x, b) => RowBlockKernels.Step(x, _w[b], step)).ToArray());

    /// <inheritdoc />
    public Task<double[]> DivergenceAsync(DenseMatrix<T> h, double beta, int threads, CancellationToken cancellationToken)
        => Task.FromResult(_x.Select((x, b) => RowBlockKernels.Divergence(x, _w[b], h, beta, threads)).ToArray());

    /// <inheritdoc />
    public Task<DenseMatrix<T>[]> GetWAsync(CancellationToken cancellationToken)
        => Task.FromResult(_w.Select(w => w.Clone()).ToArray());

    /// <inheritdoc />
    public Task RestoreAsync(DenseMatrix<T>[] w, CancellationToken cancellationToken)
    {
        for (int b = 0; b < _w.Length; b++)
        {
            w[b].Data.CopyTo(_w[b].Data, 0);
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<double> SumAsync(CancellationToken cancellationToken)
    {
        double s = 0;
        foreach (var x in _x)
        {
            s += Solvers.MiniBatchMultiplicativeUpdate.SumOf(x);
        }

        return Task.FromResult(s);
    }

    /// <inheritdoc />
    public Task<DenseMatrix<T>[]> TimesTransposedAsync(DenseMatrix<T> q, int threads, CancellationToken cancellationToken)
        => Task.FromResult(_x.Select(x =>
        {
            var r = new DenseMatrix<T>(x.Rows, q.Rows);
            Kernels.Products.XHt(x, q, r, threads);
            return r;
        }).ToArray());

    /// <inheritdoc />
    public Task<DenseMatrix<T>[]> TransposedTimesAsync(DenseMatrix<T>[] y, int threads, CancellationToken cancellationToken)
        => Task.FromResult(_x.Select((x, b) =>
        {
            var r = new DenseMatrix<T>(y[b].Cols, x.Cols);
            Kernels.Products.WtX(y[b], x, r, threads);
            return r;
        }).ToArray());

    /// <summary>Splits n rows into <paramref name="blocks"/> consecutive blocks of near-equal size (the first n mod blocks one row larger).</summary>
    public static int[] EvenPartition(int n, int blocks)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(blocks, 1);
        var rows = new int[blocks];
        for (int b = 0; b < blocks; b++)
        {
            rows[b] = (n / blocks) + (b < n % blocks ? 1 : 0);
        }

        return rows;
    }
}
