namespace Nmf.Matrices;

/// <summary>
/// Lines of a text reader as spans of one reused buffer (valid until the next call), so that reading a file of
/// millions of lines allocates nothing per line. Line ends are <c>\n</c>, <c>\r\n</c> or <c>\r</c>, as
/// <see cref="TextReader.ReadLine"/> takes them.
/// </summary>
internal sealed class LineReader(TextReader reader)
{
    private char[] _buffer = new char[1 << 16];
    private int _start;
    private int _end;
    private bool _eof;
    private bool _skipLineFeed;

    /// <summary>The next line without its end, or false at the end of the text.</summary>
    public bool TryReadLine(out ReadOnlySpan<char> line)
    {
        int searched = 0;
        while (true)
        {
            if (_skipLineFeed && _start < _end)
            {
                // the previous line ended with \r: a \n right after belongs to it
                if (_buffer[_start] == '\n')
                {
                    _start++;
                }

                _skipLineFeed = false;
            }

            var pending = _buffer.AsSpan(_start, _end - _start);
            int at = pending[searched..].IndexOfAny('\n', '\r');
            if (at >= 0)
            {
                at += searched;
                line = pending[..at];
                _skipLineFeed = pending[at] == '\r';
                _start += at + 1;
                return true;
            }

            if (_eof)
            {
                _skipLineFeed = false;
                if (pending.IsEmpty)
                {
                    line = default;
                    return false;
                }

                line = pending;
                _start = _end;
                return true;
            }

            searched = pending.Length;
            Fill();
        }
    }

    /// <summary>Moves the unread characters to the front (growing the buffer for a line longer than it) and reads more.</summary>
    private void Fill()
    {
        int pending = _end - _start;
        if (pending == _buffer.Length)
        {
            Array.Resize(ref _buffer, _buffer.Length * 2);
        }
        else if (_start > 0)
        {
            Array.Copy(_buffer, _start, _buffer, 0, pending);
        }

        _start = 0;
        _end = pending;
        int n = reader.Read(_buffer, _end, _buffer.Length - _end);
        if (n == 0)
        {
            _eof = true;
        }

        _end += n;
    }
}
