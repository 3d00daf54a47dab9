using System.Diagnostics;
using System.Numerics;
using Nmf.Decomposition;
using Nmf.Kernels;
using Nmf.Matrices;
using Nmf.Metrics;
using Nmf.Solvers;

namespace Nmf.Images;

/// <summary>The decompositions the image tools compare.</summary>
public enum ImageMethod
{
    /// <summary>NMF through <see cref="NmfEstimator{T}"/> with the chosen solver: parts-based, non-negative.</summary>
    Nmf,

    /// <summary>PCA (<see cref="Pca{T}"/>): the optimal rank-k fit after centring; signed "eigenfaces".</summary>
    Pca,

    /// <summary>Local NMF (<see cref="LocalNmf"/>, Li et al. 2001): sparser, more localised parts.</summary>
    Lnmf,

    /// <summary>Sparse NMF (<see cref="SparseNmf"/>, Hoyer 2004): basis images of a set Hoyer sparseness.</summary>
    Snmf,
}

/// <summary>Parameters of <see cref="ImageModel{T}.Fit"/>.</summary>
public sealed record ImageModelOptions
{
    /// <summary>Number of components k. Required, at least 1.</summary>
    public int NComponents { get; init; }

    /// <summary>The decomposition; default <see cref="ImageMethod.Nmf"/>.</summary>
    public ImageMethod Method { get; init; } = ImageMethod.Nmf;

    /// <summary>The NMF solver (method nmf only); default coordinate descent.</summary>
    public NmfSolver Solver { get; init; } = NmfSolver.Cd;

    /// <summary>Seed of random starts and randomised SVD; null: NMF draws one, LNMF/SNMF use 0.</summary>
    public int? RandomState { get; init; }

    /// <summary>Maximum iterations; null takes the method's default (NMF 200, LNMF and SNMF 500).</summary>
    public int? MaxIter { get; init; }

    /// <summary>Stopping tolerance; null takes the method's default (1e-4).</summary>
    public double? Tol { get; init; }

    /// <summary>SNMF's target sparseness of the basis images; default 0.7 (null keeps the default, use <see cref="UnconstrainedBasis"/> to lift it).</summary>
    public double? BasisSparseness { get; init; }

    /// <summary>SNMF: leave the basis unconstrained.</summary>
    public bool UnconstrainedBasis { get; init; }

    /// <summary>SNMF's target sparseness of the encodings; null leaves them unconstrained.</summary>
    public double? EncodingSparseness { get; init; }

    /// <summary>Threads for the kernels; 0 uses every core.</summary>
    public int Threads { get; init; }
}

/// <summary>
/// One decomposition of a set of images, X (n images x m pixels) ≈ reconstruction of rank k, with the measures the
/// image tools report: reconstruction error, explained variance and Hoyer sparseness of basis and encodings.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
public sealed class ImageModel<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private ImageModel(ImageMethod method, DenseMatrix<T> x, DenseMatrix<T> encodings, DenseMatrix<T> components,
        DenseMatrix<T> reconstruction, int nIter, double seconds, IReadOnlyList<double>? ratios)
    {
        Method = method;
        Encodings = encodings;
        Components = components;
        Reconstruction = reconstruction;
        NIter = nIter;
        Seconds = seconds;
        ExplainedVarianceRatio = ratios;

        double residual = 0, total = 0, centredTotal = 0;
        var mean = new double[x.Cols];
        for (int i = 0; i < x.Rows; i++)
        {
            var row = x.Row(i);
            for (int j = 0; j < row.Length; j++)
            {
                mean[j] += double.CreateChecked(row[j]) / x.Rows;
            }
        }

        for (int i = 0; i < x.Rows; i++)
        {
            var row = x.Row(i);
            var fit = reconstruction.Row(i);
            for (int j = 0; j < row.Length; j++)
            {
                double v = double.CreateChecked(row[j]);
                double d = v - double.CreateChecked(fit[j]);
                residual += d * d;
                total += v * v;
                centredTotal += (v - mean[j]) * (v - mean[j]);
            }
        }

        ReconstructionError = Math.Sqrt(residual);
        RelativeError = total > 0 ? Math.Sqrt(residual / total) : 0;
        ExplainedVariance = centredTotal > 0 ? 1 - (residual / centredTotal) : double.NaN;
        BasisSparseness = Sparseness.Basis(components);
        EncodingSparseness = x.Rows >= 2 ? Sparseness.Encodings(encodings) : double.NaN;
    }

    /// <summary>The decomposition that made this model.</summary>
    public ImageMethod Method { get; }

    /// <summary>Whether basis and encodings are signed (PCA), so pictures need a diverging colour map.</summary>
    public bool Signed => Method == ImageMethod.Pca;

    /// <summary>The basis images, k x m, one a row (H for the NMF family, the principal axes for PCA).</summary>
    public DenseMatrix<T> Components { get; }

    /// <summary>The encodings, n x k (W for the NMF family, the scores of the centred data for PCA).</summary>
    public DenseMatrix<T> Encodings { get; }

    /// <summary>The rank-k reconstruction of X, n x m (WH, or scores · axes + mean for PCA).</summary>
    public DenseMatrix<T> Reconstruction { get; }

    /// <summary>‖X − reconstruction‖_F.</summary>
    public double ReconstructionError { get; }

    /// <summary>‖X − reconstruction‖_F / ‖X‖_F.</summary>
    public double RelativeError { get; }

    /// <summary>
    /// 1 − ‖X − reconstruction‖²_F / ‖X − mean‖²_F: the share of the data's variance the reconstruction accounts
    /// for; for PCA this is the sum of its explained-variance ratios, so the methods compare on one scale.
    /// </summary>
    public double ExplainedVariance { get; }

    /// <summary>PCA's explained-variance ratio of each component; null for the NMF family.</summary>
    public IReadOnlyList<double>? ExplainedVarianceRatio { get; }

    /// <summary>Mean Hoyer sparseness of the basis images (rows of <see cref="Components"/>).</summary>
    public double BasisSparseness { get; }

    /// <summary>Mean Hoyer sparseness of the encodings (columns of <see cref="Encodings"/>, one per component).</summary>
    public double EncodingSparseness { get; }

    /// <summary>Iterations run (0 for PCA).</summary>
    public int NIter { get; }

    /// <summary>Seconds the fit took.</summary>
    public double Seconds { get; }

    /// <summary>Fits the chosen decomposition to images, one a row.</summary>
    /// <param name="x">n x m images, non-negative for the NMF family.</param>
    /// <param name="options">Method, k and the method's parameters.</param>
    /// <param name="cancellationToken">Stops a long fit between iterations.</param>
    /// <exception cref="NmfInputException">When the data or k cannot be used.</exception>
    public static ImageModel<T> Fit(DenseMatrix<T> x, ImageModelOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(options);
        int k = options.NComponents;
        if (k < 1)
        {
            throw new NmfInputException($"-k {k}: the number of components must be at least 1.");
        }

        if (options.Method == ImageMethod.Pca && k > Math.Min(x.Rows, x.Cols))
        {
            throw new NmfInputException($"-k {k}: PCA needs 1 <= k <= min(images, pixels) = {Math.Min(x.Rows, x.Cols)}.");
        }

        var clock = Stopwatch.StartNew();
        switch (options.Method)
        {
            case ImageMethod.Nmf:
            {
                var nmf = new NmfEstimator<T>(new NmfOptions
                {
                    NComponents = k, Solver = options.Solver, RandomState = options.RandomState,
                    MaxIter = options.MaxIter ?? 200, Tol = options.Tol ?? 1e-4, Threads = options.Threads,
                });
                nmf.Fit(x, cancellationToken: cancellationToken);
                return FromFactors(ImageMethod.Nmf, x, nmf.W, nmf.Components, nmf.NIter, clock, options.Threads);
            }

            case ImageMethod.Pca:
            {
                var pca = new Pca<T>(k, randomState: options.RandomState, threads: options.Threads);
                var scores = pca.FitTransform(x);
                var reconstruction = pca.InverseTransform(scores);
                var ratios = pca.ExplainedVarianceRatio.Select(double.CreateChecked).ToArray();
                return new ImageModel<T>(ImageMethod.Pca, x, scores, pca.Components.Clone(), reconstruction, 0, clock.Elapsed.TotalSeconds, ratios);
            }

            case ImageMethod.Lnmf:
            {
                var fit = LocalNmf.Fit(x, new LocalNmfOptions
                {
                    NComponents = k, MaxIter = options.MaxIter ?? 500, Tol = options.Tol ?? 1e-4,
                    RandomState = options.RandomState ?? 0, Threads = options.Threads,
                }, cancellationToken: cancellationToken);
                return FromFactors(ImageMethod.Lnmf, x, fit.W, fit.Components, fit.NIter, clock, options.Threads);
            }

            case ImageMethod.Snmf:
            {
                var fit = SparseNmf.Fit(x, new SparseNmfOptions
                {
                    NComponents = k, MaxIter = options.MaxIter ?? 500, Tol = options.Tol ?? 1e-4,
                    RandomState = options.RandomState ?? 0, Threads = options.Threads,
                    BasisSparseness = options.UnconstrainedBasis ? null : options.BasisSparseness ?? 0.7,
                    EncodingSparseness = options.EncodingSparseness,
                }, cancellationToken: cancellationToken);
                return FromFactors(ImageMethod.Snmf, x, fit.W, fit.Components, fit.NIter, clock, options.Threads);
            }

            default:
                throw new ArgumentOutOfRangeException(nameof(options), options.Method, "unknown image method.");
        }
    }

    private static ImageModel<T> FromFactors(ImageMethod method, DenseMatrix<T> x, DenseMatrix<T> w, DenseMatrix<T> h, int nIter, Stopwatch clock, int threads)
    {
        double seconds = clock.Elapsed.TotalSeconds;
        var reconstruction = new DenseMatrix<T>(x.Rows, x.Cols);
        Products.Multiply(w, h, reconstruction, threads > 0 ? threads : Environment.ProcessorCount);
        return new ImageModel<T>(method, x, w, h, reconstruction, nIter, seconds, null);
    }
}
