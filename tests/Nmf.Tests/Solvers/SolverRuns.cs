using System.Numerics;
using Nmf.Matrices;
using Nmf.Solvers;

namespace Nmf.Tests.Solvers;

/// <summary>The data and the direct solver calls the solver tests share.</summary>
internal static class SolverRuns
{
    /// <summary>../shared/data/digits.csv (1797 x 64), read once.</summary>
    public static DenseMatrix<double> Digits => DigitsMatrix.Value;

    private static readonly Lazy<DenseMatrix<double>> DigitsMatrix = new(() =>
        MatrixReader.Read<double>(Path.Combine(TestPaths.Shared, "data", "digits.csv")).Matrix as DenseMatrix<double>
        ?? throw new InvalidOperationException("digits.csv did not read as a dense matrix"));

    /// <summary>Runs <paramref name="solver"/> from copies of (W0, H0); returns W, H and the loss of each iteration.</summary>
    public static (DenseMatrix<T> W, DenseMatrix<T> H, List<double> Loss) Solve<T>(
        INmfSolver solver, IMatrix<T> x, NmfOptions options, DenseMatrix<T> w0, DenseMatrix<T> h0)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var history = new List<NmfIteration>();
        var context = new SolverContext<T>(x, options, Regularization.Scaled(options, x.Rows, x.Cols), true, 0, history, null, default);
        var w = w0.Clone();
        var h = h0.Clone();
        solver.Solve(context, w, h);
        return (w, h, history.Select(r => r.Loss).ToList());
    }
}
