using System.Numerics;
using Nmf.Init;
using Nmf.Kernels;
using Nmf.Matrices;

namespace Nmf.Decomposition;

/// <summary>Which SVD a decomposition uses.</summary>
public enum SvdSolver
{
    /// <summary>scikit-learn 1.2's choice for PCA: exact when max(n, m) ≤ 500 or k ≥ 0.8 · min(n, m), otherwise randomized.</summary>
    Auto,

    /// <summary>The exact SVD (Householder QR, then one-sided Jacobi).</summary>
    Full,

    /// <summary>The randomized SVD of Halko, Martinsson &amp; Tropp (2011), as scikit-learn's <c>randomized_svd</c>.</summary>
    Randomized,
}

/// <summary>
/// Principal component analysis as scikit-learn 1.2's <c>sklearn.decomposition.PCA</c> (without whitening):
/// the data are centred by their column means and decomposed by a (truncated) SVD, X − mean = U S Vᵀ; the
/// components are the rows of Vᵀ, signed by <c>svd_flip</c> on U, and the explained variances are S² / (n − 1).
/// Unlike NMF's parts, the components are signed "holistic" patterns (Lee &amp; Seung 1999).
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
public sealed class Pca<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private DenseMatrix<T>? _components;

    /// <summary>Creates an unfitted PCA.</summary>
    /// <param name="nComponents">Number of components k, 1 ≤ k ≤ min(n, m) (scikit-learn's <c>n_components</c>).</param>
    /// <param name="solver">The SVD used; default <see cref="SvdSolver.Auto"/>.</param>
    /// <param name="randomState">Seed of the randomized solver's test matrix (NumPy's RandomState); null draws one.</param>
    /// <param name="threads">Threads for the matrix products; 0 uses every core. Results do not depend on it.</param>
    public Pca(int nComponents, SvdSolver solver = SvdSolver.Auto, int? randomState = null, int threads = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(nComponents);
        ArgumentOutOfRangeException.ThrowIfNegative(threads);
        NComponents = nComponents;
        Solver = solver;
        RandomState = randomState;
        Threads = threads;
    }

    /// <summary>Number of components k.</summary>
    public int NComponents { get; }

    /// <summary>The SVD solver asked for.</summary>
    public SvdSolver Solver { get; }

    /// <summary>Seed of the randomized solver.</summary>
    public int? RandomState { get; }

    /// <summary>Threads for the matrix products.</summary>
    public int Threads { get; }

    /// <summary>The solver the last fit used (<see cref="SvdSolver.Auto"/> resolved).</summary>
    public SvdSolver FittedSolver { get; private set; }

    /// <summary>Principal axes, k x m, rows orthonormal, in decreasing order of explained variance (<c>components_</c>).</summary>
    public DenseMatrix<T> Components => _components ?? throw new InvalidOperationException("call Fit first.");

    /// <summary>Variance along each component, S² / (n − 1) (<c>explained_variance_</c>).</summary>
    public T[] ExplainedVariance { get; private set; } = [];

    /// <summary>Fraction of the total variance along each component (<c>explained_variance_ratio_</c>).</summary>
    public T[] ExplainedVarianceRatio { get; private set; } = [];

    /// <summary>The singular values of the centred data for the k components (<c>singular_values_</c>).</summary>
    public T[] SingularValues { get; private set; } = [];

    /// <summary>Column means of the training data, length m (<c>mean_</c>).</summary>
    public T[] Mean { get; private set; } = [];

    /// <summary>Mean variance of the discarded directions, as scikit-learn's <c>noise_variance_</c> (0 when k = min(n, m)).</summary>
    public T NoiseVariance { get; private set; }

    /// <summary>Fits the model to <paramref name="x"/> (n samples x m features).</summary>
    /// <returns>This instance.</returns>
    /// <exception cref="ArgumentException">k exceeds min(n, m), or X has fewer than 2 rows.</exception>
    public Pca<T> Fit(DenseMatrix<T> x)
    {
        ArgumentNullException.ThrowIfNull(x);
        int n = x.Rows, m = x.Cols, k = NComponents;
        if (n < 2 || m < 1)
        {
            throw new ArgumentException($"PCA needs at least 2 samples and 1 feature; X is {n} x {m}.", nameof(x));
        }

        if (k > Math.Min(n, m))
        {
            throw new ArgumentException($"n_components ({k}) must be at most min(n_samples, n_features) = {Math.Min(n, m)}.", nameof(x));
        }

        var mean = ColumnMeans(x);
        var centred = x.Clone();
        for (int i = 0; i < n; i++)
        {
            var row = centred.Row(i);
            for (int j = 0; j < m; j++)
            {
                row[j] -= mean[j];
            }
        }

        FittedSolver = Solver switch
        {
            SvdSolver.Auto when Math.Max(n, m) <= 500 => SvdSolver.Full,
            SvdSolver.Auto when k < 0.8 * Math.Min(n, m) => SvdSolver.Randomized,
            SvdSolver.Auto => SvdSolver.Full,
            _ => Solver,
        };

        T dof = T.CreateChecked(n - 1);
        T totalVariance;
        SvdFactors<T> svd;
        T[] allVariances;
        if (FittedSolver == SvdSolver.Full)
        {
            svd = ExactSvd.Compute(centred, k, allSingularValues: true, threads: Threads);
            allVariances = svd.S.Select(s => s * s / dof).ToArray();
            totalVariance = Sum(allVariances);
        }
        else
        {
            svd = RandomizedSvd.Compute(centred, k, RandomizedSvd.AutoPowerIterations(k, n, m), 10, NumpyRandomState.FromSeed(RandomState), Threads);
            allVariances = svd.S.Select(s => s * s / dof).ToArray();
            totalVariance = T.Zero;
            foreach (T v in ColumnVariances(centred, ddof: 1))
            {
                totalVariance += v;
            }
        }

        _components = svd.Vt.Rows == k ? svd.Vt : svd.Vt.SliceRows(0, k);
        ExplainedVariance = allVariances[..k];
        ExplainedVarianceRatio = ExplainedVariance.Select(v => v / totalVariance).ToArray();
        SingularValues = svd.S[..k];
        Mean = mean;
        int rest = Math.Min(n, m) - k;
        if (rest <= 0)
        {
            NoiseVariance = T.Zero;
        }
        else if (FittedSolver == SvdSolver.Full)
        {
            NoiseVariance = Sum(allVariances[k..]) / T.CreateChecked(rest);
        }
        else
        {
            NoiseVariance = (totalVariance - Sum(ExplainedVariance)) / T.CreateChecked(rest);
        }

        return this;
    }

    /// <summary>Fits the model and returns the coordinates of the training data, n x k.</summary>
    public DenseMatrix<T> FitTransform(DenseMatrix<T> x) => Fit(x).Transform(x);

    /// <summary>Coordinates of <paramref name="x"/> on the components: (X − mean) · Vᵀ, n x k.</summary>
    /// <exception cref="ArgumentException">X does not have m columns.</exception>
    public DenseMatrix<T> Transform(DenseMatrix<T> x)
    {
        ArgumentNullException.ThrowIfNull(x);
        var v = Components;
        if (x.Cols != v.Cols)
        {
            throw new ArgumentException($"X has {x.Cols} features, the PCA was fitted with {v.Cols}.", nameof(x));
        }

        var centred = x.Clone();
        for (int i = 0; i < centred.Rows; i++)
        {
            var row = centred.Row(i);
            for (int j = 0; j < row.Length; j++)
            {
                row[j] -= Mean[j];
            }
        }

        var result = new DenseMatrix<T>(x.Rows, v.Rows);
        Products.XHt(centred, v, result, Threads);
        return result;
    }

    /// <summary>Data back from coordinates: scores · V + mean, n x m (the best rank-k approximation for training scores).</summary>
    /// <exception cref="ArgumentException">The scores do not have k columns.</exception>
    public DenseMatrix<T> InverseTransform(DenseMatrix<T> scores)
    {
        ArgumentNullException.ThrowIfNull(scores);
        var v = Components;
        if (scores.Cols != v.Rows)
        {
            throw new ArgumentException($"scores have {scores.Cols} columns, the PCA has {v.Rows} components.", nameof(scores));
        }

        var result = new DenseMatrix<T>(scores.Rows, v.Cols);
        Products.Multiply(scores, v, result, Threads);
        for (int i = 0; i < result.Rows; i++)
        {
            var row = result.Row(i);
            for (int j = 0; j < row.Length; j++)
            {
                row[j] += Mean[j];
            }
        }

        return result;
    }

    /// <summary>Column means of a dense matrix.</summary>
    internal static T[] ColumnMeans(DenseMatrix<T> x)
    {
        var mean = new T[x.Cols];
        for (int i = 0; i < x.Rows; i++)
        {
            var row = x.Row(i);
            for (int j = 0; j < row.Length; j++)
            {
                mean[j] += row[j];
            }
        }

        T n = T.CreateChecked(x.Rows);
        for (int j = 0; j < mean.Length; j++)
        {
            mean[j] /= n;
        }

        return mean;
    }

    /// <summary>Column variances with <paramref name="ddof"/> delta degrees of freedom (NumPy's <c>var</c>).</summary>
    internal static T[] ColumnVariances(DenseMatrix<T> x, int ddof)
    {
        var mean = ColumnMeans(x);
        var v = new T[x.Cols];
        for (int i = 0; i < x.Rows; i++)
        {
            var row = x.Row(i);
            for (int j = 0; j < row.Length; j++)
            {
                T d = row[j] - mean[j];
                v[j] += d * d;
            }
        }

        T dof = T.CreateChecked(x.Rows - ddof);
        for (int j = 0; j < v.Length; j++)
        {
            v[j] /= dof;
        }

        return v;
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
}
