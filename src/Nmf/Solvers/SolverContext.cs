using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;
using Nmf.Losses;
using Nmf.Matrices;

namespace Nmf.Solvers;

/// <summary>
/// Everything a solver needs besides W and H: the data, the validated options, the scaled regularisation, and
/// the per-iteration bookkeeping (history, progress, cancellation).
/// </summary>
internal sealed class SolverContext<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly List<NmfIteration>? _history;
    private readonly IProgress<NmfIteration>? _progress;
    private readonly long _start = Stopwatch.GetTimestamp();
    private double _xSquaredNorm = double.NaN;

    /// <summary>Creates a context; <paramref name="history"/> null means no history is kept (transform).</summary>
    public SolverContext(
        IMatrix<T> x,
        NmfOptions options,
        Regularization regularization,
        bool updateH,
        int seed,
        List<NmfIteration>? history,
        IProgress<NmfIteration>? progress,
        CancellationToken cancellationToken)
    {
        X = x;
        Options = options;
        Regularization = regularization;
        UpdateH = updateH;
        Seed = seed;
        Threads = options.Threads > 0 ? options.Threads : Environment.ProcessorCount;
        _history = history;
        _progress = progress;
        CancellationToken = cancellationToken;
    }

    /// <summary>The data, n samples x m features.</summary>
    public IMatrix<T> X { get; }

    /// <summary>The validated options.</summary>
    public NmfOptions Options { get; }

    /// <summary>Beta of the beta-divergence.</summary>
    public double Beta => Options.BetaLoss;

    /// <summary>Stopping tolerance.</summary>
    public double Tol => Options.Tol;

    /// <summary>Maximum number of iterations.</summary>
    public int MaxIter => Options.MaxIter;

    /// <summary>The scaled penalties.</summary>
    public Regularization Regularization { get; }

    /// <summary>False for <c>transform</c>: H is a constant and only W is solved for.</summary>
    public bool UpdateH { get; }

    /// <summary>The seed for the solver's own randomness (cd's shuffle), the same as the initialisation's.</summary>
    public int Seed { get; }

    /// <summary>Threads the products may use.</summary>
    public int Threads { get; }

    /// <summary>Cancels the fit between iterations.</summary>
    public CancellationToken CancellationToken { get; }

    /// <summary>Whether anyone reads the per-iteration loss (history or progress); solvers may skip it otherwise.</summary>
    public bool WantsLoss => _history is not null || _progress is not null;

    /// <summary>‖X‖_F², computed once on first use.</summary>
    public double XSquaredNorm
    {
        get
        {
            if (double.IsNaN(_xSquaredNorm))
            {
                _xSquaredNorm = BetaDivergence.SquaredNorm(X, Threads);
            }

            return _xSquaredNorm;
        }
    }

    /// <summary>Seconds since the context was created.</summary>
    public double ElapsedSeconds => Stopwatch.GetElapsedTime(_start).TotalSeconds;

    /// <summary>
    /// Records iteration <paramref name="iteration"/> with its beta-divergence <paramref name="loss"/>
    /// (<see cref="double.NaN"/> when not computed), reports progress and throws if cancellation was requested.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void EndIteration(int iteration, double loss)
    {
        if (_history is not null || _progress is not null)
        {
            double relative = double.NaN;
            if (Beta == 2.0 && !double.IsNaN(loss))
            {
                double xNorm = XSquaredNorm;
                relative = xNorm > 0 ? Math.Sqrt(2.0 * Math.Max(loss, 0.0) / xNorm) : 0.0;
            }

            var record = new NmfIteration(iteration, ElapsedSeconds, loss, relative);
            _history?.Add(record);
            _progress?.Report(record);
        }

        CancellationToken.ThrowIfCancellationRequested();
    }
}
