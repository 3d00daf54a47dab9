using Nmf.Matrices;
using Nmf.Metrics;
using Nmf.Solvers;
using Nmf.Tests.Images;
using Xunit;

namespace Nmf.Tests.Solvers;

public class NmfVariantTests
{
    private static readonly DenseMatrix<double> Faces = ImagesTestData.Faces();

    [Fact]
    public void LocalNmfLowersItsObjectiveKeepsFactorsNonNegativeAndBasisOnTheSimplex()
    {
        var fit = LocalNmf.Fit(Faces, new LocalNmfOptions { NComponents = 8, MaxIter = 60, Tol = 0, RandomState = 1 },
            cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(60, fit.NIter);
        Assert.True(fit.Objective[^1] < fit.Objective[0]);
        Assert.All(fit.W.Data, v => Assert.True(v >= 0));
        Assert.All(fit.Components.Data, v => Assert.True(v >= 0));
        for (int c = 0; c < 8; c++)
        {
            double sum = 0;
            foreach (double v in fit.Components.Row(c))
            {
                sum += v;
            }

            Assert.Equal(1.0, sum, 1e-9);
        }

        Assert.Equal(LeastSquaresSolverTests.FrobeniusError(Faces, fit.W, fit.Components), fit.ReconstructionError, 1e-9);
    }

    [Fact]
    public void LocalNmfRescalingFitsTheScaleOfTheData()
    {
        // The rescaled W is optimal for its direction: scaling it by 0.9 or 1.1 must fit worse.
        var fit = LocalNmf.Fit(Faces, new LocalNmfOptions { NComponents = 8, MaxIter = 30, Tol = 0 },
            cancellationToken: TestContext.Current.CancellationToken);
        foreach (double f in new[] { 0.9, 1.1 })
        {
            var scaled = fit.W.Clone();
            for (int i = 0; i < scaled.Data.Length; i++)
            {
                scaled.Data[i] *= f;
            }

            Assert.True(LeastSquaresSolverTests.FrobeniusError(Faces, scaled, fit.Components) > fit.ReconstructionError);
        }
    }

    [Fact]
    public void LocalNmfIsDeterministicAndFloatAgreesWithDouble()
    {
        var options = new LocalNmfOptions { NComponents = 6, MaxIter = 20, Tol = 0, RandomState = 7 };
        var a = LocalNmf.Fit(Faces, options, cancellationToken: TestContext.Current.CancellationToken);
        var b = LocalNmf.Fit(Faces, options, cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(a.W.Data, b.W.Data);
        var f = LocalNmf.Fit(Faces.Convert<float>(), options, cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(a.ReconstructionError, f.ReconstructionError, a.ReconstructionError * 1e-3);
    }

    [Theory]
    [InlineData(0.4, null)]
    [InlineData(0.75, null)]
    [InlineData(null, 0.5)]
    [InlineData(0.6, 0.3)]
    public void SparseNmfMeetsItsTargetsExactlyAndNeverRaisesTheLoss(double? basis, double? encodings)
    {
        var fit = SparseNmf.Fit(Faces, new SparseNmfOptions
        {
            NComponents = 8, BasisSparseness = basis, EncodingSparseness = encodings, MaxIter = 40, Tol = 0, RandomState = 3,
        }, cancellationToken: TestContext.Current.CancellationToken);

        Assert.All(fit.W.Data, v => Assert.True(v >= 0));
        Assert.All(fit.Components.Data, v => Assert.True(v >= 0));
        if (basis is { } sb)
        {
            for (int c = 0; c < 8; c++)
            {
                Assert.Equal(sb, Sparseness.Hoyer<double>(fit.Components.Row(c)), 1e-6);
            }
        }

        if (encodings is { } se)
        {
            var wt = fit.W.Transpose();
            for (int c = 0; c < 8; c++)
            {
                Assert.Equal(se, Sparseness.Hoyer<double>(wt.Row(c)), 1e-6);
            }
        }

        for (int i = 1; i < fit.Objective.Count; i++)
        {
            Assert.True(fit.Objective[i] <= fit.Objective[i - 1] * (1 + 1e-12), $"objective rose at iteration {i + 1}");
        }

        Assert.Equal(Math.Sqrt(2 * fit.Objective[^1]), fit.ReconstructionError, fit.ReconstructionError * 1e-6);
    }

    [Fact]
    public void SparserTargetsGiveSparserBasesAndLargerErrors()
    {
        NmfFactorization<double> Run(double s) => SparseNmf.Fit(Faces, new SparseNmfOptions
        {
            NComponents = 8, BasisSparseness = s, MaxIter = 60, Tol = 0,
        }, cancellationToken: TestContext.Current.CancellationToken);
        var loose = Run(0.3);
        var tight = Run(0.85);
        Assert.True(Sparseness.Basis(tight.Components) > Sparseness.Basis(loose.Components));
        Assert.True(tight.ReconstructionError > loose.ReconstructionError);
    }

    [Fact]
    public void RejectsNegativeDataAndBadTargets()
    {
        var x = Faces.Clone();
        x[3, 4] = -1;
        var e = Assert.Throws<NmfInputException>(() => SparseNmf.Fit(x, new SparseNmfOptions { NComponents = 2 }, cancellationToken: TestContext.Current.CancellationToken));
        Assert.Contains("X[4, 5]", e.Message, StringComparison.Ordinal);
        Assert.Throws<NmfInputException>(() => LocalNmf.Fit(x, new LocalNmfOptions { NComponents = 2 }, cancellationToken: TestContext.Current.CancellationToken));
        Assert.Throws<ArgumentOutOfRangeException>(() => SparseNmf.Fit(Faces, new SparseNmfOptions { NComponents = 2, BasisSparseness = 1.5 }, cancellationToken: TestContext.Current.CancellationToken));
    }
}
