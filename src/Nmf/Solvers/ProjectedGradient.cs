using System.Numerics;
using Nmf.Kernels;
using Nmf.Matrices;

namespace Nmf.Solvers;

/// <summary>
/// Alternating non-negative least squares solved by projected gradient with the Armijo rule along the projection
/// arc (Lin 2007, "Projected gradient methods for nonnegative matrix factorization", Neural Computation 19,
/// section 4.1, Algorithm 4 for each sub-problem). Each outer iteration solves the sub-problem for W, then for H,
/// to a tolerance that tightens tenfold whenever a sub-problem was already solved in one step.
/// </summary>
/// <remarks>
/// Stopping (Lin 2007, eq. 16): ‖∇ᴾf(W, H)‖_F ≤ tol · ‖∇f(W⁰, H⁰)‖_F, where ∇ᴾ keeps the gradient entries that are
/// negative or whose variable is positive. The sub-problems work on k x k Gram matrices only, so X is touched
/// twice per outer iteration, as in ALS.
/// </remarks>
internal sealed class ProjectedGradientSolver : INmfSolver
{
    /// <summary>Sufficient-decrease constant σ of the Armijo rule (Lin 2007 uses 0.01).</summary>
    private const double Sigma = 0.01;

    /// <summary>Step-size factor β (Lin 2007 uses 0.1).</summary>
    private const double Beta = 0.1;

    /// <summary>Most projected-gradient steps per sub-problem.</summary>
    private const int SubproblemMaxIter = 1000;

    /// <summary>Most step-size trials per step (Lin's code uses 20).</summary>
    private const int StepTrials = 20;

    /// <inheritdoc />
    public string Name => "pg";

    /// <inheritdoc />
    public bool SupportsBeta(double beta) => beta == 2.0;

    /// <inheritdoc />
    public int Solve<T>(SolverContext<T> context, DenseMatrix<T> w, DenseMatrix<T> h)
        where T : unmanaged, IFloatingPointIeee754<T>
        => Fit(context.X, w, h, LeastSquaresSettings.From(context), context.EndIteration, context.CancellationToken);

    /// <summary>
    /// Runs the alternating projected-gradient method from W (n x k) and H (k x m), updating both in place.
    /// </summary>
    /// <param name="x">The data, n x m, dense or CSR.</param>
    /// <param name="w">Starting W, replaced by the fitted W.</param>
    /// <param name="h">Starting H, replaced by the fitted H.</param>
    /// <param name="settings">Outer iterations, tolerance, regularisation and threads.</param>
    /// <param name="onIteration">Called after each outer iteration with its number (from 1) and ½‖X − WH‖²_F.</param>
    /// <param name="cancellationToken">Checked once per outer iteration.</param>
    /// <returns>The number of outer iterations run.</returns>
    public static int Fit<T>(IMatrix<T> x, DenseMatrix<T> w, DenseMatrix<T> h, LeastSquaresSettings settings,
        Action<int, double>? onIteration = null, CancellationToken cancellationToken = default)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = x.Rows, m = x.Cols, k = h.Rows, threads = settings.Threads;
        double normX = LeastSquaresHelpers.SquaredNorm(x);
        var hht = new DenseMatrix<T>(k, k);
        var wtw = new DenseMatrix<T>(k, k);
        var xht = new DenseMatrix<T>(n, k);
        var wtx = new DenseMatrix<T>(k, m);

        // The W sub-problem is the H sub-problem of Xᵀ ≈ Hᵀ Wᵀ: it works on Wᵀ (k x n), Gram HHᵀ and (XHᵀ)ᵀ.
        var wt = w.Transpose();
        var hxt = new DenseMatrix<T>(k, n);
        var gradWt = new DenseMatrix<T>(k, n);
        var gradH = new DenseMatrix<T>(k, m);

        Products.XHt(x, h, xht, threads);
        Products.GramRows(h, hht, threads);
        Transpose(xht, hxt);
        Products.WtX(w, x, wtx, threads);
        Products.GramCols(w, wtw, threads);
        Gradient(hht, hxt, wt, settings.L1W, settings.L2W, gradWt);
        Gradient(wtw, wtx, h, settings.L1H, settings.L2H, gradH);
        if (!settings.UpdateH)
        {
            Array.Clear(gradH.Data); // H is a constant: only W's gradient counts
        }

        double initialGradient = Math.Sqrt(LeastSquaresHelpers.Dot(gradWt, gradWt) + LeastSquaresHelpers.Dot(gradH, gradH));
        double tolW = Math.Max(0.001, settings.Tol) * initialGradient, tolH = tolW;

        int iteration = 0;
        while (iteration < settings.MaxIter)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (iteration > 0)
            {
                double projected = Math.Sqrt(ProjectedSquaredNorm(gradWt, wt) + ProjectedSquaredNorm(gradH, h));
                if (projected <= settings.Tol * initialGradient)
                {
                    break;
                }
            }

            iteration++;

            // W sub-problem with H fixed.
            Products.XHt(x, h, xht, threads);
            Products.GramRows(h, hht, threads);
            Transpose(xht, hxt);
            int stepsW = Subproblem(hht, hxt, wt, settings.L1W, settings.L2W, tolW, gradWt);
            if (stepsW == 1)
            {
                tolW *= 0.1;
            }

            Transpose(wt, w);

            // H sub-problem with W fixed.
            Products.WtX(w, x, wtx, threads);
            Products.GramCols(w, wtw, threads);
            if (settings.UpdateH)
            {
                int stepsH = Subproblem(wtw, wtx, h, settings.L1H, settings.L2H, tolH, gradH);
                if (stepsH == 1)
                {
                    tolH *= 0.1;
                }
            }

            // The W gradient must be taken at the new H for the stopping test.
            Products.XHt(x, h, xht, threads);
            Products.GramRows(h, hht, threads);
            Transpose(xht, hxt);
            Gradient(hht, hxt, wt, settings.L1W, settings.L2W, gradWt);

            onIteration?.Invoke(iteration, LeastSquaresHelpers.HalfSquaredError(normX, wtx, wtw, h, threads));
        }

        return iteration;
    }

    /// <summary>
    /// Lin's sub-problem solver: min_{Y ≥ 0} ½ tr(Yᵀ G Y) − tr(Bᵀ Y) + l1 ΣY + ½ l2 ‖Y‖² by projected gradient
    /// steps Y ← P[Y − α ∇], α found by the Armijo rule with the quadratic model (Lin 2007, eq. 17–18), reusing
    /// the last α as the first trial. Returns the steps taken (1 means Y was already within tolerance);
    /// <paramref name="grad"/> ends as the gradient at the returned Y.
    /// </summary>
    private static int Subproblem<T>(DenseMatrix<T> g, DenseMatrix<T> b, DenseMatrix<T> y, double l1, double l2,
        double tol, DenseMatrix<T> grad) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var gReg = g;
        if (l2 > 0)
        {
            gReg = g.Clone();
            for (int i = 0; i < g.Rows; i++)
            {
                gReg[i, i] += T.CreateChecked(l2);
            }
        }

        var candidate = new DenseMatrix<T>(y.Rows, y.Cols);
        var previous = new DenseMatrix<T>(y.Rows, y.Cols);
        var step = new DenseMatrix<T>(y.Rows, y.Cols);
        var gStep = new DenseMatrix<T>(y.Rows, y.Cols);
        double alpha = 1;
        int iteration = 0;
        for (iteration = 1; iteration <= SubproblemMaxIter; iteration++)
        {
            Gradient(gReg, b, y, l1, 0, grad);
            if (Math.Sqrt(ProjectedSquaredNorm(grad, y)) < tol)
            {
                break;
            }

            bool decrease = false;
            for (int trial = 1; trial <= StepTrials; trial++)
            {
                T a = T.CreateChecked(alpha);
                for (int i = 0; i < y.Data.Length; i++)
                {
                    T v = y.Data[i] - (a * grad.Data[i]);
                    candidate.Data[i] = v > T.Zero ? v : T.Zero;
                    step.Data[i] = candidate.Data[i] - y.Data[i];
                }

                // Sufficient decrease of the quadratic: (1 − σ) ∇ᵀd + ½ dᵀ G d ≤ 0.
                Products.Multiply(gReg, step, gStep, 1);
                double gradStep = LeastSquaresHelpers.Dot(grad, step);
                double curvature = LeastSquaresHelpers.Dot(gStep, step);
                bool sufficient = ((1 - Sigma) * gradStep) + (0.5 * curvature) < 0;
                if (trial == 1)
                {
                    decrease = !sufficient;
                    y.Data.CopyTo(previous.Data, 0);
                }

                if (decrease)
                {
                    if (sufficient)
                    {
                        candidate.Data.CopyTo(y.Data, 0);
                        break;
                    }

                    alpha *= Beta;
                }
                else
                {
                    if (!sufficient || previous.Data.AsSpan().SequenceEqual(candidate.Data))
                    {
                        previous.Data.CopyTo(y.Data, 0);
                        break;
                    }

                    alpha /= Beta;
                    candidate.Data.CopyTo(previous.Data, 0);
                }
            }
        }

        if (iteration > SubproblemMaxIter)
        {
            Gradient(gReg, b, y, l1, 0, grad);
            iteration = SubproblemMaxIter;
        }

        return iteration;
    }

    /// <summary>grad = (G + l2 I) Y − B + l1.</summary>
    private static void Gradient<T>(DenseMatrix<T> g, DenseMatrix<T> b, DenseMatrix<T> y, double l1, double l2, DenseMatrix<T> grad)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Products.Multiply(g, y, grad, 1);
        T shift = T.CreateChecked(l1), ridge = T.CreateChecked(l2);
        for (int i = 0; i < grad.Data.Length; i++)
        {
            grad.Data[i] += (ridge * y.Data[i]) - b.Data[i] + shift;
        }
    }

    /// <summary>‖∇ᴾ‖²: the gradient entries that are negative or whose variable is positive (Lin 2007, eq. 15).</summary>
    private static double ProjectedSquaredNorm<T>(DenseMatrix<T> grad, DenseMatrix<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        double sum = 0;
        for (int i = 0; i < grad.Data.Length; i++)
        {
            if (grad.Data[i] < T.Zero || y.Data[i] > T.Zero)
            {
                double d = double.CreateChecked(grad.Data[i]);
                sum += d * d;
            }
        }

        return sum;
    }

    private static void Transpose<T>(DenseMatrix<T> source, DenseMatrix<T> target) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < source.Rows; i++)
        {
            var row = source.Row(i);
            for (int j = 0; j < row.Length; j++)
            {
                target.Data[(j * source.Rows) + i] = row[j];
            }
        }
    }
}
