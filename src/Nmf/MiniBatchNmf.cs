using System.Diagnostics;
using System.Numerics;
using Nmf.Losses;
using Nmf.Matrices;
using Nmf.Solvers;

namespace Nmf;

/// <summary>
/// Mini-batch NMF with the meaning of scikit-learn 1.2's <c>MiniBatchNMF</c>: X ≈ W H fitted by multiplicative
/// updates over consecutive row batches (no shuffling), H kept as a ratio of discounted running sums so that
/// old batches are gradually forgotten (Lefèvre, Bach &amp; Févotte 2011). Any beta-divergence.
/// <see cref="Fit(IRowBatchSource{T}, DenseMatrix{T}?, DenseMatrix{T}?, CancellationToken)"/> streams rows that
/// do not fit in memory; <see cref="PartialFit"/> updates the model with new rows (online learning).
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
public sealed class MiniBatchNmf<T> : IDisposable where T : unmanaged, IFloatingPointIeee754<T>
{
    private DenseMatrix<T>? _components;
    private FactorRows<T>? _w;
    private readonly List<double> _batchCosts = [];
    private double? _ewaCost;
    private double? _ewaCostMin;
    private int _noImprovement;

    /// <summary>Creates an unfitted model; the options are checked here.</summary>
    /// <param name="options">Parameters with scikit-learn's meaning.</param>
    public MiniBatchNmf(MiniBatchNmfOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Validate(options);
        Options = options;
        Beta = options.BetaLoss;
        Gamma = MiniBatchMultiplicativeUpdate.Gamma(Beta);
    }

    /// <summary>The parameters of this model.</summary>
    public MiniBatchNmfOptions Options { get; }

    /// <summary>H (k x m), the components, after a fit or partial fit.</summary>
    public DenseMatrix<T> Components => _components ?? throw new InvalidOperationException("the model is not fitted: call Fit or PartialFit first.");

    /// <summary>W (n x k) of the last <see cref="Fit(IMatrix{T}, DenseMatrix{T}?, DenseMatrix{T}?, CancellationToken)"/>.</summary>
    public DenseMatrix<T> W => _w?.Matrix ?? throw new InvalidOperationException(_w is null
        ? "W is known after Fit (PartialFit does not keep it)."
        : "W of a streamed fit stays on disk: read it with ReadW.");

    /// <summary>
    /// W of the last fit in consecutive row batches; for a streamed fit W is kept in a temporary file (until
    /// <see cref="Dispose"/>) and read back here, one batch in memory at a time.
    /// </summary>
    /// <param name="batchSize">Rows per batch.</param>
    /// <returns>The rows of W in order.</returns>
    public IEnumerable<DenseMatrix<T>> ReadW(int batchSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var w = _w ?? throw new InvalidOperationException("W is known after Fit (PartialFit does not keep it).");
        for (int start = 0; start < w.Rows; start += batchSize)
        {
            yield return w.Read(start, Math.Min(batchSize, w.Rows - start));
        }
    }

    /// <summary>Deletes the temporary file of a streamed fit's W.</summary>
    public void Dispose()
    {
        _w?.Dispose();
        _w = null;
    }

    /// <summary>sqrt(2 · D_β(X | W H)) of the fitted data (scikit-learn's <c>reconstruction_err_</c>).</summary>
    public double ReconstructionError { get; private set; }

    /// <summary>Passes over the data started (scikit-learn's <c>n_iter_</c>).</summary>
    public int NIter { get; private set; }

    /// <summary>Mini-batches processed (scikit-learn's <c>n_steps_</c>); partial fits add one each.</summary>
    public int NSteps { get; private set; }

    /// <summary>The cost of each processed mini-batch (beta-divergence plus penalties, divided by the batch rows).</summary>
    public IReadOnlyList<double> BatchCosts => _batchCosts;

    /// <summary>Seconds spent in the last fit or partial fit (no file reading for in-memory data).</summary>
    public double Seconds { get; private set; }

    /// <summary>Running numerator A of H's update (k x m); with <see cref="ComponentsDenominator"/> the state that partial fits continue.</summary>
    internal DenseMatrix<T>? ComponentsNumerator { get; private set; }

    /// <summary>Running denominator B of H's update (k x m).</summary>
    internal DenseMatrix<T>? ComponentsDenominator { get; private set; }

    /// <summary>Discount rho = forget_factor^(batch_size / n_samples) of the running sums, fixed by the first fit.</summary>
    internal double Rho { get; private set; }

    private double Beta { get; }

    private double Gamma { get; }

    private int Threads => Options.Threads;

    /// <summary>
    /// Restores a model saved after a fit (H, the running sums A and B, rho and the step count) so that
    /// <see cref="PartialFit"/> continues exactly where it stopped.
    /// </summary>
    internal static MiniBatchNmf<T> Restore(MiniBatchNmfOptions options, DenseMatrix<T> components, DenseMatrix<T> numerator, DenseMatrix<T> denominator, double rho, int nSteps)
    {
        if (numerator.Rows != components.Rows || numerator.Cols != components.Cols || denominator.Rows != components.Rows || denominator.Cols != components.Cols)
        {
            throw new NmfInputException($"saved model: running sums are {numerator.Rows} x {numerator.Cols} and {denominator.Rows} x {denominator.Cols}, H is {components.Rows} x {components.Cols}.");
        }

        if (components.Rows != options.NComponents)
        {
            throw new NmfInputException($"saved model: H has {components.Rows} rows, n_components is {options.NComponents}.");
        }

        return new MiniBatchNmf<T>(options)
        {
            _components = components,
            ComponentsNumerator = numerator,
            ComponentsDenominator = denominator,
            Rho = rho,
            NSteps = nSteps,
        };
    }

    /// <summary>A fitted model made of its components alone, for <see cref="Transform"/> (a saved model read back).</summary>
    internal static MiniBatchNmf<T> FromComponents(MiniBatchNmfOptions options, DenseMatrix<T> components)
    {
        ArgumentNullException.ThrowIfNull(components);
        if (components.Rows != options.NComponents)
        {
            throw new NmfInputException($"saved model: H has {components.Rows} rows, n_components is {options.NComponents}.");
        }

        return new MiniBatchNmf<T>(options) { _components = components };
    }

    /// <summary>Fits the model to X held in memory.</summary>
    /// <param name="x">Data, n samples x m features, non-negative.</param>
    /// <param name="w0">Starting W (n x k) when <see cref="MiniBatchNmfOptions.Init"/> is <see cref="NmfInit.Custom"/>.</param>
    /// <param name="h0">Starting H (k x m) when the init is custom.</param>
    /// <param name="cancellationToken">Stops the fit between mini-batches.</param>
    /// <returns>This model.</returns>
    public MiniBatchNmf<T> Fit(IMatrix<T> x, DenseMatrix<T>? w0 = null, DenseMatrix<T>? h0 = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(x);
        CheckData(x, "X", 0);
        CheckBetaZeros(x);
        FitCore(new MatrixRowBatches<T>(x), x, w0, h0, cancellationToken);
        return this;
    }

    /// <summary>Fits the model to X held in memory and returns W (n x k).</summary>
    /// <param name="x">Data, n samples x m features, non-negative.</param>
    /// <param name="w0">Starting W when the init is custom.</param>
    /// <param name="h0">Starting H when the init is custom.</param>
    /// <param name="cancellationToken">Stops the fit between mini-batches.</param>
    /// <returns>W of the fit.</returns>
    public DenseMatrix<T> FitTransform(IMatrix<T> x, DenseMatrix<T>? w0 = null, DenseMatrix<T>? h0 = null, CancellationToken cancellationToken = default)
        => Fit(x, w0, h0, cancellationToken).W;

    /// <summary>
    /// Fits the model to rows streamed from <paramref name="source"/>, one mini-batch in memory at a time: the
    /// source is read once per pass (and once more at the end for the reconstruction error). W (n x k) is kept.
    /// The batches and the arithmetic are those of the in-memory fit, so the results are the same, except that with
    /// <see cref="MiniBatchNmfOptions.FreshRestarts"/> the final W is solved batch by batch (each batch stops on its
    /// own relative change) instead of for all rows at once.
    /// </summary>
    /// <param name="source">The rows, in batches.</param>
    /// <param name="w0">Starting W when the init is custom.</param>
    /// <param name="h0">Starting H when the init is custom.</param>
    /// <param name="cancellationToken">Stops the fit between mini-batches.</param>
    /// <returns>This model.</returns>
    public MiniBatchNmf<T> Fit(IRowBatchSource<T> source, DenseMatrix<T>? w0 = null, DenseMatrix<T>? h0 = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        FitCore(source, null, w0, h0, cancellationToken);
        return this;
    }

    /// <summary>
    /// Updates the model with the rows of X taken as one mini-batch (scikit-learn's <c>partial_fit</c>). The first
    /// call on an unfitted model initialises it from X (and fixes rho from X's rows); later calls continue the running
    /// sums. W of these rows is solved from scratch with at most <see cref="MiniBatchNmfOptions.FreshRestartsMaxIter"/> updates.
    /// </summary>
    /// <param name="x">New rows, with the model's number of columns.</param>
    /// <param name="w0">Starting W when the init is custom (first call only; checked, as scikit-learn does).</param>
    /// <param name="h0">Starting H when the init is custom (first call only).</param>
    /// <returns>This model.</returns>
    public MiniBatchNmf<T> PartialFit(IMatrix<T> x, DenseMatrix<T>? w0 = null, DenseMatrix<T>? h0 = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        CheckData(x, "X", 0);
        var clock = Stopwatch.StartNew();
        if (_components is null)
        {
            CheckBetaZeros(x);
            int batchSize = Math.Min(Options.BatchSize, x.Rows);
            Rho = Math.Pow(Options.ForgetFactor, (double)batchSize / x.Rows);
            var (_, h) = InitialFactors(x, w0, h0);
            _components = h;
            ComponentsNumerator = h.Clone();
            ComponentsDenominator = Ones(h.Rows, h.Cols);
            NSteps = 0;
        }
        else
        {
            if (x.Cols != _components.Cols)
            {
                throw new NmfInputException($"X has {x.Cols} columns, the model was fitted on {_components.Cols}.");
            }

            CheckBetaZeros(x);
        }

        DenseMatrix<T>? w = null;
        _batchCosts.Add(Step(x, ref w, _components));
        NSteps++;
        Seconds = clock.Elapsed.TotalSeconds;
        return this;
    }

    /// <summary>W for new rows with H fixed (scikit-learn's <c>MiniBatchNMF.transform</c>).</summary>
    /// <param name="x">Rows with the model's number of columns.</param>
    /// <returns>W (rows x k).</returns>
    public DenseMatrix<T> Transform(IMatrix<T> x)
    {
        ArgumentNullException.ThrowIfNull(x);
        var h = Components;
        if (x.Cols != h.Cols)
        {
            throw new NmfInputException($"X has {x.Cols} columns, the model was fitted on {h.Cols}.");
        }

        CheckData(x, "X", 0);
        return SolveW(x, h, TransformMaxIter, MiniBatchMultiplicativeUpdate.Mean(x));
    }

    /// <summary>W · H: the data as the model reconstructs it.</summary>
    /// <param name="w">W (rows x k).</param>
    /// <returns>rows x m.</returns>
    public DenseMatrix<T> InverseTransform(DenseMatrix<T> w)
    {
        ArgumentNullException.ThrowIfNull(w);
        var h = Components;
        if (w.Cols != h.Rows)
        {
            throw new ArgumentException($"W has {w.Cols} columns, the model has {h.Rows} components.", nameof(w));
        }

        var result = new DenseMatrix<T>(w.Rows, h.Cols);
        Kernels.Products.Multiply(w, h, result, Threads);
        return result;
    }

    private int TransformMaxIter => Options.TransformMaxIter ?? Options.MaxIter;

    private void FitCore(IRowBatchSource<T> source, IMatrix<T>? inMemory, DenseMatrix<T>? w0, DenseMatrix<T>? h0, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        int n = source.Rows, m = source.Cols;
        if (n < 1 || m < 1)
        {
            throw new NmfInputException($"X is empty ({n} x {m}).");
        }

        int batchSize = Math.Min(Options.BatchSize, n);
        Rho = Math.Pow(Options.ForgetFactor, (double)batchSize / n);
        var (w, h) = InitialFactors(inMemory, w0, h0, n, m, source);
        var hPrevious = h.Clone();
        ComponentsNumerator = h.Clone();
        ComponentsDenominator = Ones(h.Rows, h.Cols);
        _ewaCost = null;
        _ewaCostMin = null;
        _noImprovement = 0;
        _batchCosts.Clear();

        int stepsPerPass = (n + batchSize - 1) / batchSize;
        int step = 0;
        bool converged = false;
        for (int pass = 0; pass < Options.MaxIter && !converged; pass++)
        {
            int rowStart = 0;
            foreach (var batch in source.ReadBatches(batchSize))
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (pass == 0 && inMemory is null)
                {
                    CheckData(batch, "X", rowStart);
                    CheckBetaZeros(batch);
                }

                if (batch.Cols != m)
                {
                    throw new NmfInputException($"X: rows from {rowStart + 1} have {batch.Cols} columns, expected {m}.");
                }

                DenseMatrix<T>? wBatch = Options.FreshRestarts ? null : w.Read(rowStart, batch.Rows);
                double cost = Step(batch, ref wBatch, h);
                if (!Options.FreshRestarts)
                {
                    w.Write(rowStart, wBatch!);
                }

                _batchCosts.Add(cost);
                rowStart += batch.Rows;
                step++;
                if (Converged(batch.Rows, cost, h, hPrevious, n, step))
                {
                    converged = true;
                    break;
                }

                h.Data.CopyTo(hPrevious.Data, 0);
            }

            if (!converged && rowStart != n)
            {
                throw new NmfInputException($"X: the source delivered {rowStart} rows, expected {n}.");
            }
        }

        NSteps = step;
        NIter = (step + stepsPerPass - 1) / stepsPerPass;
        if (inMemory is not null)
        {
            if (Options.FreshRestarts)
            {
                w = FactorRows<T>.InMemory(SolveW(inMemory, h, TransformMaxIter, MiniBatchMultiplicativeUpdate.Mean(inMemory)));
            }

            ReconstructionError = ErrorOf(MiniBatchMultiplicativeUpdate.BetaDivergence(inMemory, w.Matrix!, h, Beta, Threads));
        }
        else
        {
            ReconstructionError = ErrorOf(FinishStreamed(source, w, h, batchSize, cancellationToken));
        }

        _w?.Dispose();
        _w = w;
        _components = h;
        Seconds = clock.Elapsed.TotalSeconds;
    }

    /// <summary>The last pass of a streamed fit: fresh-restart W per batch if asked, and the summed beta-divergence.</summary>
    private double FinishStreamed(IRowBatchSource<T> source, FactorRows<T> w, DenseMatrix<T> h, int batchSize, CancellationToken cancellationToken)
    {
        double mean = 0;
        if (Options.FreshRestarts)
        {
            double sum = 0;
            foreach (var batch in source.ReadBatches(batchSize))
            {
                sum += MiniBatchMultiplicativeUpdate.SumOf(batch);
            }

            mean = sum / ((double)source.Rows * source.Cols);
        }

        double divergence = 0;
        int rowStart = 0;
        foreach (var batch in source.ReadBatches(batchSize))
        {
            cancellationToken.ThrowIfCancellationRequested();
            DenseMatrix<T> wBatch;
            if (Options.FreshRestarts)
            {
                wBatch = SolveW(batch, h, TransformMaxIter, mean);
                w.Write(rowStart, wBatch);
            }
            else
            {
                wBatch = w.Read(rowStart, batch.Rows);
            }

            divergence += MiniBatchMultiplicativeUpdate.BetaDivergence(batch, wBatch, h, Beta, Threads);
            rowStart += batch.Rows;
        }

        return divergence;
    }

    /// <summary>One mini-batch (scikit-learn's <c>_minibatch_step</c>): update W (or solve it afresh), cost, update H.</summary>
    private double Step(IMatrix<T> x, ref DenseMatrix<T>? w, DenseMatrix<T> h)
    {
        int b = x.Rows;
        var (l1W, l1H, l2W, l2H) = Regularisation(x);
        if (Options.FreshRestarts || w is null)
        {
            w = SolveW(x, h, Options.FreshRestartsMaxIter, MiniBatchMultiplicativeUpdate.Mean(x));
        }
        else
        {
            MiniBatchMultiplicativeUpdate.UpdateW(x, w, h, Beta, l1W, l2W, Gamma, Threads);
        }

        // scikit-learn: necessary for stability with beta_loss < 1
        if (Beta < 1)
        {
            ZeroBelow(w.Data, NumericGuards<T>.ClipThreshold);
        }

        var (sumW, sumW2) = MiniBatchMultiplicativeUpdate.Sums(w.Data);
        var (sumH, sumH2) = MiniBatchMultiplicativeUpdate.Sums(h.Data);
        double cost = (MiniBatchMultiplicativeUpdate.BetaDivergence(x, w, h, Beta, Threads)
            + (l1W * sumW) + (l1H * sumH) + (l2W * sumW2) + (l2H * sumH2)) / b;

        MiniBatchMultiplicativeUpdate.UpdateHOnline(x, w, h, Beta, l1H, l2H, Gamma, ComponentsNumerator!, ComponentsDenominator!, Rho, Threads);
        if (Beta <= 1)
        {
            ZeroBelow(h.Data, NumericGuards<T>.ClipThreshold);
        }

        return cost;
    }

    /// <summary>
    /// scikit-learn's <c>_minibatch_convergence</c>: skip the first step, smooth the batch cost with an exponentially
    /// weighted average, stop on a small relative change of H or after too many steps without a new minimum.
    /// </summary>
    private bool Converged(int batchRows, double batchCost, DenseMatrix<T> h, DenseMatrix<T> hPrevious, int n, int step)
    {
        if (step == 1)
        {
            return false;
        }

        if (_ewaCost is null)
        {
            _ewaCost = batchCost;
        }
        else
        {
            double alpha = Math.Min((double)batchRows / (n + 1), 1.0);
            _ewaCost = (_ewaCost.Value * (1 - alpha)) + (batchCost * alpha);
        }

        double hChange = MiniBatchMultiplicativeUpdate.RelativeChange(h.Data, hPrevious.Data);
        if (Options.Tol > 0 && hChange <= Options.Tol)
        {
            return true;
        }

        if (_ewaCostMin is null || _ewaCost < _ewaCostMin)
        {
            _noImprovement = 0;
            _ewaCostMin = _ewaCost;
        }
        else
        {
            _noImprovement++;
        }

        return Options.MaxNoImprovement is int limit && _noImprovement >= limit;
    }

    private DenseMatrix<T> SolveW(IMatrix<T> x, DenseMatrix<T> h, int maxIter, double mean)
    {
        var (l1W, _, l2W, _) = Regularisation(x);
        return MiniBatchMultiplicativeUpdate.SolveW(x, h, maxIter, Options.Tol, mean, l1W, l2W, Beta, Gamma, Threads);
    }

    /// <summary>scikit-learn 1.2's scaling: W's terms by the number of features, H's by the rows of this batch.</summary>
    private (double L1W, double L1H, double L2W, double L2H) Regularisation(IMatrix<T> x)
    {
        double alphaW = Options.AlphaW, alphaH = Options.AlphaH ?? Options.AlphaW, r = Options.L1Ratio;
        return (x.Cols * alphaW * r, x.Rows * alphaH * r, x.Cols * alphaW * (1.0 - r), x.Rows * alphaH * (1.0 - r));
    }

    private (DenseMatrix<T> W, DenseMatrix<T> H) InitialFactors(IMatrix<T> x, DenseMatrix<T>? w0, DenseMatrix<T>? h0)
    {
        var (w, h) = InitialFactors(x, w0, h0, x.Rows, x.Cols);
        return (w.Matrix!, h);
    }

    /// <summary>
    /// scikit-learn's <c>_check_w_h</c>: the given W0 and H0 for <see cref="NmfInit.Custom"/>, otherwise
    /// <see cref="Init.NmfInitializer"/> on the data in memory. Streamed data (<paramref name="x"/> null) can only
    /// start at random (the default for streams), from the mean summed over one pass of <paramref name="stream"/>.
    /// </summary>
    private (FactorRows<T> W, DenseMatrix<T> H) InitialFactors(IMatrix<T>? x, DenseMatrix<T>? w0, DenseMatrix<T>? h0, int n, int m, IRowBatchSource<T>? stream = null)
    {
        int k = Options.NComponents;
        if (Options.Init == NmfInit.Custom)
        {
            CheckStart(h0, k, m, "H0");
            CheckStart(w0, n, k, "W0");
            if (x is not null)
            {
                return (FactorRows<T>.InMemory(w0!.Clone()), h0!.Clone());
            }

            var rows = FactorRows<T>.TemporaryFile(n, k);
            rows.Write(0, w0!);
            return (rows, h0!.Clone());
        }

        if (w0 is not null || h0 is not null)
        {
            throw new ArgumentException($"W0 and H0 are used only with Init = Custom, not {Options.Init}.", nameof(w0));
        }

        if (x is not null)
        {
            var (wi, hi) = Init.NmfInitializer.Initialize(x, k, Options.Init, Options.RandomState, Threads);
            return (FactorRows<T>.InMemory(wi), hi);
        }

        if (Options.Init is not (NmfInit.Auto or NmfInit.Random))
        {
            throw new NmfInputException($"init {Options.Init.ToString().ToLowerInvariant()} needs the whole matrix in memory; a streamed fit starts from random or custom factors.");
        }

        double sum = 0;
        foreach (var batch in stream!.ReadBatches(Math.Min(Options.BatchSize, n)))
        {
            sum += MiniBatchMultiplicativeUpdate.SumOf(batch);
        }

        // scikit-learn's random init, drawn in its order (all of H, then W row after row) but written to the
        // temporary W file a block of rows at a time.
        T avg = T.Sqrt(T.CreateChecked(sum / ((double)n * m)) / T.CreateChecked(k));
        var rng = Init.NumpyRandomState.FromSeed(Options.RandomState);
        var h = new DenseMatrix<T>(k, m);
        Draw(h.Data);
        var w = FactorRows<T>.TemporaryFile(n, k);
        int chunk = Math.Max(1, (1 << 16) / k);
        for (int start = 0; start < n; start += chunk)
        {
            var rowsOfW = new DenseMatrix<T>(Math.Min(chunk, n - start), k);
            Draw(rowsOfW.Data);
            w.Write(start, rowsOfW);
        }

        return (w, h);

        void Draw(T[] target)
        {
            for (int i = 0; i < target.Length; i++)
            {
                target[i] = T.Abs(avg * T.CreateTruncating(rng.StandardNormal()));
            }
        }
    }

    private static void CheckStart(DenseMatrix<T>? a, int rows, int cols, string name)
    {
        if (a is null)
        {
            throw new ArgumentException($"Init = Custom needs {name} ({rows} x {cols}).", name);
        }

        if (a.Rows != rows || a.Cols != cols)
        {
            throw new ArgumentException($"{name} is {a.Rows} x {a.Cols}, expected {rows} x {cols}.", name);
        }

        T max = T.Zero;
        for (int p = 0; p < a.Data.Length; p++)
        {
            T v = a.Data[p];
            if (T.IsNaN(v) || T.IsInfinity(v) || v < T.Zero)
            {
                throw new ArgumentException($"{name} has {v} at row {(p / cols) + 1}, column {(p % cols) + 1}; it must be finite and non-negative.", name);
            }

            max = T.Max(max, v);
        }

        if (max == T.Zero)
        {
            throw new ArgumentException($"{name} is full of zeros.", name);
        }
    }

    /// <summary>Non-negative and finite; <paramref name="rowOffset"/> makes the reported row absolute in a stream.</summary>
    private static void CheckData(IMatrix<T> x, string name, int rowOffset)
    {
        switch (x)
        {
            case DenseMatrix<T> d:
                for (int p = 0; p < d.Data.Length; p++)
                {
                    T v = d.Data[p];
                    if (T.IsNaN(v) || T.IsInfinity(v) || v < T.Zero)
                    {
                        throw new NmfInputException($"{name} has {v} at row {rowOffset + (p / d.Cols) + 1}, column {(p % d.Cols) + 1}; values must be finite and non-negative.");
                    }
                }

                break;
            case CsrMatrix<T> s:
                for (int i = 0; i < s.Rows; i++)
                {
                    for (int p = s.RowPtr[i]; p < s.RowPtr[i + 1]; p++)
                    {
                        T v = s.Values[p];
                        if (T.IsNaN(v) || T.IsInfinity(v) || v < T.Zero)
                        {
                            throw new NmfInputException($"{name} has {v} at row {rowOffset + i + 1}, column {s.ColIndices[p] + 1}; values must be finite and non-negative.");
                        }
                    }
                }

                break;
            default:
                throw new NotSupportedException(x.GetType().Name);
        }
    }

    /// <summary>scikit-learn: with beta ≤ 0 and a zero in X the updates may diverge, so it is refused.</summary>
    private void CheckBetaZeros(IMatrix<T> x)
    {
        if (Beta > 0)
        {
            return;
        }

        bool hasZero = x switch
        {
            DenseMatrix<T> d => Array.IndexOf(d.Data, T.Zero) >= 0,
            CsrMatrix<T> s => s.Values.Length < (long)s.Rows * s.Cols || Array.IndexOf(s.Values, T.Zero) >= 0,
            _ => false,
        };
        if (hasZero)
        {
            throw new NmfInputException($"X contains zeros and beta_loss = {Beta} ≤ 0: the solver may diverge; add small values to X or use a positive beta_loss.");
        }
    }

    private static void Validate(MiniBatchNmfOptions o)
    {
        if (o.NComponents < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(o.NComponents), o.NComponents, "n_components must be at least 1.");
        }

        if (o.BatchSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(o.BatchSize), o.BatchSize, "batch_size must be at least 1.");
        }

        if (!(o.ForgetFactor >= 0 && o.ForgetFactor <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(o.ForgetFactor), o.ForgetFactor, "forget_factor must be in [0, 1].");
        }

        if (o.FreshRestartsMaxIter < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(o.FreshRestartsMaxIter), o.FreshRestartsMaxIter, "fresh_restarts_max_iter must be at least 1.");
        }

        if (o.TransformMaxIter is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(o.TransformMaxIter), o.TransformMaxIter, "transform_max_iter must be at least 1 or null.");
        }

        if (o.MaxNoImprovement is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(o.MaxNoImprovement), o.MaxNoImprovement, "max_no_improvement must be at least 1 or null.");
        }

        if (o.MaxIter < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(o.MaxIter), o.MaxIter, "max_iter must be at least 1.");
        }

        if (!(o.Tol >= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(o.Tol), o.Tol, "tol must be non-negative.");
        }

        if (!double.IsFinite(o.BetaLoss))
        {
            throw new ArgumentOutOfRangeException(nameof(o.BetaLoss), o.BetaLoss, "beta_loss must be a finite number.");
        }

        if (!(o.AlphaW >= 0) || o.AlphaH is double ah && !(ah >= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(o.AlphaW), "alpha_W and alpha_H must be non-negative.");
        }

        if (!(o.L1Ratio >= 0 && o.L1Ratio <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(o.L1Ratio), o.L1Ratio, "l1_ratio must be in [0, 1].");
        }
    }

    private static DenseMatrix<T> Ones(int rows, int cols)
    {
        var m = new DenseMatrix<T>(rows, cols);
        m.Data.AsSpan().Fill(T.One);
        return m;
    }

    private static void ZeroBelow(T[] values, T threshold)
    {
        for (int p = 0; p < values.Length; p++)
        {
            if (values[p] < threshold)
            {
                values[p] = T.Zero;
            }
        }
    }

    private static double ErrorOf(double divergence) => Math.Sqrt(2 * Math.Max(divergence, 0));
}
