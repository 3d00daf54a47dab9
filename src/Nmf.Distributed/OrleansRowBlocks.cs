using System.Numerics;
using Nmf.Matrices;
using Orleans.Runtime;

namespace Nmf.Distributed;

/// <summary>
/// Row blocks held by <see cref="IRowBlockGrain"/>s on the silos of an Orleans cluster. Calls go to all blocks at
/// once; results come back in block order. A silo that is gone (or a block that lost its rows) surfaces as
/// <see cref="RowBlockUnavailableException"/>; any other error of a block as <see cref="NmfInputException"/>
/// naming the block's silo and source.
/// </summary>
internal sealed class OrleansRowBlocks<T> : IRowBlocks<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly IRowBlockGrain[] _grains;
    private readonly BlockLoad[] _loads;
    private readonly string[] _silos;
    private readonly int[] _blockRows;

    private OrleansRowBlocks(IRowBlockGrain[] grains, BlockLoad[] loads, string[] silos, int[] blockRows, int cols)
    {
        _grains = grains;
        _loads = loads;
        _silos = silos;
        _blockRows = blockRows;
        Rows = blockRows.Sum();
        Cols = cols;
    }

    /// <inheritdoc />
    public int BlockCount => _grains.Length;

    /// <inheritdoc />
    public int Rows { get; }

    /// <inheritdoc />
    public int Cols { get; }

    /// <summary>The silo of each block (as it was when last loaded or restored).</summary>
    public IReadOnlyList<string> Silos => _silos;

    /// <summary>Where each block's rows come from.</summary>
    public IReadOnlyList<BlockSource> Sources => _loads.Select(l => l.Source).ToArray();

    /// <summary>Loads the blocks: each silo reads its own source; W_b starts at zero until <see cref="RestoreAsync"/>.</summary>
    public static async Task<OrleansRowBlocks<T>> LoadAsync(IGrainFactory grains, string fitId, IReadOnlyList<BlockSource> sources, int components, CancellationToken cancellationToken)
    {
        int count = sources.Count;
        var refs = new IRowBlockGrain[count];
        var loads = new BlockLoad[count];
        for (int b = 0; b < count; b++)
        {
            refs[b] = grains.GetGrain<IRowBlockGrain>($"{fitId}/{b}");
            loads[b] = new BlockLoad { Source = sources[b], Single = typeof(T) == typeof(float), Components = components };
        }

        var infos = await Call(refs, sources, new string[count], (g, b) => g.Load(loads[b]), cancellationToken).ConfigureAwait(false);
        int cols = infos[0].Cols;
        for (int b = 0; b < count; b++)
        {
            if (infos[b].Cols != cols)
            {
                throw new NmfInputException($"block {b} ({sources[b]}) on silo {infos[b].Silo} has {infos[b].Cols} columns, block 0 ({sources[0]}) has {cols}.");
            }

            loads[b] = loads[b] with { ExpectedCols = cols };
        }

        return new OrleansRowBlocks<T>(refs, loads, infos.Select(i => i.Silo).ToArray(), infos.Select(i => i.Rows).ToArray(), cols);
    }

    /// <summary>Rows of each block.</summary>
    public IReadOnlyList<int> BlockRows => _blockRows;

    /// <summary>Σ of X's stored values, summed over the blocks in order.</summary>
    public async Task<double> SumAsync(CancellationToken cancellationToken)
    {
        var sums = await Call(_grains, Sources, _silos, (g, _) => g.Sum(), cancellationToken).ConfigureAwait(false);
        double s = 0;
        foreach (double v in sums)
        {
            s += v;
        }

        return s;
    }

    /// <summary>Sets every W_b from the rows of <paramref name="w"/> (n x k, blocks in order).</summary>
    public Task SetWAsync(DenseMatrix<T> w, CancellationToken cancellationToken)
    {
        var parts = new DenseMatrix<T>[_grains.Length];
        int start = 0;
        for (int b = 0; b < parts.Length; b++)
        {
            parts[b] = w.SliceRows(start, _blockRows[b]);
            start += _blockRows[b];
        }

        return RestoreAsync(parts, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<RowBlockPartials<T>[]> StepAsync(RowBlockStep<T> step, CancellationToken cancellationToken)
    {
        var request = new StepRequest
        {
            Algorithm = (int)step.Algorithm,
            H = Wire.ToDouble(step.H.Data),
            Components = step.H.Rows,
            Beta = step.Beta,
            Gamma = step.Gamma,
            L1W = step.L1W,
            L2W = step.L2W,
            Order = step.Order,
            Threads = step.Threads,
        };
        var replies = await Call(_grains, Sources, _silos, (g, _) => g.Step(request), cancellationToken).ConfigureAwait(false);
        return replies.Select(r => new RowBlockPartials<T>(Wire.FromDouble<T>(r.Numerator), Wire.FromDouble<T>(r.Denominator), r.Violation)).ToArray();
    }

    /// <inheritdoc />
    public Task<double[]> DivergenceAsync(DenseMatrix<T> h, double beta, int threads, CancellationToken cancellationToken)
    {
        var hd = Wire.ToDouble(h.Data);
        return Call(_grains, Sources, _silos, (g, _) => g.Divergence(hd, h.Rows, beta, threads), cancellationToken);
    }

    /// <inheritdoc />
    public async Task<DenseMatrix<T>[]> GetWAsync(CancellationToken cancellationToken)
    {
        var w = await Call(_grains, Sources, _silos, (g, _) => g.GetW(), cancellationToken).ConfigureAwait(false);
        int k = _loads[0].Components;
        return w.Select(v => new DenseMatrix<T>(v.Length / k, k, Wire.FromDouble<T>(v))).ToArray();
    }

    /// <inheritdoc />
    public async Task RestoreAsync(DenseMatrix<T>[] w, CancellationToken cancellationToken)
    {
        var infos = await Call(_grains, Sources, _silos, (g, b) => g.Restore(_loads[b], Wire.ToDouble(w[b].Data)), cancellationToken).ConfigureAwait(false);
        for (int b = 0; b < infos.Length; b++)
        {
            _silos[b] = infos[b].Silo;
        }
    }

    /// <summary>Releases every block's data.</summary>
    public async Task ReleaseAsync()
    {
        try
        {
            await Task.WhenAll(_grains.Select(g => g.Release())).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OrleansException or TimeoutException)
        {
            // a block on a dead silo holds nothing to release
        }
    }

    /// <summary>Calls every block at once and maps failures to one-line errors naming block, silo and source.</summary>
    private static async Task<TResult[]> Call<TResult>(IRowBlockGrain[] grains, IReadOnlyList<BlockSource> sources, string[] silos, Func<IRowBlockGrain, int, Task<TResult>> call, CancellationToken cancellationToken)
    {
        var tasks = new Task<TResult>[grains.Length];
        for (int b = 0; b < grains.Length; b++)
        {
            tasks[b] = call(grains[b], b).WaitAsync(cancellationToken);
        }

        try
        {
            return await Task.WhenAll(tasks).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception)
        {
            for (int b = 0; b < tasks.Length; b++)
            {
                if (tasks[b].Exception?.InnerException is Exception e)
                {
                    string where = $"block {b} ({sources[b]}){(string.IsNullOrEmpty(silos[b]) ? "" : $" on silo {silos[b]}")}";
                    if (IsLoss(e))
                    {
                        throw new RowBlockUnavailableException($"{where} is unavailable: {FirstLine(e.Message)}.", e);
                    }

                    throw new NmfInputException(e.Message.Contains("silo", StringComparison.Ordinal) ? FirstLine(e.Message) : $"{where}: {FirstLine(e.Message)}", e);
                }
            }

            throw;
        }
    }

    private static bool IsLoss(Exception e) => e is SiloUnavailableException or OrleansMessageRejectionException or TimeoutException or Orleans.Runtime.Messaging.ConnectionFailedException
        || e.Message.Contains(RowBlockGrain.NotLoaded, StringComparison.Ordinal);

    private static string FirstLine(string message)
    {
        int nl = message.IndexOfAny(['\r', '\n']);
        return (nl < 0 ? message : message[..nl]).TrimEnd('.');
    }
}
