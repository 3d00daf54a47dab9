using System.Numerics;
using Nmf.Decomposition;
using Nmf.Init;
using Nmf.Matrices;

namespace Nmf.Distributed;

/// <summary>
/// NNDSVD starts (Boutsidis &amp; Gallopoulos 2008; scikit-learn's nndsvd, nndsvda, nndsvdar) for X held in row
/// blocks. The truncated SVD is scikit-learn's <c>randomized_svd</c> (Halko, Martinsson &amp; Tropp 2011,
/// Algorithm 4.4 with the LU renormalisation of <c>randomized_range_finder</c>; 10 oversamples, n_iter 'auto'), step
/// for step as <see cref="RandomizedSvd"/> does it in one process, with X touched only through two block products:
/// X_b·Qᵀ (each block its own rows) and Y_bᵀ·X_b (shares summed in block order). The thin n x (k + 10) and
/// m x (k + 10) bases, the small SVD and NNDSVD's own rules stay with the caller, which holds W (n x k) anyway.
/// The result equals the single-machine randomized SVD's start up to the order of the block sums (so within
/// rounding); where the single machine uses the exact SVD (small matrices) it is that SVD's randomized approximation.
/// </summary>
internal static class BlockNndsvd
{
    /// <summary>W0 (n x k) and H0 (k x m) by NNDSVD, NNDSVDA or NNDSVDAR of the blocks' X.</summary>
    public static async Task<(DenseMatrix<T> W, DenseMatrix<T> H)> InitializeAsync<T>(IRowBlocks<T> blocks, int k, NmfInit init, int? randomState, int threads, CancellationToken cancellationToken)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = blocks.Rows, m = blocks.Cols;
        if (init is not (NmfInit.Nndsvd or NmfInit.Nndsvda or NmfInit.Nndsvdar))
        {
            throw new ArgumentOutOfRangeException(nameof(init), init, "not an NNDSVD method.");
        }

        if (k > Math.Min(n, m))
        {
            throw new ArgumentException($"init '{init.ToString().ToLowerInvariant()}' can only be used when n_components ({k}) <= min(n_samples, n_features) = {Math.Min(n, m)}.", nameof(k));
        }

        var svd = await RandomizedSvdAsync(blocks, k, RandomizedSvd.AutoPowerIterations(k, n, m), 10, NumpyRandomState.FromSeed(randomState), threads, cancellationToken).ConfigureAwait(false);
        T mean = T.Zero;
        if (init != NmfInit.Nndsvd)
        {
            mean = T.CreateChecked(await blocks.SumAsync(cancellationToken).ConfigureAwait(false) / ((double)n * m));
        }

        return NmfInitializer.NndsvdFromSvd(svd, n, m, k, init, () => mean, randomState);
    }

    /// <summary>
    /// <see cref="RandomizedSvd.Compute"/> for X in blocks: the same draws, orientation (the wide case works on Xᵀ),
    /// LU renormalisation, QR, small exact SVD and <c>svd_flip</c>.
    /// </summary>
    public static async Task<SvdFactors<T>> RandomizedSvdAsync<T>(IRowBlocks<T> blocks, int k, int powerIterations, int oversamples, NumpyRandomState rng, int threads, CancellationToken cancellationToken)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var products = new Products<T>(blocks, threads, cancellationToken);
        int rows = products.Rows, cols = products.Cols;
        int samples = k + oversamples;

        var qt = RandomizedSvd.GaussianTestMatrixTransposed<T>(rng, cols, samples);
        bool useLu = powerIterations > 2;
        for (int it = 0; it < powerIterations; it++)
        {
            var y = await products.TimesTransposed(qt).ConfigureAwait(false);
            if (useLu)
            {
                y = RandomizedSvd.PermutedLowerOfLuColumns(y.Transpose()).Transpose();
            }

            var zt = await products.TransposedTimes(y).ConfigureAwait(false);
            qt = useLu ? RandomizedSvd.PermutedLowerOfLuColumns(zt) : zt;
        }

        var sample = await products.TimesTransposed(qt).ConfigureAwait(false);
        var q = RandomizedSvd.OrthonormalBasis(sample, threads);
        var b = await products.TransposedTimes(q).ConfigureAwait(false);
        var small = ExactSvd.Compute(b, Math.Min(b.Rows, b.Cols), threads: threads);
        var u = new DenseMatrix<T>(rows, small.U.Cols);
        Kernels.Products.Multiply(q, small.U, u, threads);

        DenseMatrix<T> uOut, vtOut;
        if (products.Transposed)
        {
            uOut = FirstRows(small.Vt, k).Transpose();
            vtOut = FirstRows(u.Transpose(), k);
        }
        else
        {
            uOut = FirstColumns(u, k);
            vtOut = FirstRows(small.Vt, k);
        }

        var result = new SvdFactors<T>(uOut, small.S[..k], vtOut);
        result.FlipSigns();
        return result;
    }

    private static DenseMatrix<T> FirstRows<T>(DenseMatrix<T> a, int count)
        where T : unmanaged, IFloatingPointIeee754<T> => count == a.Rows ? a : a.SliceRows(0, count);

    private static DenseMatrix<T> FirstColumns<T>(DenseMatrix<T> a, int count)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var r = new DenseMatrix<T>(a.Rows, count);
        for (int i = 0; i < a.Rows; i++)
        {
            a.Row(i)[..count].CopyTo(r.Row(i));
        }

        return r;
    }

    /// <summary>
    /// The two products of the randomized SVD with M = X (tall, n ≥ m) or M = Xᵀ (wide), through the blocks:
    /// M·Qᵀ and Yᵀ·M.
    /// </summary>
    private sealed class Products<T>(IRowBlocks<T> blocks, int threads, CancellationToken cancellationToken)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        /// <summary>Whether M = Xᵀ (scikit-learn transposes a wide X).</summary>
        public bool Transposed { get; } = blocks.Rows < blocks.Cols;

        public int Rows => Transposed ? blocks.Cols : blocks.Rows;

        public int Cols => Transposed ? blocks.Rows : blocks.Cols;

        /// <summary>M·Qᵀ (Rows x r) for Q (r x Cols).</summary>
        public async Task<DenseMatrix<T>> TimesTransposed(DenseMatrix<T> q)
        {
            if (!Transposed)
            {
                // X·Qᵀ: each block its own rows
                return StackRows(await blocks.TimesTransposedAsync(q, threads, cancellationToken).ConfigureAwait(false), q.Rows);
            }

            // Xᵀ·Qᵀ = (Q·X)ᵀ, Q·X = Σ_b (Q's columns of block b)·X_b
            var shares = await blocks.TransposedTimesAsync(SplitRows(q.Transpose()), threads, cancellationToken).ConfigureAwait(false);
            return SumInOrder(shares).Transpose();
        }

        /// <summary>Yᵀ·M (r x Cols) for Y (Rows x r).</summary>
        public async Task<DenseMatrix<T>> TransposedTimes(DenseMatrix<T> y)
        {
            if (!Transposed)
            {
                // Yᵀ·X = Σ_b Y_bᵀ·X_b
                return SumInOrder(await blocks.TransposedTimesAsync(SplitRows(y), threads, cancellationToken).ConfigureAwait(false));
            }

            // Yᵀ·Xᵀ = (X·Y)ᵀ: each block its own rows of X·Y
            return StackRows(await blocks.TimesTransposedAsync(y.Transpose(), threads, cancellationToken).ConfigureAwait(false), y.Cols).Transpose();
        }

        private DenseMatrix<T>[] SplitRows(DenseMatrix<T> a)
        {
            var parts = new DenseMatrix<T>[blocks.BlockCount];
            int start = 0;
            for (int b = 0; b < parts.Length; b++)
            {
                parts[b] = a.SliceRows(start, blocks.BlockRows[b]);
                start += blocks.BlockRows[b];
            }

            return parts;
        }

        private DenseMatrix<T> StackRows(DenseMatrix<T>[] parts, int cols)
        {
            var r = new DenseMatrix<T>(blocks.Rows, cols);
            int offset = 0;
            foreach (var p in parts)
            {
                p.Data.CopyTo(r.Data, offset);
                offset += p.Data.Length;
            }

            return r;
        }

        private static DenseMatrix<T> SumInOrder(DenseMatrix<T>[] shares)
        {
            var sum = new DenseMatrix<T>(shares[0].Rows, shares[0].Cols);
            foreach (var s in shares)
            {
                for (int i = 0; i < sum.Data.Length; i++)
                {
                    sum.Data[i] += s.Data[i];
                }
            }

            return sum;
        }
    }
}
