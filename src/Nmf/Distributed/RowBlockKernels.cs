using System.Numerics;
using Nmf.Kernels;
using Nmf.Losses;
using Nmf.Matrices;
using Nmf.Solvers;

namespace Nmf.Distributed;

/// <summary>The iteration a row block takes part in.</summary>
internal enum BlockAlgorithm
{
    /// <summary>scikit-learn's <c>mu</c>: multiplicative updates for any beta.</summary>
    MultiplicativeUpdate,

    /// <summary>scikit-learn's <c>cd</c> (HALS, Cichocki &amp; Phan 2009): coordinate descent, Frobenius loss.</summary>
    CoordinateDescent,
}

/// <summary>
/// What the driver sends to every block at an iteration: the broadcast H and the parameters of W's update.
/// </summary>
/// <param name="Algorithm">MU or coordinate descent.</param>
/// <param name="H">The current H (k x m), the same for every block.</param>
/// <param name="Beta">Beta of the divergence.</param>
/// <param name="Gamma">MU's exponent (Févotte &amp; Idier 2011); 1 for cd.</param>
/// <param name="L1W">W's scaled L1 penalty (n_features · alpha_W · l1_ratio).</param>
/// <param name="L2W">W's scaled L2 penalty.</param>
/// <param name="Order">cd's component order for this W update (0..k−1, or a permutation when shuffling).</param>
/// <param name="Threads">Threads a block may use.</param>
internal sealed record RowBlockStep<T>(BlockAlgorithm Algorithm, DenseMatrix<T> H, double Beta, double Gamma, double L1W, double L2W, int[] Order, int Threads)
    where T : unmanaged, IFloatingPointIeee754<T>;

/// <summary>
/// A block's share of H's update, computed with its freshly updated W_b. The driver sums the shares in block order.
/// MU, beta = 2: <see cref="Numerator"/> = W_bᵀX_b (k x m), <see cref="Denominator"/> = W_bᵀW_b (k x k).
/// MU, beta = 1: numerator W_bᵀ(X_b / W_bH), denominator the column sums of W_b (k).
/// MU, other beta: numerator W_bᵀ(X_b ∘ (W_bH)^(β−2)), denominator W_bᵀ(W_bH)^(β−1) (k x m).
/// cd: numerator W_bᵀX_b (k x m), denominator W_bᵀW_b (k x k), and <see cref="Violation"/> of W_b's update.
/// </summary>
internal sealed record RowBlockPartials<T>(T[] Numerator, T[] Denominator, double Violation)
    where T : unmanaged, IFloatingPointIeee754<T>;

/// <summary>
/// The work of one row block in the 1-D data-parallel NMF (Kannan, Ballard &amp; Park 2016, MPI-FAUN; PLANC):
/// W_b is updated locally from X_b and the broadcast H, then the block's partial products for H's update are formed.
/// The arithmetic is scikit-learn's, row for row, so a block partition changes only the order of H's sums.
/// </summary>
internal static class RowBlockKernels
{
    /// <summary>Updates <paramref name="w"/> (W_b) in place and returns the block's share of H's update.</summary>
    public static RowBlockPartials<T> Step<T>(IMatrix<T> x, DenseMatrix<T> w, RowBlockStep<T> step)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var h = step.H;
        int k = h.Rows, m = h.Cols, threads = step.Threads;
        if (step.Algorithm == BlockAlgorithm.CoordinateDescent)
        {
            double violation = CoordinateDescentW(x, w, h, step.L1W, step.L2W, step.Order, threads);
            return new RowBlockPartials<T>(WtX(w, x, k, m, threads), Gram(w, k, threads), violation);
        }

        double beta = step.Beta;
        MiniBatchMultiplicativeUpdate.UpdateW(x, w, h, beta, step.L1W, step.L2W, step.Gamma, threads);
        if (beta < 1)
        {
            ClipBelow(w.Data);
        }

        if (beta == 2)
        {
            return new RowBlockPartials<T>(WtX(w, x, k, m, threads), Gram(w, k, threads), 0);
        }

        var weighted = MiniBatchMultiplicativeUpdate.WeightedData(x, w, h, beta, threads, out var wh);
        var numerator = WtX(w, weighted, k, m, threads);
        if (beta == 1)
        {
            var sums = new T[k];
            for (int i = 0; i < w.Rows; i++)
            {
                var row = w.Row(i);
                for (int c = 0; c < k; c++)
                {
                    sums[c] += row[c];
                }
            }

            return new RowBlockPartials<T>(numerator, sums, 0);
        }

        var denominator = new DenseMatrix<T>(k, m);
        var part = new DenseMatrix<T>(k, m);
        MiniBatchMultiplicativeUpdate.ForEachPoweredChunk(x, w, h, beta, wh, threads, (start, chunk) =>
        {
            var wChunk = chunk.Rows == w.Rows ? w : w.SliceRows(start, chunk.Rows);
            Products.WtX(wChunk, chunk, part, threads);
            for (int p = 0; p < part.Data.Length; p++)
            {
                denominator.Data[p] += part.Data[p];
            }
        });
        return new RowBlockPartials<T>(numerator, denominator.Data, 0);
    }

    /// <summary>
    /// MU's update of H from the summed shares (scikit-learn's <c>_multiplicative_update_h</c>): denominator formed
    /// (beta = 2: (ΣW_bᵀW_b)·H; beta = 1: column sums of W with zeros set to 1), penalties added, zeros set to
    /// EPSILON, H ← H ∘ (numerator / denominator)^γ, then for beta ≤ 1 entries below float64's epsilon set to 0.
    /// </summary>
    public static void UpdateH<T>(DenseMatrix<T> h, T[] numerator, T[] denominatorShare, double beta, double gamma, double l1H, double l2H, int threads)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int k = h.Rows, m = h.Cols;
        var denominator = new DenseMatrix<T>(k, m);
        if (beta == 2)
        {
            Products.Multiply(new DenseMatrix<T>(k, k, denominatorShare), h, denominator, threads);
        }
        else if (beta == 1)
        {
            for (int c = 0; c < k; c++)
            {
                T s = denominatorShare[c] == T.Zero ? T.One : denominatorShare[c];
                denominator.Row(c).Fill(s);
            }
        }
        else
        {
            denominatorShare.CopyTo(denominator.Data, 0);
        }

        MiniBatchMultiplicativeUpdate.Regularise(denominator, h, l1H, l2H);
        T g = T.CreateChecked(gamma);
        for (int p = 0; p < h.Data.Length; p++)
        {
            T delta = numerator[p] / denominator.Data[p];
            if (gamma != 1)
            {
                delta = MiniBatchMultiplicativeUpdate.Power(delta, g, gamma);
            }

            h.Data[p] *= delta;
        }

        if (beta <= 1)
        {
            ClipBelow(h.Data);
        }
    }

    /// <summary>
    /// cd's update of H from the summed shares (scikit-learn's <c>_update_coordinate_descent(X.T, Ht, W)</c>):
    /// Gram WᵀW + l2 on the diagonal, XᵀW − l1, one coordinate sweep over Hᵀ. Returns the violation.
    /// </summary>
    public static double CoordinateDescentH<T>(DenseMatrix<T> h, T[] wtx, T[] wtw, double l1H, double l2H, int[] order)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int k = h.Rows, m = h.Cols;
        var gram = new DenseMatrix<T>(k, k, (T[])wtw.Clone());
        AddToDiagonal(gram, l2H);
        var target = new DenseMatrix<T>(k, m, wtx).Transpose();
        SubtractAll(target.Data, l1H);
        var ht = h.Transpose();
        double violation = Sweep(ht, gram, target, order);
        var back = ht.Transpose();
        back.Data.CopyTo(h.Data, 0);
        return violation;
    }

    /// <summary>The block's beta-divergence D_β(X_b | W_b H) (additive over row blocks).</summary>
    public static double Divergence<T>(IMatrix<T> x, DenseMatrix<T> w, DenseMatrix<T> h, double beta, int threads)
        where T : unmanaged, IFloatingPointIeee754<T>
        => MiniBatchMultiplicativeUpdate.BetaDivergence(x, w, h, beta, threads);

    /// <summary>cd's W update of a block (scikit-learn's <c>_update_coordinate_descent(X, W, Ht)</c>).</summary>
    private static double CoordinateDescentW<T>(IMatrix<T> x, DenseMatrix<T> w, DenseMatrix<T> h, double l1W, double l2W, int[] order, int threads)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int k = h.Rows;
        var gram = new DenseMatrix<T>(k, k);
        Products.GramRows(h, gram, threads);
        AddToDiagonal(gram, l2W);
        var target = new DenseMatrix<T>(x.Rows, k);
        Products.XHt(x, h, target, threads);
        SubtractAll(target.Data, l1W);
        return Sweep(w, gram, target, order);
    }

    /// <summary>
    /// One sweep of HALS coordinate descent (scikit-learn's <c>_update_cdnmf_fast</c>): for each component t in
    /// <paramref name="order"/>, for each row i, F[i, t] ← max(0, F[i, t] − grad / G[t, t]) with
    /// grad = (F·G)[i, t] − B[i, t]; the violation sums |projected gradient|.
    /// </summary>
    internal static double Sweep<T>(DenseMatrix<T> f, DenseMatrix<T> gram, DenseMatrix<T> target, int[] order)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int k = f.Cols;
        T violation = T.Zero;
        foreach (int t in order)
        {
            T hess = gram[t, t];
            var gt = gram.Row(t);
            for (int i = 0; i < f.Rows; i++)
            {
                var fi = f.Row(i);
                T grad = -target[i, t];
                for (int r = 0; r < k; r++)
                {
                    grad += gt[r] * fi[r];
                }

                T pg = fi[t] == T.Zero ? T.Min(T.Zero, grad) : grad;
                violation += T.Abs(pg);
                if (hess != T.Zero)
                {
                    fi[t] = T.Max(fi[t] - (grad / hess), T.Zero);
                }
            }
        }

        return double.CreateChecked(violation);
    }

    private static T[] WtX<T>(DenseMatrix<T> w, IMatrix<T> x, int k, int m, int threads)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var r = new DenseMatrix<T>(k, m);
        Products.WtX(w, x, r, threads);
        return r.Data;
    }

    private static T[] Gram<T>(DenseMatrix<T> w, int k, int threads)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var r = new DenseMatrix<T>(k, k);
        Products.GramCols(w, r, threads);
        return r.Data;
    }

    private static void AddToDiagonal<T>(DenseMatrix<T> gram, double value)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (value != 0)
        {
            T v = T.CreateChecked(value);
            for (int c = 0; c < gram.Rows; c++)
            {
                gram[c, c] += v;
            }
        }
    }

    private static void SubtractAll<T>(T[] values, double value)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (value != 0)
        {
            T v = T.CreateChecked(value);
            for (int p = 0; p < values.Length; p++)
            {
                values[p] -= v;
            }
        }
    }

    private static void ClipBelow<T>(T[] values)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T threshold = NumericGuards<T>.ClipThreshold;
        for (int p = 0; p < values.Length; p++)
        {
            if (values[p] < threshold)
            {
                values[p] = T.Zero;
            }
        }
    }
}
