using System.Numerics;
using Nmf.Kernels;
using Nmf.Matrices;

namespace Nmf.Solvers;

/// <summary>Parameters of <see cref="SparseNmf"/>.</summary>
public sealed record SparseNmfOptions
{
    /// <summary>Number of components k. Required, at least 1.</summary>
    public int NComponents { get; init; }

    /// <summary>
    /// Target Hoyer sparseness in [0, 1] of every basis vector (row of H, Hoyer's columns of W); null leaves the
    /// basis unconstrained. Default 0.7.
    /// </summary>
    public double? BasisSparseness { get; init; } = 0.7;

    /// <summary>
    /// Target Hoyer sparseness in [0, 1] of every component's encodings (column of W, Hoyer's rows of H); null
    /// (the default) leaves the encodings unconstrained.
    /// </summary>
    public double? EncodingSparseness { get; init; }

    /// <summary>Maximum number of iterations; default 500.</summary>
    public int MaxIter { get; init; } = 500;

    /// <summary>
    /// Stop when the objective fell by less than <c>Tol</c> times its starting value over the last 10 iterations;
    /// default 1e-4, 0 runs <see cref="MaxIter"/> iterations.
    /// </summary>
    public double Tol { get; init; } = 1e-4;

    /// <summary>Seed of the random start; default 0.</summary>
    public int RandomState { get; init; }

    /// <summary>Threads for the kernels; 0 (default) uses every core.</summary>
    public int Threads { get; init; }
}

/// <summary>
/// NMF with sparseness constraints (Hoyer 2004, "Non-negative matrix factorization with sparseness constraints",
/// JMLR 5, section 3.1): minimise ½‖X − WH‖²_F subject to every constrained vector having exactly the target
/// Hoyer sparseness. A constrained factor takes a gradient step and is projected back onto the set of
/// non-negative vectors with the target sparseness (the projection of section 3.2); the step halves until the
/// objective does not increase and grows by 1.2 after each success. An unconstrained factor takes Lee &amp;
/// Seung's multiplicative step.
/// </summary>
/// <remarks>
/// Orientation is scikit-learn's: X is n x m, the basis vectors are the rows of H (Hoyer's columns of W, whose
/// Euclidean norms the projection keeps), the encodings the columns of W (Hoyer's rows of H, projected to unit
/// norm; without that constraint they are renormalised to unit norm after each step, the scale moving to H).
/// </remarks>
public static class SparseNmf
{
    /// <summary>Fits sparse NMF to dense non-negative data.</summary>
    /// <param name="x">The data, n x m, non-negative.</param>
    /// <param name="options">The parameters.</param>
    /// <param name="w0">Optional starting encodings (n x k); with <paramref name="h0"/>, replaces the random start.</param>
    /// <param name="h0">Optional starting basis (k x m).</param>
    /// <param name="cancellationToken">Checked once per iteration.</param>
    /// <exception cref="NmfInputException">When X has a negative or non-finite entry.</exception>
    /// <exception cref="ArgumentOutOfRangeException">When a target sparseness is outside [0, 1].</exception>
    public static NmfFactorization<T> Fit<T>(DenseMatrix<T> x, SparseNmfOptions options, DenseMatrix<T>? w0 = null,
        DenseMatrix<T>? h0 = null, CancellationToken cancellationToken = default)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(options);
        int k = options.NComponents, n = x.Rows, m = x.Cols, threads = options.Threads;
        VariantHelpers.Validate(x, k, "snmf");
        CheckTarget(options.BasisSparseness, nameof(options.BasisSparseness));
        CheckTarget(options.EncodingSparseness, nameof(options.EncodingSparseness));
        var (w, h) = w0 is not null && h0 is not null
            ? (w0.Clone(), h0.Clone())
            : VariantHelpers.RandomStart(x, k, options.RandomState);

        // Target L1 norms for unit L2 norm: from Hoyer's definition, L1 = L2 (√d − s (√d − 1)).
        double? basisL1 = options.BasisSparseness is { } sb ? Math.Sqrt(m) - (sb * (Math.Sqrt(m) - 1)) : null;
        double? encodingL1 = options.EncodingSparseness is { } se ? Math.Sqrt(n) - (se * (Math.Sqrt(n) - 1)) : null;

        // Start on the constraint sets (Hoyer's nmfsc.m does the same): basis at unit norm, encodings at unit norm.
        if (basisL1 is { } b0)
        {
            for (int c = 0; c < k; c++)
            {
                SparsenessProjection.ProjectInPlace(h.Row(c), b0, 1.0);
            }
        }

        if (encodingL1 is { } e0)
        {
            ProjectColumns(w, e0);
        }

        double normX = LeastSquaresHelpers.SquaredNorm(x);
        var xht = new DenseMatrix<T>(n, k);
        var wtx = new DenseMatrix<T>(k, m);
        var hht = new DenseMatrix<T>(k, k);
        var wtw = new DenseMatrix<T>(k, k);
        var product = new DenseMatrix<T>(n, k);
        var productH = new DenseMatrix<T>(k, m);
        T tiny = T.CreateChecked(1e-9); // Hoyer's guard in the multiplicative denominators
        double stepW = 1, stepH = 1;

        double objective = Objective(normX, w, h, x, wtx, wtw, threads);
        double initial = objective, previous = objective;
        var history = new List<double>();
        int iteration = 0;
        while (iteration < options.MaxIter)
        {
            cancellationToken.ThrowIfCancellationRequested();
            iteration++;

            // Encodings (W). Gradient (WH − X)Hᵀ = W HHᵀ − XHᵀ.
            Products.XHt(x, h, xht, threads);
            Products.GramRows(h, hht, threads);
            Products.Multiply(w, hht, product, threads);
            if (encodingL1 is { } l1W)
            {
                if (!ProjectedGradientStep(w, product, xht, ref stepW, ref objective, trial =>
                {
                    ProjectColumns(trial, l1W);
                    return ObjectiveFromW(normX, trial, xht, hht, threads);
                }))
                {
                    return Finish(x, w, h, iteration, history, threads);
                }
            }
            else
            {
                for (int i = 0; i < w.Data.Length; i++)
                {
                    w.Data[i] *= xht.Data[i] / (product.Data[i] + tiny);
                }

                // Unit-norm encodings, the scale moved to the basis, as in nmfsc.m.
                for (int c = 0; c < k; c++)
                {
                    T norm = T.Zero;
                    for (int i = 0; i < n; i++)
                    {
                        norm += w[i, c] * w[i, c];
                    }

                    norm = T.Sqrt(norm);
                    if (norm > T.Zero)
                    {
                        for (int i = 0; i < n; i++)
                        {
                            w[i, c] /= norm;
                        }

                        var hc = h.Row(c);
                        for (int j = 0; j < m; j++)
                        {
                            hc[j] *= norm;
                        }
                    }
                }
            }

            // Basis (H). Gradient Wᵀ(WH − X) = WᵀW H − WᵀX.
            Products.WtX(w, x, wtx, threads);
            Products.GramCols(w, wtw, threads);
            Products.Multiply(wtw, h, productH, threads);
            if (basisL1 is { } l1H)
            {
                objective = Objective(normX, w, h, x, wtx, wtw, threads);
                if (!ProjectedGradientStep(h, productH, wtx, ref stepH, ref objective, trial =>
                {
                    // Each basis vector keeps its Euclidean norm after the step; only its sparseness is set.
                    for (int c = 0; c < k; c++)
                    {
                        var row = trial.Row(c);
                        double norm = 0;
                        foreach (T v in row)
                        {
                            double d = double.CreateChecked(v);
                            norm += d * d;
                        }

                        norm = Math.Sqrt(norm);
                        SparsenessProjection.ProjectInPlace(row, l1H * norm, norm);
                    }

                    return LeastSquaresHelpers.HalfSquaredError(normX, wtx, wtw, trial, threads);
                }))
                {
                    return Finish(x, w, h, iteration, history, threads);
                }
            }
            else
            {
                for (int i = 0; i < h.Data.Length; i++)
                {
                    h.Data[i] *= wtx.Data[i] / (productH.Data[i] + tiny);
                }

                objective = LeastSquaresHelpers.HalfSquaredError(normX, wtx, wtw, h, threads);
            }

            history.Add(objective);
            if (options.Tol > 0 && iteration % 10 == 0)
            {
                if (initial > 0 && (previous - objective) / initial < options.Tol)
                {
                    break;
                }

                previous = objective;
            }
        }

        return Finish(x, w, h, iteration, history, threads);
    }

    private static NmfFactorization<T> Finish<T>(DenseMatrix<T> x, DenseMatrix<T> w, DenseMatrix<T> h, int iteration,
        List<double> history, int threads) where T : unmanaged, IFloatingPointIeee754<T>
        => new(w, h, iteration, history, VariantHelpers.FrobeniusError(x, w, h, threads));

    /// <summary>
    /// One projected-gradient step on <paramref name="current"/> along −(<paramref name="product"/> − <paramref name="target"/>)
    /// with Hoyer's backtracking: the step halves until the objective of the projected trial does not rise, then grows by 1.2.
    /// </summary>
    /// <returns>False when the step underflows; <paramref name="current"/> is then unchanged.</returns>
    private static bool ProjectedGradientStep<T>(DenseMatrix<T> current, DenseMatrix<T> product, DenseMatrix<T> target,
        ref double step, ref double objective, Func<DenseMatrix<T>, double> projectAndScore)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var trial = new DenseMatrix<T>(current.Rows, current.Cols);
        while (true)
        {
            T t = T.CreateChecked(step);
            for (int i = 0; i < trial.Data.Length; i++)
            {
                trial.Data[i] = current.Data[i] - (t * (product.Data[i] - target.Data[i]));
            }

            double candidate = projectAndScore(trial);
            if (candidate <= objective)
            {
                objective = candidate;
                break;
            }

            step /= 2;
            if (step < 1e-200)
            {
                return false;
            }
        }

        step *= 1.2;
        trial.Data.CopyTo(current.Data, 0);
        return true;
    }

    private static double Objective<T>(double normX, DenseMatrix<T> w, DenseMatrix<T> h, DenseMatrix<T> x,
        DenseMatrix<T> wtx, DenseMatrix<T> wtw, int threads) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Products.WtX(w, x, wtx, threads);
        Products.GramCols(w, wtw, threads);
        return LeastSquaresHelpers.HalfSquaredError(normX, wtx, wtw, h, threads);
    }

    /// <summary>½‖X − WH‖² for a trial W from the fixed XHᵀ and HHᵀ: ½(‖X‖² − 2⟨W, XHᵀ⟩ + ⟨WᵀW, HHᵀ⟩).</summary>
    private static double ObjectiveFromW<T>(double normX, DenseMatrix<T> w, DenseMatrix<T> xht, DenseMatrix<T> hht, int threads)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var wtw = new DenseMatrix<T>(w.Cols, w.Cols);
        Products.GramCols(w, wtw, threads);
        double value = normX - (2 * LeastSquaresHelpers.Dot(w, xht)) + LeastSquaresHelpers.Dot(wtw, hht);
        return Math.Max(0, value) / 2;
    }

    /// <summary>Projects every column of <paramref name="w"/> to unit L2 norm and L1 norm <paramref name="l1"/>.</summary>
    private static void ProjectColumns<T>(DenseMatrix<T> w, double l1) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var column = new T[w.Rows];
        for (int c = 0; c < w.Cols; c++)
        {
            for (int i = 0; i < w.Rows; i++)
            {
                column[i] = w[i, c];
            }

            SparsenessProjection.ProjectInPlace<T>(column, l1, 1.0);
            for (int i = 0; i < w.Rows; i++)
            {
                w[i, c] = column[i];
            }
        }
    }

    private static void CheckTarget(double? target, string name)
    {
        if (target is { } t && !(t >= 0 && t <= 1))
        {
            throw new ArgumentOutOfRangeException(name, t, "a target Hoyer sparseness must lie in [0, 1].");
        }
    }
}

/// <summary>
/// Hoyer's (2004, section 3.2) projection: the non-negative vector closest in Euclidean distance to x with given
/// L1 and L2 norms. Starting from x moved onto the L1 hyperplane, it repeatedly moves out from the centre of the
/// simplex's current face until the L2 norm is met, and fixes at zero the entries that went negative.
/// </summary>
internal static class SparsenessProjection
{
    /// <summary>Replaces <paramref name="x"/> by its projection with L1 norm <paramref name="l1"/> and L2 norm <paramref name="l2"/>.</summary>
    public static void ProjectInPlace<T>(Span<T> x, double l1, double l2) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int d = x.Length;
        if (d == 0)
        {
            return;
        }

        var s = new double[d];
        double sum = 0;
        for (int i = 0; i < d; i++)
        {
            s[i] = double.CreateChecked(x[i]);
            sum += s[i];
        }

        if (!(l2 > 0))
        {
            x.Clear();
            return;
        }

        // Step 1: onto the hyperplane Σ s = L1.
        double shift = (l1 - sum) / d;
        for (int i = 0; i < d; i++)
        {
            s[i] += shift;
        }

        var zero = new bool[d];
        int zeros = 0;
        double target = l2 * l2;
        for (int round = 0; round <= d; round++)
        {
            // Midpoint of the current face: L1 / (d − |Z|) on the free entries, 0 on the fixed ones.
            double mid = l1 / (d - zeros);
            double a = 0, b = 0, c = -target;
            for (int i = 0; i < d; i++)
            {
                double mi = zero[i] ? 0 : mid;
                double wi = s[i] - mi;
                a += wi * wi;
                b += 2 * wi * s[i];
                c += s[i] * s[i];
            }

            // Solve ‖s + α (s − m)‖² = L2² for the root α ≥ 0 (the larger one).
            if (a > 0)
            {
                double alpha = (-b + Math.Sqrt(Math.Max(0, (b * b) - (4 * a * c)))) / (2 * a);
                for (int i = 0; i < d; i++)
                {
                    double mi = zero[i] ? 0 : mid;
                    s[i] += alpha * (s[i] - mi);
                }
            }

            bool negative = false;
            for (int i = 0; i < d; i++)
            {
                if (s[i] < 0)
                {
                    negative = true;
                }
            }

            if (!negative)
            {
                break;
            }

            // Fix the non-positive entries at zero and move the rest back onto the L1 hyperplane.
            double kept = 0;
            for (int i = 0; i < d; i++)
            {
                if (s[i] <= 0 && !zero[i])
                {
                    zero[i] = true;
                    zeros++;
                }

                if (zero[i])
                {
                    s[i] = 0;
                }

                kept += s[i];
            }

            if (zeros == d)
            {
                break;
            }

            double back = (l1 - kept) / (d - zeros);
            for (int i = 0; i < d; i++)
            {
                if (!zero[i])
                {
                    s[i] += back;
                }
            }
        }

        for (int i = 0; i < d; i++)
        {
            x[i] = T.CreateChecked(Math.Max(0, s[i]));
        }
    }
}
