using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Xunit;

namespace Nmf.Tests.Cli;

/// <summary>The bare <c>nmf</c> command, its name in usage lines, <c>images --dtype</c>, and Ctrl-C during a long read.</summary>
public class RootCommandTests
{
    [Fact]
    public void NoArgumentsPrintTheHelpAndExitZero()
    {
        var r = CliProcess.Run(TestPaths.Root, []);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(string.Empty, r.Stderr);
        Assert.Contains("Usage:", r.Stdout, StringComparison.Ordinal);
        Assert.Contains("nmf [command] [options]", r.Stdout, StringComparison.Ordinal);
        Assert.Contains("update", r.Stdout, StringComparison.Ordinal);
        Assert.Equal(CliProcess.Run(TestPaths.Root, ["--help"]).Stdout, r.Stdout);
    }

    [Theory]
    [InlineData("fit", "nmf fit <INPUT> [options]")]
    [InlineData("images", "nmf images <INPUT> [options]")]
    [InlineData("update", "nmf update <NEW> [options]")]
    public void UsageLinesNameTheToolNmf(string verb, string usage)
    {
        // The program runs as Nmf.Cli.dll here, as under dotnet run; the usage still says nmf.
        var r = CliProcess.Run(TestPaths.Root, [verb, "--help"]);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains(usage, r.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("Nmf.Cli", r.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void ImagesTakeDtype()
    {
        string faces = Path.Combine(TestPaths.Shared, "data", "lfw-faces.csv");
        using var work = new TempFolder();
        string[] common = ["images", faces, "-k", "4", "--shape", "25x25", "--seed", "0", "--max-iter", "50", "--json"];
        var single = CliProcess.Run(TestPaths.Root, [.. common, "-o", work.File("f4"), "--dtype", "float32"]);
        var twice = CliProcess.Run(TestPaths.Root, [.. common, "-o", work.File("f8")]);
        Assert.True(single.ExitCode == 0, single.ToString());
        Assert.True(twice.ExitCode == 0, twice.ToString());
        using var f4 = JsonDocument.Parse(single.Stdout);
        using var f8 = JsonDocument.Parse(twice.Stdout);
        Assert.Equal("float32", f4.RootElement.GetProperty("dtype").GetString());
        Assert.Equal("float64", f8.RootElement.GetProperty("dtype").GetString());
        double e4 = f4.RootElement.GetProperty("models")[0].GetProperty("reconstruction_err").GetDouble();
        double e8 = f8.RootElement.GetProperty("models")[0].GetProperty("reconstruction_err").GetDouble();
        Assert.NotEqual(e8, e4); // really computed in float32
        Assert.InRange(Math.Abs(e4 - e8) / e8, 0, 1e-3);

        var bad = CliProcess.Run(TestPaths.Root, [.. common, "-o", work.File("bad"), "--dtype", "float16"]);
        Assert.Equal(2, bad.ExitCode);
        Assert.Equal("nmf: --dtype float16: expected float64 or float32.", bad.Stderr.Trim());
        Assert.False(Directory.Exists(work.File("bad")));
    }

    /// <summary>
    /// The input is a named pipe that never ends, so the read itself would go on forever: Ctrl-C must stop it
    /// (exit 130, nothing written), not wait for the fit to start. Both the whole-file reader and the streamed
    /// mini-batch reader (whose first pass counts the rows).
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void CtrlCStopsAReadThatIsStillGoing(bool miniBatch)
    {
        if (!OperatingSystem.IsLinux())
        {
            return; // mkfifo and kill(1)
        }

        using var work = new TempFolder();
        string fifo = work.File("endless.csv");
        Process.Start("mkfifo", [fifo])!.WaitForExit();
        long written = 0;
        bool stop = false;

        // The streamed reader opens the file twice (header detection, then the row count), so the writer serves
        // reader after reader, each session writing rows until its reader closes the pipe.
        var writer = new Thread(() =>
        {
            byte[] row = Encoding.ASCII.GetBytes(string.Join(',', Enumerable.Range(1, 20).Select(v => v.ToString(CultureInfo.InvariantCulture))) + "\n");
            byte[] block = [.. Enumerable.Repeat(row, 2000).SelectMany(b => b)];
            while (!Volatile.Read(ref stop))
            {
                try
                {
                    using var pipe = new FileStream(fifo, FileMode.Open, FileAccess.Write);
                    while (true)
                    {
                        pipe.Write(block);
                        Interlocked.Add(ref written, block.Length);
                    }
                }
                catch (IOException)
                {
                    // this reader has gone
                }
            }
        }) { IsBackground = true };
        writer.Start();

        string outDir = work.File("out");
        string[] args = miniBatch
            ? ["fit", fifo, "-k", "2", "--solver", "mu", "--minibatch", "-o", outDir]
            : ["fit", fifo, "-k", "2", "--solver", "mu", "-o", outDir];
        var r = CliProcess.RunAndInterrupt(work.Path, args, () => Interlocked.Read(ref written) > (4 << 20));
        Assert.True(r.ExitCode == 130, r.ToString());
        Assert.Contains("cancelled", r.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(outDir) && Directory.EnumerateFileSystemEntries(outDir).Any());

        // The writer may wait to open the pipe for a next reader that never comes: Linux opens a FIFO read-write at
        // once, which lets that open return; closing it again ends the writer's last session.
        Volatile.Write(ref stop, true);
        for (int attempt = 0; attempt < 50 && !writer.Join(100); attempt++)
        {
            using var release = new FileStream(fifo, FileMode.Open, FileAccess.ReadWrite);
        }

        Assert.False(writer.IsAlive, "the writer still runs");
    }
}
