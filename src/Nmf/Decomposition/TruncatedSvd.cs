using System.Numerics;
using Nmf.Init;
using Nmf.Kernels;
using Nmf.Matrices;

namespace Nmf.Decomposition;

/// <summary>
/// Truncated SVD without centring, as scikit-learn 1.2's <c>sklearn.decomposition.TruncatedSVD</c>: X ≈ U S Vᵀ
/// with the k leading singular triplets; dense or CSR input, and CSR is never densified on the randomized path.
/// Applied to a TF-IDF matrix it is latent semantic analysis (Deerwester et al. 1990; see <see cref="Lsa"/>).
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
public sealed class TruncatedSvd<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private DenseMatrix<T>? _components;

    /// <summary>Creates an unfitted truncated SVD.</summary>
    /// <param name="nComponents">Number of components k, 1 ≤ k ≤ min(n, m).</param>
    /// <param name="solver"><see cref="SvdSolver.Randomized"/> (scikit-learn's default, also chosen by <see cref="SvdSolver.Auto"/>)
    /// or <see cref="SvdSolver.Full"/> (exact; densifies sparse input).</param>
    /// <param name="nIter">Power iterations of the randomized solver; default 5 (scikit-learn's).</param>
    /// <param name="nOversamples">Extra random vectors of the randomized solver; default 10.</param>
    /// <param name="randomState">Seed of the randomized solver's test matrix (NumPy's RandomState); null draws one.</param>
    /// <param name="threads">Threads for the matrix products; 0 uses every core. Results do not depend on it.</param>
    public TruncatedSvd(int nComponents, SvdSolver solver = SvdSolver.Randomized, int nIter = 5, int nOversamples = 10, int? randomState = null, int threads = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(nComponents);
        ArgumentOutOfRangeException.ThrowIfNegative(nIter);
        ArgumentOutOfRangeException.ThrowIfNegative(nOversamples);
        ArgumentOutOfRangeException.ThrowIfNegative(threads);
        NComponents = nComponents;
        Solver = solver == SvdSolver.Auto ? SvdSolver.Randomized : solver;
        NIter = nIter;
        NOversamples = nOversamples;
        RandomState = randomState;
        Threads = threads;
    }

    /// <summary>Number of components k.</summary>
    public int NComponents { get; }

    /// <summary>The SVD solver.</summary>
    public SvdSolver Solver { get; }

    /// <summary>Power iterations of the randomized solver.</summary>
    public int NIter { get; }

    /// <summary>Extra random vectors of the randomized solver.</summary>
    public int NOversamples { get; }

    /// <summary>Seed of the randomized solver.</summary>
    public int? RandomState { get; }

    /// <summary>Threads for the matrix products.</summary>
    public int Threads { get; }

    /// <summary>Right singular vectors, k x m, orthonormal rows (<c>components_</c>), signed by <c>svd_flip</c> on U.</summary>
    public DenseMatrix<T> Components => _components ?? throw new InvalidOperationException("call Fit first.");

    /// <summary>The k singular values, non-increasing (<c>singular_values_</c>).</summary>
    public T[] SingularValues { get; private set; } = [];

    /// <summary>Variance of the training data's coordinates along each component (<c>explained_variance_</c>).</summary>
    public T[] ExplainedVariance { get; private set; } = [];

    /// <summary><see cref="ExplainedVariance"/> divided by the total variance of X's columns (<c>explained_variance_ratio_</c>).</summary>
    public T[] ExplainedVarianceRatio { get; private set; } = [];

    /// <summary>Fits the model to <paramref name="x"/> (n x m, dense or CSR).</summary>
    /// <returns>This instance.</returns>
    public TruncatedSvd<T> Fit(IMatrix<T> x)
    {
        FitTransform(x);
        return this;
    }

    /// <summary>Fits the model and returns the coordinates of the training rows, X · Vᵀ (n x k).</summary>
    /// <exception cref="ArgumentException">k exceeds min(n, m).</exception>
    public DenseMatrix<T> FitTransform(IMatrix<T> x)
    {
        ArgumentNullException.ThrowIfNull(x);
        int n = x.Rows, m = x.Cols, k = NComponents;
        if (k > Math.Min(n, m))
        {
            throw new ArgumentException($"n_components ({k}) must be at most min(n_samples, n_features) = {Math.Min(n, m)}.", nameof(x));
        }

        SvdFactors<T> svd = Solver == SvdSolver.Full
            ? ExactSvd.Compute(x as DenseMatrix<T> ?? ((CsrMatrix<T>)x).ToDense(), k, threads: Threads)
            : RandomizedSvd.Compute(x, k, NIter, NOversamples, NumpyRandomState.FromSeed(RandomState), Threads);
        _components = svd.Vt;
        SingularValues = svd.S[..k];

        DenseMatrix<T> coordinates;
        if (Solver == SvdSolver.Full)
        {
            // Exact: X V = U S.
            coordinates = new DenseMatrix<T>(n, k);
            for (int i = 0; i < n; i++)
            {
                for (int c = 0; c < k; c++)
                {
                    coordinates[i, c] = svd.U[i, c] * svd.S[c];
                }
            }
        }
        else
        {
            // The randomized SVD is approximate, so X V differs from U S; scikit-learn reports X V.
            coordinates = Transform(x);
        }

        ExplainedVariance = Pca<T>.ColumnVariances(coordinates, ddof: 0);
        T total = T.Zero;
        foreach (T v in ColumnVariances(x))
        {
            total += v;
        }

        ExplainedVarianceRatio = ExplainedVariance.Select(v => v / total).ToArray();
        return coordinates;
    }

    /// <summary>Coordinates of the rows of <paramref name="x"/> on the components: X · Vᵀ (n x k).</summary>
    /// <exception cref="ArgumentException">X does not have m columns.</exception>
    public DenseMatrix<T> Transform(IMatrix<T> x)
    {
        ArgumentNullException.ThrowIfNull(x);
        var v = Components;
        if (x.Cols != v.Cols)
        {
            throw new ArgumentException($"X has {x.Cols} columns, the model was fitted with {v.Cols}.", nameof(x));
        }

        var result = new DenseMatrix<T>(x.Rows, v.Rows);
        Products.XHt(x, v, result, Threads);
        return result;
    }

    /// <summary>Rows back from coordinates: coordinates · V (n x m).</summary>
    /// <exception cref="ArgumentException">The coordinates do not have k columns.</exception>
    public DenseMatrix<T> InverseTransform(DenseMatrix<T> coordinates)
    {
        ArgumentNullException.ThrowIfNull(coordinates);
        var v = Components;
        if (coordinates.Cols != v.Rows)
        {
            throw new ArgumentException($"coordinates have {coordinates.Cols} columns, the model has {v.Rows} components.", nameof(coordinates));
        }

        var result = new DenseMatrix<T>(coordinates.Rows, v.Cols);
        Products.Multiply(coordinates, v, result, Threads);
        return result;
    }

    /// <summary>Population variance of each column (NumPy's <c>var(axis=0)</c>; for CSR, scikit-learn's
    /// <c>mean_variance_axis</c>: the implicit zeros count as values).</summary>
    internal static T[] ColumnVariances(IMatrix<T> x)
    {
        switch (x)
        {
            case DenseMatrix<T> d:
                return Pca<T>.ColumnVariances(d, ddof: 0);
            case CsrMatrix<T> s:
                int n = s.Rows, m = s.Cols;
                var mean = new T[m];
                var count = new int[m];
                for (int p = 0; p < s.Values.Length; p++)
                {
                    mean[s.ColIndices[p]] += s.Values[p];
                    count[s.ColIndices[p]]++;
                }

                T nT = T.CreateChecked(n);
                for (int j = 0; j < m; j++)
                {
                    mean[j] /= nT;
                }

                var variance = new T[m];
                for (int p = 0; p < s.Values.Length; p++)
                {
                    T dlt = s.Values[p] - mean[s.ColIndices[p]];
                    variance[s.ColIndices[p]] += dlt * dlt;
                }

                for (int j = 0; j < m; j++)
                {
                    variance[j] = (variance[j] + (T.CreateChecked(n - count[j]) * mean[j] * mean[j])) / nT;
                }

                return variance;
            default:
                throw new NotSupportedException($"matrix type {x.GetType().Name} is not supported.");
        }
    }
}
