namespace Nmf.Solvers;

/// <summary>
/// The coordinate order of cd's <c>shuffle</c>: scikit-learn draws <c>random_state.permutation(n_components)</c>
/// before every update of W and of H from one NumPy <c>RandomState(seed)</c> created when the solver starts.
/// </summary>
internal sealed class CoordinateShuffler
{
    /// <summary>Creates the generator for <paramref name="seed"/>.</summary>
    public CoordinateShuffler(int seed)
    {
        _ = seed;
        throw new NmfInputException("shuffle is not available yet: it needs NumPy's RandomState.");
    }

    /// <summary>Fills <paramref name="order"/> with the next permutation of 0..order.Length−1.</summary>
    public void Permutation(int[] order) => _ = order;
}
