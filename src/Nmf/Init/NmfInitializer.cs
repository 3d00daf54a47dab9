using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Nmf.Decomposition;
using Nmf.Matrices;

namespace Nmf.Init;

/// <summary>
/// Starting factors W (n x k) and H (k x m) for NMF, exactly as scikit-learn 1.2's <c>_initialize_nmf</c>:
/// <list type="bullet">
/// <item><see cref="NmfInit.Random"/>: sqrt(mean(X) / k) · |N(0, 1)|, H drawn before W, from NumPy's legacy
/// RandomState seeded with <c>randomState</c>, so a seed gives scikit-learn's very numbers.</item>
/// <item><see cref="NmfInit.Nndsvd"/>: non-negative double SVD of Boutsidis &amp; Gallopoulos (2008),
/// "SVD based initialization: A head start for nonnegative matrix factorization", Pattern Recognition 41,
/// Table 1; entries below 1e-6 set to zero.</item>
/// <item><see cref="NmfInit.Nndsvda"/>: NNDSVD with the zeros replaced by mean(X).</item>
/// <item><see cref="NmfInit.Nndsvdar"/>: NNDSVD with the zeros replaced by |mean(X) · N(0, 1) / 100|, W's zeros
/// (row-major order) drawn before H's.</item>
/// <item><see cref="NmfInit.Auto"/>: NNDSVDA when k ≤ min(n, m), otherwise random.</item>
/// </list>
/// The truncated SVD behind NNDSVD is exact when n · m · min(n, m) ≤ <see cref="ExactSvdWorkLimit"/>
/// (digits, faces and Golub's data all are), otherwise randomized (Halko, Martinsson &amp; Tropp 2011) as
/// scikit-learn's <c>randomized_svd</c> does it, from the same random draws; sparse X is never densified there.
/// </summary>
public static class NmfInitializer
{
    /// <summary>NNDSVD's threshold below which entries become zero (scikit-learn's <c>eps=1e-6</c>).</summary>
    public const double Eps = 1e-6;

    /// <summary>
    /// Largest n · m · min(n, m) (roughly the flop count of the exact SVD) for which NNDSVD uses the exact SVD;
    /// above it the randomized SVD is used. 2²⁶ ≈ 6.7e7: the exact SVD then takes well under a second.
    /// </summary>
    public const long ExactSvdWorkLimit = 1L << 26;

    /// <summary>Computes the starting factors.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="x">The non-negative data, n x m, dense or CSR.</param>
    /// <param name="k">Number of components, at least 1 (at most min(n, m) for the NNDSVD methods).</param>
    /// <param name="init">The method; <see cref="NmfInit.Custom"/> is not a method here (the caller supplies W0, H0).</param>
    /// <param name="randomState">Seed of NumPy's RandomState (0 to 2³¹ − 1); null draws a seed.</param>
    /// <param name="threads">Threads for the matrix products; 0 uses every core. Results do not depend on it.</param>
    /// <returns>W (n x k) and H (k x m), non-negative.</returns>
    /// <exception cref="ArgumentException">k is out of range, or <paramref name="init"/> is <see cref="NmfInit.Custom"/>.</exception>
    public static (DenseMatrix<T> W, DenseMatrix<T> H) Initialize<T>(IMatrix<T> x, int k, NmfInit init, int? randomState, int threads = 0)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(x);
        int n = x.Rows, m = x.Cols;
        if (k < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(k), k, "n_components must be at least 1.");
        }

        if (randomState is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(randomState), randomState, "random_state must be between 0 and 2**32 - 1.");
        }

        if (init == NmfInit.Custom)
        {
            throw new ArgumentException("init 'custom' takes its starting factors from W0 and H0; there is nothing to compute.", nameof(init));
        }

        if (init is not NmfInit.Auto and not NmfInit.Random && k > Math.Min(n, m))
        {
            throw new ArgumentException(
                $"init '{init.ToString().ToLowerInvariant()}' can only be used when n_components ({k}) <= min(n_samples, n_features) = {Math.Min(n, m)}.",
                nameof(k));
        }

        if (init == NmfInit.Auto)
        {
            init = k <= Math.Min(n, m) ? NmfInit.Nndsvda : NmfInit.Random;
        }

        if (init == NmfInit.Random)
        {
            return RandomInit(x, k, NumpyRandomState.FromSeed(randomState));
        }

        return Nndsvd(x, k, init, randomState, threads);
    }

    /// <summary>The mean of all n · m entries of X as NumPy computes <c>X.mean()</c> (pairwise summation).</summary>
    internal static T Mean<T>(IMatrix<T> x)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T count = T.CreateChecked((double)x.Rows * x.Cols);
        switch (x)
        {
            case DenseMatrix<T> d:
                return HalvesSum<T>.Sum(d.Data, T.One) / count;
            case CsrMatrix<T> s:
                // SciPy divides each stored value by n·m, then sums them (each value divided as it is read).
                return HalvesSum<T>.Sum(s.Values, count);
            default:
                throw new NotSupportedException($"matrix type {x.GetType().Name} is not supported.");
        }
    }

    /// <summary>NumPy's pairwise summation (<c>pairwise_sum</c>: blocks of 128 with 8 accumulators).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static T PairwiseSum<T>(ReadOnlySpan<T> a)
        where T : unmanaged, IFloatingPointIeee754<T>
        => PairwiseSum(a, T.One);

    /// <summary>
    /// <see cref="PairwiseSum{T}(ReadOnlySpan{T})"/> of a[i] / <paramref name="divisor"/>, each quotient rounded as an
    /// array of them would hold it (SciPy's <c>X.data / (n·m)</c> summed), without making that array.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static T PairwiseSum<T>(ReadOnlySpan<T> a, T divisor)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (divisor != T.One && a.Length <= 128)
        {
            Span<T> quotients = stackalloc T[a.Length];
            for (int q = 0; q < a.Length; q++)
            {
                quotients[q] = a[q] / divisor;
            }

            return PairwiseSum(quotients, T.One);
        }

        int n = a.Length;
        if (n < 8)
        {
            T res = T.Zero;
            for (int i = 0; i < n; i++)
            {
                res += a[i];
            }

            return res;
        }

        if (n <= 128)
        {
            // Eight running sums r[j] += a[i + j]: as vectors of lanes when a vector holds four or eight (the same
            // additions in the same order per lane).
            Span<T> r = stackalloc T[8];
            int i = 8, lanes = Vector256<T>.Count;
            if (Vector256.IsHardwareAccelerated && (lanes == 4 || lanes == 8))
            {
                ref T a0 = ref MemoryMarshal.GetReference(a);
                Vector256<T> r0 = Vector256.LoadUnsafe(ref a0), r1 = lanes == 4 ? Vector256.LoadUnsafe(ref a0, 4) : default;
                for (; i < n - (n % 8); i += 8)
                {
                    r0 += Vector256.LoadUnsafe(ref a0, (nuint)i);
                    if (lanes == 4)
                    {
                        r1 += Vector256.LoadUnsafe(ref a0, (nuint)i + 4);
                    }
                }

                r0.CopyTo(r);
                if (lanes == 4)
                {
                    r1.CopyTo(r[4..]);
                }
            }
            else
            {
                a[..8].CopyTo(r);
                for (; i < n - (n % 8); i += 8)
                {
                    for (int j = 0; j < 8; j++)
                    {
                        r[j] += a[i + j];
                    }
                }
            }

            T res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
            for (; i < n; i++)
            {
                res += a[i];
            }

            return res;
        }

        int n2 = n / 2;
        n2 -= n2 % 8;
        return PairwiseSum(a[..n2], divisor) + PairwiseSum(a[n2..], divisor);
    }

    /// <summary>
    /// <see cref="PairwiseSum{T}(ReadOnlySpan{T})"/> of a long array with its two top-level halves on two threads: the very split and
    /// the very final addition of the recursion, so the same bits (P1's mean: 3 → 1.6 ms).
    /// </summary>
    private sealed class HalvesSum<T> : Kernels.IPartitionedWork
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        private const int MinLength = 1 << 18;

        [ThreadStatic]
        private static HalvesSum<T>? _cached;

        private readonly T[] _halves = new T[2];
        private T[]? _data;
        private T _divisor;

        public static T Sum(T[] data, T divisor)
        {
            int n = data.Length;
            if (n < MinLength)
            {
                return PairwiseSum<T>(data, divisor);
            }

            var job = _cached ??= new HalvesSum<T>();
            job._data = data;
            job._divisor = divisor;
            try
            {
                Kernels.KernelThreads.Run(job, 2, 0);
                return job._halves[0] + job._halves[1];
            }
            finally
            {
                job._data = null;
            }
        }

        public void RunPart(int part)
        {
            int n = _data!.Length, n2 = n / 2;
            n2 -= n2 % 8;
            _halves[part] = part == 0 ? PairwiseSum<T>(_data.AsSpan(0, n2), _divisor) : PairwiseSum<T>(_data.AsSpan(n2), _divisor);
        }
    }

    private static (DenseMatrix<T> W, DenseMatrix<T> H) RandomInit<T>(IMatrix<T> x, int k, NumpyRandomState rng)
        where T : unmanaged, IFloatingPointIeee754<T>
        => RandomInit(Mean(x), x.Rows, x.Cols, k, rng);

    /// <summary>
    /// scikit-learn's random init from the mean of X alone (for data streamed in row batches, whose mean is summed
    /// batch by batch): sqrt(mean / k) · |N(0, 1)|, H drawn before W.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static (DenseMatrix<T> W, DenseMatrix<T> H) RandomInit<T>(T mean, int n, int m, int k, NumpyRandomState rng)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T avg = T.Sqrt(mean / T.CreateChecked(k));
        var h = new DenseMatrix<T>(k, m);
        var w = new DenseMatrix<T>(n, k);

        // standard_normal(...).astype(X.dtype) then avg * ... then abs: H first, then W. Double factors take the draws
        // in place; float ones through a buffer of 256 K doubles (long draws run their second step on every core).
        var normals = typeof(T) == typeof(double) ? [] : new double[Math.Min(1 << 18, Math.Max(h.Data.Length, w.Data.Length))];
        foreach (var target in new[] { h.Data, w.Data })
        {
            if (typeof(T) == typeof(double))
            {
                var values = System.Runtime.InteropServices.MemoryMarshal.Cast<T, double>(target.AsSpan());
                rng.StandardNormal(values);
                ScaleAbs(target, avg);
                continue;
            }

            for (int start = 0; start < target.Length; start += normals.Length)
            {
                var chunk = normals.AsSpan(0, Math.Min(normals.Length, target.Length - start));
                rng.StandardNormal(chunk);
                var values = target.AsSpan(start, chunk.Length);
                if (typeof(T) == typeof(float))
                {
                    Narrow(chunk, System.Runtime.InteropServices.MemoryMarshal.Cast<T, float>(values));
                }
                else
                {
                    for (int i = 0; i < chunk.Length; i++)
                    {
                        values[i] = T.CreateTruncating(chunk[i]);
                    }
                }

                ScaleAbs(values, avg);
            }
        }

        return (w, h);
    }

    /// <summary>float values[i] = (float)source[i], rounded to nearest as NumPy's <c>astype(float32)</c> does.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Narrow(ReadOnlySpan<double> source, Span<float> values)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            int step = 2 * Vector<double>.Count;
            for (; i <= source.Length - step; i += step)
            {
                Vector.Narrow(new Vector<double>(source[i..]), new Vector<double>(source[(i + Vector<double>.Count)..])).CopyTo(values[i..]);
            }
        }

        for (; i < source.Length; i++)
        {
            values[i] = (float)source[i];
        }
    }

    /// <summary>
    /// values[i] = |avg · values[i]| in place. A plain vector loop compiled with its caller: TensorPrimitives' generic
    /// Multiply and Abs, first called here, cost P1's init 5.6 ms of compilation for 0.3 ms of work.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ScaleAbs<T>(Span<T> values, T avg)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var scale = new Vector<T>(avg);
            for (; i <= values.Length - Vector<T>.Count; i += Vector<T>.Count)
            {
                Vector.Abs(scale * new Vector<T>(values[i..])).CopyTo(values[i..]);
            }
        }

        for (; i < values.Length; i++)
        {
            values[i] = T.Abs(avg * values[i]);
        }
    }

    private static (DenseMatrix<T> W, DenseMatrix<T> H) Nndsvd<T>(IMatrix<T> x, int k, NmfInit init, int? randomState, int threads)
        where T : unmanaged, IFloatingPointIeee754<T>
        => NndsvdFromSvd(TruncatedSvdFor(x, k, randomState, threads), x.Rows, x.Cols, k, init, () => Mean(x), randomState);

    /// <summary>
    /// NNDSVD (and its a/ar variants) from a truncated SVD of X (n x m, k triplets): the part of
    /// <see cref="Initialize"/> after the SVD, for callers that compute the SVD elsewhere (a distributed fit).
    /// </summary>
    internal static (DenseMatrix<T> W, DenseMatrix<T> H) NndsvdFromSvd<T>(SvdFactors<T> svd, int n, int m, int k, NmfInit init, Func<T> mean, int? randomState)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var u = svd.U;
        var s = svd.S;
        var vt = svd.Vt;
        var w = new DenseMatrix<T>(n, k);
        var h = new DenseMatrix<T>(k, m);

        // The leading singular pair of a non-negative matrix can be taken non-negative (Perron–Frobenius).
        T sqrtS0 = T.Sqrt(s[0]);
        for (int i = 0; i < n; i++)
        {
            w[i, 0] = sqrtS0 * T.Abs(u[i, 0]);
        }

        for (int j = 0; j < m; j++)
        {
            h[0, j] = sqrtS0 * T.Abs(vt[0, j]);
        }

        var xCol = new T[n];
        var yRow = new T[m];
        for (int c = 1; c < k; c++)
        {
            for (int i = 0; i < n; i++)
            {
                xCol[i] = u[i, c];
            }

            vt.Row(c).CopyTo(yRow);

            // Boutsidis & Gallopoulos, Table 1: keep the dominant of the positive and negative sections.
            T xpNorm = PartNorm<T>(xCol, positive: true), xnNorm = PartNorm<T>(xCol, positive: false);
            T ypNorm = PartNorm<T>(yRow, positive: true), ynNorm = PartNorm<T>(yRow, positive: false);
            T mp = xpNorm * ypNorm, mn = xnNorm * ynNorm;
            bool positive = mp > mn;
            T xNorm = positive ? xpNorm : xnNorm, yNorm = positive ? ypNorm : ynNorm;
            T sigma = positive ? mp : mn;
            if (sigma == T.Zero)
            {
                // Both sections vanish (scikit-learn divides 0 by 0 here); the component starts at zero.
                continue;
            }

            T lambda = T.Sqrt(s[c] * sigma);
            for (int i = 0; i < n; i++)
            {
                w[i, c] = lambda * (Part(xCol[i], positive) / xNorm);
            }

            for (int j = 0; j < m; j++)
            {
                h[c, j] = lambda * (Part(yRow[j], positive) / yNorm);
            }
        }

        T eps = T.CreateChecked(Eps);
        ZeroBelow(w.Data, eps);
        ZeroBelow(h.Data, eps);

        switch (init)
        {
            case NmfInit.Nndsvd:
                break;
            case NmfInit.Nndsvda:
                T avg = mean();
                FillZeros(w.Data, () => avg);
                FillZeros(h.Data, () => avg);
                break;
            case NmfInit.Nndsvdar:
                var rng = NumpyRandomState.FromSeed(randomState);
                double avgD = double.CreateChecked(mean());

                // abs(avg * standard_normal(len(W[W == 0])) / 100), computed in double, W's zeros then H's.
                FillZeros(w.Data, () => T.CreateTruncating(Math.Abs(avgD * rng.StandardNormal() / 100)));
                FillZeros(h.Data, () => T.CreateTruncating(Math.Abs(avgD * rng.StandardNormal() / 100)));
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(init), init, "not an NNDSVD method.");
        }

        return (w, h);
    }

    /// <summary>The truncated SVD NNDSVD starts from: exact for small matrices, randomized for large ones.</summary>
    internal static SvdFactors<T> TruncatedSvdFor<T>(IMatrix<T> x, int k, int? randomState, int threads)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = x.Rows, m = x.Cols;
        double work = (double)n * m * Math.Min(n, m);
        if (work <= ExactSvdWorkLimit)
        {
            var dense = x as DenseMatrix<T> ?? ((CsrMatrix<T>)x).ToDense();
            return ExactSvd.Compute(dense, k, threads: threads);
        }

        // scikit-learn's randomized_svd(X, k, random_state) with its defaults: 10 oversamples, n_iter 'auto'.
        return RandomizedSvd.Compute(x, k, RandomizedSvd.AutoPowerIterations(k, n, m), 10, NumpyRandomState.FromSeed(randomState), threads);
    }

    private static T PartNorm<T>(ReadOnlySpan<T> v, bool positive)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T sum = T.Zero;
        foreach (T e in v)
        {
            T p = Part(e, positive);
            sum += p * p;
        }

        return T.Sqrt(sum);
    }

    private static T Part<T>(T value, bool positive)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        positive ? T.Max(value, T.Zero) : T.Abs(T.Min(value, T.Zero));

    private static void ZeroBelow<T>(T[] values, T eps)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < values.Length; i++)
        {
            if (values[i] < eps)
            {
                values[i] = T.Zero;
            }
        }
    }

    private static void FillZeros<T>(T[] values, Func<T> fill)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < values.Length; i++)
        {
            if (values[i] == T.Zero)
            {
                values[i] = fill();
            }
        }
    }
}
