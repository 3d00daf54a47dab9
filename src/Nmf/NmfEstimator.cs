using System.Diagnostics;
using System.Numerics;
using Nmf.Init;
using Nmf.Kernels;
using Nmf.Losses;
using Nmf.Matrices;
using Nmf.Solvers;

namespace Nmf;

/// <summary>
/// Non-negative matrix factorization X ≈ W H with the meaning, parameters and numbers of scikit-learn 1.2's
/// <c>sklearn.decomposition.NMF</c>: X is n samples x m features, W is n x k, H (<see cref="Components"/>) is
/// k x m, all non-negative, fitted by minimising a beta-divergence with optional L1/L2 penalties.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>; results keep the type of the input.</typeparam>
/// <remarks>
/// The estimator validates, initialises W and H, scales the regularisation and dispatches to the solver chosen
/// by <see cref="NmfOptions.Solver"/>. Results depend only on the input, the options and the seed, never on the
/// thread count.
/// </remarks>
public sealed class NmfEstimator<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private DenseMatrix<T>? _w;
    private DenseMatrix<T>? _h;
    private List<NmfIteration> _history = [];

    /// <summary>Creates an estimator with the given options (validated when fitting).</summary>
    /// <param name="options">The parameters; see <see cref="NmfOptions"/>.</param>
    public NmfEstimator(NmfOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
    }

    /// <summary>The parameters of the fit.</summary>
    public NmfOptions Options { get; }

    /// <summary>H, the k x m components (scikit-learn's <c>components_</c>), after a fit.</summary>
    /// <exception cref="InvalidOperationException">Not fitted yet.</exception>
    public DenseMatrix<T> Components => _h ?? throw NotFitted();

    /// <summary>W, the n x k weights of the fitted rows, after a fit.</summary>
    /// <exception cref="InvalidOperationException">Not fitted yet.</exception>
    public DenseMatrix<T> W => _w ?? throw NotFitted();

    /// <summary>
    /// sqrt(2 · D_β(X ‖ WH)) of the fit, scikit-learn's <c>reconstruction_err_</c> (‖X − WH‖_F for beta = 2).
    /// </summary>
    public double ReconstructionError { get; private set; } = double.NaN;

    /// <summary>Number of iterations the solver ran (scikit-learn's <c>n_iter_</c>).</summary>
    public int NIter { get; private set; }

    /// <summary>One record per iteration of the last fit: elapsed time, loss and relative error.</summary>
    public IReadOnlyList<NmfIteration> History => _history;

    /// <summary>Seconds the last fit took: validation, initialisation, iterations and the final error.</summary>
    public double Seconds { get; private set; }

    /// <summary>Of <see cref="Seconds"/>, the part the last fit spent making (or copying the custom) W and H.</summary>
    public double InitSeconds { get; private set; }

    /// <summary>Fits W and H to <paramref name="x"/>.</summary>
    /// <param name="x">The data, n x m, non-negative, dense or CSR.</param>
    /// <param name="w0">Starting W (n x k) when <see cref="NmfOptions.Init"/> is <see cref="NmfInit.Custom"/>; ignored otherwise.</param>
    /// <param name="h0">Starting H (k x m) when <see cref="NmfOptions.Init"/> is <see cref="NmfInit.Custom"/>; ignored otherwise.</param>
    /// <param name="progress">Receives one <see cref="NmfIteration"/> per iteration.</param>
    /// <param name="cancellationToken">Stops the fit between iterations (throws <see cref="OperationCanceledException"/>).</param>
    /// <returns>This estimator.</returns>
    /// <exception cref="NmfInputException">The data or the options are unusable; the message says which and why.</exception>
    public NmfEstimator<T> Fit(
        IMatrix<T> x,
        DenseMatrix<T>? w0 = null,
        DenseMatrix<T>? h0 = null,
        IProgress<NmfIteration>? progress = null,
        CancellationToken cancellationToken = default)
    {
        FitTransform(x, w0, h0, progress, cancellationToken);
        return this;
    }

    /// <summary>Fits W and H to <paramref name="x"/> and returns W (n x k), as scikit-learn's <c>fit_transform</c>.</summary>
    /// <inheritdoc cref="Fit" />
    public DenseMatrix<T> FitTransform(
        IMatrix<T> x,
        DenseMatrix<T>? w0 = null,
        DenseMatrix<T>? h0 = null,
        IProgress<NmfIteration>? progress = null,
        CancellationToken cancellationToken = default)
    {
        long start = Stopwatch.GetTimestamp();
        var options = Options;
        var solver = SolverRegistry.Get(options.Solver);
        NmfValidation.ValidateOptions(options, solver);
        int threads = KernelThreads.Resolve(options.Threads);
        NmfValidation.ValidateData(x, "X", options.BetaLoss, threads);
        int k = options.NComponents;
        NmfValidation.ValidateInit(options.Init, k, x.Rows, x.Cols);
        int seed = options.RandomState ?? Random.Shared.Next();

        DenseMatrix<T> w, h;
        long initStart = Stopwatch.GetTimestamp();
        if (options.Init == NmfInit.Custom)
        {
            NmfValidation.ValidateFactor(h0, "H0", k, x.Cols, "n_components x n_features", threads);
            NmfValidation.ValidateFactor(w0, "W0", x.Rows, k, "n_samples x n_components", threads);
            w = w0!.Clone();
            h = h0!.Clone();
        }
        else
        {
            (w, h) = NmfInitializer.Initialize(x, k, options.Init, seed, options.Threads);
        }

        InitSeconds = Stopwatch.GetElapsedTime(initStart).TotalSeconds;

        var history = new List<NmfIteration>();
        var context = new SolverContext<T>(
            x, options, Regularization.Scaled(options, x.Rows, x.Cols), updateH: true, seed, history, progress, cancellationToken);
        int nIter = solver.Solve(context, w, h);

        _w = w;
        _h = h;
        _history = history;
        NIter = nIter;
        ReconstructionError = LastIterationHoldsError(x, options, history, nIter)
            ? Math.Sqrt(2.0 * Math.Max(history[^1].Loss, 0.0))
            : BetaDivergence.ReconstructionError(x, w, h, options.BetaLoss, threads);
        Seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        return w;
    }

    /// <summary>
    /// cd, hals and ehals end every iteration with ½‖X − WH‖² of the final W and H from the Gram matrices
    /// (‖X‖² − 2⟨H, WᵀX⟩ + ⟨WᵀW, HHᵀ⟩), so the last one is the fit's error and X need not be read again (P1: 16 ms of
    /// a 0.4 s fit). The identity cancels ‖X‖²: each term carries a rounding error of about 1e-13·‖X‖² in double, so
    /// dense X takes it only in double and only where the loss is at least 1e-4·½‖X‖² (relative error ‖X − WH‖/‖X‖ of
    /// at least 1%; the result's own relative error is then below 1e-9); nearly exact fits and float32 keep the direct formula. CSR X always takes it, as its loss is
    /// computed that way anyway.
    /// </summary>
    private static bool LastIterationHoldsError(IMatrix<T> x, NmfOptions options, List<NmfIteration> history, int nIter)
    {
        if (options.BetaLoss != 2.0 || options.Solver is not (NmfSolver.Cd or NmfSolver.Hals or NmfSolver.Ehals)
            || history.Count == 0 || history[^1].Iteration != nIter || double.IsNaN(history[^1].Loss))
        {
            return false;
        }

        return x is CsrMatrix<T>
            || (typeof(T) == typeof(double) && history[^1].RelativeError >= 1e-2);
    }

    /// <summary>
    /// W for new rows with H fixed to <see cref="Components"/>, as scikit-learn's <c>transform</c>: the fitted
    /// solver runs on W only (same tol, max_iter and penalties, scaled by the shape of <paramref name="x"/>), from
    /// zeros (from sqrt(mean(X) / k) for <c>mu</c>).
    /// </summary>
    /// <param name="x">New data, r x m, with the m features of the fit.</param>
    /// <returns>W, r x k.</returns>
    /// <exception cref="NmfInputException">The data do not fit the model.</exception>
    public DenseMatrix<T> Transform(IMatrix<T> x)
    {
        var h = Components;
        var options = Options;
        var solver = SolverRegistry.Get(options.Solver);
        NmfValidation.ValidateData(x, "X", options.BetaLoss, KernelThreads.Resolve(options.Threads));
        if (x.Cols != h.Cols)
        {
            throw new NmfInputException($"X has {x.Cols} features, but the model was fitted on {h.Cols}.");
        }

        var w = new DenseMatrix<T>(x.Rows, h.Rows);
        solver.InitializeTransform(x, w);
        var context = new SolverContext<T>(
            x, options, Regularization.Scaled(options, x.Rows, x.Cols), updateH: false,
            options.RandomState ?? Random.Shared.Next(), history: null, progress: null, CancellationToken.None);
        solver.Solve(context, w, h);
        return w;
    }

    /// <summary>W · H: data of the original space from weights (scikit-learn's <c>inverse_transform</c>).</summary>
    /// <param name="w">Weights, r x k.</param>
    /// <returns>r x m.</returns>
    public DenseMatrix<T> InverseTransform(DenseMatrix<T> w)
    {
        ArgumentNullException.ThrowIfNull(w);
        var h = Components;
        if (w.Cols != h.Rows)
        {
            throw new NmfInputException($"W has {w.Cols} columns, but the model has {h.Rows} components.");
        }

        var result = new DenseMatrix<T>(w.Rows, h.Cols);
        int threads = Options.Threads > 0 ? Options.Threads : Environment.ProcessorCount;
        Products.Multiply(w, h, result, threads);
        return result;
    }

    /// <summary>
    /// An estimator holding saved components H, ready for <see cref="Transform"/> and <see cref="InverseTransform"/>
    /// of new data without refitting (for example a model written by <c>nmf fit</c>).
    /// </summary>
    /// <param name="options">The options of the fit that produced <paramref name="components"/>.</param>
    /// <param name="components">H, k x m, non-negative and finite, with k = <see cref="NmfOptions.NComponents"/>.</param>
    /// <returns>An estimator whose <see cref="Components"/> are <paramref name="components"/> (W is not set).</returns>
    /// <exception cref="NmfInputException">H does not have k rows or holds a negative or non-finite value.</exception>
    public static NmfEstimator<T> FromComponents(NmfOptions options, DenseMatrix<T> components)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(components);
        NmfValidation.ValidateFactor(components, "H", options.NComponents, components.Cols, "n_components x n_features");
        return new NmfEstimator<T>(options) { _h = components.Clone() };
    }

    private static InvalidOperationException NotFitted() =>
        new("This NMF estimator is not fitted yet; call Fit or FitTransform first.");
}
