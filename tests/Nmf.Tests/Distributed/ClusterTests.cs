using Microsoft.Extensions.DependencyInjection;
using Nmf.Distributed;
using Nmf.Matrices;
using Orleans.Configuration;
using Orleans.TestingHost;
using Xunit;

namespace Nmf.Tests.Distributed;

/// <summary>Silos of the in-process test clusters: the NMF block placement and quick failure detection.</summary>
public sealed class NmfSiloConfigurator : ISiloConfigurator
{
    public void Configure(ISiloBuilder siloBuilder)
    {
        siloBuilder.AddNmfBlocks();
        siloBuilder.Configure<SiloMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromSeconds(20));
        siloBuilder.Configure<ClusterMembershipOptions>(o =>
        {
            o.ProbeTimeout = TimeSpan.FromMilliseconds(500);
            o.NumMissedProbesLimit = 1;
            o.NumVotesForDeathDeclaration = 1;
            o.TableRefreshTimeout = TimeSpan.FromSeconds(1);
        });
    }
}

/// <summary>The client of the in-process test clusters.</summary>
public sealed class NmfClientConfigurator : IClientBuilderConfigurator
{
    public void Configure(Microsoft.Extensions.Configuration.IConfiguration configuration, IClientBuilder clientBuilder)
        => clientBuilder.Services.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromSeconds(20));
}

/// <summary>The in-process clusters run alone: their silos would otherwise take the CPU from timing-sensitive tests.</summary>
[CollectionDefinition("Orleans clusters", DisableParallelization = true)]
public sealed class OrleansClusters
{
}

/// <summary>Three silos in this process, shared by the equality tests.</summary>
public sealed class ThreeSilos : IAsyncLifetime
{
    public TestCluster Cluster { get; private set; } = null!;

    public static async Task<TestCluster> StartAsync()
    {
        var builder = new TestClusterBuilder(3);
        builder.AddSiloBuilderConfigurator<NmfSiloConfigurator>();
        builder.AddClientBuilderConfigurator<NmfClientConfigurator>();
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }

    public async ValueTask InitializeAsync() => Cluster = await StartAsync();

    public async ValueTask DisposeAsync()
    {
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
    }
}

/// <summary>
/// The fit on three Orleans silos (five row blocks, placed round-robin) equals the single-machine block fit with the
/// same partition bit for bit, hence the single-machine estimator within 1e-9, dense and sparse, MU and HALS (cd).
/// </summary>
[Collection("Orleans clusters")]
public class ClusterTests(ThreeSilos silos) : IClassFixture<ThreeSilos>
{

    public static TheoryData<string, NmfSolver, double> Cases() => new()
    {
        { "dense", NmfSolver.Mu, 2.0 },
        { "dense", NmfSolver.Mu, 1.0 },
        { "dense", NmfSolver.Cd, 2.0 },
        { "sparse", NmfSolver.Mu, 2.0 },
        { "sparse", NmfSolver.Mu, 1.5 },
        { "sparse", NmfSolver.Cd, 2.0 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task ClusterFitEqualsSingleMachineFit(string data, NmfSolver solver, double beta)
    {
        IMatrix<double> x = data == "dense" ? DistributedTestData.Digits() : DistributedTestData.Austen();
        var options = DistributedTestData.Options(solver, beta, 4, 20);
        var (w0, h0) = DistributedTestData.Start(x, 4, 3);
        var partition = LocalRowBlocks<double>.EvenPartition(x.Rows, 5);
        var (wLocal, local) = await DistributedTestData.LocalFit(x, options, w0, h0, partition);
        var estimator = new NmfEstimator<double>(options).Fit(x, w0.Clone(), h0.Clone(), cancellationToken: TestContext.Current.CancellationToken);

        var result = await DistributedNmf.FitAsync(silos.Cluster.Client, DistributedTestData.InlineBlocks(x, partition), options, w0, h0,
            new DistributedFitOptions { CheckpointInterval = 0 }, TestContext.Current.CancellationToken);

        Assert.Equal(local.H.Data, result.Components.Data);
        Assert.Equal(wLocal.Data, result.W!.Data);
        Assert.Equal(local.NIter, result.NIter);
        Assert.Equal(3, result.Silos.Distinct().Count());
        Assert.InRange(DistributedTestData.RelativeDifference(result.Components, estimator.Components), 0, 1e-9);
        Assert.InRange(DistributedTestData.RelativeDifference(result.W, estimator.W), 0, 1e-9);
    }

    [Theory]
    [InlineData(NmfSolver.Mu, 2.0)]
    [InlineData(NmfSolver.Mu, 1.0)]
    [InlineData(NmfSolver.Cd, 2.0)]
    public async Task FloatClusterFitEqualsFloatBlockFit(NmfSolver solver, double beta)
    {
        var xd = DistributedTestData.Digits();
        var (w0d, h0d) = DistributedTestData.Start(xd, 4, 13);
        var x = xd.Convert<float>();
        var (w0, h0) = (w0d.Convert<float>(), h0d.Convert<float>());
        var options = DistributedTestData.Options(solver, beta, 4, 15);
        var partition = LocalRowBlocks<float>.EvenPartition(x.Rows, 5);
        var blocks = new LocalRowBlocks<float>(x, w0, partition);
        var local = await new BlockParallelNmf<float>(options, checkpointInterval: 0).FitAsync(blocks, h0, TestContext.Current.CancellationToken);
        var localW = await blocks.GetWAsync(TestContext.Current.CancellationToken);

        var result = await DistributedNmf.FitAsync(silos.Cluster.Client, DistributedTestData.InlineBlocks(x, partition), options, w0, h0,
            new DistributedFitOptions { CheckpointInterval = 0 }, TestContext.Current.CancellationToken);

        // float values travel as floats, bit for bit: the same factors as in one process
        Assert.Equal(local.H.Data, result.Components.Data);
        Assert.Equal(localW.SelectMany(w => w.Data).ToArray(), result.W!.Data);
        Assert.Equal(local.BytesPerIteration, result.BytesPerIteration);
        long k = 4, m = x.Cols;
        long perBlock = solver == NmfSolver.Cd || beta == 2 ? (k * m) + (k * m) + (k * k) : (k * m) + (k * m) + k;
        Assert.Equal(5 * perBlock * sizeof(float), result.BytesPerIteration);
    }

    [Theory]
    [InlineData("dense", NmfInit.Nndsvda)]
    [InlineData("sparse", NmfInit.Auto)]
    [InlineData("dense", NmfInit.Nndsvdar)]
    public async Task ClusterNndsvdStartEqualsBlockStart(string data, NmfInit init)
    {
        IMatrix<double> x = data == "dense" ? DistributedTestData.Digits() : DistributedTestData.Austen();
        var ct = TestContext.Current.CancellationToken;
        var options = DistributedTestData.Options(NmfSolver.Mu, 2.0, 4, 10) with { Init = init, RandomState = 1 };
        var partition = LocalRowBlocks<double>.EvenPartition(x.Rows, 5);
        var resolved = init == NmfInit.Auto ? NmfInit.Nndsvda : init;
        var (w0, h0) = await BlockNndsvd.InitializeAsync(new LocalRowBlocks<double>(x, new DenseMatrix<double>(x.Rows, 1), partition), 4, resolved, 1, 1, ct);
        var (wLocal, local) = await DistributedTestData.LocalFit(x, options with { Init = NmfInit.Custom }, w0, h0, partition);

        var result = await DistributedNmf.FitAsync<double>(silos.Cluster.Client, DistributedTestData.InlineBlocks(x, partition), options, null, null,
            new DistributedFitOptions { CheckpointInterval = 0 }, ct);

        Assert.Equal(resolved, result.Init);
        Assert.Equal(local.H.Data, result.Components.Data);
        Assert.Equal(wLocal.Data, result.W!.Data);
    }

    /// <summary>A block refuses calls made for another state of its W_b than it holds (the stamp of every call).</summary>
    [Fact]
    public async Task BlockRefusesCallsForAnotherStateOfW()
    {
        var x = DistributedTestData.Digits().SliceRows(0, 20);
        var grain = silos.Cluster.Client.GetGrain<IRowBlockGrain>($"{Guid.NewGuid():N}/0");
        var load = new BlockLoad { Source = DistributedTestData.InlineBlocks<double>(x, [20])[0], Components = 2 };
        await grain.Load(load);
        var (w0, h0) = DistributedTestData.Start(x, 2, 1);
        var step = new StepRequest { Algorithm = 0, H = Numbers.From<double>(h0.Data), Components = 2, Beta = 2, Gamma = 1, Order = [0, 1], Threads = 1 };

        // before any restore, no state is the expected one
        var e = await Assert.ThrowsAnyAsync<Exception>(() => grain.Step(step with { Stamp = new BlockStamp(1, 0) }));
        Assert.Contains("out of step", e.Message, StringComparison.Ordinal);

        await grain.Restore(load, Numbers.From<double>(w0.Data), 1);
        await grain.Step(step with { Stamp = new BlockStamp(1, 0) });
        var w1 = (await grain.GetW(new BlockStamp(1, 1))).To<double>();

        // a repeated step (a lost answer resent, or a second activation's view) is refused and changes nothing
        e = await Assert.ThrowsAnyAsync<Exception>(() => grain.Step(step with { Stamp = new BlockStamp(1, 0) }));
        Assert.Contains("out of step", e.Message, StringComparison.Ordinal);
        Assert.Equal(w1, (await grain.GetW(new BlockStamp(1, 1))).To<double>());

        // after a restore only the new generation is served
        await grain.Restore(load, Numbers.From<double>(w0.Data), 2);
        e = await Assert.ThrowsAnyAsync<Exception>(() => grain.Divergence(step.H, 2, 2, 1, new BlockStamp(1, 1)));
        Assert.Contains("out of step", e.Message, StringComparison.Ordinal);
        Assert.Equal(w0.Data, (await grain.GetW(new BlockStamp(2, 0))).To<double>());
        await grain.Release();
    }

    [Fact]
    public async Task BlocksReadTheirOwnPartFiles()
    {
        var x = DistributedTestData.Digits();
        string dir = Directory.CreateTempSubdirectory("nmf-blocks-").FullName;
        try
        {
            var partition = new[] { 40, 60, 50 };
            var sources = new List<BlockSource>();
            int start = 0;
            for (int b = 0; b < partition.Length; b++)
            {
                string path = Path.Combine(dir, $"part-{b}.csv");
                var rows = Enumerable.Range(start, partition[b]).Select(i => string.Join(",", x.Row(i).ToArray().Select(v => v.ToString(System.Globalization.CultureInfo.InvariantCulture))));
                File.WriteAllLines(path, rows);
                sources.Add(new BlockSource { Path = path });
                start += partition[b];
            }

            var options = DistributedTestData.Options(NmfSolver.Mu, 2.0, 3, 10);
            var (w0, h0) = DistributedTestData.Start(x, 3, 8);
            var (wLocal, local) = await DistributedTestData.LocalFit(x, options, w0, h0, partition);
            var result = await DistributedNmf.FitAsync(silos.Cluster.Client, sources, options, w0, h0, cancellationToken: TestContext.Current.CancellationToken);
            Assert.Equal(local.H.Data, result.Components.Data);
            Assert.Equal(wLocal.Data, result.W!.Data);

            // a missing part: one line naming the silo and the file
            sources[1] = new BlockSource { Path = Path.Combine(dir, "missing.csv") };
            var e = await Assert.ThrowsAsync<NmfInputException>(() => DistributedNmf.FitAsync(silos.Cluster.Client, sources, options, w0, h0, cancellationToken: TestContext.Current.CancellationToken));
            Assert.Contains("missing.csv", e.Message, StringComparison.Ordinal);
            Assert.Contains("silo", e.Message, StringComparison.Ordinal);
            Assert.DoesNotContain('\n', e.Message);

            // a part with other columns
            string narrow = Path.Combine(dir, "narrow.csv");
            File.WriteAllLines(narrow, ["1,2,3", "4,5,6"]);
            sources[1] = new BlockSource { Path = narrow };
            e = await Assert.ThrowsAsync<NmfInputException>(() => DistributedNmf.FitAsync(silos.Cluster.Client, sources, options, w0, h0, cancellationToken: TestContext.Current.CancellationToken));
            Assert.Contains("narrow.csv", e.Message, StringComparison.Ordinal);
            Assert.Contains("3 columns", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}

/// <summary>A silo stopped mid-fit: the fit resumes from its checkpoint with the same result, or fails clearly.</summary>
[Collection("Orleans clusters")]
public class ClusterFaultTests
{
    [Fact]
    public async Task LostSiloResumesFromCheckpointOrFailsClearly()
    {
        var cluster = await ThreeSilos.StartAsync();
        try
        {
            var x = DistributedTestData.Digits();
            var options = DistributedTestData.Options(NmfSolver.Mu, 2.0, 4, 30);
            var (w0, h0) = DistributedTestData.Start(x, 4, 21);
            var partition = LocalRowBlocks<double>.EvenPartition(x.Rows, 6);
            var (wLocal, local) = await DistributedTestData.LocalFit(x, options, w0, h0, partition);
            var sources = DistributedTestData.InlineBlocks(x, partition);
            var log = new List<string>();

            var result = await DistributedNmf.FitAsync(cluster.Client, sources, options, w0, h0, new DistributedFitOptions
            {
                CheckpointInterval = 5,
                Log = log.Add,
                AfterIteration = async it =>
                {
                    if (it == 12 && cluster.SecondarySilos.Count == 2)
                    {
                        await cluster.KillSiloAsync(cluster.SecondarySilos[0]);
                    }
                },
            }, TestContext.Current.CancellationToken);

            Assert.Equal(1, result.Resumes);
            Assert.Contains(log, l => l.Contains("iteration 10", StringComparison.Ordinal));
            Assert.Equal(local.H.Data, result.Components.Data);
            Assert.Equal(wLocal.Data, result.W!.Data);
            Assert.Equal(2, result.Silos.Distinct().Count());

            // without checkpoints the loss of a silo ends the fit with one clear line
            var e = await Assert.ThrowsAsync<RowBlockUnavailableException>(() => DistributedNmf.FitAsync(cluster.Client, sources, options, w0, h0, new DistributedFitOptions
            {
                CheckpointInterval = 0,
                AfterIteration = async it =>
                {
                    if (it == 3 && cluster.SecondarySilos.Count == 1)
                    {
                        await cluster.KillSiloAsync(cluster.SecondarySilos[0]);
                    }
                },
            }, TestContext.Current.CancellationToken));
            Assert.Contains("silo", e.Message, StringComparison.Ordinal);
            Assert.Contains("no checkpoints", e.Message, StringComparison.Ordinal);
            Assert.DoesNotContain('\n', e.Message);
        }
        finally
        {
            await cluster.StopAllSilosAsync(TestContext.Current.CancellationToken);
            await cluster.DisposeAsync();
        }
    }
}

