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
