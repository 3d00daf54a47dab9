namespace Nmf.Solvers;

/// <summary>
/// Maps each <see cref="NmfSolver"/> to its implementation. Adding a solver is one line here.
/// </summary>
internal static class SolverRegistry
{
    private static readonly Dictionary<NmfSolver, INmfSolver> Solvers = new()
    {
        [NmfSolver.Cd] = new CoordinateDescent(),
        [NmfSolver.Mu] = new MultiplicativeUpdate(),
        [NmfSolver.Hals] = new AcceleratedHals(),
        [NmfSolver.Ehals] = new ExtrapolatedHals(),
        [NmfSolver.Als] = new AlsSolver(),
        [NmfSolver.Pg] = new ProjectedGradientSolver(),
        [NmfSolver.Brunet] = new Brunet(),
        [NmfSolver.Lee] = new Lee(),
    };

    /// <summary>The implementation of <paramref name="solver"/>.</summary>
    /// <exception cref="NmfInputException">No implementation is registered for it.</exception>
    public static INmfSolver Get(NmfSolver solver) =>
        Solvers.TryGetValue(solver, out var s)
            ? s
            : throw new NmfInputException(
                $"solver {solver.ToString().ToLowerInvariant()} is not supported by this build; available: "
                + string.Join(", ", Solvers.Keys.Select(k => k.ToString().ToLowerInvariant())) + ".");

    /// <summary>Whether an implementation is registered for <paramref name="solver"/>.</summary>
    public static bool IsRegistered(NmfSolver solver) => Solvers.ContainsKey(solver);
}
