namespace Nmf.Matrices;

/// <summary>
/// A read-only forward stream whose first bytes can be looked at before reading, so that standard input and gzip
/// streams (which cannot seek) can be sniffed for their format.
/// </summary>
internal sealed class PeekStream : Stream
{
    private readonly Stream _inner;
    private readonly byte[] _head;
    private int _headLength;
    private int _headPosition;

    public PeekStream(Stream inner, int peekLength)
    {
        _inner = inner;
        _head = new byte[peekLength];
        while (_headLength < peekLength)
        {
            int n = inner.Read(_head, _headLength, peekLength - _headLength);
            if (n == 0)
            {
                break;
            }

            _headLength += n;
        }
    }

    /// <summary>The first bytes of the stream (fewer than asked when the stream is shorter).</summary>
    public ReadOnlySpan<byte> Head => _head.AsSpan(0, _headLength);

    /// <summary>Total length when the inner stream knows it, else -1.</summary>
    public long KnownLength => _inner.CanSeek ? _inner.Length : -1;

    /// <summary>
    /// Moves <paramref name="bytes"/> forward: a seek of the inner stream when it can seek (a file), otherwise reads
    /// that are thrown away (standard input, gzip). Returns the bytes skipped (fewer at the end of the stream).
    /// </summary>
    public long Skip(long bytes)
    {
        long skipped = 0;
        if (_headPosition < _headLength)
        {
            int n = (int)Math.Min(bytes, _headLength - _headPosition);
            _headPosition += n;
            skipped = n;
        }

        if (skipped == bytes)
        {
            return skipped;
        }

        if (_inner.CanSeek)
        {
            long available = Math.Max(0, _inner.Length - _inner.Position);
            long n = Math.Min(bytes - skipped, available);
            _inner.Seek(n, SeekOrigin.Current);
            return skipped + n;
        }

        var scratch = new byte[(int)Math.Min(1 << 16, bytes - skipped)];
        while (skipped < bytes)
        {
            int n = _inner.Read(scratch, 0, (int)Math.Min(scratch.Length, bytes - skipped));
            if (n == 0)
            {
                break;
            }

            skipped += n;
        }

        return skipped;
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (_headPosition < _headLength)
        {
            int n = Math.Min(buffer.Length, _headLength - _headPosition);
            _head.AsSpan(_headPosition, n).CopyTo(buffer);
            _headPosition += n;
            return n;
        }

        return _inner.Read(buffer);
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
