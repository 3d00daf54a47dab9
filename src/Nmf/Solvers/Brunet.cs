using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Nmf.Kernels;
using Nmf.Losses;
using Nmf.Matrices;

namespace Nmf.Solvers;

/// <summary>
/// Brunet et al. (2004, PNAS 101:4164) multiplicative updates for the Kullback–Leibler divergence, R NMF's default
/// method "brunet". In R's orientation V (features x samples) ≈ W_R H_R the updates are
/// H_R ← H_R ∘ (W_Rᵀ (V / W_R H_R)) / colsums(W_R), then W_R ← W_R ∘ ((V / W_R H_R) H_Rᵀ) / rowsums(H_R) with the new
/// H_R (Lee &amp; Seung 2001, Theorem 2). Here X = Vᵀ is samples x features, so W = H_Rᵀ is updated first:
/// W ← W ∘ ((X / WH) Hᵀ) ⊘ rowsums(H), then H ← H ∘ (Wᵀ (X / WH)) ⊘ colsums(W). Every 10 iterations entries below
/// machine epsilon are raised to it, as R NMF does against underflow.
/// </summary>
/// <remarks>
/// For k ≤ 4 on a vector path an iteration is one pass over X (<see cref="BrunetPasses{T}"/>); otherwise
/// each half-update is one fused pass over X: the quotient X / WH is formed a vector at a time and consumed at
/// once, never stored. X must be dense (consensus clustering works on dense expression data).
/// </remarks>
internal sealed class Brunet : INmfSolver
{
    /// <inheritdoc />
    public string Name => "brunet";

    /// <inheritdoc />
    public bool SupportsBeta(double beta) => beta == 1.0;

    /// <inheritdoc />
    public void InitializeTransform<T>(IMatrix<T> x, DenseMatrix<T> w)
        where T : unmanaged, IFloatingPointIeee754<T>
        => Array.Fill(w.Data, T.One);

    /// <inheritdoc />
    public int Solve<T>(SolverContext<T> context, DenseMatrix<T> w, DenseMatrix<T> h)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var x = context.X as DenseMatrix<T> ?? ((CsrMatrix<T>)context.X).ToDense();
        var options = context.Options;
        var stopping = new MultiplicativeStopping(options.MaxIter, options.Tol, options.ConnectivityStop);
        return Fit(x, w, h, stopping, context.UpdateH, context.EndIteration, context.WantsLoss, context.CancellationToken).Iterations;
    }

    /// <summary>Runs the updates in place on W (n x k) and H (k x m, left alone unless <paramref name="updateH"/>).</summary>
    public static MultiplicativeResult Fit<T>(DenseMatrix<T> x, DenseMatrix<T> w, DenseMatrix<T> h, MultiplicativeStopping stopping,
        bool updateH = true, Action<int, double>? endIteration = null, bool wantsLoss = false, CancellationToken cancellationToken = default)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T eps = MachineEpsilon<T>();
        var hRowSums = new T[h.Rows];
        var wColSums = new T[w.Cols];
        var passes = BrunetPasses<T>.Supports(w.Cols, SimdSelect.Path) ? new BrunetPasses<T>(x, w.Cols, SimdSelect.Path) : null;
        return MultiplicativeLoop.Run(stopping, w, Iterate, () => BrunetPasses<T>.KullbackLeibler(x, w, h), endIteration, wantsLoss, cancellationToken);

        // Optimised at first call, like everything an iteration runs: a consensus is many short fits.
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        void Iterate(int iteration)
        {
            if (passes is not null)
            {
                passes.Iterate(w, h, updateH);
            }
            else
            {
                RowSums(h, hRowSums);
                UpdateW(x, w, h, hRowSums);
                if (updateH)
                {
                    ColumnSums(w, wColSums);
                    UpdateH(x, w, h, wColSums);
                }
            }

            if (iteration % 10 == 0)
            {
                RaiseTo(w.Data, eps);
                if (updateH)
                {
                    RaiseTo(h.Data, eps);
                }
            }
        }
    }

    /// <summary>Machine epsilon of T (2⁻⁵² for double, 2⁻²³ for float): the gap between 1 and the next value.</summary>
    internal static T MachineEpsilon<T>() where T : unmanaged, IFloatingPointIeee754<T> => T.BitIncrement(T.One) - T.One;

    /// <summary>wh[j] = Σ_c w[c] H[c, j].</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void ReconstructRow<T>(ReadOnlySpan<T> w, DenseMatrix<T> h, Span<T> wh)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        wh.Clear();
        for (int c = 0; c < w.Length; c++)
        {
            var hc = h.Row(c);
            T wc = w[c];
            for (int j = 0; j < wh.Length; j++)
            {
                wh[j] += wc * hc[j];
            }
        }
    }

    /// <summary>Columns per block: a block of k rows of H, X and the quotient fit in the L1 cache together.</summary>
    private static int BlockWidth<T>() where T : unmanaged => 8192 / Unsafe.SizeOf<T>();

    /// <summary>quotient = X[s, block] / (W[s, :] H[:, block]), the block starting at column <paramref name="start"/>.</summary>
    private static void Quotient<T>(DenseMatrix<T> x, DenseMatrix<T> w, DenseMatrix<T> h, int s, int start, Span<T> quotient)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int m = x.Cols, width = quotient.Length;
        var ws = w.Row(s);
        TensorPrimitives.Multiply(h.Data.AsSpan(start, width), ws[0], quotient);
        for (int c = 1; c < ws.Length; c++)
        {
            TensorPrimitives.MultiplyAdd(h.Data.AsSpan((c * m) + start, width), ws[c], quotient, quotient);
        }

        TensorPrimitives.Divide(x.Data.AsSpan((s * m) + start, width), quotient, quotient);
    }

    /// <summary>W[s, c] ← W[s, c] · (Σⱼ H[c, j] X[s, j] / (WH)[s, j]) / hRowSums[c].</summary>
    private static void UpdateW<T>(DenseMatrix<T> x, DenseMatrix<T> w, DenseMatrix<T> h, T[] hRowSums)
        where T : unmanaged, IFloatingPointIeee754<T>
        => BlockedUpdateW(x, w, h, hRowSums);

    /// <summary>H[c, j] ← H[c, j] · (Σₛ W[s, c] X[s, j] / (WH)[s, j]) / wColSums[c].</summary>
    private static void UpdateH<T>(DenseMatrix<T> x, DenseMatrix<T> w, DenseMatrix<T> h, T[] wColSums)
        where T : unmanaged, IFloatingPointIeee754<T>
        => BlockedUpdateH(x, w, h, wColSums);

    /// <summary><see cref="UpdateW"/> for any k, one sample row at a time, in column blocks that stay in the L1 cache.</summary>
    // Optimised at first call: a fit spends its time in this loop, which tier-0 code would run for many iterations.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void BlockedUpdateW<T>(DenseMatrix<T> x, DenseMatrix<T> w, DenseMatrix<T> h, T[] hRowSums)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int k = w.Cols, m = x.Cols, block = BlockWidth<T>();
        Span<T> quotient = new T[Math.Min(block, m)];
        Span<T> sums = stackalloc T[k];
        for (int s = 0; s < x.Rows; s++)
        {
            sums.Clear();
            for (int start = 0; start < m; start += block)
            {
                int width = Math.Min(block, m - start);
                var q = quotient[..width];
                Quotient(x, w, h, s, start, q);
                for (int c = 0; c < k; c++)
                {
                    sums[c] += TensorPrimitives.Dot(h.Data.AsSpan((c * m) + start, width), q);
                }
            }

            var ws = w.Row(s);
            for (int c = 0; c < k; c++)
            {
                ws[c] *= sums[c] / hRowSums[c];
            }
        }
    }

    /// <summary><see cref="UpdateH"/> for any k, one block of columns at a time.</summary>
    // Optimised at first call: a fit spends its time in this loop, which tier-0 code would run for many iterations.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void BlockedUpdateH<T>(DenseMatrix<T> x, DenseMatrix<T> w, DenseMatrix<T> h, T[] wColSums)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int k = w.Cols, m = x.Cols, block = BlockWidth<T>();
        var quotient = new T[Math.Min(block, m)];
        var sums = new T[k * Math.Min(block, m)];
        for (int start = 0; start < m; start += block)
        {
            int width = Math.Min(block, m - start);
            var q = quotient.AsSpan(0, width);
            Array.Clear(sums);
            for (int s = 0; s < x.Rows; s++)
            {
                // The block of H is read here for every row and only overwritten after the last row.
                Quotient(x, w, h, s, start, q);
                var ws = w.Row(s);
                for (int c = 0; c < k; c++)
                {
                    var sc = sums.AsSpan(c * width, width);
                    TensorPrimitives.MultiplyAdd(q, ws[c], sc, sc);
                }
            }

            for (int c = 0; c < k; c++)
            {
                var hc = h.Data.AsSpan((c * m) + start, width);
                TensorPrimitives.Multiply(hc, sums.AsSpan(c * width, width), hc);
                TensorPrimitives.Multiply(hc, T.One / wColSums[c], hc);
            }
        }
    }

    /// <summary>sums[r] = Σ_c a[r, c].</summary>
    internal static void RowSums<T>(DenseMatrix<T> a, T[] sums) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int r = 0; r < a.Rows; r++)
        {
            T s = T.Zero;
            foreach (T v in a.Row(r))
            {
                s += v;
            }

            sums[r] = s;
        }
    }

    /// <summary>sums[c] = Σ_r a[r, c].</summary>
    internal static void ColumnSums<T>(DenseMatrix<T> a, T[] sums) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Array.Clear(sums);
        for (int r = 0; r < a.Rows; r++)
        {
            var row = a.Row(r);
            for (int c = 0; c < row.Length; c++)
            {
                sums[c] += row[c];
            }
        }
    }

    /// <summary>values[i] ← max(values[i], floor).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void RaiseTo<T>(T[] values, T floor) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < values.Length; i++)
        {
            if (values[i] < floor)
            {
                values[i] = floor;
            }
        }
    }
}
