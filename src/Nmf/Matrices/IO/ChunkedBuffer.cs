namespace Nmf.Matrices;

/// <summary>
/// An append-only list of values kept in fixed-size chunks, so that growing never copies: reading a file of N numbers
/// peaks at about 2N values (the chunks plus the final array), not the 3N of a doubling list.
/// </summary>
internal sealed class ChunkedBuffer<T>
{
    private const int ChunkLength = 1 << 16;
    private readonly List<T[]> _chunks = [];
    private T[] _current = [];
    private int _used;

    public long Count { get; private set; }

    public void Add(T value)
    {
        if (_used == _current.Length)
        {
            _current = new T[ChunkLength];
            _chunks.Add(_current);
            _used = 0;
        }

        _current[_used++] = value;
        Count++;
    }

    /// <summary>Copies the values into one array and releases the chunks.</summary>
    public T[] ToArrayAndClear()
    {
        var result = new T[Count];
        long offset = 0;
        for (int c = 0; c < _chunks.Count; c++)
        {
            int n = (int)Math.Min(ChunkLength, Count - offset);
            Array.Copy(_chunks[c], 0, result, offset, n);
            offset += n;
            _chunks[c] = [];
        }

        _chunks.Clear();
        _current = [];
        _used = 0;
        Count = 0;
        return result;
    }
}
