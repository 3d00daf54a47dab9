using System.Diagnostics;
using System.Numerics;
using Nmf.Matrices;
using Nmf.Solvers;

namespace Nmf.Distributed;

/// <summary>The outcome of a block-parallel fit.</summary>
/// <param name="H">The fitted H (k x m).</param>
/// <param name="NIter">Iterations done (scikit-learn's <c>n_iter_</c>).</param>
/// <param name="ReconstructionError">sqrt(2 · Σ_b D_β(X_b | W_b H)), scikit-learn's <c>reconstruction_err_</c>.</param>
/// <param name="Resumes">How many times the fit went back to a checkpoint after losing a block.</param>
/// <param name="Seconds">Wall time of the fit.</param>
/// <param name="BytesPerIteration">Bytes sent to and from the blocks in one iteration (H out, shares back), counted from the array sizes.</param>
internal sealed record BlockFitResult<T>(DenseMatrix<T> H, int NIter, double ReconstructionError, int Resumes, double Seconds, long BytesPerIteration)
    where T : unmanaged, IFloatingPointIeee754<T>;

/// <summary>
/// The driver of the 1-D data-parallel NMF (Kannan, Ballard &amp; Park 2016, "A high-performance parallel algorithm
/// for nonnegative matrix factorization", Algorithm 3): per iteration H is broadcast, every row block updates its
/// W_b locally and returns W_bᵀX_b-type shares, the driver sums them in block order and updates H. The updates are
/// scikit-learn's <c>mu</c> (any beta) and <c>cd</c> (HALS), so with one block the fit is scikit-learn's, and with
/// any partition it equals the single-machine fit up to the order of the sums of H's shares.
/// Every <c>checkpointInterval</c> iterations H and all W_b are kept; when a block is lost the fit resumes there.
/// </summary>
internal sealed class BlockParallelNmf<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly NmfOptions _options;
    private readonly int _checkpointInterval;
    private readonly int _maxResumes;
    private readonly Action<string>? _log;
    private readonly Func<int, Task>? _afterIteration;
    private readonly bool _logCheckpoints;

    /// <summary>Creates the driver.</summary>
    /// <param name="options">Solver <see cref="NmfSolver.Mu"/> or <see cref="NmfSolver.Cd"/>, beta, tol, max_iter, penalties.</param>
    /// <param name="checkpointInterval">Iterations between checkpoints; 0 keeps none (a lost block then fails the fit).</param>
    /// <param name="maxResumes">How many losses the fit survives before it fails.</param>
    /// <param name="log">Receives one line per resume.</param>
    /// <param name="afterIteration">Called after each completed iteration (tests use it to stop a silo mid-fit).</param>
    /// <param name="logCheckpoints">Also send one line per checkpoint to <paramref name="log"/>.</param>
    public BlockParallelNmf(NmfOptions options, int checkpointInterval = 10, int maxResumes = 3, Action<string>? log = null, Func<int, Task>? afterIteration = null, bool logCheckpoints = false)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Solver is not (NmfSolver.Mu or NmfSolver.Cd))
        {
            throw new ArgumentException($"the distributed fit runs solver mu or cd (HALS), not {options.Solver}.", nameof(options));
        }

        if (options.Solver == NmfSolver.Cd && options.BetaLoss != 2)
        {
            throw new ArgumentException($"solver cd minimises the Frobenius loss only (beta_loss = 2), not {options.BetaLoss}.", nameof(options));
        }

        if (options.Solver == NmfSolver.Cd && options.Shuffle)
        {
            throw new ArgumentException("the distributed cd runs without shuffle.", nameof(options));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(checkpointInterval);
        ArgumentOutOfRangeException.ThrowIfNegative(maxResumes);
        _options = options;
        _checkpointInterval = checkpointInterval;
        _maxResumes = maxResumes;
        _log = log;
        _afterIteration = afterIteration;
        _logCheckpoints = logCheckpoints;
    }

    /// <summary>Runs the fit from H0 (and the W_b the blocks hold).</summary>
    public async Task<BlockFitResult<T>> FitAsync(IRowBlocks<T> blocks, DenseMatrix<T> h0, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(blocks);
        ArgumentNullException.ThrowIfNull(h0);
        var clock = Stopwatch.StartNew();
        var state = new State(h0.Clone());
        var checkpoint = _checkpointInterval > 0 ? await TakeCheckpoint(blocks, state, cancellationToken).ConfigureAwait(false) : null;
        int resumes = 0;
        bool isMu = _options.Solver == NmfSolver.Mu;
        while (true)
        {
            try
            {
                if (isMu)
                {
                    await RunMu(blocks, state, checkpoint, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await RunCd(blocks, state, checkpoint, cancellationToken).ConfigureAwait(false);
                }

                double error = Math.Sqrt(2 * Math.Max(0, (await blocks.DivergenceAsync(state.H, _options.BetaLoss, Threads, cancellationToken).ConfigureAwait(false)).Sum()));
                return new BlockFitResult<T>(state.H, state.Iteration, error, resumes, clock.Elapsed.TotalSeconds, BytesPerIteration(blocks));
            }
            catch (RowBlockUnavailableException e) when (checkpoint is not null && resumes < _maxResumes)
            {
                resumes++;
                _log?.Invoke($"{e.Message} Resuming from the checkpoint of iteration {checkpoint.State.Iteration} ({resumes} of at most {_maxResumes}).");
                await RestoreWithRetries(blocks, checkpoint.W, cancellationToken).ConfigureAwait(false);
                state = checkpoint.State.Copy();
            }
            catch (RowBlockUnavailableException e)
            {
                string why = checkpoint is null ? "no checkpoints are kept" : $"already resumed {resumes} times";
                throw new RowBlockUnavailableException($"{e.Message} The fit stopped at iteration {state.Iteration + 1}: {why}.", e);
            }
        }
    }

    /// <summary>
    /// Restores every block, retrying while the cluster has not yet noticed the lost host (its blocks cannot be
    /// re-created elsewhere before the host is declared dead): 0.5 s, 1 s, 2 s, ... up to about a minute in all.
    /// </summary>
    private static async Task RestoreWithRetries(IRowBlocks<T> blocks, DenseMatrix<T>[] w, CancellationToken cancellationToken)
    {
        var delay = TimeSpan.FromMilliseconds(500);
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                await blocks.RestoreAsync(w, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (RowBlockUnavailableException) when (attempt < 8)
            {
                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
                delay *= 2;
            }
        }
    }

    private int Threads => _options.Threads > 0 ? _options.Threads : Environment.ProcessorCount;

    private (double L1W, double L2W, double L1H, double L2H) Penalties(IRowBlocks<T> blocks)
    {
        double alphaW = _options.AlphaW, alphaH = _options.AlphaH ?? _options.AlphaW, r = _options.L1Ratio;
        return (blocks.Cols * alphaW * r, blocks.Cols * alphaW * (1 - r), blocks.Rows * alphaH * r, blocks.Rows * alphaH * (1 - r));
    }

    /// <summary>scikit-learn's <c>_fit_multiplicative_update</c>, W's update and H's shares done by the blocks.</summary>
    private async Task RunMu(IRowBlocks<T> blocks, State state, Checkpoint? checkpoint, CancellationToken cancellationToken)
    {
        double beta = _options.BetaLoss, gamma = MiniBatchMultiplicativeUpdate.Gamma(beta), tol = _options.Tol;
        var (l1W, l2W, l1H, l2H) = Penalties(blocks);
        int k = state.H.Rows, m = state.H.Cols;
        if (tol > 0 && state.Iteration == 0)
        {
            state.ErrorAtInit = await Error(blocks, state.H, cancellationToken).ConfigureAwait(false);
            state.PreviousError = state.ErrorAtInit;
        }

        var order = Enumerable.Range(0, k).ToArray();
        while (state.Iteration < _options.MaxIter)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int iteration = state.Iteration + 1;
            var shares = await blocks.StepAsync(new RowBlockStep<T>(BlockAlgorithm.MultiplicativeUpdate, state.H, beta, gamma, l1W, l2W, order, Threads), cancellationToken).ConfigureAwait(false);
            var numerator = SumInOrder(shares, s => s.Numerator, k * m);
            var denominator = SumInOrder(shares, s => s.Denominator, shares[0].Denominator.Length);
            var h = state.H.Clone();
            RowBlockKernels.UpdateH(h, numerator, denominator, beta, gamma, l1H, l2H, Threads);
            state.H = h;
            state.Iteration = iteration;
            if (tol > 0 && iteration % 10 == 0)
            {
                double error = await Error(blocks, state.H, cancellationToken).ConfigureAwait(false);
                if ((state.PreviousError - error) / state.ErrorAtInit < tol)
                {
                    return;
                }

                state.PreviousError = error;
            }

            await MaybeCheckpoint(blocks, state, checkpoint, cancellationToken).ConfigureAwait(false);
            if (_afterIteration is not null)
            {
                await _afterIteration(iteration).ConfigureAwait(false);
            }
        }
    }

    /// <summary>scikit-learn's <c>_fit_coordinate_descent</c>: W's sweep by the blocks, H's sweep here from the summed Grams.</summary>
    private async Task RunCd(IRowBlocks<T> blocks, State state, Checkpoint? checkpoint, CancellationToken cancellationToken)
    {
        var (l1W, l2W, l1H, l2H) = Penalties(blocks);
        int k = state.H.Rows, m = state.H.Cols;
        var order = Enumerable.Range(0, k).ToArray();
        while (state.Iteration < _options.MaxIter)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int iteration = state.Iteration + 1;
            var shares = await blocks.StepAsync(new RowBlockStep<T>(BlockAlgorithm.CoordinateDescent, state.H, 2, 1, l1W, l2W, order, Threads), cancellationToken).ConfigureAwait(false);
            double violation = 0;
            foreach (var s in shares)
            {
                violation += s.Violation;
            }

            var wtx = SumInOrder(shares, s => s.Numerator, k * m);
            var wtw = SumInOrder(shares, s => s.Denominator, k * k);
            var h = state.H.Clone();
            violation += RowBlockKernels.CoordinateDescentH(h, wtx, wtw, l1H, l2H, order);
            state.H = h;
            state.Iteration = iteration;
            if (iteration == 1)
            {
                state.ViolationInit = violation;
            }

            if (state.ViolationInit == 0 || violation / state.ViolationInit <= _options.Tol)
            {
                return;
            }

            await MaybeCheckpoint(blocks, state, checkpoint, cancellationToken).ConfigureAwait(false);
            if (_afterIteration is not null)
            {
                await _afterIteration(iteration).ConfigureAwait(false);
            }
        }
    }

    private async Task<double> Error(IRowBlocks<T> blocks, DenseMatrix<T> h, CancellationToken cancellationToken)
    {
        var parts = await blocks.DivergenceAsync(h, _options.BetaLoss, Threads, cancellationToken).ConfigureAwait(false);
        double sum = 0;
        foreach (double p in parts)
        {
            sum += p;
        }

        return Math.Sqrt(2 * Math.Max(sum, 0));
    }

    private async Task MaybeCheckpoint(IRowBlocks<T> blocks, State state, Checkpoint? checkpoint, CancellationToken cancellationToken)
    {
        if (checkpoint is not null && state.Iteration % _checkpointInterval == 0)
        {
            var taken = await TakeCheckpoint(blocks, state, cancellationToken).ConfigureAwait(false);
            checkpoint.W = taken.W;
            checkpoint.State = taken.State;
            if (_logCheckpoints)
            {
                _log?.Invoke($"checkpoint at iteration {state.Iteration}.");
            }
        }
    }

    private static async Task<Checkpoint> TakeCheckpoint(IRowBlocks<T> blocks, State state, CancellationToken cancellationToken)
        => new(await blocks.GetWAsync(cancellationToken).ConfigureAwait(false), state.Copy());

    /// <summary>Σ_b share_b, added in block order (the fixed reduction order that makes the fit deterministic).</summary>
    private static T[] SumInOrder(RowBlockPartials<T>[] shares, Func<RowBlockPartials<T>, T[]> part, int length)
    {
        var sum = new T[length];
        foreach (var s in shares)
        {
            var p = part(s);
            for (int i = 0; i < length; i++)
            {
                sum[i] += p[i];
            }
        }

        return sum;
    }

    private long BytesPerIteration(IRowBlocks<T> blocks)
    {
        long size = System.Runtime.CompilerServices.Unsafe.SizeOf<T>();
        int k = _options.NComponents, m = blocks.Cols;
        long down = (long)k * m;
        long up = (long)k * m + (_options.Solver == NmfSolver.Cd || _options.BetaLoss == 2 ? (long)k * k : _options.BetaLoss == 1 ? k : (long)k * m);
        return blocks.BlockCount * (down + up) * size;
    }

    private sealed class State(DenseMatrix<T> h)
    {
        public DenseMatrix<T> H { get; set; } = h;

        public int Iteration { get; set; }

        public double ErrorAtInit { get; set; }

        public double PreviousError { get; set; }

        public double ViolationInit { get; set; }

        public State Copy() => new(H.Clone())
        {
            Iteration = Iteration,
            ErrorAtInit = ErrorAtInit,
            PreviousError = PreviousError,
            ViolationInit = ViolationInit,
        };
    }

    private sealed class Checkpoint(DenseMatrix<T>[] w, State state)
    {
        public DenseMatrix<T>[] W { get; set; } = w;

        public State State { get; set; } = state;
    }
}
