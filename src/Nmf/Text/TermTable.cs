using System.Numerics;
using System.Runtime.InteropServices;

namespace Nmf.Text;

/// <summary>
/// A hash map from term text to an int, looked up by character span without building a string: open addressing
/// with linear probing, keys stored back to back in one character pool. Faster than <see cref="Dictionary{TKey,
/// TValue}"/>'s span lookup because its hash is a cheap multiply-xor over 8-byte words (no protection against
/// crafted collisions is needed for counting words) and the table keeps each key's hash.
/// </summary>
internal sealed class TermTable
{
    // Each slot holds the key's hash in its high half and entry + 1 in its low half (0: empty), so that a probe
    // rejects other keys without touching the entry arrays.
    private ulong[] _slots;
    private int _mask;
    private int[] _hashes = new int[256];
    private int[] _starts = new int[256];
    private int[] _lengths = new int[256];
    private int[] _values = new int[256];
    private char[] _pool = new char[4096];
    private int _poolLength;

    public TermTable(int capacity = 1024)
    {
        int size = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(16, capacity * 2));
        _slots = new ulong[size];
        _mask = size - 1;
    }

    /// <summary>Number of keys.</summary>
    public int Count { get; private set; }

    /// <summary>The hash of a key.</summary>
    public static int Hash(ReadOnlySpan<char> key)
    {
        var bytes = MemoryMarshal.AsBytes(key);
        ulong h = 0x9E3779B97F4A7C15UL ^ (ulong)bytes.Length;
        const ulong Multiplier = 0x9FB21C651E98DF25UL;
        int length = bytes.Length;
        if (length >= 8)
        {
            int i = 0;
            for (; i + 8 <= length; i += 8)
            {
                h = (BitOperations.RotateLeft(h, 23) ^ MemoryMarshal.Read<ulong>(bytes[i..])) * Multiplier;
            }

            if (i < length)
            {
                // The last 8 bytes, overlapping the previous word.
                h = (BitOperations.RotateLeft(h, 23) ^ MemoryMarshal.Read<ulong>(bytes[(length - 8)..])) * Multiplier;
            }
        }
        else if (length >= 4)
        {
            ulong word = MemoryMarshal.Read<uint>(bytes) | ((ulong)MemoryMarshal.Read<uint>(bytes[(length - 4)..]) << 32);
            h = (BitOperations.RotateLeft(h, 23) ^ word) * Multiplier;
        }
        else if (length >= 2)
        {
            h = (BitOperations.RotateLeft(h, 23) ^ MemoryMarshal.Read<ushort>(bytes)) * Multiplier;
        }

        h ^= h >> 29;
        h *= 0xBF58476D1CE4E5B9UL;
        h ^= h >> 32;
        return (int)h;
    }

    /// <summary>The entry holding <paramref name="key"/>, or -1.</summary>
    public int Find(ReadOnlySpan<char> key, int hash)
    {
        ulong tag = (ulong)(uint)hash << 32;
        int slot = hash & _mask;
        while (true)
        {
            ulong content = _slots[slot];
            if (content == 0)
            {
                return -1;
            }

            if ((content & 0xFFFFFFFF00000000UL) == tag)
            {
                int entry = (int)(uint)content - 1;
                if (_lengths[entry] == key.Length && key.SequenceEqual(_pool.AsSpan(_starts[entry], key.Length)))
                {
                    return entry;
                }
            }

            slot = (slot + 1) & _mask;
        }
    }

    /// <summary>Adds a key known to be absent; returns its entry (entries are numbered 0, 1, … in order of addition).</summary>
    public int Add(ReadOnlySpan<char> key, int hash, int value)
    {
        int entry = Count;
        if (entry == _hashes.Length)
        {
            int grown = entry * 2;
            Array.Resize(ref _hashes, grown);
            Array.Resize(ref _starts, grown);
            Array.Resize(ref _lengths, grown);
            Array.Resize(ref _values, grown);
        }

        if (_poolLength + key.Length > _pool.Length)
        {
            Array.Resize(ref _pool, Math.Max(_pool.Length * 2, _poolLength + key.Length));
        }

        key.CopyTo(_pool.AsSpan(_poolLength));
        _hashes[entry] = hash;
        _starts[entry] = _poolLength;
        _lengths[entry] = key.Length;
        _values[entry] = value;
        _poolLength += key.Length;
        Count++;
        if (Count * 2 > _slots.Length)
        {
            Rehash();
        }
        else
        {
            Place(entry);
        }

        return entry;
    }

    /// <summary>The value of an entry.</summary>
    public int ValueAt(int entry) => _values[entry];

    /// <summary>Replaces the value of an entry.</summary>
    public void SetValue(int entry, int value) => _values[entry] = value;

    /// <summary>The key of an entry.</summary>
    public ReadOnlySpan<char> KeyAt(int entry) => _pool.AsSpan(_starts[entry], _lengths[entry]);

    /// <summary>The stored hash of an entry.</summary>
    public int HashAt(int entry) => _hashes[entry];

    private void Place(int entry)
    {
        int hash = _hashes[entry];
        int slot = hash & _mask;
        while (_slots[slot] != 0)
        {
            slot = (slot + 1) & _mask;
        }

        _slots[slot] = ((ulong)(uint)hash << 32) | (uint)(entry + 1);
    }

    private void Rehash()
    {
        _slots = new ulong[_slots.Length * 2];
        _mask = _slots.Length - 1;
        for (int e = 0; e < Count; e++)
        {
            Place(e);
        }
    }
}
