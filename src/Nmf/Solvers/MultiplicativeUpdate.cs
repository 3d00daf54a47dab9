using System.Numerics;
using Nmf.Kernels;
using Nmf.Losses;
using Nmf.Matrices;

namespace Nmf.Solvers;

/// <summary>
/// scikit-learn 1.2's <c>mu</c> solver: the multiplicative updates of Lee &amp; Seung (2001) for the Frobenius and
/// Kullback-Leibler losses, generalised to any beta-divergence by Févotte &amp; Idier (2011, eq. 7–8 with the
/// exponent γ of their Table 2 that guarantees a non-increasing loss).
/// </summary>
/// <remarks>
/// One iteration updates W, then H (unless H is fixed), each as
/// <code>
/// F ← F ⊙ (numerator ⊘ denominator)^γ
/// W: numerator = ((WH)^(β−2) ⊙ X) Hᵀ     denominator = (WH)^(β−1) Hᵀ + l1_W + l2_W·W
/// H: numerator = Wᵀ((WH)^(β−2) ⊙ X)     denominator = Wᵀ(WH)^(β−1) + l1_H + l2_H·H
/// γ = 1/(2−β) for β &lt; 1, 1/(β−1) for β &gt; 2, else 1
/// </code>
/// with scikit-learn's shortcuts and guards kept exactly: β = 2 uses XHᵀ and W(HHᵀ) (and WᵀX, (WᵀW)H); β = 1
/// uses X ⊘ WH and the row sums of H (column sums of W, zeros replaced by 1); WH = 0 becomes 2^-23 where a
/// negative power is taken; a zero denominator becomes 2^-23; after the update entries below 2^-52 are set to
/// zero (W for β &lt; 1, H for β ≤ 1). For sparse X, WH is evaluated at X's non-zeros only; for β ∉ {1, 2} the
/// full (WH)^(β−1) is formed one row (or column) at a time. The loss is checked every 10 iterations when
/// <c>tol</c> &gt; 0: the fit stops when (previous error − error) / initial error &lt; tol.
/// </remarks>
internal sealed class MultiplicativeUpdate : INmfSolver
{
    /// <inheritdoc />
    public string Name => "mu";

    /// <inheritdoc />
    public bool SupportsBeta(double beta) => double.IsFinite(beta);

    /// <inheritdoc />
    public void InitializeTransform<T>(IMatrix<T> x, DenseMatrix<T> w)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        double sum = 0;
        ReadOnlySpan<T> values = x is DenseMatrix<T> d ? d.Data : ((CsrMatrix<T>)x).Values;
        foreach (T v in values)
        {
            sum += double.CreateChecked(v);
        }

        T avg = T.CreateChecked(Math.Sqrt(sum / ((double)x.Rows * x.Cols) / w.Cols));
        Array.Fill(w.Data, avg);
    }

    /// <inheritdoc />
    public int Solve<T>(SolverContext<T> context, DenseMatrix<T> w, DenseMatrix<T> h)
        where T : unmanaged, IFloatingPointIeee754<T>
        => new Run<T>(context, w, h).Execute();

    /// <summary>The buffers and state of one fit; allocated once, reused by every iteration.</summary>
    private sealed class Run<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        private readonly SolverContext<T> _ctx;
        private readonly IMatrix<T> _x;
        private readonly DenseMatrix<T> _w, _h;
        private readonly int _threads;
        private readonly double _beta;
        private readonly T _gamma, _betaMinusOne, _betaMinusTwo;
        private readonly T _l1W, _l2W, _l1H, _l2H;
        private readonly bool _hasL1W, _hasL2W, _hasL1H, _hasL2H;

        private readonly DenseMatrix<T> _numW, _denW, _numH, _denH, _hht, _wtw;
        private readonly DenseMatrix<T>? _xhtFixed;     // XHᵀ kept across iterations when H is fixed
        private readonly DenseMatrix<T>? _wh, _ratio;   // dense X, β ≠ 2: (WH)^(β−1) and (WH)^(β−2) ⊙ X
        private readonly T[]? _ratioValues;            // sparse X, β ≠ 2: the same at X's non-zeros
        private readonly T[]? _ratioTransposed;        // ... in the order of Xᵀ's non-zeros, for Wᵀ·ratio
        private readonly int[]? _transposeSource;      // position in X of each non-zero of Xᵀ
        private readonly CsrMatrix<T>? _ratioSparse;   // the ratio over X's structure, its transpose linked
        private readonly T[]? _rowBuffer, _columnBuffer; // sparse X, β ∉ {1, 2}
        private readonly T[] _hSum, _wSum;
        private readonly KullbackLeiblerRowPasses<T>? _fusedKullbackLeibler; // dense X, β = 1: one pass over X an iteration
        private bool _hhtValid, _hSumValid, _xhtFixedValid;

        public Run(SolverContext<T> context, DenseMatrix<T> w, DenseMatrix<T> h)
        {
            _ctx = context;
            _x = context.X;
            _w = w;
            _h = h;
            _threads = context.Threads;
            _beta = context.Beta;
            double gamma = _beta < 1 ? 1.0 / (2.0 - _beta) : _beta > 2 ? 1.0 / (_beta - 1.0) : 1.0;
            _gamma = T.CreateChecked(gamma);
            _betaMinusOne = T.CreateChecked(_beta - 1.0);
            _betaMinusTwo = T.CreateChecked(_beta - 2.0);
            var reg = context.Regularization;
            (_l1W, _hasL1W) = (T.CreateChecked(reg.L1W), reg.L1W > 0);
            (_l2W, _hasL2W) = (T.CreateChecked(reg.L2W), reg.L2W > 0);
            (_l1H, _hasL1H) = (T.CreateChecked(reg.L1H), reg.L1H > 0);
            (_l2H, _hasL2H) = (T.CreateChecked(reg.L2H), reg.L2H > 0);

            int n = _x.Rows, m = _x.Cols, k = w.Cols;

            // Dense X with β = 1: the fused pass forms the W numerator a block at a time (no n x k buffers).
            bool fused = _beta == 1.0 && _x is DenseMatrix<T> && KullbackLeiblerRowPasses<T>.IsAvailable;
            _numW = new DenseMatrix<T>(fused ? 0 : n, k);
            _denW = new DenseMatrix<T>(fused ? 0 : n, k);
            _hht = new DenseMatrix<T>(k, k);
            bool updateH = context.UpdateH;
            _numH = new DenseMatrix<T>(updateH ? k : 0, updateH ? m : 0);
            _denH = new DenseMatrix<T>(updateH ? k : 0, updateH ? m : 0);
            _wtw = new DenseMatrix<T>(k, k);
            _hSum = new T[k];
            _wSum = new T[k];
            if (_beta == 2.0)
            {
                _xhtFixed = updateH ? null : new DenseMatrix<T>(n, k);
            }
            else if (fused)
            {
                var dense = (DenseMatrix<T>)_x;
                _fusedKullbackLeibler = new KullbackLeiblerRowPasses<T>(dense, k, _threads);
            }
            else if (_x is DenseMatrix<T>)
            {
                _ratio = new DenseMatrix<T>(n, m);
                _wh = new DenseMatrix<T>(n, m);
            }
            else
            {
                var csr = (CsrMatrix<T>)_x;
                SparseTranspose<T>.Of(csr, _threads); // built in parallel once, then read by the two calls below
                _ratioValues = new T[csr.Values.Length];
                _ratioTransposed = new T[csr.Values.Length];
                _transposeSource = csr.TransposeSourcePositions();
                _ratioSparse = csr.WithLinkedTranspose(_ratioValues, _ratioTransposed);
                if (_beta != 1.0)
                {
                    _rowBuffer = new T[m];
                    _columnBuffer = new T[n];
                }
            }
        }

        public int Execute()
        {
            double tol = _ctx.Tol;
            double errorAtInit = tol > 0 ? BetaDivergence.ReconstructionError(_x, _w, _h, _beta, _threads) : double.NaN;
            double previousError = errorAtInit;
            int iteration;
            for (iteration = 1; iteration <= _ctx.MaxIter; iteration++)
            {
                if (_fusedKullbackLeibler is not null)
                {
                    _fusedKullbackLeibler.Iterate(_w, _h, DenominatorOfW(), _l2W, _hasL2W, _ctx.UpdateH, _numH);
                }
                else
                {
                    UpdateW();
                }

                if (_beta < 1)
                {
                    Clip(_w.Data);
                }

                double loss = double.NaN;
                if (_ctx.UpdateH)
                {
                    if (_fusedKullbackLeibler is not null)
                    {
                        _hSumValid = false; // H changes
                        ApplyKullbackLeiblerH();
                    }
                    else
                    {
                        UpdateH();
                    }

                    if (_beta <= 1)
                    {
                        Clip(_h.Data);
                    }

                    if (_beta == 2.0 && _ctx.WantsLoss)
                    {
                        // WᵀX (the H numerator) and WᵀW are still those of the current W; HHᵀ is reused by the next W update.
                        Products.GramRows(_h, _hht, _threads);
                        _hhtValid = true;
                        loss = BetaDivergence.FrobeniusFromGram(_ctx.XSquaredNorm, _h, _numH, _wtw, _hht);
                    }
                }

                bool check = tol > 0 && iteration % 10 == 0;
                double error = double.NaN;
                if (check)
                {
                    loss = BetaDivergence.Compute(_x, _w, _h, _beta, _threads);
                    error = Math.Sqrt(2.0 * Math.Max(loss, 0.0));
                }

                _ctx.EndIteration(iteration, loss);
                if (check)
                {
                    if ((previousError - error) / errorAtInit < tol)
                    {
                        break;
                    }

                    previousError = error;
                }
            }

            return Math.Min(iteration, _ctx.MaxIter);
        }

        private void UpdateW()
        {
            if (_beta == 2.0)
            {
                if (_xhtFixed is null)
                {
                    Products.XHt(_x, _h, _numW, _threads);
                }
                else
                {
                    if (!_xhtFixedValid)
                    {
                        Products.XHt(_x, _h, _xhtFixed, _threads);
                        _xhtFixedValid = true;
                    }

                    _xhtFixed.Data.CopyTo(_numW.Data, 0);
                }

                if (!_hhtValid)
                {
                    Products.GramRows(_h, _hht, _threads);
                    _hhtValid = true;
                }

                Products.Multiply(_w, _hht, _denW, _threads);
                Apply(_w.Data, _numW.Data, _denW.Data, _l1W, _hasL1W, _l2W, _hasL2W);
                return;
            }

            ComputeRatio();
            Products.XHt(RatioMatrix(), _h, _numW, _threads);
            if (_beta == 1.0)
            {
                var hSum = DenominatorOfW();
                for (int i = 0; i < _denW.Rows; i++)
                {
                    hSum.CopyTo(_denW.Row(i));
                }

                Apply(_w.Data, _numW.Data, _denW.Data, _l1W, false, _l2W, _hasL2W);
                return;
            }

            if (_wh is not null)
            {
                Products.XHt(_wh, _h, _denW, _threads);
            }
            else
            {
                SparseDenominatorW();
            }

            Apply(_w.Data, _numW.Data, _denW.Data, _l1W, _hasL1W, _l2W, _hasL2W);
        }

        private void UpdateH()
        {
            _hhtValid = false;
            _hSumValid = false;
            if (_beta == 2.0)
            {
                Products.WtX(_w, _x, _numH, _threads);
                Products.GramCols(_w, _wtw, _threads);
                Products.Multiply(_wtw, _h, _denH, _threads);
                Apply(_h.Data, _numH.Data, _denH.Data, _l1H, _hasL1H, _l2H, _hasL2H);
                return;
            }

            ComputeRatio();
            Products.WtX(_w, RatioMatrix(), _numH, _threads);
            if (_beta == 1.0)
            {
                ApplyKullbackLeiblerH();
                return;
            }

            if (_wh is not null)
            {
                Products.WtX(_w, _wh, _denH, _threads);
            }
            else
            {
                SparseDenominatorH();
            }

            Apply(_h.Data, _numH.Data, _denH.Data, _l1H, _hasL1H, _l2H, _hasL2H);
        }

        /// <summary>
        /// β = 1: the W denominator Σⱼ H[c, j] (+ l1_W), zeros replaced by 2^-23 unless l2_W is set. With H fixed
        /// scikit-learn keeps H_sum between iterations, including these in-place changes; the same happens here.
        /// </summary>
        private T[] DenominatorOfW()
        {
            if (!_hSumValid)
            {
                for (int c = 0; c < _hSum.Length; c++)
                {
                    _hSum[c] = Sum(_h.Row(c));
                }

                _hSumValid = !_ctx.UpdateH;
            }

            if (_hasL1W)
            {
                for (int c = 0; c < _hSum.Length; c++)
                {
                    _hSum[c] += _l1W;
                }
            }

            if (!_hasL2W)
            {
                ReplaceZeros(_hSum);
            }

            return _hSum;
        }

        /// <summary>
        /// β = 1: H ← H ⊙ numerator ⊘ (Σᵢ W[i, c] (+ l1_H)) with the numerator Wᵀ(X ⊘ WH) in <c>_numH</c>; a zero
        /// column sum of W becomes 1 (scikit-learn's guard), a zero denominator 2^-23 unless l2_H is set.
        /// </summary>
        private void ApplyKullbackLeiblerH()
        {
            // Column sums of W, each summed over the rows in order (a vector of columns at a time).
            _wSum.AsSpan().Clear();
            var sums = _wSum.AsSpan();
            int lanes = Vector<T>.Count;
            for (int i = 0; i < _w.Rows; i++)
            {
                var wi = _w.Row(i);
                int c = 0;
                for (; c + lanes <= wi.Length; c += lanes)
                {
                    (new Vector<T>(sums[c..]) + new Vector<T>(wi[c..])).CopyTo(sums[c..]);
                }

                for (; c < wi.Length; c++)
                {
                    sums[c] += wi[c];
                }
            }

            for (int c = 0; c < _wSum.Length; c++)
            {
                if (_wSum[c] == T.Zero)
                {
                    _wSum[c] = T.One;
                }

                if (_hasL1H)
                {
                    _wSum[c] += _l1H;
                }
            }

            if (!_hasL2H)
            {
                ReplaceZeros(_wSum);
            }

            for (int c = 0; c < _denH.Rows; c++)
            {
                _denH.Row(c).Fill(_wSum[c]);
            }

            Apply(_h.Data, _numH.Data, _denH.Data, _l1H, false, _l2H, _hasL2H);
        }

        /// <summary>
        /// (WH)^(β−2) ⊙ X (X ⊘ WH for β = 1, X ⊘ (WH)² for β = 0) into the ratio buffer, and for dense X with
        /// β ≠ 1 also (WH)^(β−1) into <c>_wh</c>, for the current W and H.
        /// </summary>
        private void ComputeRatio()
        {
            if (_ratio is not null && _wh is not null)
            {
                var x = (DenseMatrix<T>)_x;
                Products.Multiply(_w, _h, _wh, _threads);
                var wh = _wh.Data;
                var ratio = _ratio.Data;
                for (int p = 0; p < wh.Length; p++)
                {
                    T v = wh[p];
                    ratio[p] = RatioEntry(x.Data[p], v);
                    if (_beta != 1.0)
                    {
                        if (_beta < 1 && v == T.Zero)
                        {
                            v = NumericGuards<T>.Epsilon;
                        }

                        wh[p] = NumericGuards<T>.Power(v, _betaMinusOne);
                    }
                }

                return;
            }

            var s = (CsrMatrix<T>)_x;
            var values = _ratioValues!;
            Products.Sampled(s, _w, _h, values, _threads);
            for (int p = 0; p < values.Length; p++)
            {
                values[p] = RatioEntry(s.Values[p], values[p]);
            }

            var transposed = _ratioTransposed!;
            var source = _transposeSource!;
            for (int q = 0; q < transposed.Length; q++)
            {
                transposed[q] = values[source[q]];
            }
        }

        private T RatioEntry(T x, T wh)
        {
            if (_beta < 2 && wh == T.Zero)
            {
                wh = NumericGuards<T>.Epsilon;
            }

            if (_beta == 1.0)
            {
                return x / wh;
            }

            if (_beta == 0.0)
            {
                T r = NumericGuards<T>.Power(wh, -T.One);
                r = NumericGuards<T>.Power(r, T.CreateChecked(2));
                return r * x;
            }

            return NumericGuards<T>.Power(wh, _betaMinusTwo) * x;
        }

        private IMatrix<T> RatioMatrix() => _ratio is not null ? _ratio : _ratioSparse!;

        /// <summary>Row i of (WH)^(β−1) Hᵀ for sparse X, one row of WH at a time.</summary>
        private void SparseDenominatorW()
        {
            var row = _rowBuffer!;
            int k = _w.Cols;
            for (int i = 0; i < _w.Rows; i++)
            {
                row.AsSpan().Clear();
                var wi = _w.Row(i);
                for (int c = 0; c < k; c++)
                {
                    T wic = wi[c];
                    var hc = _h.Row(c);
                    for (int j = 0; j < row.Length; j++)
                    {
                        row[j] += wic * hc[j];
                    }
                }

                PowerInPlace(row);
                var di = _denW.Row(i);
                for (int c = 0; c < k; c++)
                {
                    di[c] = DotRow(row, _h.Row(c));
                }
            }
        }

        /// <summary>Column j of Wᵀ(WH)^(β−1) for sparse X, one column of WH at a time.</summary>
        private void SparseDenominatorH()
        {
            var col = _columnBuffer!;
            int k = _w.Cols, m = _h.Cols;
            for (int j = 0; j < m; j++)
            {
                for (int i = 0; i < col.Length; i++)
                {
                    var wi = _w.Row(i);
                    T s = T.Zero;
                    for (int c = 0; c < k; c++)
                    {
                        s += wi[c] * _h.Data[(c * m) + j];
                    }

                    col[i] = s;
                }

                PowerInPlace(col);
                for (int c = 0; c < k; c++)
                {
                    T s = T.Zero;
                    for (int i = 0; i < col.Length; i++)
                    {
                        s += _w.Data[(i * k) + c] * col[i];
                    }

                    _denH.Data[(c * m) + j] = s;
                }
            }
        }

        private void PowerInPlace(Span<T> values)
        {
            for (int j = 0; j < values.Length; j++)
            {
                T v = values[j];
                if (_beta < 1 && v == T.Zero)
                {
                    v = NumericGuards<T>.Epsilon;
                }

                values[j] = NumericGuards<T>.Power(v, _betaMinusOne);
            }
        }

        /// <summary>
        /// F ← F ⊙ (N ⊘ D')^γ with D' = D (+ l1) (+ l2·F), zeros of D' replaced by 2^-23, element by element in
        /// scikit-learn's order of operations.
        /// </summary>
        private void Apply(T[] factor, T[] numerator, T[] denominator, T l1, bool hasL1, T l2, bool hasL2) =>
            MultiplicativeStep<T>.Run(factor, numerator, denominator, l1, hasL1, l2, hasL2, _gamma, _threads);

        private static void Clip(Span<T> factor)
        {
            T threshold = NumericGuards<T>.ClipThreshold;
            for (int p = 0; p < factor.Length; p++)
            {
                if (factor[p] < threshold)
                {
                    factor[p] = T.Zero;
                }
            }
        }

        private static void ReplaceZeros(Span<T> values)
        {
            for (int c = 0; c < values.Length; c++)
            {
                if (values[c] == T.Zero)
                {
                    values[c] = NumericGuards<T>.Epsilon;
                }
            }
        }

        private static T Sum(ReadOnlySpan<T> values)
        {
            T s = T.Zero;
            foreach (T v in values)
            {
                s += v;
            }

            return s;
        }

        private static T DotRow(ReadOnlySpan<T> a, ReadOnlySpan<T> b)
        {
            T s = T.Zero;
            for (int j = 0; j < a.Length; j++)
            {
                s += a[j] * b[j];
            }

            return s;
        }
    }
}
