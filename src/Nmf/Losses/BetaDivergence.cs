using System.Numerics;
using Nmf.Kernels;
using Nmf.Matrices;
using Nmf.Solvers;

namespace Nmf.Losses;

/// <summary>
/// The beta-divergence D_β(X ‖ WH) that NMF minimises, computed as scikit-learn 1.2's
/// <c>_beta_divergence</c> does (Févotte &amp; Idier 2011, eq. 2): β = 2 is half the squared Frobenius norm,
/// β = 1 the generalised Kullback-Leibler divergence, β = 0 the Itakura-Saito divergence, any other real β the
/// general form. Entries of X at or below 2^-23 are left out of the terms that divide by or take the log of X
/// ("0 log 0 = 0"), and WH = 0 is replaced by 2^-23 there.
/// </summary>
public static class BetaDivergence
{
    /// <summary>β of the Frobenius loss.</summary>
    public const double Frobenius = 2.0;

    /// <summary>β of the generalised Kullback-Leibler divergence.</summary>
    public const double KullbackLeibler = 1.0;

    /// <summary>β of the Itakura-Saito divergence.</summary>
    public const double ItakuraSaito = 0.0;

    /// <summary>
    /// D_β(X ‖ WH). For sparse X the Frobenius case uses ‖X‖² − 2⟨XHᵀ, W⟩ + ⟨WᵀW H, H⟩ and never forms WH;
    /// the other cases evaluate WH only at the stored entries of X, plus a row-by-row sum of (WH)^β for general β.
    /// </summary>
    /// <param name="x">The data, n x m, dense or CSR.</param>
    /// <param name="w">W, n x k.</param>
    /// <param name="h">H, k x m.</param>
    /// <param name="beta">β; any finite real.</param>
    /// <returns>The divergence (scikit-learn's <c>objective</c>).</returns>
    public static double Compute<T>(IMatrix<T> x, DenseMatrix<T> w, DenseMatrix<T> h, double beta)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(h);
        if (w.Rows != x.Rows || h.Cols != x.Cols || w.Cols != h.Rows)
        {
            throw new ArgumentException($"shapes do not match: X {x.Rows} x {x.Cols}, W {w.Rows} x {w.Cols}, H {h.Rows} x {h.Cols}.");
        }

        return x switch
        {
            DenseMatrix<T> d => Dense(d, w, h, beta),
            CsrMatrix<T> s => Sparse(s, w, h, beta),
            _ => throw new NotSupportedException(x.GetType().Name),
        };
    }

    /// <summary>
    /// scikit-learn's <c>reconstruction_err_</c>: sqrt(2 · D_β(X ‖ WH)), the Frobenius norm of X − WH for β = 2.
    /// </summary>
    public static double ReconstructionError<T>(IMatrix<T> x, DenseMatrix<T> w, DenseMatrix<T> h, double beta)
        where T : unmanaged, IFloatingPointIeee754<T>
        => Math.Sqrt(2.0 * Math.Max(Compute(x, w, h, beta), 0.0));

    /// <summary>‖X‖_F², summed in double.</summary>
    internal static double SquaredNorm<T>(IMatrix<T> x)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ReadOnlySpan<T> values = x switch
        {
            DenseMatrix<T> d => d.Data,
            CsrMatrix<T> s => s.Values,
            _ => throw new NotSupportedException(x.GetType().Name),
        };
        double sum = 0;
        foreach (T v in values)
        {
            double dv = double.CreateChecked(v);
            sum += dv * dv;
        }

        return sum;
    }

    /// <summary>
    /// The Frobenius loss ½‖X − WH‖² from products a solver already holds (RcppML's Gram form):
    /// ½(‖X‖² − 2⟨H, WᵀX⟩ + ⟨WᵀW, HHᵀ⟩). O(k·m + k²), no pass over X. It loses relative accuracy when the fit
    /// is nearly exact (cancellation), which is why the final <c>ReconstructionError</c> is computed directly.
    /// </summary>
    /// <param name="xSquaredNorm">‖X‖_F².</param>
    /// <param name="h">H, k x m.</param>
    /// <param name="wtx">WᵀX, k x m, for the current W.</param>
    /// <param name="wtw">WᵀW, k x k, for the current W.</param>
    /// <param name="hht">HHᵀ, k x k, for the current H.</param>
    internal static double FrobeniusFromGram<T>(double xSquaredNorm, DenseMatrix<T> h, DenseMatrix<T> wtx, DenseMatrix<T> wtw, DenseMatrix<T> hht)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        double cross = Dot(h.Data, wtx.Data);
        double quad = Dot(wtw.Data, hht.Data);
        return 0.5 * (xSquaredNorm - (2.0 * cross) + quad);
    }

    private static double Dot<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        double s = 0;
        for (int i = 0; i < a.Length; i++)
        {
            s += double.CreateChecked(a[i]) * double.CreateChecked(b[i]);
        }

        return s;
    }

    private static double Dense<T>(DenseMatrix<T> x, DenseMatrix<T> w, DenseMatrix<T> h, double beta)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int m = x.Cols;
        var whRow = new T[m];
        var sums = new Sums<T>(beta);
        double frobenius = 0;
        for (int i = 0; i < x.Rows; i++)
        {
            RowOfProduct(w, h, i, whRow);
            var xi = x.Row(i);
            if (beta == Frobenius)
            {
                for (int j = 0; j < m; j++)
                {
                    T d = xi[j] - whRow[j];
                    frobenius += double.CreateChecked(d * d);
                }

                continue;
            }

            for (int j = 0; j < m; j++)
            {
                sums.AddStored(xi[j], whRow[j]);
                sums.AddProductPower(whRow[j]);
            }
        }

        return beta == Frobenius ? frobenius / 2.0 : sums.Result(w, h, (double)x.Rows * x.Cols);
    }

    private static double Sparse<T>(CsrMatrix<T> x, DenseMatrix<T> w, DenseMatrix<T> h, double beta)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int k = w.Cols;
        if (beta == Frobenius)
        {
            double normX = SquaredNorm(x);
            var wtw = new DenseMatrix<T>(k, k);
            var wtwh = new DenseMatrix<T>(k, x.Cols);
            var xht = new DenseMatrix<T>(x.Rows, k);
            Products.GramCols(w, wtw, 1);
            Products.Multiply(wtw, h, wtwh, 1);
            Products.XHt(x, h, xht, 1);
            double normWH = Dot<T>(wtwh.Data, h.Data);
            double cross = Dot<T>(xht.Data, w.Data);
            return (normX + normWH - (2.0 * cross)) / 2.0;
        }

        var sampled = new T[x.Values.Length];
        Products.Sampled(x, w, h, sampled, 1);
        var sums = new Sums<T>(beta);
        for (int p = 0; p < sampled.Length; p++)
        {
            sums.AddStored(x.Values[p], sampled[p]);
        }

        if (sums.NeedsProductPower)
        {
            // Σ (WH)^β over every entry, zeros of X included: one row of WH at a time.
            var whRow = new T[x.Cols];
            for (int i = 0; i < x.Rows; i++)
            {
                RowOfProduct(w, h, i, whRow);
                foreach (T v in whRow)
                {
                    sums.AddProductPower(v);
                }
            }
        }

        return sums.Result(w, h, (double)x.Rows * x.Cols);
    }

    private static void RowOfProduct<T>(DenseMatrix<T> w, DenseMatrix<T> h, int i, Span<T> row)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        row.Clear();
        var wi = w.Row(i);
        for (int c = 0; c < wi.Length; c++)
        {
            T wic = wi[c];
            var hc = h.Row(c);
            for (int j = 0; j < row.Length; j++)
            {
                row[j] += wic * hc[j];
            }
        }
    }

    /// <summary>The running sums of the non-Frobenius cases, term by term as scikit-learn forms them.</summary>
    private struct Sums<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        private readonly double _beta;
        private readonly T _betaT;
        private readonly T _betaMinusOne;
        private double _xLogDiv;     // KL: Σ x log(x / wh)
        private double _xSum;        // KL: Σ x
        private double _div;         // IS: Σ x / wh
        private double _logDiv;      // IS: Σ log(x / wh)
        private double _xPowBeta;    // general: Σ x^β
        private double _xWhPow;      // general: Σ x · wh^(β−1)
        private double _whPowBeta;   // general: Σ over all entries of (WH)^β

        public Sums(double beta)
        {
            _beta = beta;
            _betaT = T.CreateChecked(beta);
            _betaMinusOne = T.CreateChecked(beta - 1.0);
        }

        public readonly bool NeedsProductPower => _beta != KullbackLeibler && _beta != ItakuraSaito;

        /// <summary>Adds the terms of one entry of X (only those with x &gt; 2^-23 count).</summary>
        public void AddStored(T x, T wh)
        {
            if (!(x > NumericGuards<T>.Epsilon))
            {
                return;
            }

            if (wh == T.Zero)
            {
                wh = NumericGuards<T>.Epsilon;
            }

            if (_beta == KullbackLeibler)
            {
                T div = x / wh;
                _xLogDiv += double.CreateChecked(x * T.Log(div));
                _xSum += double.CreateChecked(x);
            }
            else if (_beta == ItakuraSaito)
            {
                T div = x / wh;
                _div += double.CreateChecked(div);
                _logDiv += double.CreateChecked(T.Log(div));
            }
            else
            {
                _xPowBeta += double.CreateChecked(NumericGuards<T>.Power(x, _betaT));
                _xWhPow += double.CreateChecked(x * NumericGuards<T>.Power(wh, _betaMinusOne));
            }
        }

        /// <summary>Adds (WH)^β of one entry (general β only; all entries count).</summary>
        public void AddProductPower(T wh)
        {
            if (NeedsProductPower)
            {
                _whPowBeta += double.CreateChecked(NumericGuards<T>.Power(wh, _betaT));
            }
        }

        public readonly double Result(DenseMatrix<T> w, DenseMatrix<T> h, double entries)
        {
            if (_beta == KullbackLeibler)
            {
                // Σ WH over every entry = (column sums of W) · (row sums of H).
                double sumWH = 0;
                for (int c = 0; c < w.Cols; c++)
                {
                    double colW = 0, rowH = 0;
                    for (int i = 0; i < w.Rows; i++)
                    {
                        colW += double.CreateChecked(w[i, c]);
                    }

                    foreach (T v in h.Row(c))
                    {
                        rowH += double.CreateChecked(v);
                    }

                    sumWH += colW * rowH;
                }

                return _xLogDiv + sumWH - _xSum;
            }

            if (_beta == ItakuraSaito)
            {
                return _div - entries - _logDiv;
            }

            double res = _xPowBeta - (_beta * _xWhPow);
            res += _whPowBeta * (_beta - 1.0);
            return res / (_beta * (_beta - 1.0));
        }
    }
}
