using Microsoft.Extensions.DependencyInjection;
using Nmf.Distributed;
using Orleans.Serialization;
using Xunit;

namespace Nmf.Tests.Distributed;

/// <summary>The values of the messages as Orleans serialises them: exact, and half the bytes for float fits.</summary>
public class WireTests
{
    private static readonly Serializer Serializer = new ServiceCollection()
        .AddSerializer(b => b.AddAssembly(typeof(StepRequest).Assembly))
        .BuildServiceProvider()
        .GetRequiredService<Serializer>();

    [Fact]
    public void FloatStepsTravelInHalfTheBytesAndArriveExactly()
    {
        var rng = new Random(5);
        var h = Enumerable.Range(0, 20 * 500).Select(_ => rng.NextDouble() * 10).ToArray();
        var hf = h.Select(v => (float)v).ToArray();
        var asDouble = Serializer.SerializeToArray(new StepRequest { H = Numbers.From<double>(h), Components = 20, Order = [.. Enumerable.Range(0, 20)] });
        var asFloat = Serializer.SerializeToArray(new StepRequest { H = Numbers.From<float>(hf), Components = 20, Order = [.. Enumerable.Range(0, 20)] });

        Assert.Equal(h, Serializer.Deserialize<StepRequest>(asDouble)!.H.To<double>());
        Assert.Equal(hf, Serializer.Deserialize<StepRequest>(asFloat)!.H.To<float>());

        // the values dominate: 8 resp. 4 bytes each plus a small fixed part
        Assert.InRange(asDouble.Length, h.Length * 8, (h.Length * 8) + 200);
        Assert.InRange(asFloat.Length, h.Length * 4, (h.Length * 4) + 200);
        var reply = Serializer.SerializeToArray(new StepReply { Numerator = Numbers.From<float>(hf), Denominator = Numbers.From<float>(hf.AsSpan(0, 400)) });
        Assert.InRange(reply.Length, (h.Length + 400) * 4, ((h.Length + 400) * 4) + 200);
    }

    [Fact]
    public void NumbersConvertBetweenPrecisions()
    {
        double[] d = [0.1, 1e-30, 3.5, double.Epsilon];
        Assert.Equal(d.Select(v => (float)v).ToArray(), Numbers.From<double>(d).To<float>());
        float[] f = [0.1f, 2.5f, float.MaxValue];
        Assert.Equal(f.Select(v => (double)v).ToArray(), Numbers.From<float>(f).To<double>());
        Assert.Equal(3, Numbers.From<float>(f).Length);
    }
}
