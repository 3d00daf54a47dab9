using System.Numerics;
using System.Runtime.CompilerServices;
using Nmf.Matrices;

namespace Nmf.Kernels;

/// <summary>
/// The W half of a HALS / coordinate-descent iteration on CSR X, block of rows by block of rows: R_B = X_B·Hᵀ from
/// the padded Hᵀ table into an L1-sized buffer, up to <c>maxPasses</c> coordinate-descent passes over W_B
/// (<see cref="CoordinateSweep{T}"/>), then WᵀW += W_Bᵀ·W_B while W_B is still in cache. Done as separate products,
/// X·Hᵀ (n x k) is written to memory and read back by the pass, and W is read once more for WᵀW.
/// </summary>
/// <remarks>
/// The sparse counterpart of <see cref="FusedRowPasses{T}"/>: rows of W are independent given HHᵀ, and each row of
/// X·Hᵀ is the same sum in the same order as <see cref="SparseProducts{T}"/>'s, so W comes out bit-identical to
/// X·Hᵀ followed by whole passes. WᵀW is summed per fixed group of blocks, then over the groups in order:
/// independent of the thread count, rounded differently from one long sum.
/// </remarks>
/// <typeparam name="T">float or double.</typeparam>
internal static unsafe class SparseRowPasses<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private const int Groups = 8;
    private const int BlockRows = 256;

    /// <summary>Runs the W half; returns the summed violation of the first pass over each block.</summary>
    public static T Run(
        CsrMatrix<T> x, DenseMatrix<T> h, DenseMatrix<T> w, DenseMatrix<T> gram, T l1, int[] order, int maxPasses, double epsilon,
        DenseMatrix<T> wtw, int threads)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(h);
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(gram);
        ArgumentNullException.ThrowIfNull(wtw);
        var job = Job.Cached ??= new Job();
        int k = w.Cols;
        job.Path = SimdSelect.Path;
        var table = SparseProducts<T>.PaddedTable(h, threads, job.Path, out int start, out int kp);
        job.X = x;
        job.W = w;
        job.Gram = gram;
        job.L1 = l1;
        job.Order = order;
        job.MaxPasses = Math.Max(1, maxPasses);
        job.Epsilon = epsilon;
        job.Kp = kp;
        int blocks = (x.Rows + BlockRows - 1) / BlockRows;
        job.GroupCount = Math.Max(1, Math.Min(Groups, blocks));
        job.Blocks = blocks;
        if (job.Partials is null || job.Partials.Length < job.GroupCount * k * k)
        {
            job.Partials = new T[job.GroupCount * k * k];
        }

        try
        {
            fixed (T* pt = table)
            {
                job.Table = pt + start;
                KernelThreads.Run(job, job.GroupCount, threads);
            }

            var partials = job.Partials.AsSpan();
            partials[..(k * k)].CopyTo(wtw.Data);
            T violation = job.Violations[0];
            for (int g = 1; g < job.GroupCount; g++)
            {
                System.Numerics.Tensors.TensorPrimitives.Add(wtw.Data, partials.Slice(g * k * k, k * k), wtw.Data);
                violation += job.Violations[g];
            }

            return violation;
        }
        finally
        {
            job.X = null;
            job.W = job.Gram = null;
            job.Order = null;
            job.Table = null;
        }
    }

    private sealed class Job : IPartitionedWork
    {
        [ThreadStatic]
        public static Job? Cached;

        [ThreadStatic]
        private static T[]? _rhs;

        [ThreadStatic]
        private static T[]? _temp;

        public readonly T[] Violations = new T[Groups];
        public CsrMatrix<T>? X;
        public DenseMatrix<T>? W, Gram;
        public int[]? Order;
        public T[]? Partials;
        public T* Table;
        public T L1;
        public int MaxPasses, GroupCount, Blocks, Kp;
        public double Epsilon;
        public SimdPath Path;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void RunPart(int group)
        {
            var x = X!;
            var w = W!;
            int n = x.Rows, k = w.Cols;
            int b0 = (int)((long)Blocks * group / GroupCount), b1 = (int)((long)Blocks * (group + 1) / GroupCount);
            if (_rhs is null || _rhs.Length < BlockRows * k)
            {
                _rhs = GC.AllocateUninitializedArray<T>(BlockRows * k, pinned: true);
            }

            if (_temp is null || _temp.Length < 4 * (64 + Kp))
            {
                _temp = GC.AllocateUninitializedArray<T>(4 * (64 + Kp), pinned: true);
            }

            var rhs = _rhs;
            T violation = T.Zero;
            double stop = Epsilon * Epsilon;
            fixed (T* pw = w.Data, pr = rhs, pt = _temp, pp = Partials)
            {
                T* wtw = pp + ((long)group * k * k);
                for (int b = b0; b < b1; b++)
                {
                    int i0 = b * BlockRows, rows = Math.Min(BlockRows, n - i0);
                    T* wb = pw + ((long)i0 * k);
                    SparseProducts<T>.TableRows(x, Table, Kp, k, i0, i0 + rows, pr, pt, Path);
                    var first = CoordinateSweep<T>.Run(w.Data, rows, k, 1, Gram!.Data, k, rhs, k, 1, L1, Order!, 1, Path, i0 * k, 0);
                    violation += first.Violation;
                    for (int pass = 1; pass < MaxPasses; pass++)
                    {
                        var next = CoordinateSweep<T>.Run(w.Data, rows, k, 1, Gram.Data, k, rhs, k, 1, L1, Order!, 1, Path, i0 * k, 0);
                        if (next.SquaredChange <= stop * first.SquaredChange)
                        {
                            break;
                        }
                    }

                    Gemm<T>.Run(k, k, rows, wb, 1, k, wb, k, false, wtw, k, 1, Path, b > b0);
                }
            }

            Violations[group] = violation;
        }
    }
}
