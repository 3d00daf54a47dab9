using System.Numerics;
using System.Runtime.CompilerServices;
using Nmf.Kernels;
using Nmf.Losses;

namespace Nmf.Solvers;

/// <summary>
/// The element-wise step of the multiplicative updates: F ← F ⊙ (N ⊘ D')^γ with D' = D (+ l1) (+ l2·F) and a zero of
/// D' replaced by 2⁻²³, in scikit-learn's order of operations, split over the cores. With γ = 1 (β in [1, 2]) a vector
/// of entries at a time, which gives the same values as the scalar loop: each lane rounds the same additions, products
/// and quotient.
/// </summary>
/// <typeparam name="T">float or double.</typeparam>
internal sealed class MultiplicativeStep<T> : IPartitionedWork
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Elements per part; smaller factors are updated on the calling thread.</summary>
    private const int PartElements = 1 << 15;

    [ThreadStatic]
    private static MultiplicativeStep<T>? _cached;

    private T[]? _factor, _numerator, _denominator;
    private T _l1, _l2, _gamma;
    private bool _hasL1, _hasL2;
    private int _length, _parts;

    /// <summary>Updates <paramref name="factor"/> in place from its numerator and denominator (same length).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(T[] factor, T[] numerator, T[] denominator, T l1, bool hasL1, T l2, bool hasL2, T gamma, int threads)
    {
        var job = _cached ??= new MultiplicativeStep<T>();
        job._factor = factor;
        job._numerator = numerator;
        job._denominator = denominator;
        job._l1 = l1;
        job._hasL1 = hasL1;
        job._l2 = l2;
        job._hasL2 = hasL2;
        job._gamma = gamma;
        job._length = factor.Length;
        job._parts = Math.Max(1, (factor.Length + PartElements - 1) / PartElements);
        try
        {
            KernelThreads.Run(job, job._parts, job._parts == 1 ? 1 : threads);
        }
        finally
        {
            job._factor = job._numerator = job._denominator = null;
        }
    }

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void RunPart(int part)
    {
        int start = (int)((long)_length * part / _parts), end = (int)((long)_length * (part + 1) / _parts);
        Apply(
            _factor.AsSpan(start, end - start), _numerator.AsSpan(start, end - start), _denominator.AsSpan(start, end - start),
            _l1, _hasL1, _l2, _hasL2, _gamma);
    }

    /// <summary>The step over one run of entries on the calling thread (the rule of <see cref="Run"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Apply(Span<T> f, ReadOnlySpan<T> n, ReadOnlySpan<T> d, T l1, bool hasL1, T l2, bool hasL2, T gamma)
    {
        T eps = NumericGuards<T>.Epsilon;
        var l1v = new Vector<T>(l1);
        var l2v = new Vector<T>(l2);
        var floor = new Vector<T>(eps);
        int p = 0;
        for (; gamma == T.One && p + Vector<T>.Count <= f.Length; p += Vector<T>.Count)
        {
            var fv = new Vector<T>(f[p..]);
            var den = new Vector<T>(d[p..]);
            if (hasL1)
            {
                den += l1v;
            }

            if (hasL2)
            {
                den += l2v * fv;
            }

            den = Vector.ConditionalSelect(Vector.Equals(den, Vector<T>.Zero), floor, den);
            (fv * (new Vector<T>(n[p..]) / den)).CopyTo(f[p..]);
        }

        for (; p < f.Length; p++)
        {
            T den = d[p];
            if (hasL1)
            {
                den += l1;
            }

            if (hasL2)
            {
                den += l2 * f[p];
            }

            if (den == T.Zero)
            {
                den = eps;
            }

            T delta = n[p] / den;
            f[p] *= gamma == T.One ? delta : NumericGuards<T>.Power(delta, gamma);
        }
    }
}
