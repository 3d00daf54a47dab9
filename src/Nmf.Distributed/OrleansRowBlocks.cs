using System.Numerics;
using Nmf.Matrices;
using Orleans.Runtime;

namespace Nmf.Distributed;

/// <summary>
/// Row blocks held by <see cref="IRowBlockGrain"/>s on the silos of an Orleans cluster. Calls go to all blocks at
/// once; results come back in block order. A silo that is gone (or a block that lost its rows or is in another
/// state than the client counts on) surfaces as <see cref="RowBlockUnavailableException"/>; any other error of a
/// block as <see cref="NmfInputException"/> naming the block's silo and source.
/// </summary>
/// <remarks>
/// A call to a silo that dies while it computes is never answered: Orleans only gives up after its response timeout
/// (minutes, since a step on a large block may take long), and a client learns of a dead silo only through its
/// gateway. So while calls are out, the cluster's membership is polled (<see cref="SiloWatch"/>) and a call whose
/// silo has been declared dead fails at once as a lost block.
/// </remarks>
internal sealed class OrleansRowBlocks<T> : IRowBlocks<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly IRowBlockGrain[] _grains;
    private readonly BlockLoad[] _loads;
    private readonly string[] _silos;
    private readonly int[] _blockRows;
    private readonly SiloWatch _watch;
    private long _generation;
    private int _steps;

    private OrleansRowBlocks(IRowBlockGrain[] grains, BlockLoad[] loads, string[] silos, int[] blockRows, int cols, SiloWatch watch)
    {
        _grains = grains;
        _loads = loads;
        _silos = silos;
        _blockRows = blockRows;
        _watch = watch;
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

    /// <summary>Bytes of the values exchanged so far (array payloads of every call, both ways).</summary>
    public long ValueBytes { get; private set; }

    /// <summary>Loads the blocks: each silo reads its own source; W_b is unset until <see cref="RestoreAsync"/>.</summary>
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

        var watch = await SiloWatch.StartAsync(grains, cancellationToken).ConfigureAwait(false);
        var infos = await Call(refs, sources, new string[count], watch, (g, b) => g.Load(loads[b]), cancellationToken).ConfigureAwait(false);
        int cols = infos[0].Cols;
        for (int b = 0; b < count; b++)
        {
            if (infos[b].Cols != cols)
            {
                throw new NmfInputException($"block {b} ({sources[b]}) on silo {infos[b].Silo} has {infos[b].Cols} columns, block 0 ({sources[0]}) has {cols}.");
            }

            loads[b] = loads[b] with { ExpectedCols = cols };
        }

        return new OrleansRowBlocks<T>(refs, loads, infos.Select(i => i.Silo).ToArray(), infos.Select(i => i.Rows).ToArray(), cols, watch);
    }

    /// <summary>Rows of each block.</summary>
    public IReadOnlyList<int> BlockRows => _blockRows;

    private BlockStamp Stamp => new(_generation, _steps);

    /// <inheritdoc />
    public async Task<double> SumAsync(CancellationToken cancellationToken)
    {
        var sums = await Call((g, _) => g.Sum(), cancellationToken).ConfigureAwait(false);
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
            H = Numbers.From<T>(step.H.Data),
            Components = step.H.Rows,
            Beta = step.Beta,
            Gamma = step.Gamma,
            L1W = step.L1W,
            L2W = step.L2W,
            Order = step.Order,
            Threads = step.Threads,
            Stamp = Stamp,
        };
        var replies = await Call((g, _) => g.Step(request), cancellationToken).ConfigureAwait(false);
        _steps++;
        ValueBytes += (long)request.H.Bytes.Length * _grains.Length + replies.Sum(r => (long)r.Numerator.Bytes.Length + r.Denominator.Bytes.Length);
        return replies.Select(r => new RowBlockPartials<T>(r.Numerator.To<T>(), r.Denominator.To<T>(), r.Violation)).ToArray();
    }

    /// <inheritdoc />
    public Task<double[]> DivergenceAsync(DenseMatrix<T> h, double beta, int threads, CancellationToken cancellationToken)
    {
        var packed = Numbers.From<T>(h.Data);
        var stamp = Stamp;
        return Call((g, _) => g.Divergence(packed, h.Rows, beta, threads, stamp), cancellationToken);
    }

    /// <inheritdoc />
    public async Task<DenseMatrix<T>[]> GetWAsync(CancellationToken cancellationToken)
    {
        var stamp = Stamp;
        var w = await Call((g, _) => g.GetW(stamp), cancellationToken).ConfigureAwait(false);
        int k = _loads[0].Components;
        return w.Select(v => new DenseMatrix<T>(v.Length / k, k, v.To<T>())).ToArray();
    }

    /// <inheritdoc />
    public async Task RestoreAsync(DenseMatrix<T>[] w, CancellationToken cancellationToken)
    {
        long generation = ++_generation;
        _steps = 0;
        var infos = await Call((g, b) => g.Restore(_loads[b], Numbers.From<T>(w[b].Data), generation), cancellationToken).ConfigureAwait(false);
        for (int b = 0; b < infos.Length; b++)
        {
            _silos[b] = infos[b].Silo;
        }
    }

    /// <inheritdoc />
    public async Task<DenseMatrix<T>[]> TimesTransposedAsync(DenseMatrix<T> q, int threads, CancellationToken cancellationToken)
    {
        var packed = Numbers.From<T>(q.Data);
        var parts = await Call((g, _) => g.TimesTransposed(packed, q.Rows, threads), cancellationToken).ConfigureAwait(false);
        return parts.Select((p, b) => new DenseMatrix<T>(_blockRows[b], q.Rows, p.To<T>())).ToArray();
    }

    /// <inheritdoc />
    public async Task<DenseMatrix<T>[]> TransposedTimesAsync(DenseMatrix<T>[] y, int threads, CancellationToken cancellationToken)
    {
        int cols = y[0].Cols;
        var parts = await Call((g, b) => g.TransposedTimes(Numbers.From<T>(y[b].Data), cols, threads), cancellationToken).ConfigureAwait(false);
        return parts.Select(p => new DenseMatrix<T>(cols, Cols, p.To<T>())).ToArray();
    }

    /// <summary>Releases every block's data (a block whose silo is gone holds nothing; the wait is bounded).</summary>
    public async Task ReleaseAsync()
    {
        try
        {
            await Task.WhenAll(_grains.Select(g => g.Release())).WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OrleansException or TimeoutException or InvalidOperationException)
        {
            // a block on a dead silo holds nothing to release
        }
    }

    private Task<TResult[]> Call<TResult>(Func<IRowBlockGrain, int, Task<TResult>> call, CancellationToken cancellationToken)
        => Call(_grains, _loads.Select(l => l.Source).ToArray(), _silos, _watch, call, cancellationToken);

    /// <summary>
    /// Calls every block at once and maps failures to one-line errors naming block, silo and source. While the calls
    /// are out, <paramref name="watch"/> checks every second that the silos holding them are still members.
    /// </summary>
    private static async Task<TResult[]> Call<TResult>(IRowBlockGrain[] grains, IReadOnlyList<BlockSource> sources, string[] silos, SiloWatch watch, Func<IRowBlockGrain, int, Task<TResult>> call, CancellationToken cancellationToken)
    {
        var tasks = new Task<TResult>[grains.Length];
        for (int b = 0; b < grains.Length; b++)
        {
            tasks[b] = call(grains[b], b);
        }

        var all = Task.WhenAll(tasks);
        try
        {
            while (!all.IsCompleted)
            {
                await Task.WhenAny(all, Task.Delay(watch.Interval, cancellationToken)).ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
                if (!all.IsCompleted)
                {
                    await watch.CheckAsync(tasks, sources, silos, cancellationToken).ConfigureAwait(false);
                }
            }

            return await all.ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Forget(all);
            throw;
        }
        catch (Exception e) when (e is RowBlockUnavailableException or ClusterUnreachableException)
        {
            Forget(all);
            throw;
        }
        catch (Exception)
        {
            for (int b = 0; b < tasks.Length; b++)
            {
                if (tasks[b].Exception?.InnerException is Exception e)
                {
                    string where = SiloWatch.Where(b, sources, silos);
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

    /// <summary>Observes the calls left behind when a fit gives up on them, so their late failures go nowhere.</summary>
    private static void Forget(Task task) => task.ContinueWith(t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);

    private static bool IsLoss(Exception e) => e is SiloUnavailableException or OrleansMessageRejectionException or TimeoutException or Orleans.Runtime.Messaging.ConnectionFailedException
        || e.Message.Contains(RowBlockGrain.NotLoaded, StringComparison.Ordinal) || e.Message.Contains(RowBlockGrain.OutOfStep, StringComparison.Ordinal);

    private static string FirstLine(string message)
    {
        int nl = message.IndexOfAny(['\r', '\n']);
        return (nl < 0 ? message : message[..nl]).TrimEnd('.', ' ');
    }
}

/// <summary>
/// Watches the cluster's membership while calls to the blocks are out: the silos the cluster counts as active
/// (Orleans' management grain), read when a call has been out for <see cref="Interval"/> and every interval after.
/// </summary>
internal sealed class SiloWatch
{
    private readonly IManagementGrain _management;
    private readonly HashSet<string> _atStart;

    private SiloWatch(IManagementGrain management, HashSet<string> atStart)
    {
        _management = management;
        _atStart = atStart;
    }

    private System.Diagnostics.Stopwatch? _failingSince;

    /// <summary>How long the membership may stay unreadable (the client's gateway silo gone) before the fit gives up.</summary>
    public static readonly TimeSpan GatewayTimeout = TimeSpan.FromSeconds(15);

    /// <summary>How long a call may be out before the membership is checked, and between checks.</summary>
    public TimeSpan Interval { get; } = TimeSpan.FromSeconds(1);

    /// <summary>Reads the active silos once, as the reference for blocks not yet placed.</summary>
    public static async Task<SiloWatch> StartAsync(IGrainFactory grains, CancellationToken cancellationToken)
    {
        var management = grains.GetGrain<IManagementGrain>(0);
        var active = await ActiveAsync(management, cancellationToken).ConfigureAwait(false) ?? [];
        return new SiloWatch(management, active);
    }

    /// <summary>
    /// Fails with <see cref="RowBlockUnavailableException"/> when a block whose call is still out sits on a silo that
    /// is no longer active, or (for blocks not yet placed) when a silo active at the start has gone.
    /// </summary>
    public async Task CheckAsync<TResult>(Task<TResult>[] calls, IReadOnlyList<BlockSource> sources, string[] silos, CancellationToken cancellationToken)
    {
        var active = await ActiveAsync(_management, cancellationToken).ConfigureAwait(false);
        if (active is null)
        {
            _failingSince ??= System.Diagnostics.Stopwatch.StartNew();
            if (_failingSince.Elapsed > GatewayTimeout)
            {
                throw new ClusterUnreachableException($"the cluster's gateway has not answered for {_failingSince.Elapsed.TotalSeconds:F0} s (its silo, the cluster's primary, is down or unreachable); the fit cannot go on.");
            }

            return;
        }

        _failingSince = null;

        for (int b = 0; b < calls.Length; b++)
        {
            if (calls[b].IsCompleted)
            {
                continue;
            }

            string where = Where(b, sources, silos);
            if (!string.IsNullOrEmpty(silos[b]))
            {
                if (!active.Contains(silos[b]))
                {
                    throw new RowBlockUnavailableException($"{where} is unavailable: the cluster declared silo {silos[b]} dead.");
                }
            }
            else if (_atStart.FirstOrDefault(s => !active.Contains(s)) is string gone)
            {
                throw new RowBlockUnavailableException($"{where} is unavailable: the cluster declared silo {gone} dead while the blocks were loading.");
            }
        }
    }

    /// <summary>"block B (SOURCE) on silo S", for messages.</summary>
    internal static string Where(int b, IReadOnlyList<BlockSource> sources, string[] silos)
        => $"block {b} ({sources[b]}){(string.IsNullOrEmpty(silos[b]) ? "" : $" on silo {silos[b]}")}";

    /// <summary>The active silos, or null when the membership cannot be read right now (the calls then go on).</summary>
    private static async Task<HashSet<string>?> ActiveAsync(IManagementGrain management, CancellationToken cancellationToken)
    {
        try
        {
            var hosts = await management.GetHosts(onlyActive: true).WaitAsync(TimeSpan.FromSeconds(10), cancellationToken).ConfigureAwait(false);
            return hosts.Keys.Select(s => s.ToParsableString()).ToHashSet(StringComparer.Ordinal);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }
}

/// <summary>
/// The client lost its way into the cluster (the gateway silo it connects through, the primary, is gone): unlike a
/// lost block, nothing can be resumed, and the fit ends with this one-line error.
/// </summary>
public sealed class ClusterUnreachableException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ClusterUnreachableException()
    {
    }

    /// <summary>Creates the exception with a one-line message.</summary>
    public ClusterUnreachableException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public ClusterUnreachableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
