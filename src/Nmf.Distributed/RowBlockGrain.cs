using System.Numerics;
using Nmf.Kernels;
using Nmf.Matrices;

namespace Nmf.Distributed;

/// <summary>The grain holding one row block; its silo is chosen by <see cref="BlockPlacementAttribute"/>.</summary>
[BlockPlacement]
internal sealed class RowBlockGrain : Grain, IRowBlockGrain
{
    /// <summary>Marker in the message of a call to a block that holds no rows (a fresh activation after its silo died).</summary>
    public const string NotLoaded = "holds no rows";

    /// <summary>Marker in the message of a call to a block whose W_b is not in the state the client expects.</summary>
    public const string OutOfStep = "is out of step";

    private readonly ILocalSiloDetails _silo;
    private IBlock? _block;
    private BlockStamp _stamp;

    public RowBlockGrain(ILocalSiloDetails silo)
    {
        _silo = silo;
    }

    private string SiloName => _silo.SiloAddress.ToParsableString();

    public Task<BlockInfo> Load(BlockLoad load)
    {
        _block = ReadBlock(load);
        _stamp = default;
        return Task.FromResult(Info);
    }

    public Task<StepReply> Step(StepRequest request)
    {
        var block = Loaded;
        Expect(request.Stamp);
        var reply = block.Step(request);
        _stamp = request.Stamp with { Steps = request.Stamp.Steps + 1 };
        return Task.FromResult(reply);
    }

    public Task<double> Divergence(Numbers h, int components, double beta, int threads, BlockStamp stamp)
    {
        var block = Loaded;
        Expect(stamp);
        return Task.FromResult(block.Divergence(h, components, beta, threads));
    }

    public Task<Numbers> GetW(BlockStamp stamp)
    {
        var block = Loaded;
        Expect(stamp);
        return Task.FromResult(block.GetW());
    }

    public Task<double> Sum() => Task.FromResult(Loaded.Sum());

    public Task<Numbers> TimesTransposed(Numbers q, int rows, int threads) => Task.FromResult(Loaded.TimesTransposed(q, rows, threads));

    public Task<Numbers> TransposedTimes(Numbers y, int cols, int threads) => Task.FromResult(Loaded.TransposedTimes(y, cols, threads));

    public Task<BlockInfo> Restore(BlockLoad load, Numbers w, long generation)
    {
        _block ??= ReadBlock(load);
        _block.SetW(w);
        _stamp = new BlockStamp(generation, 0);
        return Task.FromResult(Info);
    }

    public Task Release()
    {
        _block = null;
        _stamp = default;
        DeactivateOnIdle();
        return Task.CompletedTask;
    }

    private BlockInfo Info => new() { Rows = _block!.Rows, Cols = _block.Cols, Silo = SiloName };

    /// <summary>Refuses a call made for another state of W_b (see <see cref="BlockStamp"/>).</summary>
    private void Expect(BlockStamp stamp)
    {
        if (_stamp != stamp)
        {
            throw new InvalidOperationException($"block {this.GetPrimaryKeyString()} on silo {SiloName} {OutOfStep}: its W_b is at {_stamp}, the client expects {stamp}.");
        }
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

        double Divergence(Numbers h, int components, double beta, int threads);

        Numbers GetW();

        double Sum();

        void SetW(Numbers w);

        Numbers TimesTransposed(Numbers q, int rows, int threads);

        Numbers TransposedTimes(Numbers y, int cols, int threads);
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

            var w = load.W is null ? new DenseMatrix<T>(x.Rows, load.Components) : new DenseMatrix<T>(x.Rows, load.Components, load.W.To<T>());
            return new Block<T>(x, w);
        }

        public StepReply Step(StepRequest r)
        {
            var hv = r.H.To<T>();
            var h = new DenseMatrix<T>(r.Components, hv.Length / r.Components, hv);
            var step = new RowBlockStep<T>((BlockAlgorithm)r.Algorithm, h, r.Beta, r.Gamma, r.L1W, r.L2W, r.Order, r.Threads);
            var shares = RowBlockKernels.Step(x, w, step);
            return new StepReply { Numerator = Numbers.From<T>(shares.Numerator), Denominator = Numbers.From<T>(shares.Denominator), Violation = shares.Violation };
        }

        public double Divergence(Numbers h, int components, double beta, int threads)
        {
            var hv = h.To<T>();
            return RowBlockKernels.Divergence(x, w, new DenseMatrix<T>(components, hv.Length / components, hv), beta, threads);
        }

        public Numbers GetW() => Numbers.From<T>(w.Data);

        public double Sum() => Solvers.MiniBatchMultiplicativeUpdate.SumOf(x);

        public void SetW(Numbers values)
        {
            if (values.Length != w.Data.Length)
            {
                throw new ArgumentException($"W_b has {w.Data.Length} values, the checkpoint {values.Length}.", nameof(values));
            }

            values.To<T>().CopyTo(w.Data, 0);
        }

        public Numbers TimesTransposed(Numbers q, int rows, int threads)
        {
            var result = new DenseMatrix<T>(x.Rows, rows);
            Products.XHt(x, new DenseMatrix<T>(rows, x.Cols, q.To<T>()), result, threads);
            return Numbers.From<T>(result.Data);
        }

        public Numbers TransposedTimes(Numbers y, int cols, int threads)
        {
            var result = new DenseMatrix<T>(cols, x.Cols);
            Products.WtX(new DenseMatrix<T>(x.Rows, cols, y.To<T>()), x, result, threads);
            return Numbers.From<T>(result.Data);
        }
    }
}
