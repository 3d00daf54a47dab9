namespace Nmf.Distributed;

/// <summary>
/// A row block of X and its W_b, held by one silo (grain key "fit-id/block-index"). The silo reads the block's rows
/// itself; only H, W's update parameters and the block's shares of H's update travel.
/// </summary>
public interface IRowBlockGrain : IGrainWithStringKey
{
    /// <summary>Reads the block's rows from its source and sets W_b.</summary>
    Task<BlockInfo> Load(BlockLoad load);

    /// <summary>Updates W_b from the broadcast H and returns the block's share of H's update.</summary>
    Task<StepReply> Step(StepRequest request);

    /// <summary>D_β(X_b | W_b H).</summary>
    Task<double> Divergence(double[] h, int components, double beta, int threads);

    /// <summary>The sum of the block's stored values (for the mean of X that random starts need).</summary>
    Task<double> Sum();

    /// <summary>A copy of W_b (row-major).</summary>
    Task<double[]> GetW();

    /// <summary>Sets W_b to a checkpoint's, re-reading the rows first when this activation does not hold them (a new silo).</summary>
    Task<BlockInfo> Restore(BlockLoad load, double[] w);

    /// <summary>Drops the block's data (end of the fit).</summary>
    Task Release();
}
