using Nmf.Init;
using Xunit;

namespace Nmf.Tests.Init;

public class NumpyRandomStateTests
{
    private static readonly Dictionary<string, double[]> Reference =
        ReferenceFile.Read("tests", "Nmf.Tests", "Init", "data", "random_state.txt");

    public static TheoryData<long> Seeds => new() { 0, 1, 42, 12345, int.MaxValue, uint.MaxValue };

    [Theory]
    [MemberData(nameof(Seeds))]
    public void SameSeedGivesNumpysNumbersBitForBit(long seed)
    {
        var rs = new NumpyRandomState(seed);
        Assert.Equal(Reference[$"sample_{seed}"], Draw(7, rs.RandomSample));
        Assert.Equal(Reference[$"normal_{seed}"], Draw(9, rs.StandardNormal));
        Assert.Equal(Reference[$"sample_after_{seed}"], Draw(3, rs.RandomSample));
        Assert.Equal(Reference[$"normal_after_{seed}"], Draw(3, rs.StandardNormal));
        Assert.Equal(Reference[$"perm10_{seed}"], rs.Permutation(10).Select(v => (double)v));
        Assert.Equal(Reference[$"perm1_{seed}"], rs.Permutation(1).Select(v => (double)v));
        Assert.Equal(Reference[$"randint_{seed}"], Draw(6, () => rs.RandInt(0, 7)));
        Assert.Equal(Reference[$"randint_big_{seed}"], Draw(3, () => rs.RandInt(-5, 1L << 40)));
        Assert.Equal(Reference[$"uint32_{seed}"], Draw(4, () => rs.RandInt(0, 1L << 32)));
        var longRun = Draw(2001, rs.StandardNormal);
        Assert.Equal(Reference[$"normal_long_{seed}"], longRun[^5..]);
        Assert.Equal(Reference[$"normal_loc_{seed}"], Draw(3, () => rs.Normal(0.0, 1.0)));
        var x = Enumerable.Range(0, 13).ToArray();
        rs.Shuffle<int>(x);
        Assert.Equal(Reference[$"shuffle13_{seed}"], x.Select(v => (double)v));
    }

    /// <summary>
    /// The span form (eight attempts at a time, the polar step on every core) gives the scalar draws bit for bit:
    /// after an odd number of words (RandInt below 2³² takes one), with a cached second value, odd and even counts,
    /// counts that end inside a group of eight, and long runs over many regenerations; the stream goes on alike after.
    /// </summary>
    [Theory]
    [InlineData(0, 0, 1)]
    [InlineData(1, 1, 2)]
    [InlineData(2, 3, 17)]
    [InlineData(3, 2, 1000)]
    [InlineData(4, 5, 50001)]
    [InlineData(5, 0, 262144)]
    public void SpanDrawsEqualOneAtATime(int seed, int wordsBefore, int count)
    {
        var one = new NumpyRandomState(seed);
        var many = new NumpyRandomState(seed);
        foreach (var rs in new[] { one, many })
        {
            for (int i = 0; i < wordsBefore; i++)
            {
                rs.RandInt(0, 1000);
            }

            if (seed % 2 == 1)
            {
                rs.StandardNormal(); // leaves the pair's second value cached
            }
        }

        var expected = Draw(count, one.StandardNormal);
        var actual = new double[count];
        many.StandardNormal(actual);
        Assert.Equal(expected, actual);
        Assert.Equal(Draw(3, one.StandardNormal), Draw(3, many.StandardNormal));
        Assert.Equal(one.RandomSample(), many.RandomSample());
    }

    [Fact]
    public void RejectsSeedsOutsideNumpysRange()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new NumpyRandomState(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new NumpyRandomState(1L << 32));
    }

    [Fact]
    public void SamplesLieInTheUnitInterval()
    {
        var rs = new NumpyRandomState(9);
        for (int i = 0; i < 10000; i++)
        {
            double u = rs.RandomSample();
            Assert.InRange(u, 0.0, Math.BitDecrement(1.0));
        }
    }

    private static double[] Draw(int count, Func<double> draw) => Enumerable.Range(0, count).Select(_ => draw()).ToArray();

    private static double[] Draw(int count, Func<long> draw) => Enumerable.Range(0, count).Select(_ => (double)draw()).ToArray();
}
