namespace Nmf.Distributed;

/// <summary>
/// A row block of X and its W_b, held by one silo (grain key "fit-id/block-index"). The silo reads the block's rows
/// itself; only H, W's update parameters and the block's shares of H's update travel. Calls that use W_b carry the
/// <see cref="BlockStamp"/> the client expects, and a block in another state refuses them.
/// </summary>
public interface IRowBlockGrain : IGrainWithStringKey
{
    /// <summary>Reads the block's rows from its source; W_b is unset until <see cref="Restore"/>.</summary>
    Task<BlockInfo> Load(BlockLoad load);

    /// <summary>Updates W_b from the broadcast H and returns the block's share of H's update.</summary>
    Task<StepReply> Step(StepRequest request);

    /// <summary>D_β(X_b | W_b H).</summary>
    Task<double> Divergence(Numbers h, int components, double beta, int threads, BlockStamp stamp);

    /// <summary>The sum of the block's stored values (for the mean of X that random and NNDSVDA starts need).</summary>
    Task<double> Sum();

    /// <summary>A copy of W_b (row-major).</summary>
    Task<Numbers> GetW(BlockStamp stamp);

    /// <summary>
    /// Sets W_b to a checkpoint's (or the start's), re-reading the rows first when this activation does not hold them
    /// (a new silo); the block is then at step 0 of <paramref name="generation"/>.
    /// </summary>
    Task<BlockInfo> Restore(BlockLoad load, Numbers w, long generation);

    /// <summary>X_b · Qᵀ for Q given as <paramref name="rows"/> x m (row-major): the block's rows of X·Qᵀ (n_b x rows).</summary>
    Task<Numbers> TimesTransposed(Numbers q, int rows, int threads);

    /// <summary>Y_bᵀ · X_b for the block's rows Y_b (n_b x <paramref name="cols"/>) of Y: the block's share of Yᵀ·X (cols x m).</summary>
    Task<Numbers> TransposedTimes(Numbers y, int cols, int threads);

    /// <summary>Drops the block's data (end of the fit).</summary>
    Task Release();
}
