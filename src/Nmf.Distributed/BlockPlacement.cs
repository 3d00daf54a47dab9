using System.Globalization;
using Orleans.Placement;
using Orleans.Runtime.Placement;

namespace Nmf.Distributed;

/// <summary>
/// Places row block b on the b-th silo (mod the number of silos, silos in address order), so that blocks spread
/// evenly and predictably over the cluster.
/// </summary>
[GenerateSerializer]
[Immutable]
[SuppressReferenceTracking]
public sealed class BlockPlacementStrategy : PlacementStrategy
{
    /// <summary>The one instance.</summary>
    internal static readonly BlockPlacementStrategy Instance = new();
}

/// <summary>Marks a grain class as placed by <see cref="BlockPlacementStrategy"/>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class BlockPlacementAttribute : PlacementAttribute
{
    /// <summary>Creates the attribute.</summary>
    public BlockPlacementAttribute()
        : base(BlockPlacementStrategy.Instance)
    {
    }
}

/// <summary>Chooses the silo of a block from the block index at the end of its key.</summary>
internal sealed class BlockPlacementDirector : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var silos = context.GetCompatibleSilos(target).OrderBy(s => s.ToParsableString(), StringComparer.Ordinal).ToArray();
        string key = target.GrainIdentity.Key.ToString() ?? "";
        int slash = key.LastIndexOf('/');
        int index = slash >= 0 && int.TryParse(key.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int b) ? b : 0;
        return Task.FromResult(silos[index % silos.Length]);
    }
}
