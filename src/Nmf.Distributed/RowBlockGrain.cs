using System.Numerics;
using Nmf.Matrices;

namespace Nmf.Distributed;

/// <summary>The grain holding one row block; its silo is chosen by <see cref="BlockPlacementAttribute"/>.</summary>
[BlockPlacement]
internal sealed class RowBlockGrain : Grain, IRowBlockGrain
{
    /// <summary>Marker in the message of a call to a block that holds no rows (a fresh activation after its silo died).</summary>
    public const string NotLoaded = "holds no rows";

    private readonly ILocalSiloDetails _silo;
    private IBlock? _block;

    public RowBlockGrain(ILocalSiloDetails silo)
    {
        _silo = silo;
    }

    private string SiloName => _silo.SiloAddress.ToParsableString();

    public Task<BlockInfo> Load(BlockLoad load)
    {
        _block = ReadBlock(load);
        return Task.FromResult(new BlockInfo { Rows = _block.Rows, Cols = _block.Cols, Silo = SiloName });
    }

    public Task<StepReply> Step(StepRequest request) => Task.FromResult(Loaded.Step(request));

    public Task<double> Divergence(double[] h, int components, double beta, int threads) => Task.FromResult(Loaded.Divergence(h, components, beta, threads));

    public Task<double[]> GetW() => Task.FromResult(Loaded.GetW());

    public Task<double> Sum() => Task.FromResult(Loaded.Sum());

    public Task<BlockInfo> Restore(BlockLoad load, double[] w)
    {
        _block ??= ReadBlock(load);

        _block.SetW(w);
        return Task.FromResult(new BlockInfo { Rows = _block.Rows, Cols = _block.Cols, Silo = SiloName });
    }

    public Task Release()
    {
        _block = null;
        DeactivateOnIdle();
        return Task.CompletedTask;
    }

    /// <summary>Reads the block; input errors cross the wire as <see cref="BlockInputException"/> (one line, naming silo and file).</summary>
    private IBlock ReadBlock(BlockLoad load)
    {
        try
        {
            return load.Single ? Block<float>.Read(load, SiloName) : Block<double>.Read(load, SiloName);
        }
        catch (NmfInputException e)
        {
            throw new BlockInputException(e.Message);
        }
    }

    private IBlock Loaded => _block ?? throw new InvalidOperationException($"block {this.GetPrimaryKeyString()} on silo {SiloName} {NotLoaded}.");

    private interface IBlock
    {
        int Rows { get; }

        int Cols { get; }

        StepReply Step(StepRequest request);

        double Divergence(double[] h, int components, double beta, int threads);

        double[] GetW();

        double Sum();

        void SetW(double[] w);
    }

    private sealed class Block<T>(IMatrix<T> x, DenseMatrix<T> w) : IBlock where T : unmanaged, IFloatingPointIeee754<T>
    {
        public int Rows => x.Rows;

        public int Cols => x.Cols;

        public static Block<T> Read(BlockLoad load, string silo)
        {
            var x = BlockReader.Read<T>(load.Source, silo);
            if (load.ExpectedCols > 0 && x.Cols != load.ExpectedCols)
            {
                throw new NmfInputException($"silo {silo}: {load.Source} has {x.Cols} columns, the other blocks {load.ExpectedCols}.");
            }

            var w = load.W is null ? new DenseMatrix<T>(x.Rows, load.Components) : new DenseMatrix<T>(x.Rows, load.Components, Wire.FromDouble<T>(load.W));
            return new Block<T>(x, w);
        }

        public StepReply Step(StepRequest r)
        {
            var h = new DenseMatrix<T>(r.Components, r.H.Length / r.Components, Wire.FromDouble<T>(r.H));
            var step = new RowBlockStep<T>((BlockAlgorithm)r.Algorithm, h, r.Beta, r.Gamma, r.L1W, r.L2W, r.Order, r.Threads);
            var shares = RowBlockKernels.Step(x, w, step);
            return new StepReply { Numerator = Wire.ToDouble(shares.Numerator), Denominator = Wire.ToDouble(shares.Denominator), Violation = shares.Violation };
        }

        public double Divergence(double[] h, int components, double beta, int threads)
            => RowBlockKernels.Divergence(x, w, new DenseMatrix<T>(components, h.Length / components, Wire.FromDouble<T>(h)), beta, threads);

        public double[] GetW() => Wire.ToDouble((T[])w.Data.Clone());

        public double Sum() => Solvers.MiniBatchMultiplicativeUpdate.SumOf(x);

        public void SetW(double[] values)
        {
            if (values.Length != w.Data.Length)
            {
                throw new ArgumentException($"W_b has {w.Data.Length} values, the checkpoint {values.Length}.", nameof(values));
            }

            Wire.FromDouble<T>(values).CopyTo(w.Data, 0);
        }
    }
}
