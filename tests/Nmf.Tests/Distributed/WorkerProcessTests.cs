using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Nmf.Matrices;
using Nmf.Tests.Cli;
using Xunit;

namespace Nmf.Tests.Distributed;

/// <summary>
/// A cluster of <c>nmf worker</c> processes on 127.0.0.1 at free ports; <see cref="Dispose"/> kills every worker it
/// started. Workers probe each other every <c>--probe-timeout</c> seconds, so a killed worker is declared dead within
/// a few of them.
/// </summary>
public sealed class WorkerCluster : IDisposable
{
    private readonly List<(Process Process, StringBuilder Output)> _workers = [];

    private WorkerCluster(int basePort) => BasePort = basePort;

    public int BasePort { get; }

    public string Address => $"127.0.0.1:{BasePort}";

    public static WorkerCluster Start(int silos, double probeTimeout = 2)
    {
        var cluster = new WorkerCluster(FreePorts(silos));
        try
        {
            // the primary first: the others join through it
            cluster.Launch(0, probeTimeout);
            cluster.WaitReady(0);
            for (int i = 1; i < silos; i++)
            {
                cluster.Launch(i, probeTimeout);
            }

            for (int i = 1; i < silos; i++)
            {
                cluster.WaitReady(i);
            }

            return cluster;
        }
        catch
        {
            cluster.Dispose();
            throw;
        }
    }

    /// <summary>Kills worker <paramref name="index"/> at once (SIGKILL: no goodbye to the cluster).</summary>
    public void Kill(int index)
    {
        var p = _workers[index].Process;
        p.Kill(entireProcessTree: true);
        p.WaitForExit(10_000);
    }

    public void Dispose()
    {
        foreach (var (p, _) in _workers)
        {
            try
            {
                if (!p.HasExited)
                {
                    p.Kill(entireProcessTree: true);
                    p.WaitForExit(10_000);
                }
            }
            catch (InvalidOperationException)
            {
                // already gone
            }

            p.Dispose();
        }
    }

    private void Launch(int index, double probeTimeout)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in new[]
        {
            Path.Combine(AppContext.BaseDirectory, "Nmf.Cli.dll"), "worker", "--cluster", Address,
            "--port", (BasePort + index).ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--probe-timeout", probeTimeout.ToString(System.Globalization.CultureInfo.InvariantCulture),
        })
        {
            start.ArgumentList.Add(a);
        }

        start.Environment["DOTNET_NOLOGO"] = "1";
        var output = new StringBuilder();
        var p = new Process { StartInfo = start };
        p.OutputDataReceived += (_, e) =>
        {
            lock (output)
            {
                output.AppendLine(e.Data);
            }
        };
        p.ErrorDataReceived += (_, e) =>
        {
            lock (output)
            {
                output.AppendLine(e.Data);
            }
        };
        p.Start();
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        _workers.Add((p, output));
    }

    private void WaitReady(int index)
    {
        var (p, output) = _workers[index];
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(90))
        {
            lock (output)
            {
                if (output.ToString().Contains("nmf worker: silo", StringComparison.Ordinal))
                {
                    return;
                }
            }

            if (p.HasExited)
            {
                break;
            }

            Thread.Sleep(100);
        }

        throw new InvalidOperationException($"worker {index} did not start: {output}");
    }

    /// <summary>A base port P with P..P+n−1 and their gateways (+10000) free now, chosen at random so that parallel runs differ.</summary>
    private static int FreePorts(int count)
    {
        for (int attempt = 0; attempt < 200; attempt++)
        {
            int port = Random.Shared.Next(20000, 55000 - count);
            if (Enumerable.Range(port, count).All(p => IsFree(p) && IsFree(p + 10000)))
            {
                return port;
            }
        }

        throw new InvalidOperationException("no free ports");
    }

    private static bool IsFree(int port)
    {
        try
        {
            var listener = new TcpListener(IPAddress.Any, port);
            listener.Start();
            listener.Stop();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}

/// <summary>
/// <c>nmf fit --cluster</c> against three real <c>nmf worker</c> processes: the factors equal the local fit's (1e-9),
/// and bad inputs end in one line naming the silo and the file, exit code 2 and no output.
/// </summary>
[Collection("Orleans clusters")]
public sealed class WorkerProcessTests(WorkerProcessTests.ThreeWorkers workers) : IClassFixture<WorkerProcessTests.ThreeWorkers>, IDisposable
{
    private readonly WorkerCluster _cluster = workers.Cluster;
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>Three worker processes shared by the tests of this class.</summary>
    public sealed class ThreeWorkers : IDisposable
    {
        public WorkerCluster Cluster { get; } = WorkerCluster.Start(3);

        public void Dispose() => Cluster.Dispose();
    }

    [Fact]
    public void ClusterFitOfWorkerProcessesEqualsLocalFit()
    {
        string digits = Path.Combine(TestPaths.Shared, "data", "digits.csv");
        string[] common = ["-k", "5", "--init", "random", "--seed", "3", "--max-iter", "40", "--tol", "0", "--threads", "1"];

        // one CSV cut into 5 row ranges, mu
        var cluster = CliProcess.Run(TestPaths.Root, ["fit", digits, "--cluster", _cluster.Address, "--blocks", "5", "--solver", "mu", "-o", _dir.File("mu-cluster"), .. common]);
        Assert.True(cluster.ExitCode == 0, cluster.ToString());
        var local = CliProcess.Run(TestPaths.Root, ["fit", digits, "--solver", "mu", "-o", _dir.File("mu-local"), "-q", .. common]);
        Assert.True(local.ExitCode == 0, local.ToString());
        AssertSameFactors(_dir.File("mu-cluster"), _dir.File("mu-local"));
        var model = JsonNode.Parse(File.ReadAllText(Path.Combine(_dir.File("mu-cluster"), "model.json")))!;
        Assert.Equal(3, (int)model["cluster"]!["silos"]!);
        Assert.Equal(0, (int)model["cluster"]!["resumes"]!);

        // a folder of part files (one block each, read by the silo that holds it), cd
        string parts = _dir.File("parts");
        WriteParts(digits, parts, [500, 700, 597]);
        cluster = CliProcess.Run(TestPaths.Root, ["fit", parts, "--cluster", _cluster.Address, "--solver", "cd", "-o", _dir.File("cd-cluster"), .. common]);
        Assert.True(cluster.ExitCode == 0, cluster.ToString());
        local = CliProcess.Run(TestPaths.Root, ["fit", digits, "--solver", "cd", "-o", _dir.File("cd-local"), "-q", .. common]);
        Assert.True(local.ExitCode == 0, local.ToString());
        AssertSameFactors(_dir.File("cd-cluster"), _dir.File("cd-local"));
    }

    [Fact]
    public void BadBlocksEndInOneLineNamingSiloAndFile()
    {
        string digits = Path.Combine(TestPaths.Shared, "data", "digits.csv");
        string[] common = ["-k", "3", "--solver", "mu", "--max-iter", "5"];

        // a part file missing where the silo looks (a dangling link: listed by the client, absent on the silo)
        string parts = _dir.File("missing");
        WriteParts(digits, parts, [600, 600, 597]);
        string gone = Path.Combine(parts, "part-1.csv");
        File.Delete(gone);
        File.CreateSymbolicLink(gone, _dir.File("nowhere.csv"));
        string output = _dir.File("out-missing");
        var r = CliProcess.Run(TestPaths.Root, ["fit", parts, "--cluster", _cluster.Address, "-o", output, .. common]);
        AssertOneLineError(r, output, "part-1.csv", "silo 127.0.0.1:");

        // a part with other columns
        parts = _dir.File("narrow");
        WriteParts(digits, parts, [600, 600, 597]);
        File.WriteAllLines(Path.Combine(parts, "part-2.csv"), ["1,2,3", "4,5,6"]);
        output = _dir.File("out-narrow");
        r = CliProcess.Run(TestPaths.Root, ["fit", parts, "--cluster", _cluster.Address, "-o", output, .. common]);
        AssertOneLineError(r, output, "part-2.csv", "3 columns");
        Assert.Contains("silo 127.0.0.1:", r.Stderr, StringComparison.Ordinal);

        // a cluster address where no worker listens
        output = _dir.File("out-nowhere");
        var clock = Stopwatch.StartNew();
        r = CliProcess.Run(TestPaths.Root, ["fit", digits, "--cluster", $"127.0.0.1:{_cluster.BasePort + 5}", "-o", output, .. common]);
        AssertOneLineError(r, output, $"127.0.0.1:{_cluster.BasePort + 5}", "no NMF cluster answers");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"the unreachable cluster took {clock.Elapsed}");
    }

    [Fact]
    public void WorkerThatCannotReachThePrimaryEndsInOneLine()
    {
        string primary = $"127.0.0.1:{_cluster.BasePort + 7}";
        var clock = Stopwatch.StartNew();
        var r = CliProcess.Run(TestPaths.Root, ["worker", "--cluster", primary, "--port", $"{_cluster.BasePort + 8}", "--join-timeout", "2"], timeoutSeconds: 60);
        Assert.True(r.ExitCode == 2, r.ToString());
        Assert.Single(r.StderrLines);
        Assert.Contains($"cannot start or join the cluster at {primary}", r.Stderr, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"took {clock.Elapsed}");
    }

    /// <summary>Writes consecutive row ranges of a CSV as part-0.csv, part-1.csv, ... in a new folder.</summary>
    internal static void WriteParts(string csv, string folder, int[] rows)
    {
        Directory.CreateDirectory(folder);
        var lines = File.ReadAllLines(csv);
        int start = 0;
        for (int b = 0; b < rows.Length; b++)
        {
            File.WriteAllLines(Path.Combine(folder, $"part-{b}.csv"), lines[start..(start + rows[b])]);
            start += rows[b];
        }
    }

    internal static void AssertSameFactors(string clusterDir, string localDir)
    {
        foreach (string f in new[] { "W.csv", "H.csv" })
        {
            var a = Dense(Path.Combine(clusterDir, f));
            var b = Dense(Path.Combine(localDir, f));
            Assert.Equal(b.Rows, a.Rows);
            Assert.Equal(b.Cols, a.Cols);
            Assert.InRange(DistributedTestData.RelativeDifference(a, b), 0, 1e-9);
        }
    }

    internal static void AssertOneLineError(CliProcess.Result r, string output, params string[] contains)
    {
        Assert.True(r.ExitCode == 2, r.ToString());
        Assert.Single(r.StderrLines);
        foreach (string c in contains)
        {
            Assert.Contains(c, r.Stderr, StringComparison.Ordinal);
        }

        Assert.False(Directory.Exists(output), $"{output} was written");
    }

    private static DenseMatrix<double> Dense(string path)
    {
        var x = MatrixReader.Read<double>(path).Matrix;
        return x as DenseMatrix<double> ?? ((CsrMatrix<double>)x).ToDense();
    }
}

/// <summary>
/// A worker process killed mid-fit: the fit notices (the cluster declares the silo dead), resumes from its last
/// checkpoint on the two remaining silos and ends with the factors of the local fit (1e-9).
/// </summary>
[Collection("Orleans clusters")]
public sealed class KilledWorkerTests
{
    [Fact]
    public void KilledWorkerResumesFromCheckpointWithTheLocalResult()
    {
        using var dir = new TempFolder();
        using var cluster = WorkerCluster.Start(3);
        string digits = Path.Combine(TestPaths.Shared, "data", "digits.csv");
        string[] common = ["-k", "5", "--solver", "mu", "--init", "random", "--seed", "4", "--max-iter", "1500", "--tol", "0", "--threads", "1"];
        string output = dir.File("cluster");

        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = TestPaths.Root };
        foreach (string a in new[] { Path.Combine(AppContext.BaseDirectory, "Nmf.Cli.dll"), "fit", digits, "--cluster", cluster.Address, "--blocks", "6", "--checkpoint-every", "10", "--log-checkpoints", "-o", output }.Concat(common))
        {
            start.ArgumentList.Add(a);
        }

        var stderr = new StringBuilder();
        bool killed = false;
        using var fit = new Process { StartInfo = start };
        fit.ErrorDataReceived += (_, e) =>
        {
            lock (stderr)
            {
                stderr.AppendLine(e.Data);

                // a member (not the primary, through which the client reaches the cluster) dies after iteration 10
                if (!killed && e.Data?.Contains("checkpoint at iteration 10.", StringComparison.Ordinal) == true)
                {
                    killed = true;
                    cluster.Kill(2);
                }
            }
        };
        fit.Start();
        fit.BeginErrorReadLine();
        string stdout = fit.StandardOutput.ReadToEnd();
        if (!fit.WaitForExit(120_000))
        {
            fit.Kill(entireProcessTree: true);
            Assert.Fail("the cluster fit did not end within 120 s: " + stderr);
        }

        fit.WaitForExit();
        string log;
        lock (stderr)
        {
            log = stderr.ToString();
        }

        Assert.True(killed, log);
        Assert.True(fit.ExitCode == 0, $"exit {fit.ExitCode}: {stdout} {log}");
        Assert.Contains("Resuming from the checkpoint of iteration", log, StringComparison.Ordinal);
        var model = JsonNode.Parse(File.ReadAllText(Path.Combine(output, "model.json")))!;
        Assert.True((int)model["cluster"]!["resumes"]! >= 1);
        Assert.Equal(2, (int)model["cluster"]!["silos"]!);

        var local = CliProcess.Run(TestPaths.Root, ["fit", digits, "-o", dir.File("local"), "-q", .. common]);
        Assert.True(local.ExitCode == 0, local.ToString());
        WorkerProcessTests.AssertSameFactors(output, dir.File("local"));
    }
}
