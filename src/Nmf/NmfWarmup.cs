using System.Numerics;
using Nmf.Matrices;

namespace Nmf;

/// <summary>
/// Compiles ahead the code that a fit will run. .NET compiles each vector kernel the first time it is called, and a
/// fresh process compiles tens of them (60–100 ms on two cores, mostly while the first iterations wait), so a program
/// that is about to read its input can have them compiled meanwhile on an idle core: <see cref="Start{T}"/> before
/// the read; after it, cancel the token and wait for the task; then fit. The command-line tool does this for every fit.
/// </summary>
/// <remarks>
/// <para>The warm-up fits a small synthetic matrix of the same kind (dense or CSR) with the same options, which runs
/// the same kernels at the same vector width, component count and thread count as the real fit; its result is
/// dropped. It only saves time: a fit that follows without it gives bit-identical results.</para>
/// <para>Then, while the read goes on, it keeps running short fits a few milliseconds apart. The runtime recompiles a
/// method once it has been called 30 times, but counts calls only after no new method has been compiled for 100 ms:
/// the framework methods an iteration calls (the threads' hand-offs, span helpers) would otherwise be recompiled
/// some 0.2 s into the real fit, on one of the cores it runs on (P2: 20–40 ms of compilation, two or three iterations
/// at half speed). Kept busy, they are recompiled during the read instead.</para>
/// </remarks>
public static class NmfWarmup
{
    /// <summary>Longest time the warm-up keeps the kernels busy after compiling them.</summary>
    internal static readonly TimeSpan SettleTime = TimeSpan.FromSeconds(0.5);

    /// <summary>
    /// Starts the warm-up on a pool thread: <see cref="Fit{T}"/>, then, if <paramref name="read"/> can be cancelled,
    /// short fits a few milliseconds apart until it is (or for half a second). Wait for the task before the real
    /// fit: the two would share the kernel threads.
    /// </summary>
    /// <param name="options">The options of the coming fit.</param>
    /// <param name="sparse">Whether the coming fit's X is CSR.</param>
    /// <param name="read">Cancelled by the caller once its input is read.</param>
    /// <returns>The warm-up; it never faults (a failure only means nothing was compiled ahead).</returns>
    public static Task Start<T>(NmfOptions options, bool sparse, CancellationToken read = default)
        where T : unmanaged, IFloatingPointIeee754<T>
        => InBackground(() =>
        {
            ArgumentNullException.ThrowIfNull(options);
            var problem = Problem<T>(options, sparse);
            if (FitOnce(problem) && read.CanBeCanceled)
            {
                Settle(problem, read);
            }
        });

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
        return FitOnce(Problem<T>(options, sparse));
    }

    /// <summary>The warm-up fit; false if its options cannot be fitted.</summary>
    private static bool FitOnce<T>(WarmupProblem<T> problem)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        try
        {
            problem.Fit(int.MaxValue, CancellationToken.None);
            return true;
        }
        catch (NmfInputException)
        {
            return false;
        }
    }

    /// <summary>The synthetic matrix, the options of the warm-up fits and, for a custom start, W0 and H0.</summary>
    private static WarmupProblem<T> Problem<T>(NmfOptions options, bool sparse)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        // Above 64 components the kernels repeat the same code over chunks of columns; 64 + k mod 64 components
        // run the same code (the same last chunk) at a fraction of the cost.
        int k = options.NComponents > 64 ? 64 + (options.NComponents % 64) : Math.Max(1, options.NComponents);
        // Sizes off the vector widths, so that the kernels' tail code is compiled too, and large enough for the
        // threaded scans of the input (CSR: about 40,000 stored entries).
        int rows = Math.Max(sparse ? 2048 : 1024, 4 * k) + 3, cols = Math.Max(512, 2 * k) + 5;
        var x = Synthetic<T>(rows, cols, sparse, seed: k);
        var small = options with
        {
            NComponents = k,
            MaxIter = Math.Min(Math.Max(options.MaxIter, 1), 11),
            RandomState = 0,
        };
        DenseMatrix<T>? w0 = null, h0 = null;
        if (options.Init == NmfInit.Custom)
        {
            // The fit's own start is validated and copied: so is this one.
            (w0, h0) = Init.NmfInitializer.Initialize(x, k, NmfInit.Random, 0);
        }

        return new WarmupProblem<T>(x, small, w0, h0);
    }

    /// <summary>What a warm-up fit fits.</summary>
    private sealed record WarmupProblem<T>(IMatrix<T> X, NmfOptions Options, DenseMatrix<T>? W0, DenseMatrix<T>? H0)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        public void Fit(int maxIter, CancellationToken cancellationToken) =>
            new NmfEstimator<T>(Options with { MaxIter = Math.Min(Options.MaxIter, maxIter) }).Fit(X, W0, H0, cancellationToken: cancellationToken);
    }

    /// <summary>Short fits of the synthetic matrix 5 ms apart until <paramref name="read"/> is cancelled or
    /// <see cref="SettleTime"/> has passed (see the remarks of <see cref="NmfWarmup"/>).</summary>
    private static void Settle<T>(WarmupProblem<T> problem, CancellationToken read)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (clock.Elapsed < SettleTime && !read.WaitHandle.WaitOne(5))
        {
            try
            {
                problem.Fit(5, read);
            }
            catch (OperationCanceledException)
            {
                return;
            }
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
