using System.Numerics;
using System.Runtime.CompilerServices;
using Nmf.Kernels;
using Nmf.Matrices;

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
    /// D_β(X ‖ WH). For sparse X the Frobenius case uses ‖X‖² − 2⟨XHᵀ, W⟩ + ⟨WᵀW H, H⟩ and never forms WH; the
    /// other cases evaluate WH only at the stored entries of X, plus a sum of (WH)^β over every entry for general
    /// β. For dense X, WH is formed one cache-sized tile at a time. The work is split into parts fixed by the
    /// shape and their sums are added in a fixed order, so the value is bit-identical at any thread count.
    /// </summary>
    /// <param name="x">The data, n x m, dense or CSR.</param>
    /// <param name="w">W, n x k.</param>
    /// <param name="h">H, k x m.</param>
    /// <param name="beta">β; any finite real.</param>
    /// <param name="threads">Threads to use; 0 = every core.</param>
    /// <returns>The divergence (scikit-learn's <c>objective</c>).</returns>
    public static double Compute<T>(IMatrix<T> x, DenseMatrix<T> w, DenseMatrix<T> h, double beta, int threads = 1)
        where T : unmanaged, IFloatingPointIeee754<T>
        => ComputeOnPath(x, w, h, beta, threads, SimdSelect.Path);

    /// <summary>As <see cref="Compute"/>, on a chosen vector path; <see cref="SimdPath.Scalar"/> is the plain definition.</summary>
    internal static double ComputeOnPath<T>(IMatrix<T> x, DenseMatrix<T> w, DenseMatrix<T> h, double beta, int threads, SimdPath path)
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
            DenseMatrix<T> d => Dense(d, w, h, beta, threads, path),
            CsrMatrix<T> s => Sparse(s, w, h, beta, threads, path),
            _ => throw new NotSupportedException(x.GetType().Name),
        };
    }

    /// <summary>
    /// scikit-learn's <c>reconstruction_err_</c>: sqrt(2 · D_β(X ‖ WH)), the Frobenius norm of X − WH for β = 2, on
    /// up to <paramref name="threads"/> threads (0 = every core), bit-identical at any thread count. For dense X
    /// and β = 2 it is the direct ‖X − WH‖_F (never the Gram identity, which cancels catastrophically for nearly
    /// exact fits).
    /// </summary>
    /// <param name="x">The data, n x m, dense or CSR.</param>
    /// <param name="w">W, n x k.</param>
    /// <param name="h">H, k x m.</param>
    /// <param name="beta">β; any finite real.</param>
    /// <param name="threads">Threads to use; 0 = every core.</param>
    /// <returns>sqrt(2 · max(D_β, 0)).</returns>
    public static double ReconstructionError<T>(IMatrix<T> x, DenseMatrix<T> w, DenseMatrix<T> h, double beta, int threads = 1)
        where T : unmanaged, IFloatingPointIeee754<T>
        => Math.Sqrt(2.0 * Math.Max(Compute(x, w, h, beta, threads), 0.0));

    /// <summary>‖X‖_F², summed in double over fixed blocks in a fixed order (the same at any thread count).</summary>
    internal static double SquaredNorm<T>(IMatrix<T> x, int threads = 1)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ReadOnlySpan<T> values = x switch
        {
            DenseMatrix<T> d => d.Data,
            CsrMatrix<T> s => s.Values,
            _ => throw new NotSupportedException(x.GetType().Name),
        };
        return LossKernels<T>.SquaredNorm(values, threads);
    }

    /// <summary>Σ over every entry of WH = Σ_c (column sum c of W)(row sum c of H), in double: the Σ wh term of the
    /// Kullback-Leibler divergence without forming WH.</summary>
    internal static double SumOfProduct<T>(DenseMatrix<T> w, DenseMatrix<T> h)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        double sum = 0;
        for (int c = 0; c < w.Cols; c++)
        {
            double colW = 0, rowH = 0;
            for (int i = 0; i < w.Rows; i++)
            {
                colW += double.CreateTruncating(w[i, c]);
            }

            foreach (T v in h.Row(c))
            {
                rowH += double.CreateTruncating(v);
            }

            sum += colW * rowH;
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
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static double FrobeniusFromGram<T>(double xSquaredNorm, DenseMatrix<T> h, DenseMatrix<T> wtx, DenseMatrix<T> wtw, DenseMatrix<T> hht)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        // k x m terms every iteration: vectorised (one chain of scalar additions took about 0.15 ms on P2).
        double cross = LossKernels<T>.Dot(h.Data, wtx.Data, SimdSelect.Path);
        double quad = Dot(wtw.Data, hht.Data);
        return 0.5 * (xSquaredNorm - (2.0 * cross) + quad);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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

    private static double Dense<T>(DenseMatrix<T> x, DenseMatrix<T> w, DenseMatrix<T> h, double beta, int threads, SimdPath path)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!LossKernels<T>.Vectorized(path))
        {
            return DenseReference(x, w, h, beta);
        }

        // WH is never held whole: each fixed block of rows forms its tile of WH with the GEMM kernel and sums its
        // terms while the tile is in cache (n·m·k multiply-adds, the cost of the whole evaluation).
        if (beta == Frobenius)
        {
            return LossKernels<T>.OverProduct(x, w, h, default(SquaredDistanceTerms<T>), threads, path).Sum / 2.0;
        }

        var sums = LossKernels<T>.OverProduct(x, w, h, new Sums<T>(beta, storedOnly: false), threads, path);
        return sums.Result(w, h, (double)x.Rows * x.Cols);
    }

    /// <summary>The plain definition for dense X, one row of WH at a time (the scalar path and the tests' reference).</summary>
    private static double DenseReference<T>(DenseMatrix<T> x, DenseMatrix<T> w, DenseMatrix<T> h, double beta)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int m = x.Cols;
        var whRow = new T[m];
        var sums = new Sums<T>(beta, storedOnly: false);
        double frobenius = 0;
        for (int i = 0; i < x.Rows; i++)
        {
            RowOfProduct(w, h, i, whRow);
            var xi = x.Row(i);
            if (beta == Frobenius)
            {
                for (int j = 0; j < m; j++)
                {
                    double d = double.CreateChecked(xi[j] - whRow[j]);
                    frobenius += d * d;
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

    private static double Sparse<T>(CsrMatrix<T> x, DenseMatrix<T> w, DenseMatrix<T> h, double beta, int threads, SimdPath path)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int k = w.Cols;
        if (beta == Frobenius)
        {
            double normX = LossKernels<T>.SquaredNorm(x.Values, threads, path);
            var wtw = new DenseMatrix<T>(k, k);
            var wtwh = new DenseMatrix<T>(k, x.Cols);
            var xht = new DenseMatrix<T>(x.Rows, k);
            Products.GramCols(w, wtw, threads, path);
            Products.Multiply(wtw, h, wtwh, threads, path);
            Products.XHt(x, h, xht, threads, path);
            double normWH = Dot<T>(wtwh.Data, h.Data);
            double cross = Dot<T>(xht.Data, w.Data);
            return (normX + normWH - (2.0 * cross)) / 2.0;
        }

        var sampled = new T[x.Values.Length];
        Products.Sampled(x, w, h, sampled, threads, path);
        bool vectorized = LossKernels<T>.Vectorized(path);
        var sums = new Sums<T>(beta, storedOnly: true);
        if (vectorized)
        {
            sums = LossKernels<T>.OverPairs(x.Values, sampled, sums, threads, path);
        }
        else
        {
            sums.Add(x.Values, sampled, path);
        }

        if (sums.NeedsProductPower)
        {
            // Σ (WH)^β over every entry, zeros of X included.
            if (vectorized)
            {
                sums.Merge(LossKernels<T>.OverProduct(null, w, h, new Sums<T>(beta, storedOnly: true), threads, path));
            }
            else
            {
                var whRow = new T[x.Cols];
                for (int i = 0; i < x.Rows; i++)
                {
                    RowOfProduct(w, h, i, whRow);
                    sums.Add(default, whRow, path);
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

    /// <summary>Σ (x − wh)² of the Frobenius case, in double.</summary>
    private struct SquaredDistanceTerms<T> : IRowTerms<T, SquaredDistanceTerms<T>>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        public double Sum;

        public void Add(ReadOnlySpan<T> x, ReadOnlySpan<T> wh, SimdPath path) => Sum += LossKernels<T>.SquaredDistance(x, wh, path);

        public void Merge(in SquaredDistanceTerms<T> later) => Sum += later.Sum;
    }

    /// <summary>The running sums of the non-Frobenius cases, term by term as scikit-learn forms them.</summary>
    private struct Sums<T> : IRowTerms<T, Sums<T>>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        private readonly double _beta;
        private readonly bool _storedOnly;
        private readonly T _betaT;
        private readonly T _betaMinusOne;
        private double _xLogDiv;     // KL: Σ x log(x / wh)
        private double _xSum;        // KL: Σ x
        private double _div;         // IS: Σ x / wh
        private double _logDiv;      // IS: Σ log(x / wh)
        private double _xPowBeta;    // general: Σ x^β
        private double _xWhPow;      // general: Σ x · wh^(β−1)
        private double _whPowBeta;   // general: Σ over all entries of (WH)^β

        /// <param name="beta">β.</param>
        /// <param name="storedOnly">
        /// Whether <see cref="Add"/> with X given adds only the stored-entry terms (sparse X, whose (WH)^β sum runs
        /// over every entry separately) rather than those and (WH)^β (dense X).
        /// </param>
        public Sums(double beta, bool storedOnly)
        {
            _beta = beta;
            _storedOnly = storedOnly;
            _betaT = T.CreateChecked(beta);
            _betaMinusOne = T.CreateChecked(beta - 1.0);
        }

        public readonly bool NeedsProductPower => _beta != KullbackLeibler && _beta != ItakuraSaito;

        /// <inheritdoc />
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
        public void Add(ReadOnlySpan<T> x, ReadOnlySpan<T> wh, SimdPath path)
        {
            if (x.IsEmpty)
            {
                foreach (T v in wh)
                {
                    AddProductPower(v);
                }

                return;
            }

            if (LossKernels<T>.Vectorized(path) && !NeedsProductPower)
            {
                // KL and IS: the divisions and logarithms of a whole segment at once (no (WH)^β term).
                if (_beta == KullbackLeibler)
                {
                    var (xLogDiv, xSum) = LossKernels<T>.KullbackLeiblerTerms(x, wh, NumericGuards<T>.Epsilon);
                    _xLogDiv += xLogDiv;
                    _xSum += xSum;
                }
                else
                {
                    var (div, logDiv) = LossKernels<T>.ItakuraSaitoTerms(x, wh, NumericGuards<T>.Epsilon);
                    _div += div;
                    _logDiv += logDiv;
                }

                return;
            }

            for (int j = 0; j < x.Length; j++)
            {
                AddStored(x[j], wh[j]);
                if (!_storedOnly)
                {
                    AddProductPower(wh[j]);
                }
            }
        }

        /// <inheritdoc />
        public void Merge(in Sums<T> later)
        {
            _xLogDiv += later._xLogDiv;
            _xSum += later._xSum;
            _div += later._div;
            _logDiv += later._logDiv;
            _xPowBeta += later._xPowBeta;
            _xWhPow += later._xWhPow;
            _whPowBeta += later._whPowBeta;
        }

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
                return _xLogDiv + SumOfProduct(w, h) - _xSum;
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
