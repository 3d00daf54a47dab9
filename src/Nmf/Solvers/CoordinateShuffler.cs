using Nmf.Init;

namespace Nmf.Solvers;

/// <summary>
/// The coordinate order of cd's <c>shuffle</c>: scikit-learn draws <c>random_state.permutation(n_components)</c>
/// before every update of W and of H from one NumPy <c>RandomState(seed)</c> created when the solver starts.
/// </summary>
internal sealed class CoordinateShuffler
{
    private readonly NumpyRandomState _random;

    /// <summary>Creates the generator for <paramref name="seed"/>.</summary>
    public CoordinateShuffler(int seed) => _random = new NumpyRandomState(seed);

    /// <summary>Fills <paramref name="order"/> with the next permutation of 0..order.Length−1, without allocating.</summary>
    public void Permutation(int[] order)
    {
        for (int t = 0; t < order.Length; t++)
        {
            order[t] = t;
        }

        _random.Shuffle<int>(order);
    }
}
