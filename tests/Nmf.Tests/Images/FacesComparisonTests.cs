using Nmf.Images;
using Xunit;

namespace Nmf.Tests.Images;

/// <summary>
/// The faces of Labeled Faces in the Wild (100 x 625, 25x25) at k = 16: PCA reconstructs best (it is the optimal
/// rank-k fit), NMF's basis images are sparser than PCA's (parts, not whole faces), Local NMF's sparser still.
/// </summary>
public class FacesComparisonTests
{
    private static readonly Lazy<Dictionary<ImageMethod, ImageModel<double>>> Models = new(() =>
    {
        var x = ImagesTestData.Faces();
        return new[] { ImageMethod.Nmf, ImageMethod.Pca, ImageMethod.Lnmf, ImageMethod.Snmf }
            .ToDictionary(m => m, m => ImageModel<double>.Fit(x, new ImageModelOptions { NComponents = 16, Method = m, RandomState = 0 }));
    });

    [Fact]
    public void PcaReconstructsBetterThanNmf()
    {
        var m = Models.Value;
        Assert.True(m[ImageMethod.Pca].ReconstructionError < m[ImageMethod.Nmf].ReconstructionError,
            $"PCA {m[ImageMethod.Pca].ReconstructionError}, NMF {m[ImageMethod.Nmf].ReconstructionError}");
        Assert.True(m[ImageMethod.Pca].ExplainedVariance > m[ImageMethod.Nmf].ExplainedVariance);
        // For PCA the explained variance of the reconstruction is the sum of the component ratios.
        Assert.Equal(m[ImageMethod.Pca].ExplainedVarianceRatio!.Sum(), m[ImageMethod.Pca].ExplainedVariance, 1e-9);
    }

    [Fact]
    public void NmfBasisIsSparserThanPcasAndLocalNmfSparserStill()
    {
        var m = Models.Value;
        double pca = m[ImageMethod.Pca].BasisSparseness, nmf = m[ImageMethod.Nmf].BasisSparseness, lnmf = m[ImageMethod.Lnmf].BasisSparseness;
        Assert.True(nmf > pca, $"NMF basis sparseness {nmf} not above PCA's {pca}");
        Assert.True(lnmf > nmf, $"LNMF basis sparseness {lnmf} not above NMF's {nmf}");
    }

    [Fact]
    public void EveryNmfFamilyFactorIsNonNegative()
    {
        foreach (var method in new[] { ImageMethod.Nmf, ImageMethod.Lnmf, ImageMethod.Snmf })
        {
            var model = Models.Value[method];
            Assert.All(model.Components.Data, v => Assert.True(v >= 0, $"{method} basis has {v}"));
            Assert.All(model.Encodings.Data, v => Assert.True(v >= 0, $"{method} encodings have {v}"));
        }

        Assert.Contains(Models.Value[ImageMethod.Pca].Components.Data, v => v < 0); // PCA's are signed
    }

    [Fact]
    public void SparseNmfBasisHasTheTargetSparseness()
        => Assert.Equal(0.7, Models.Value[ImageMethod.Snmf].BasisSparseness, 1e-6);

    [Fact]
    public void Report()
    {
        foreach (var (method, model) in Models.Value)
        {
            TestContext.Current.SendDiagnosticMessage(
                $"{method}: error {model.ReconstructionError:F4} explained {model.ExplainedVariance:F4} basis {model.BasisSparseness:F4} encodings {model.EncodingSparseness:F4} iterations {model.NIter} {model.Seconds:F2}s");
        }

        Assert.Equal(4, Models.Value.Count);
    }
}
