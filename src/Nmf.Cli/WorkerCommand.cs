using System.CommandLine;
using System.Net;
using Microsoft.Extensions.Hosting;
using Nmf.Distributed;

namespace Nmf.Cli;

/// <summary>
/// <c>nmf worker --cluster HOST:PORT [--port P]</c>: runs a silo of an NMF cluster until Ctrl-C. The silo whose
/// port is the cluster address's port (on that host) is the primary; the others join it. Clients (<c>nmf fit
/// --cluster HOST:PORT</c>) connect to the primary's gateway at PORT + 10000.
/// </summary>
internal static class WorkerCommand
{
    public static Command Create()
    {
        var cluster = new Option<string>("--cluster") { Description = "HOST:PORT of the cluster's primary silo (the first worker).", Required = true };
        var port = new Option<int?>("--port") { Description = "This silo's port (default: the cluster's port, which makes this worker the primary)." };
        var advertise = new Option<string?>("--advertise") { Description = "This silo's address as other machines reach it (default: the cluster host's address family loopback or the primary's address)." };
        var probe = new Option<double?>("--probe-timeout") { Description = "Seconds of the cluster's liveness probes (default 5): a silo missing three is suspected, two suspecting silos declare it dead, and a fit resumes without its blocks." };
        var join = new Option<double>("--join-timeout") { Description = "Seconds a worker tries to reach the primary and join before it gives up (exit code 2).", DefaultValueFactory = _ => 60 };
        var command = new Command("worker", "Run a silo of an NMF cluster (Microsoft Orleans) until Ctrl-C.");
        command.Options.Add(cluster);
        command.Options.Add(port);
        command.Options.Add(advertise);
        command.Options.Add(probe);
        command.Options.Add(join);
        command.SetAction(parsed =>
        {
            var primary = NmfClusterHosting.ParseAddress(parsed.GetValue(cluster)!, "--cluster");
            int siloPort = parsed.GetValue(port) ?? primary.Port;
            if (siloPort is < 1 or > 65535 - NmfClusterHosting.GatewayOffset)
            {
                throw new CliUsageException($"--port {siloPort}: must be from 1 to {65535 - NmfClusterHosting.GatewayOffset}.");
            }

            string? advertiseText = parsed.GetValue(advertise);
            IPAddress advertised = advertiseText is null ? primary.Address : IPAddress.TryParse(advertiseText, out var a) ? a
                : throw new CliUsageException($"--advertise {advertiseText}: not an IP address.");
            double? probeSeconds = parsed.GetValue(probe);
            if (probeSeconds is not null and (<= 0 or > 3600 or double.NaN))
            {
                throw new CliUsageException($"--probe-timeout {probeSeconds}: must be a number of seconds above 0 and at most 3600.");
            }

            double joinSeconds = parsed.GetValue(join);
            if (joinSeconds is <= 0 or > 86400 or double.NaN)
            {
                throw new CliUsageException($"--join-timeout {joinSeconds}: must be a number of seconds above 0 and at most 86400.");
            }

            return Run(primary, advertised, siloPort, probeSeconds is double p ? TimeSpan.FromSeconds(p) : null, TimeSpan.FromSeconds(joinSeconds));
        });
        return command;
    }

    private static int Run(IPEndPoint primary, IPAddress advertised, int siloPort, TimeSpan? probeTimeout, TimeSpan joinTimeout)
    {
        var token = CliRuntime.Cancellation;
        Microsoft.Extensions.Hosting.IHost host;
        try
        {
            host = NmfClusterHosting.StartWorkerAsync(primary, advertised, siloPort, token, probeTimeout, joinTimeout).GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is not OperationCanceledException && !CliRuntime.IsInputError(e))
        {
            throw new CliUsageException($"worker {advertised}:{siloPort}: cannot start or join the cluster at {primary}: {FirstLine(e.GetBaseException().Message)}");
        }

        string role = siloPort == primary.Port && advertised.Equals(primary.Address) ? "primary" : "member";
        Console.Out.WriteLine($"nmf worker: silo {advertised}:{siloPort} ({role} of the cluster at {primary}), gateway port {siloPort + NmfClusterHosting.GatewayOffset}; Ctrl-C stops it.");
        Console.Out.Flush();
        // Ctrl-C (SIGINT) reaches the CLI's token; SIGTERM reaches the host's lifetime.
        var lifetime = (IHostApplicationLifetime)host.Services.GetService(typeof(IHostApplicationLifetime))!;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(token, lifetime.ApplicationStopping);
        try
        {
            Task.Delay(Timeout.Infinite, stop.Token).GetAwaiter().GetResult();
        }
        catch (OperationCanceledException)
        {
            // Ctrl-C or SIGTERM: leave the cluster cleanly.
        }

        host.StopAsync(TimeSpan.FromSeconds(10)).GetAwaiter().GetResult();
        host.Dispose();
        Console.Out.WriteLine("nmf worker: stopped.");
        return ExitCodes.Ok;
    }

    /// <summary>The first line of a message, without what Orleans appends after it (inner exceptions, stack).</summary>
    private static string FirstLine(string message)
    {
        int cut = message.IndexOfAny(['\r', '\n']);
        string line = cut < 0 ? message : message[..cut];
        int inner = line.IndexOf(" ---> ", StringComparison.Ordinal);
        return (inner < 0 ? line : line[..inner]).Trim().TrimEnd('.');
    }
}
