using System.Numerics;
using Nmf.Kernels;
using Nmf.Losses;
using Nmf.Matrices;

namespace Nmf.Solvers;

/// <summary>
/// The multiplicative updates of mini-batch NMF (Lefèvre, Bach &amp; Févotte 2011, "Online algorithms for
/// nonnegative matrix factorization with the Itakura-Saito divergence"), with scikit-learn 1.2's arithmetic:
/// W is updated by the Lee–Seung / Févotte–Idier majorisation-minimisation step for the beta-divergence
/// (exponent gamma outside [1, 2]); H by the same step written as a ratio of running sums A / B that are
/// discounted by rho = forget_factor^(batch / n) at each mini-batch.
/// Only <see cref="Products"/> does the heavy work, so dense and sparse X share one code path.
/// </summary>
internal static class MiniBatchMultiplicativeUpdate
{
    /// <summary>Rows per chunk when WH is formed densely for a sparse X (bounds the memory to about 1 M values).</summary>
    private const int ChunkValues = 1 << 20;

    /// <summary>scikit-learn's module-wide EPSILON: the machine epsilon of float32, used for every dtype.</summary>
    public static T Epsilon<T>() where T : unmanaged, IFloatingPointIeee754<T> => NumericGuards<T>.Epsilon;

    /// <summary>
    /// The exponent gamma of the majorisation-minimisation step (Févotte &amp; Idier 2011, Table 2):
    /// 1 / (2 - beta) for beta &lt; 1, 1 / (beta - 1) for beta &gt; 2, otherwise 1.
    /// </summary>
    public static double Gamma(double beta) => beta < 1 ? 1.0 / (2.0 - beta) : beta > 2 ? 1.0 / (beta - 1.0) : 1.0;

    /// <summary>
    /// One multiplicative update of W (b x k) in place for the batch X (b x m), H fixed (scikit-learn's
    /// <c>_multiplicative_update_w</c>): W ← W ∘ (numerator / denominator)^gamma with
    /// numerator = (X ∘ (WH)^(β−2)) Hᵀ and denominator = (WH)^(β−1) Hᵀ + l1 + l2·W.
    /// </summary>
    public static void UpdateW<T>(IMatrix<T> x, DenseMatrix<T> w, DenseMatrix<T> h, double beta, double l1Reg, double l2Reg, double gamma, int threads)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int b = x.Rows, k = h.Rows;
        var numerator = new DenseMatrix<T>(b, k);
        var denominator = new DenseMatrix<T>(b, k);
        if (beta == 2)
        {
            Products.XHt(x, h, numerator, threads);
            var hht = new DenseMatrix<T>(k, k);
            Products.GramRows(h, hht, threads);
            Products.Multiply(w, hht, denominator, threads);
        }
        else
        {
            var weighted = WeightedData(x, w, h, beta, threads, out var wh);
            Products.XHt(weighted, h, numerator, threads);
            if (beta == 1)
            {
                // sum over the columns of H, broadcast to every row
                for (int c = 0; c < k; c++)
                {
                    T s = Sum(h.Row(c));
                    for (int i = 0; i < b; i++)
                    {
                        denominator[i, c] = s;
                    }
                }
            }
            else
            {
                ForEachPoweredChunk(x, w, h, beta, wh, threads, (start, chunk) =>
                {
                    var part = new DenseMatrix<T>(chunk.Rows, k);
                    Products.XHt(chunk, h, part, threads);
                    part.Data.CopyTo(denominator.Data.AsSpan(start * k));
                });
            }
        }

        Regularise(denominator, w, l1Reg, l2Reg);
        var wData = w.Data;
        T g = T.CreateChecked(gamma);
        for (int p = 0; p < wData.Length; p++)
        {
            T delta = numerator.Data[p] / denominator.Data[p];
            if (gamma != 1)
            {
                delta = Power(delta, g, gamma);
            }

            wData[p] *= delta;
        }
    }

    /// <summary>
    /// The online update of H (k x m) in place (scikit-learn's <c>_multiplicative_update_h</c> with A, B, rho):
    /// A ← rho·A + H^(1/γ) ∘ numerator, B ← rho·B + denominator, H ← (A / B)^γ, with numerator = Wᵀ(X ∘ (WH)^(β−2))
    /// and denominator = Wᵀ(WH)^(β−1) + l1 + l2·H.
    /// </summary>
    public static void UpdateHOnline<T>(IMatrix<T> x, DenseMatrix<T> w, DenseMatrix<T> h, double beta, double l1Reg, double l2Reg, double gamma,
        DenseMatrix<T> numeratorSum, DenseMatrix<T> denominatorSum, double rho, int threads)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int k = h.Rows, m = h.Cols;
        var numerator = new DenseMatrix<T>(k, m);
        var denominator = new DenseMatrix<T>(k, m);
        if (beta == 2)
        {
            Products.WtX(w, x, numerator, threads);
            var wtw = new DenseMatrix<T>(k, k);
            Products.GramCols(w, wtw, threads);
            Products.Multiply(wtw, h, denominator, threads);
        }
        else
        {
            var weighted = WeightedData(x, w, h, beta, threads, out var wh);
            Products.WtX(w, weighted, numerator, threads);
            if (beta == 1)
            {
                // column sums of W, zeros replaced by one, broadcast along the features
                for (int c = 0; c < k; c++)
                {
                    T s = T.Zero;
                    for (int i = 0; i < w.Rows; i++)
                    {
                        s += w[i, c];
                    }

                    if (s == T.Zero)
                    {
                        s = T.One;
                    }

                    denominator.Row(c).Fill(s);
                }
            }
            else
            {
                var part = new DenseMatrix<T>(k, m);
                ForEachPoweredChunk(x, w, h, beta, wh, threads, (start, chunk) =>
                {
                    var wChunk = chunk.Rows == w.Rows ? w : w.SliceRows(start, chunk.Rows);
                    Products.WtX(wChunk, chunk, part, threads);
                    AddInPlace(denominator.Data, part.Data);
                });
            }
        }

        Regularise(denominator, h, l1Reg, l2Reg);

        T g = T.CreateChecked(gamma), invG = T.CreateChecked(1.0 / gamma), r = T.CreateChecked(rho);
        var a = numeratorSum.Data;
        var bSum = denominatorSum.Data;
        var hData = h.Data;
        for (int p = 0; p < hData.Length; p++)
        {
            T hp = hData[p];
            if (gamma != 1)
            {
                hp = Power(hp, invG, 1.0 / gamma);
            }

            a[p] *= r;
            bSum[p] *= r;
            a[p] += numerator.Data[p] * hp;
            bSum[p] += denominator.Data[p];
            T q = a[p] / bSum[p];
            if (gamma != 1)
            {
                q = Power(q, g, gamma);
            }

            hData[p] = q;
        }
    }

    /// <summary>
    /// The beta-divergence D_β(X | WH) of a batch (scikit-learn's <c>_beta_divergence</c>, <see cref="Losses.BetaDivergence.Compute"/>).
    /// It is additive over row blocks, so a whole-data value is the sum over batches.
    /// </summary>
    public static double BetaDivergence<T>(IMatrix<T> x, DenseMatrix<T> w, DenseMatrix<T> h, double beta, int threads)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        _ = threads;
        return Losses.BetaDivergence.Compute(x, w, h, beta);
    }

    /// <summary>
    /// W for X with H fixed (scikit-learn's <c>MiniBatchNMF._solve_W</c>): start from sqrt(mean(X) / k) everywhere,
    /// run at most <paramref name="maxIter"/> W updates, stop when ‖W − W_prev‖_F / ‖W‖_F ≤ tol (tol &gt; 0).
    /// </summary>
    public static DenseMatrix<T> SolveW<T>(IMatrix<T> x, DenseMatrix<T> h, int maxIter, double tol, double mean, double l1Reg, double l2Reg, double beta, double gamma, int threads)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int k = h.Rows;
        var w = new DenseMatrix<T>(x.Rows, k);
        w.Data.AsSpan().Fill(T.CreateChecked(Math.Sqrt(mean / k)));
        var previous = w.Clone();
        for (int it = 0; it < maxIter; it++)
        {
            UpdateW(x, w, h, beta, l1Reg, l2Reg, gamma, threads);
            double diff = RelativeChange(w.Data, previous.Data);
            if (tol > 0 && diff <= tol)
            {
                break;
            }

            w.Data.CopyTo(previous.Data, 0);
        }

        return w;
    }

    /// <summary>‖current − previous‖_F / ‖current‖_F, in double.</summary>
    public static double RelativeChange<T>(T[] current, T[] previous) where T : unmanaged, IFloatingPointIeee754<T>
    {
        double num = 0, den = 0;
        for (int p = 0; p < current.Length; p++)
        {
            double c = double.CreateChecked(current[p]);
            double d = c - double.CreateChecked(previous[p]);
            num += d * d;
            den += c * c;
        }

        return Math.Sqrt(num) / Math.Sqrt(den);
    }

    /// <summary>Mean of all n·m entries of X as NumPy computes <c>X.mean()</c> (pairwise summation).</summary>
    public static double Mean<T>(IMatrix<T> x) where T : unmanaged, IFloatingPointIeee754<T> => double.CreateChecked(Init.NmfInitializer.Mean(x));

    /// <summary>Sum of the stored entries of X, in double.</summary>
    public static double SumOf<T>(IMatrix<T> x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var values = x switch
        {
            DenseMatrix<T> d => d.Data,
            CsrMatrix<T> s => s.Values,
            _ => throw new NotSupportedException(x.GetType().Name),
        };
        double s0 = 0;
        foreach (T v in values)
        {
            s0 += double.CreateChecked(v);
        }

        return s0;
    }

    /// <summary>Sum and sum of squares of a factor, in double (for the regularisation terms of the batch cost).</summary>
    public static (double Sum, double SumSquares) Sums<T>(T[] values) where T : unmanaged, IFloatingPointIeee754<T>
    {
        double s = 0, s2 = 0;
        foreach (T v in values)
        {
            double d = double.CreateChecked(v);
            s += d;
            s2 += d * d;
        }

        return (s, s2);
    }

    /// <summary>x^e as NumPy evaluates an in-place scalar power (see <see cref="NumericGuards{T}.Power"/>).</summary>
    public static T Power<T>(T x, T e, double exponent) where T : unmanaged, IFloatingPointIeee754<T>
    {
        _ = exponent;
        return NumericGuards<T>.Power(x, e);
    }

    /// <summary>
    /// X ∘ (WH)^(β−2) at X's entries (only the non-zeros of a sparse X), zeros of WH replaced by EPSILON where
    /// β &lt; 2; for dense X also returns WH with zeros replaced by EPSILON where β &lt; 1 (for the denominator).
    /// </summary>
    internal static IMatrix<T> WeightedData<T>(IMatrix<T> x, DenseMatrix<T> w, DenseMatrix<T> h, double beta, int threads, out DenseMatrix<T>? wh)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T eps = Epsilon<T>();
        T e2 = T.CreateChecked(beta - 2);
        T[] values;
        T[] xValues;
        if (x is CsrMatrix<T> s)
        {
            values = new T[s.Values.Length];
            Products.Sampled(s, w, h, values, threads);
            xValues = s.Values;
            wh = null;
        }
        else
        {
            var d = (DenseMatrix<T>)x;
            wh = new DenseMatrix<T>(d.Rows, d.Cols);
            Products.Multiply(w, h, wh, threads);
            values = (T[])wh.Data.Clone();
            xValues = d.Data;
            if (beta < 1)
            {
                var whData = wh.Data;
                for (int p = 0; p < whData.Length; p++)
                {
                    if (whData[p] == T.Zero)
                    {
                        whData[p] = eps;
                    }
                }
            }
        }

        for (int p = 0; p < values.Length; p++)
        {
            T v = values[p];
            if (beta < 2 && v == T.Zero)
            {
                v = eps;
            }

            if (beta == 1)
            {
                v = xValues[p] / v;
            }
            else if (beta == 0)
            {
                // NumPy: WH **= -1; WH **= 2; WH *= X
                v = T.One / v;
                v *= v;
                v *= xValues[p];
            }
            else
            {
                v = Power(v, e2, beta - 2) * xValues[p];
            }

            values[p] = v;
        }

        return x is CsrMatrix<T> sx ? sx.WithValues(values) : new DenseMatrix<T>(x.Rows, x.Cols, values);
    }

    /// <summary>
    /// Calls <paramref name="use"/> with consecutive row chunks of (WH)^(β−1) (zeros replaced by EPSILON where β &lt; 1).
    /// For dense X the already formed WH is used whole; for sparse X WH is formed a chunk of rows at a time.
    /// </summary>
    internal static void ForEachPoweredChunk<T>(IMatrix<T> x, DenseMatrix<T> w, DenseMatrix<T> h, double beta, DenseMatrix<T>? wh, int threads, Action<int, DenseMatrix<T>> use)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T eps = Epsilon<T>();
        T e1 = T.CreateChecked(beta - 1);
        void Raise(DenseMatrix<T> chunk, bool replaceZeros)
        {
            var data = chunk.Data;
            for (int p = 0; p < data.Length; p++)
            {
                T v = data[p];
                if (replaceZeros && beta < 1 && v == T.Zero)
                {
                    v = eps;
                }

                data[p] = Power(v, e1, beta - 1);
            }
        }

        if (wh is not null)
        {
            // zeros of the dense WH were already replaced in WeightedData
            Raise(wh, replaceZeros: false);
            use(0, wh);
            return;
        }

        ForEachWhChunk(x, w, h, threads, (start, _, chunk) =>
        {
            Raise(chunk, replaceZeros: true);
            use(start, chunk);
        });
    }

    /// <summary>Calls <paramref name="use"/> with (row start, X rows, WH rows) for consecutive chunks of rows.</summary>
    private static void ForEachWhChunk<T>(IMatrix<T> x, DenseMatrix<T> w, DenseMatrix<T> h, int threads, Action<int, IMatrix<T>, DenseMatrix<T>> use)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = x.Rows, m = h.Cols;
        int rowsPerChunk = Math.Max(1, ChunkValues / Math.Max(1, m));
        for (int start = 0; start < n; start += rowsPerChunk)
        {
            int count = Math.Min(rowsPerChunk, n - start);
            var wChunk = count == n ? w : w.SliceRows(start, count);
            var whChunk = new DenseMatrix<T>(count, m);
            Products.Multiply(wChunk, h, whChunk, threads);
            use(start, x is DenseMatrix<T> ? MatrixRows.Slice(x, start, count) : x, whChunk);
        }
    }

    /// <summary>denominator += l1; denominator += l2·factor; zeros replaced by EPSILON (scikit-learn's order).</summary>
    internal static void Regularise<T>(DenseMatrix<T> denominator, DenseMatrix<T> factor, double l1Reg, double l2Reg)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T l1 = T.CreateChecked(l1Reg), l2 = T.CreateChecked(l2Reg), eps = Epsilon<T>();
        var d = denominator.Data;
        var f = factor.Data;
        for (int p = 0; p < d.Length; p++)
        {
            T v = d[p];
            if (l1Reg > 0)
            {
                v += l1;
            }

            if (l2Reg > 0)
            {
                v += l2 * f[p];
            }

            d[p] = v == T.Zero ? eps : v;
        }
    }

    private static T Sum<T>(ReadOnlySpan<T> values) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T s = T.Zero;
        foreach (T v in values)
        {
            s += v;
        }

        return s;
    }

    private static void AddInPlace<T>(T[] target, T[] source) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int p = 0; p < target.Length; p++)
        {
            target[p] += source[p];
        }
    }
}
