using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Nmf.Kernels;
using Nmf.Losses;
using Nmf.Matrices;

namespace Nmf.Solvers;

/// <summary>
/// One iteration of scikit-learn's <c>mu</c> solver for the Kullback-Leibler loss (β = 1, Lee &amp; Seung 2001) on
/// dense X with one pass over X and no n x m array. The plain rule forms WH and X ⊘ WH in full twice an iteration:
/// <code>
/// W ← W ⊙ ((X ⊘ WH) Hᵀ) ⊘ (1 Σⱼ H[c, j])          with the old W and H
/// H ← H ⊙ (Wᵀ (X ⊘ WH)) ⊘ (Σᵢ W[i, c] 1ᵀ)          with the new W and the old H
/// </code>
/// Row i of the new W needs only row i of X and the old H, and its terms of the H numerator only that new row and
/// the old H; so X is taken a block of rows at a time: WH of the block (<see cref="Gemm{T}"/>), the quotients in
/// place, the block's W numerator and update, then WH again with the new rows, the quotients, and the block's terms
/// of Wᵀ (X ⊘ WH), all while the block is in the L2 cache.
/// </summary>
/// <remarks>
/// The W update is the same sums in the same order as the plain rule's products, so W comes out bit-identical. The
/// H numerator is summed per fixed group of blocks and then over the groups in order: independent of the thread
/// count, rounded differently from one long sum. The guards are scikit-learn's: a zero of WH becomes 2⁻²³ before
/// the division, and so does a zero denominator.
/// </remarks>
/// <typeparam name="T">float or double.</typeparam>
internal sealed unsafe class KullbackLeiblerRowPasses<T> : IPartitionedWork
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>
    /// Rows per block: the block's quotients and X's rows (256 KB each on P1) stay in a 1 MB L2 for the products that
    /// read them. On P3 (50000 x 256, k = 32) 128 rows measured 42–48 ms an iteration in steady state, 64 and 256 rows
    /// 48–55 ms.
    /// </summary>
    private const int BlockRows = 128;

    /// <summary>Fixed groups of blocks the threads take one at a time, each with its own partial H numerator.</summary>
    private const int Groups = 32;

    [ThreadStatic]
    private static T[]? _quotients;

    [ThreadStatic]
    private static T[]? _numerator;

    private readonly DenseMatrix<T> _x;
    private readonly int _blocks, _groups, _threads;
    private readonly SimdPath _path;
    private readonly T[] _partials;
    private T* _px, _pw, _ph, _pDen, _pPartials;
    private T _l2;
    private bool _hasL2, _updateH;

    /// <summary>Workspace for fits of <paramref name="x"/> at rank <paramref name="rank"/>.</summary>
    public KullbackLeiblerRowPasses(DenseMatrix<T> x, int rank, int threads)
    {
        _x = x;
        _threads = threads;
        _path = SimdSelect.Path;
        _blocks = (x.Rows + BlockRows - 1) / BlockRows;
        _groups = Math.Max(1, Math.Min(Groups, _blocks));
        _partials = new T[_groups * rank * x.Cols];
    }

    /// <summary>Whether the fused pass runs for this element type on this machine (it needs the vector kernels).</summary>
    public static bool IsAvailable =>
        (typeof(T) == typeof(double) || typeof(T) == typeof(float)) && SimdSelect.Path != SimdPath.Scalar;

    /// <summary>
    /// Updates W in place with the denominator <paramref name="wDenominator"/> (Σⱼ H[c, j] with scikit-learn's
    /// l1 and zero guards applied, plus l2·W when <paramref name="hasL2"/>), then, when <paramref name="updateH"/>,
    /// writes Wᵀ (X ⊘ WH) of the new W into <paramref name="hNumerator"/> (k x m). H is only read.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Iterate(DenseMatrix<T> w, DenseMatrix<T> h, ReadOnlySpan<T> wDenominator, T l2, bool hasL2, bool updateH, DenseMatrix<T> hNumerator)
    {
        int k = w.Cols, m = _x.Cols;
        _l2 = l2;
        _hasL2 = hasL2;
        _updateH = updateH;
        fixed (T* px = _x.Data, pw = w.Data, ph = h.Data, pDen = wDenominator, pPartials = _partials)
        {
            _px = px;
            _pw = pw;
            _ph = ph;
            _pDen = pDen;
            _pPartials = pPartials;
            try
            {
                KernelThreads.Run(this, _groups, _threads);
            }
            finally
            {
                _px = _pw = _ph = _pDen = _pPartials = null;
            }
        }

        if (updateH)
        {
            var partials = _partials.AsSpan();
            int size = k * m;
            partials[..size].CopyTo(hNumerator.Data);
            for (int g = 1; g < _groups; g++)
            {
                System.Numerics.Tensors.TensorPrimitives.Add(hNumerator.Data, partials.Slice(g * size, size), hNumerator.Data);
            }
        }
    }

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void RunPart(int group)
    {
        switch (_path)
        {
            case SimdPath.V512: Group<Vector512<T>, Simd512<T>>(group); break;
            case SimdPath.V256: Group<Vector256<T>, Simd256<T>>(group); break;
            default: Group<Vector128<T>, Simd128<T>>(group); break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Group<TV, TS>(int group)
        where TV : struct
        where TS : ISimd<T, TV>
    {
        int n = _x.Rows, m = _x.Cols;
        int k = _partials.Length / (_groups * m);
        int b0 = (int)((long)_blocks * group / _groups), b1 = (int)((long)_blocks * (group + 1) / _groups);
        if (_quotients is null || _quotients.Length < BlockRows * m)
        {
            _quotients = GC.AllocateUninitializedArray<T>(BlockRows * m, pinned: true);
        }

        if (_numerator is null || _numerator.Length < BlockRows * k)
        {
            _numerator = GC.AllocateUninitializedArray<T>(BlockRows * k, pinned: true);
        }

        T* partial = _pPartials + ((long)group * k * m);
        fixed (T* q = _quotients, num = _numerator)
        {
            for (int b = b0; b < b1; b++)
            {
                int i0 = b * BlockRows, rows = Math.Min(BlockRows, n - i0);
                T* xb = _px + ((long)i0 * m), wb = _pw + ((long)i0 * k);

                // W: (X ⊘ WH) Hᵀ for the block's rows with the old W, then the update of those rows.
                Quotients<TV, TS>(rows, m, k, xb, wb, q);
                Gemm<T>.Run(rows, k, m, q, m, 1, _ph, m, true, num, k, 1, _path);
                UpdateRows(wb, num, rows, k);

                if (_updateH)
                {
                    // H numerator: Wᵀ (X ⊘ WH) with the block's new rows, summed into the group's partial.
                    Quotients<TV, TS>(rows, m, k, xb, wb, q);
                    Gemm<T>.Run(k, m, rows, wb, 1, k, q, m, false, partial, m, 1, _path, accumulate: b > b0);
                }
            }
        }
    }

    /// <summary>q = X_B ⊘ (W_B H) for a block of rows, a zero of W_B H replaced by 2⁻²³ (scikit-learn's guard).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Quotients<TV, TS>(int rows, int m, int k, T* xb, T* wb, T* q)
        where TV : struct
        where TS : ISimd<T, TV>
    {
        Gemm<T>.Run(rows, m, k, wb, k, 1, _ph, m, false, q, m, 1, _path);
        nint length = (nint)rows * m, lanes = TS.Count, p = 0;
        T floor = NumericGuards<T>.Epsilon;
        TV floorV = TS.Broadcast(floor);
        for (; p + lanes <= length; p += lanes)
        {
            TV wh = TS.Load(q + p);
            TS.Store(TS.Divide(TS.Load(xb + p), TS.SelectWhereZero(wh, floorV, wh)), q + p);
        }

        for (; p < length; p++)
        {
            T wh = q[p];
            q[p] = xb[p] / (wh == T.Zero ? floor : wh);
        }
    }

    /// <summary>
    /// W[i, c] ← W[i, c] · num[i, c] / (den[c] + l2·W[i, c]) for the block's rows, a zero denominator replaced by 2⁻²³:
    /// mu's step (<see cref="MultiplicativeStep{T}"/>) with the same denominator row for every row.
    /// </summary>
    private void UpdateRows(T* wb, T* num, int rows, int k)
    {
        var den = new ReadOnlySpan<T>(_pDen, k);
        for (int r = 0; r < rows; r++)
        {
            MultiplicativeStep<T>.Apply(new Span<T>(wb + ((long)r * k), k), new ReadOnlySpan<T>(num + ((long)r * k), k), den, T.Zero, false, _l2, _hasL2, T.One);
        }
    }
}
