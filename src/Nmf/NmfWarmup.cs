using System.Numerics;
using Nmf.Matrices;

namespace Nmf;

/// <summary>
/// Compiles ahead the code that a fit will run. .NET compiles each vector kernel the first time it is called, and a
/// fresh process compiles tens of them (60–100 ms on two cores, mostly while the first iterations wait), so a program
/// that is about to read its input can have them compiled meanwhile on an idle core: <see cref="Start{T}"/> before
/// the read, <see cref="Task.Wait()"/> after it, then fit. The command-line tool does this for every fit.
/// </summary>
/// <remarks>
/// The warm-up fits a small synthetic matrix of the same kind (dense or CSR) with the same options, which runs the
/// same kernels at the same vector width, component count and thread count as the real fit; its result is dropped.
/// It only saves time: a fit that follows without it gives bit-identical results.
/// </remarks>
public static class NmfWarmup
{
    /// <summary>Starts <see cref="Fit{T}"/> on a pool thread.</summary>
    /// <param name="options">The options of the coming fit.</param>
    /// <param name="sparse">Whether the coming fit's X is CSR.</param>
    /// <returns>The warm-up; it never faults (a failure only means nothing was compiled ahead).</returns>
    public static Task Start<T>(NmfOptions options, bool sparse)
        where T : unmanaged, IFloatingPointIeee754<T>
        => InBackground(() => Fit<T>(options, sparse));

    /// <summary>Runs a warm-up on a pool thread; the task never faults.</summary>
    internal static Task InBackground(Action warmup) => Task.Run(() =>
    {
        try
        {
            warmup();
        }
#pragma warning disable CA1031 // Nothing a warm-up meets may stop the real work, which reports its own errors.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    });

    /// <summary>Fits a small synthetic matrix with <paramref name="options"/> (at most 11 iterations, so that a loss
    /// checked every 10 iterations is compiled too) and drops the result.</summary>
    /// <param name="options">The options of the coming fit.</param>
    /// <param name="sparse">Whether the coming fit's X is CSR.</param>
    /// <returns>Whether the warm-up fit ran; false if the options cannot be fitted (the real fit will say why).</returns>
    public static bool Fit<T>(NmfOptions options, bool sparse)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(options);
        // Above 64 components the kernels repeat the same code over chunks of columns; 64 + k mod 64 components
        // run the same code (the same last chunk) at a fraction of the cost.
        int k = options.NComponents > 64 ? 64 + (options.NComponents % 64) : Math.Max(1, options.NComponents);
        // Sizes off the vector widths, so that the kernels' tail code is compiled too.
        var x = Synthetic<T>(Math.Max(1024, 4 * k) + 3, Math.Max(512, 2 * k) + 5, sparse, seed: k);
        var small = options with
        {
            NComponents = k,
            Init = options.Init == NmfInit.Custom ? NmfInit.Random : options.Init,
            MaxIter = Math.Min(Math.Max(options.MaxIter, 1), 11),
            RandomState = 0,
        };
        try
        {
            new NmfEstimator<T>(small).Fit(x);
            return true;
        }
        catch (NmfInputException)
        {
            return false;
        }
    }

    /// <summary>
    /// A non-negative rows x cols matrix with a planted structure (a sum of eight products of random non-negative
    /// vectors), dense or with about 4% of its entries stored; fixed by <paramref name="seed"/>.
    /// </summary>
    internal static IMatrix<T> Synthetic<T>(int rows, int cols, bool sparse, int seed)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var random = new Random(seed);
        const int Parts = 8;
        var left = new double[rows * Parts];
        var right = new double[Parts * cols];
        for (int i = 0; i < left.Length; i++)
        {
            left[i] = random.NextDouble();
        }

        for (int i = 0; i < right.Length; i++)
        {
            right[i] = random.NextDouble();
        }

        var dense = new DenseMatrix<T>(rows, cols);
        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < cols; j++)
            {
                if (sparse && random.Next(25) != 0)
                {
                    continue;
                }

                double v = 0;
                for (int p = 0; p < Parts; p++)
                {
                    v += left[(i * Parts) + p] * right[(p * cols) + j];
                }

                dense[i, j] = T.CreateTruncating(v);
            }
        }

        return sparse ? CsrMatrix<T>.FromDense(dense) : dense;
    }
}
