using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;

namespace Nmf.Distributed;

/// <summary>Configuration of silos and clients of an NMF cluster.</summary>
public static class NmfClusterHosting
{
    /// <summary>The cluster id every silo and client of an NMF cluster uses.</summary>
    public const string ClusterId = "nmf";

    /// <summary>The service id.</summary>
    public const string ServiceId = "nmf";

    /// <summary>Gateway (client) port of a silo = its silo port + this.</summary>
    public const int GatewayOffset = 10000;

    /// <summary>Registers the row-block placement (block b on the b-th silo) and sizes messages for large H.</summary>
    /// <param name="builder">The silo builder.</param>
    /// <returns>The builder.</returns>
    public static ISiloBuilder AddNmfBlocks(this ISiloBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddPlacementDirector<BlockPlacementStrategy, BlockPlacementDirector>();
        builder.Services.Configure<SiloMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromMinutes(10));
        return builder;
    }

    /// <summary>
    /// Makes a silo of the cluster whose primary silo listens at <paramref name="primary"/>: the silo listens on
    /// <paramref name="siloPort"/> (the primary when it equals the primary's port on this host) and serves clients on
    /// siloPort + <see cref="GatewayOffset"/>.
    /// </summary>
    /// <param name="builder">The silo builder.</param>
    /// <param name="primary">The primary silo's address and silo port.</param>
    /// <param name="advertised">This silo's address as the others reach it.</param>
    /// <param name="siloPort">This silo's port.</param>
    /// <param name="probeTimeout">
    /// Orleans' liveness probe timeout (default 5 s): a silo that misses three probes is suspected, and two suspecting
    /// silos declare it dead, so a killed worker is noticed after about three probe timeouts.
    /// </param>
    /// <param name="joinTimeout">How long a member tries to join before it gives up (Orleans' default: 5 minutes).</param>
    /// <returns>The builder.</returns>
    public static ISiloBuilder UseNmfCluster(this ISiloBuilder builder, IPEndPoint primary, IPAddress advertised, int siloPort, TimeSpan? probeTimeout = null, TimeSpan? joinTimeout = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Configure<ClusterMembershipOptions>(o =>
        {
            if (probeTimeout is TimeSpan probe)
            {
                o.ProbeTimeout = probe;
            }

            if (joinTimeout is TimeSpan join)
            {
                o.MaxJoinAttemptTime = join;
            }
        });

        builder.UseDevelopmentClustering(primary);
        builder.ConfigureEndpoints(advertised, siloPort, siloPort + GatewayOffset, listenOnAnyHostAddress: true);
        builder.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = ClusterId;
            o.ServiceId = ServiceId;
        });
        return builder.AddNmfBlocks();
    }

    /// <summary>Makes a client of the cluster whose primary silo listens at <paramref name="primary"/> (gateway at its port + <see cref="GatewayOffset"/>).</summary>
    /// <param name="builder">The client builder.</param>
    /// <param name="primary">The primary silo's address and silo port.</param>
    /// <returns>The builder.</returns>
    public static IClientBuilder UseNmfCluster(this IClientBuilder builder, IPEndPoint primary)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(primary);
        builder.UseStaticClustering(new IPEndPoint(primary.Address, primary.Port + GatewayOffset));
        builder.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = ClusterId;
            o.ServiceId = ServiceId;
        });
        builder.Services.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromMinutes(10));

        // A gateway that refuses the connection is tried a few times (a worker may still be starting), then the
        // client gives up at once instead of waiting for its whole timeout.
        int attempts = 0;
        builder.UseConnectionRetryFilter(async (_, cancellationToken) =>
        {
            if (++attempts > ConnectAttempts)
            {
                return false;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken).ConfigureAwait(false);
            return true;
        });
        return builder;
    }

    /// <summary>Parses HOST:PORT (a name or an address); <paramref name="flag"/> names the flag in errors.</summary>
    /// <param name="text">The address.</param>
    /// <param name="flag">The flag, for messages.</param>
    /// <returns>The endpoint (the first IPv4 address of a name).</returns>
    public static IPEndPoint ParseAddress(string text, string flag)
    {
        ArgumentNullException.ThrowIfNull(text);
        int colon = text.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port is < 1 or > 65535 - GatewayOffset)
        {
            throw new NmfInputException($"{flag} {text}: expected HOST:PORT with a port from 1 to {65535 - GatewayOffset}.");
        }

        string host = text[..colon];
        if (IPAddress.TryParse(host, out var address))
        {
            return new IPEndPoint(address, port);
        }

        try
        {
            var found = Dns.GetHostAddresses(host).FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork)
                ?? throw new NmfInputException($"{flag} {text}: {host} has no IPv4 address.");
            return new IPEndPoint(found, port);
        }
        catch (SocketException e)
        {
            throw new NmfInputException($"{flag} {text}: cannot resolve {host}: {e.Message}");
        }
    }

    /// <summary>How many times a client retries a gateway that refuses the connection (half a second apart).</summary>
    public const int ConnectAttempts = 4;

    /// <summary>How long a client waits for the cluster's gateway to answer.</summary>
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(20);

    /// <summary>Starts a silo (a worker) of the cluster whose primary silo is <paramref name="primary"/>.</summary>
    /// <param name="primary">The primary silo.</param>
    /// <param name="advertised">This silo's address as the others reach it.</param>
    /// <param name="siloPort">This silo's port (the primary's port makes it the primary).</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <param name="probeTimeout">Orleans' liveness probe timeout; null keeps Orleans' default (5 s).</param>
    /// <param name="joinTimeout">How long a member tries to join; null keeps Orleans' default (5 minutes).</param>
    /// <returns>The running host; stop it to leave the cluster.</returns>
    public static async Task<IHost> StartWorkerAsync(IPEndPoint primary, IPAddress advertised, int siloPort, CancellationToken cancellationToken, TimeSpan? probeTimeout = null, TimeSpan? joinTimeout = null)
    {
        var host = new HostBuilder().UseOrleans(silo => silo.UseNmfCluster(primary, advertised, siloPort, probeTimeout, joinTimeout)).Build();
        await host.StartAsync(cancellationToken).ConfigureAwait(false);
        return host;
    }

    /// <summary>Connects a client to the cluster whose primary silo is <paramref name="primary"/>.</summary>
    /// <param name="primary">The primary silo (its gateway is at its port + <see cref="GatewayOffset"/>).</param>
    /// <param name="cancellationToken">Cancels the connection.</param>
    /// <returns>The connected client's host and its grain factory.</returns>
    /// <exception cref="NmfInputException">No gateway answers at the address.</exception>
    public static async Task<(IHost Host, IClusterClient Client)> ConnectAsync(IPEndPoint primary, CancellationToken cancellationToken)
    {
        var host = new HostBuilder().UseOrleansClient(client => client.UseNmfCluster(primary)).Build();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ConnectTimeout);
        try
        {
            await host.StartAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            host.Dispose();
            string line = e.Message.ReplaceLineEndings(" ");
            throw new NmfInputException($"--cluster {primary}: no NMF cluster answers at gateway {primary.Address}:{primary.Port + GatewayOffset} ({line.TrimEnd('.')}).");
        }

        return (host, host.Services.GetRequiredService<IClusterClient>());
    }
}
