using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Nmf.Init;

/// <summary>
/// NumPy's legacy <c>numpy.random.RandomState</c>, reproduced bit for bit: the Mersenne Twister MT19937
/// (Matsumoto &amp; Nishimura 1998) seeded as <c>RandomState(seed)</c> seeds it, and the legacy samplers
/// scikit-learn draws from (<c>random_sample</c>, <c>standard_normal</c> by the polar method with its cached
/// second value, <c>permutation</c>, <c>shuffle</c>, <c>randint</c>). With the same seed it yields the very
/// numbers NumPy yields, so a scikit-learn <c>random_state</c> gives the same random initialisation here.
/// </summary>
/// <remarks>Not thread-safe: one instance is one stream of numbers.</remarks>
public sealed class NumpyRandomState
{
    private const int StateLength = 624;
    private const int MiddleWord = 397;
    private const uint MatrixA = 0x9908b0dfU;
    private const uint UpperMask = 0x80000000U;
    private const uint LowerMask = 0x7fffffffU;

    private readonly uint[] _key = new uint[StateLength];
    private readonly uint[] _tempered = new uint[StateLength]; // the outputs of the current state, tempered at once
    private int _pos;
    private bool _hasGauss;
    private double _gauss;

    /// <summary>Seeds the generator as <c>numpy.random.RandomState(seed)</c> does for an integer seed.</summary>
    /// <param name="seed">The seed, 0 to 2³² − 1 (NumPy's range).</param>
    public NumpyRandomState(long seed)
    {
        if (seed < 0 || seed > uint.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(seed), seed, "seed must be between 0 and 2**32 - 1, as NumPy requires.");
        }

        // Knuth's linear congruential initialisation (init_genrand of the MT19937 reference code),
        // which NumPy's mt19937_seed uses for an integer seed.
        uint s = (uint)seed;
        for (int i = 0; i < StateLength; i++)
        {
            _key[i] = s;
            s = unchecked((1812433253U * (s ^ (s >> 30))) + (uint)i + 1);
        }

        _pos = StateLength;
    }

    /// <summary>A generator seeded with <paramref name="seed"/>, or with a seed drawn from the system when it is null
    /// (scikit-learn's <c>check_random_state</c> for an integer or None).</summary>
    public static NumpyRandomState FromSeed(int? seed) =>
        new(seed ?? Random.Shared.Next(int.MaxValue));

    /// <summary>The next 32 random bits (MT19937's tempered output).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public uint NextUInt32()
    {
        if (_pos >= StateLength)
        {
            Regenerate();
        }

        return _tempered[_pos++];
    }

    /// <summary>A uniform double in [0, 1) with 53 random bits (<c>random_sample</c>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double RandomSample()
    {
        // 27 high bits of one word and 26 of the next make a 53-bit mantissa, as NumPy's legacy_double.
        uint a = NextUInt32() >> 5;
        uint b = NextUInt32() >> 6;
        return ((a * 67108864.0) + b) / 9007199254740992.0;
    }

    /// <summary>A standard normal draw (<c>standard_normal</c>): Marsaglia's polar method; each accepted pair
    /// yields two values, the second kept for the next call, as NumPy's <c>legacy_gauss</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public double StandardNormal()
    {
        if (_hasGauss)
        {
            _hasGauss = false;
            double cached = _gauss;
            _gauss = 0.0;
            return cached;
        }

        var (x1, x2) = AcceptedPair();
        double f = PolarFactor((x1 * x1) + (x2 * x2));
        _gauss = f * x1;
        _hasGauss = true;
        return f * x2;
    }

    /// <summary>The polar method's next accepted pair of uniforms on (−1, 1): attempts until 0 &lt; x1² + x2² &lt; 1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private (double X1, double X2) AcceptedPair()
    {
        double x1, x2, r2;
        do
        {
            x1 = (2.0 * RandomSample()) - 1.0;
            x2 = (2.0 * RandomSample()) - 1.0;
            r2 = (x1 * x1) + (x2 * x2);
        }
        while (r2 >= 1.0 || r2 == 0.0);

        return (x1, x2);
    }

    /// <summary>The polar method's scale of an accepted pair, sqrt(−2·ln r² / r²), as <c>legacy_gauss</c> computes it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double PolarFactor(double r2) => Math.Sqrt(-2.0 * Math.Log(r2) / r2);

    /// <summary>Fills <paramref name="destination"/> with standard normal draws in order (<c>standard_normal(size)</c>).</summary>
    /// <remarks>
    /// The same numbers as one call at a time, in two steps: the accepted pairs of uniforms in order (the sequential
    /// part: every attempt takes four words of the stream, accepted or not), written where their two normals go, then
    /// each pair's logarithm, square root and products, which depend on nothing else and run on every core for long
    /// draws (P1's random init, 1.6 M normals: 16.6 → 8 ms on 2 cores).
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void StandardNormal(Span<double> destination)
    {
        int i = 0;
        if (_hasGauss && !destination.IsEmpty)
        {
            destination[i++] = StandardNormal();
        }

        var pairs = destination.Slice(i, (destination.Length - i) & ~1);
        unsafe
        {
            fixed (double* p = pairs)
            {
                PageTouch.Run(p, pairs.Length);
                AcceptedPairs(pairs);
                PolarStep.Run(p, pairs.Length / 2);
            }
        }

        if (i + pairs.Length < destination.Length)
        {
            // An odd count: the last value is the first of a new pair, whose second is kept, as one call does it.
            destination[^1] = StandardNormal();
        }
    }

    /// <summary>
    /// The accepted attempts of the polar method in order, each written as (x2, x1) into the next two elements of
    /// <paramref name="pairs"/>: attempts within the tempered block are read straight from it, one that straddles a
    /// regeneration goes through <see cref="RandomSample"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void AcceptedPairs(Span<double> pairs)
    {
        int count = pairs.Length / 2, p = 0;
        ref double d = ref MemoryMarshal.GetReference(pairs);
        while (p < count)
        {
            if (_pos >= StateLength)
            {
                Regenerate();
            }

            ref uint t = ref MemoryMarshal.GetArrayDataReference(_tempered);
            int pos = _pos;
            if (Vector512.IsHardwareAccelerated)
            {
                (p, pos) = AcceptedPairs8(ref t, pos, ref d, p, count);
            }

            while (p < count && pos + 4 <= StateLength)
            {
                uint a1 = Unsafe.Add(ref t, pos) >> 5, b1 = Unsafe.Add(ref t, pos + 1) >> 6;
                uint a2 = Unsafe.Add(ref t, pos + 2) >> 5, b2 = Unsafe.Add(ref t, pos + 3) >> 6;
                pos += 4;
                double x1 = (2.0 * (((a1 * 67108864.0) + b1) / 9007199254740992.0)) - 1.0;
                double x2 = (2.0 * (((a2 * 67108864.0) + b2) / 9007199254740992.0)) - 1.0;
                double r2 = (x1 * x1) + (x2 * x2);

                // Written always, kept only when accepted (the next attempt overwrites a rejected one).
                Unsafe.Add(ref d, 2 * p) = x2;
                Unsafe.Add(ref d, (2 * p) + 1) = x1;
                p += r2 < 1.0 && r2 != 0.0 ? 1 : 0;
            }

            _pos = pos;
            if (p < count && pos < StateLength)
            {
                var (x1, x2) = AcceptedPair();
                Unsafe.Add(ref d, 2 * p) = x2;
                Unsafe.Add(ref d, (2 * p) + 1) = x1;
                p++;
            }
        }
    }

    /// <summary>
    /// Attempts of the polar method eight at a time from the tempered block (while eight remain in it and pairs are
    /// wanted); returns the pairs written so far and the word position after the last attempt used. A uniform's two
    /// words (a, b) read as one little-endian 64-bit lane give the 53-bit integer (a ≫ 5)·2²⁶ + (b ≫ 6) exactly, and
    /// 2·(that / 2⁵³) − 1 is exact in double, so x1, x2 and r² = x1² + x2² are the scalar ones bit for bit.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe (int Pairs, int Position) AcceptedPairs8(ref uint t, int pos, ref double d, int p, int count)
    {
        var lowWord = Vector512.Create(0xFFFFFFFFUL);
        var scale = Vector512.Create(1.0 / 4503599627370496.0); // 2⁻⁵²
        var one = Vector512.Create(1.0);
        var swap = Vector512.Create(1L, 0, 3, 2, 5, 4, 7, 6);
        double* lanes = stackalloc double[16];
        while (p < count && pos + 32 <= StateLength)
        {
            ref ulong words = ref Unsafe.As<uint, ulong>(ref Unsafe.Add(ref t, pos));
            var u0 = Vector512.LoadUnsafe(ref words);
            var u1 = Vector512.LoadUnsafe(ref words, 8);
            var x0 = (Vector512.ConvertToDouble(((u0 & lowWord) >> 5 << 26) | (u0 >> 38)) * scale) - one;
            var x1 = (Vector512.ConvertToDouble(((u1 & lowWord) >> 5 << 26) | (u1 >> 38)) * scale) - one;
            var s0 = Vector512.Shuffle(x0, swap);
            var s1 = Vector512.Shuffle(x1, swap);
            var r0 = (x0 * x0) + (s0 * s0);
            var r1 = (x1 * x1) + (s1 * s1);
            var ok0 = Vector512.LessThan(r0, one) & ~Vector512.Equals(r0, Vector512<double>.Zero);
            var ok1 = Vector512.LessThan(r1, one) & ~Vector512.Equals(r1, Vector512<double>.Zero);

            // Bit 2j of the mask: attempt j accepted; the swapped lanes hold (x2, x1) per attempt, the order written.
            ulong mask = (ok0.ExtractMostSignificantBits() | (ok1.ExtractMostSignificantBits() << 8)) & 0x5555UL;
            s0.Store(lanes);
            s1.Store(lanes + 8);
            while (mask != 0)
            {
                int j = BitOperations.TrailingZeroCount(mask);
                mask &= mask - 1;
                Unsafe.Add(ref d, 2 * p) = lanes[j];
                Unsafe.Add(ref d, (2 * p) + 1) = lanes[j + 1];
                if (++p == count)
                {
                    return (p, pos + (2 * (j + 2)));
                }
            }

            pos += 32;
        }

        return (p, pos);
    }

    /// <summary>
    /// (x2, x1) → (f·x2, f·x1) with f = sqrt(−2·ln r² / r²), r² = x1² + x2², pair by pair as <c>legacy_gauss</c>
    /// computes it; fixed ranges of pairs over the kernel threads (element-wise, so the same at any thread count).
    /// </summary>
    private sealed unsafe class PolarStep : Kernels.IPartitionedWork
    {
        private const int PairsPerPart = 16384;

        [ThreadStatic]
        private static PolarStep? _cached;

        private double* _pairs;
        private int _count, _parts;

        public static void Run(double* pairs, int count)
        {
            var job = _cached ??= new PolarStep();
            job._pairs = pairs;
            job._count = count;
            job._parts = Math.Max(1, (count + PairsPerPart - 1) / PairsPerPart);
            try
            {
                Kernels.KernelThreads.Run(job, job._parts, job._parts == 1 ? 1 : 0);
            }
            finally
            {
                job._pairs = null;
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void RunPart(int part)
        {
            int p0 = (int)((long)_count * part / _parts), p1 = (int)((long)_count * (part + 1) / _parts);
            double* d = _pairs;
            for (int p = p0; p < p1; p++)
            {
                double x2 = d[2 * p], x1 = d[(2 * p) + 1];
                double f = PolarFactor((x1 * x1) + (x2 * x2));
                d[2 * p] = f * x2;
                d[(2 * p) + 1] = f * x1;
            }
        }
    }

    /// <summary>
    /// Writes one element of every page of a long destination on every core before the sequential step fills it: a
    /// fresh array's pages are mapped and zeroed by the kernel at first touch, which cost P1's init about 3 ms on one
    /// core (the values written are overwritten, so nothing else changes).
    /// </summary>
    private sealed unsafe class PageTouch : Kernels.IPartitionedWork
    {
        /// <summary>Doubles per 4 KB page.</summary>
        private const int PageLength = 512;

        private const int Parts = 8;

        [ThreadStatic]
        private static PageTouch? _cached;

        private double* _values;
        private int _length;

        public static void Run(double* values, int length)
        {
            if (length < 64 * PageLength)
            {
                return;
            }

            var job = _cached ??= new PageTouch();
            job._values = values;
            job._length = length;
            try
            {
                Kernels.KernelThreads.Run(job, Parts, 0);
            }
            finally
            {
                job._values = null;
            }
        }

        public void RunPart(int part)
        {
            int e0 = (int)((long)_length * part / Parts), e1 = (int)((long)_length * (part + 1) / Parts);
            for (int e = e0; e < e1; e += PageLength)
            {
                _values[e] = 0.0;
            }
        }
    }

    /// <summary>A normal draw with mean <paramref name="loc"/> and standard deviation <paramref name="scale"/>
    /// (<c>normal(loc, scale)</c>: loc + scale · standard normal).</summary>
    public double Normal(double loc, double scale) => loc + (scale * StandardNormal());

    /// <summary>A uniform integer in [0, <paramref name="max"/>] by masked rejection (NumPy's <c>random_interval</c>),
    /// the draw behind <c>shuffle</c> and <c>permutation</c>.</summary>
    /// <param name="max">Largest value, at least 0.</param>
    public ulong Interval(ulong max)
    {
        if (max == 0)
        {
            return 0;
        }

        ulong mask = SmallestMask(max);
        ulong value;
        if (max <= uint.MaxValue)
        {
            do
            {
                value = NextUInt32() & mask;
            }
            while (value > max);
        }
        else
        {
            do
            {
                value = NextUInt64() & mask;
            }
            while (value > max);
        }

        return value;
    }

    /// <summary>A uniform integer in [<paramref name="low"/>, <paramref name="high"/>) as legacy
    /// <c>randint(low, high)</c> draws it (masked rejection on the range).</summary>
    public long RandInt(long low, long high)
    {
        if (high <= low)
        {
            throw new ArgumentOutOfRangeException(nameof(high), "randint needs low < high.");
        }

        ulong range = (ulong)(high - low - 1);
        if (range == 0)
        {
            return low;
        }

        // Legacy randint: a full 32-bit or 64-bit range takes the raw word; otherwise masked rejection.
        if (range == uint.MaxValue)
        {
            return low + NextUInt32();
        }

        if (range == ulong.MaxValue)
        {
            return unchecked(low + (long)NextUInt64());
        }

        return low + (long)Interval(range);
    }

    /// <summary>Shuffles <paramref name="values"/> in place as legacy <c>shuffle</c> does a 1-D array:
    /// Fisher–Yates from the last element down, each swap partner drawn by <see cref="Interval"/>.</summary>
    public void Shuffle<TItem>(Span<TItem> values)
    {
        for (int i = values.Length - 1; i >= 1; i--)
        {
            int j = (int)Interval((ulong)i);
            (values[i], values[j]) = (values[j], values[i]);
        }
    }

    /// <summary>A random permutation of 0..n−1 (<c>permutation(n)</c>: <c>arange(n)</c> shuffled).</summary>
    public int[] Permutation(int n)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        var p = new int[n];
        for (int i = 0; i < n; i++)
        {
            p[i] = i;
        }

        Shuffle<int>(p);
        return p;
    }

    private ulong NextUInt64() => ((ulong)NextUInt32() << 32) | NextUInt32();

    private static ulong SmallestMask(ulong max)
    {
        ulong mask = max;
        mask |= mask >> 1;
        mask |= mask >> 2;
        mask |= mask >> 4;
        mask |= mask >> 8;
        mask |= mask >> 16;
        mask |= mask >> 32;
        return mask;
    }

    /// <summary>
    /// The next 624 words of MT19937 and their tempered outputs. Word i depends on words i + 1 and i + 397 of the old
    /// state (i &lt; 227) or on word i − 227 of the new one, never on a word less than 16 places before it, so eight
    /// words at a time give the same state as the reference code's loop; tempering is per word.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Regenerate()
    {
        uint[] mt = _key;
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            ref uint m0 = ref MemoryMarshal.GetArrayDataReference(mt);
            for (; i + 8 <= StateLength - MiddleWord; i += 8)
            {
                Vector256.StoreUnsafe(Twist(ref m0, i, i + MiddleWord), ref m0, (nuint)i);
            }

            for (; i < StateLength - MiddleWord; i++)
            {
                mt[i] = Twist(mt[i], mt[i + 1], mt[i + MiddleWord]);
            }

            for (; i + 8 <= StateLength - 1; i += 8)
            {
                Vector256.StoreUnsafe(Twist(ref m0, i, i + MiddleWord - StateLength), ref m0, (nuint)i);
            }
        }

        for (; i < StateLength - MiddleWord; i++)
        {
            mt[i] = Twist(mt[i], mt[i + 1], mt[i + MiddleWord]);
        }

        for (; i < StateLength - 1; i++)
        {
            mt[i] = Twist(mt[i], mt[i + 1], mt[i + MiddleWord - StateLength]);
        }

        mt[StateLength - 1] = Twist(mt[StateLength - 1], mt[0], mt[MiddleWord - 1]);

        // Tempering (the reference code's genrand_int32 output transform).
        i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            ref uint t0 = ref MemoryMarshal.GetArrayDataReference(_tempered);
            ref uint m0 = ref MemoryMarshal.GetArrayDataReference(mt);
            for (; i + 8 <= StateLength; i += 8)
            {
                var y = Vector256.LoadUnsafe(ref m0, (nuint)i);
                y ^= Vector256.ShiftRightLogical(y, 11);
                y ^= Vector256.ShiftLeft(y, 7) & Vector256.Create(0x9d2c5680U);
                y ^= Vector256.ShiftLeft(y, 15) & Vector256.Create(0xefc60000U);
                y ^= Vector256.ShiftRightLogical(y, 18);
                y.StoreUnsafe(ref t0, (nuint)i);
            }
        }

        for (; i < StateLength; i++)
        {
            uint y = mt[i];
            y ^= y >> 11;
            y ^= (y << 7) & 0x9d2c5680U;
            y ^= (y << 15) & 0xefc60000U;
            y ^= y >> 18;
            _tempered[i] = y;
        }

        _pos = 0;
    }

    /// <summary>One word of the recurrence: the upper bit of <paramref name="current"/>, the lower 31 of <paramref name="next"/>, twisted into <paramref name="far"/>.</summary>
    private static uint Twist(uint current, uint next, uint far)
    {
        uint y = (current & UpperMask) | (next & LowerMask);
        return far ^ (y >> 1) ^ ((y & 1) == 0 ? 0U : MatrixA);
    }

    /// <summary><see cref="Twist(uint, uint, uint)"/> of words i..i+7, the far words from <paramref name="far"/> on.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<uint> Twist(ref uint mt, int i, int far)
    {
        var y = (Vector256.LoadUnsafe(ref mt, (nuint)i) & Vector256.Create(UpperMask))
            | (Vector256.LoadUnsafe(ref mt, (nuint)(i + 1)) & Vector256.Create(LowerMask));
        var odd = Vector256.Equals(y & Vector256<uint>.One, Vector256<uint>.One);
        return Vector256.LoadUnsafe(ref mt, (nuint)far) ^ Vector256.ShiftRightLogical(y, 1) ^ (odd & Vector256.Create(MatrixA));
    }
}
