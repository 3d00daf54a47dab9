using System.Net;
using Microsoft.Extensions.DependencyInjection;
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
    /// <returns>The builder.</returns>
    public static ISiloBuilder UseNmfCluster(this ISiloBuilder builder, IPEndPoint primary, IPAddress advertised, int siloPort)
    {
        ArgumentNullException.ThrowIfNull(builder);
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
        return builder;
    }
}
