using System.Numerics;
using System.Runtime.Intrinsics;
using Nmf.Kernels;
using Xunit;

namespace Nmf.Tests.Kernels;

/// <summary>
/// The register tile transposes against the index definition d[c·ds + r] = s[r·ss + c], for every width of the
/// masked store (elements past the width must stay untouched), on the vector widths this machine has.
/// </summary>
public class TileTransposeTests
{
    [Fact]
    public void TransposesMatchTheDefinition()
    {
        if (Simd512<double>.HasTranspose)
        {
            Check<double, Vector512<double>, Simd512<double>>();
            Check<float, Vector512<float>, Simd512<float>>();
        }

        if (Simd256<double>.HasTranspose)
        {
            Check<double, Vector256<double>, Simd256<double>>();
            Check<float, Vector256<float>, Simd256<float>>();
        }

        Assert.False(Simd128<double>.HasTranspose);
    }

    private static unsafe void Check<T, TV, TS>()
        where T : unmanaged, IFloatingPointIeee754<T>
        where TV : struct
        where TS : ISimd<T, TV>
    {
        int v = TS.Count, ss = v + 3, ds = v + 5;
        var source = new T[v * ss];
        for (int i = 0; i < source.Length; i++)
        {
            source[i] = T.CreateChecked(i + 1);
        }

        for (int width = 1; width <= v; width++)
        {
            var destination = new T[v * ds];
            Array.Fill(destination, T.NegativeOne);
            fixed (T* s = source, d = destination)
            {
                TS.TransposeSquare(s, ss, d, ds, width);
            }

            for (int c = 0; c < v; c++)
            {
                for (int j = 0; j < ds; j++)
                {
                    T expected = j < width ? source[(j * ss) + c] : T.NegativeOne;
                    Assert.True(expected == destination[(c * ds) + j], $"{typeof(TV).Name} width={width}: element ({c}, {j}) is {destination[(c * ds) + j]}, expected {expected}");
                }
            }
        }
    }
}
