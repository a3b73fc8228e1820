using System.Text;
using System.Text.Unicode;

namespace GroupGuard.Host.Cli;

/// <summary>
/// What <c>scan</c> reads: one message a line, in the encoding its byte-order mark names (UTF-8,
/// UTF-16 or UTF-32, either byte order; UTF-8 without one). Each line says whether it held bytes
/// that are not UTF-8, which are read as U+FFFD. A line longer than <paramref name="maxChars"/>
/// UTF-16 characters is read past, not held, and given as <see cref="Line.TooLong"/>.
/// <paramref name="beforeRead"/> runs before each read of <paramref name="stream"/>, which may wait
/// (for a terminal, a pipe), so what came of the lines before it can be written out first.
/// </summary>
internal sealed class ScanInput(Stream stream, int maxChars, Func<ValueTask>? beforeRead = null)
{
    /// <summary>
    /// A line of the input, without its line break; or, <see cref="TooLong"/>, one longer than the
    /// limit, whose text is not kept.
    /// </summary>
    public readonly record struct Line(string Text, bool InvalidUtf8, bool TooLong = false);

    // UTF-8 takes at most 3 bytes for a UTF-16 character (4 for 2), so a line of more bytes than
    // this (and a CR) is longer than maxChars, whatever it holds.
    private readonly int _maxBytes = checked(3 * maxChars + 1);

    private byte[] _buffer = new byte[64 * 1024];

    // The bytes read and not yet taken are _buffer[_start.._end], as UTF-8.
    private int _start;
    private int _end;
    private bool _atEnd;
    private bool _started;

    // For input in UTF-16 or UTF-32: its decoder, and its bytes as read.
    private Decoder? _decoder;
    private byte[]? _raw;
    private char[]? _chars;

    /// <summary>The encoding the byte-order mark named, or null for UTF-8.</summary>
    public Encoding? MarkedEncoding { get; private set; }

    /// <summary>The next line, or null at the end of the input.</summary>
    public async ValueTask<Line?> ReadLineAsync(CancellationToken cancellationToken)
    {
        if (!_started)
        {
            await StartAsync(cancellationToken);
        }

        var searched = 0;
        while (true)
        {
            // Only LF ends a line (a CR before it goes with it): a CR alone is part of the message,
            // as a chat export may hold one, and verdicts stay one a line of the file.
            var at = _buffer.AsSpan(_start + searched, _end - _start - searched).IndexOf((byte)'\n');
            if (at >= 0)
            {
                var lineEnd = _start + searched + at;
                var line = Decode(_start, lineEnd > _start && _buffer[lineEnd - 1] == '\r' ? lineEnd - 1 : lineEnd);
                _start = lineEnd + 1;
                return line;
            }

            searched = _end - _start;
            if (searched > _maxBytes)
            {
                return await SkipLineAsync(cancellationToken);
            }

            if (_atEnd)
            {
                if (_end == _start)
                {
                    return null;
                }

                var last = Decode(_start, _buffer[_end - 1] == '\r' ? _end - 1 : _end);
                _start = _end;
                return last;
            }

            await FillAsync(cancellationToken);
        }
    }

    private Line Decode(int start, int end)
    {
        var bytes = _buffer.AsSpan(start, end - start);
        if (bytes.Length > _maxBytes)
        {
            return new Line("", InvalidUtf8: false, TooLong: true);
        }

        var text = Encoding.UTF8.GetString(bytes);
        return text.Length > maxChars ? new Line("", InvalidUtf8: false, TooLong: true) : new Line(text, !Utf8.IsValid(bytes));
    }

    /// <summary>Reads past the rest of a line too long to scan, keeping none of it.</summary>
    private async ValueTask<Line?> SkipLineAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var at = _buffer.AsSpan(_start, _end - _start).IndexOf((byte)'\n');
            if (at >= 0)
            {
                _start += at + 1;
                break;
            }

            _start = _end;
            if (_atEnd)
            {
                break;
            }

            await FillAsync(cancellationToken);
        }

        return new Line("", InvalidUtf8: false, TooLong: true);
    }

    /// <summary>Reads the byte-order mark, if there is one, and chooses the decoding by it.</summary>
    private async Task StartAsync(CancellationToken cancellationToken)
    {
        _started = true;
        while (_end < 4 && await ReadAsync(_buffer.AsMemory(_end, 4 - _end), cancellationToken) is var n and > 0)
        {
            _end += n;
        }

        _atEnd = _end < 4;
        var head = _buffer.AsSpan(0, _end);
        (Encoding?, int) mark =
            head.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? (null, 3)
            : head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE, 0x00, 0x00]) ? (new UTF32Encoding(bigEndian: false, byteOrderMark: false), 4)
            : head.StartsWith((ReadOnlySpan<byte>)[0x00, 0x00, 0xFE, 0xFF]) ? (new UTF32Encoding(bigEndian: true, byteOrderMark: false), 4)
            : head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]) ? (new UnicodeEncoding(bigEndian: false, byteOrderMark: false), 2)
            : head.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]) ? (new UnicodeEncoding(bigEndian: true, byteOrderMark: false), 2)
            : (null, 0);
        _start = mark.Item2;
        if (mark.Item1 is not { } encoding)
        {
            return;
        }

        // UTF-16 or UTF-32: what follows the mark is decoded and kept as UTF-8, like the rest.
        MarkedEncoding = encoding;
        _decoder = encoding.GetDecoder();
        _raw = new byte[16 * 1024];
        _chars = new char[_raw.Length];
        var rest = _buffer.AsSpan(_start, _end - _start).ToArray();
        _start = _end = 0;
        Append(rest, flush: _atEnd);
    }

    /// <summary>Reads more of the input onto the end of the buffer; at its end, sets <see cref="_atEnd"/>.</summary>
    private async Task FillAsync(CancellationToken cancellationToken)
    {
        if (_start > 0)
        {
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            _end -= _start;
            _start = 0;
        }

        if (_decoder is null)
        {
            if (_end == _buffer.Length)
            {
                Array.Resize(ref _buffer, _buffer.Length * 2);
            }

            var n = await ReadAsync(_buffer.AsMemory(_end), cancellationToken);
            _end += n;
            _atEnd = n == 0;
            return;
        }

        var read = await ReadAsync(_raw!, cancellationToken);
        _atEnd = read == 0;
        Append(_raw.AsSpan(0, read), flush: _atEnd);
    }

    /// <summary>Decodes UTF-16 or UTF-32 bytes onto the end of the buffer as UTF-8.</summary>
    private void Append(ReadOnlySpan<byte> bytes, bool flush)
    {
        var chars = _decoder!.GetChars(bytes, _chars, flush);
        var needed = _end + Encoding.UTF8.GetMaxByteCount(chars);
        if (needed > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Max(needed, _buffer.Length * 2));
        }

        _end += Encoding.UTF8.GetBytes(_chars.AsSpan(0, chars), _buffer.AsSpan(_end));
    }

    /// <summary>
    /// A read of the input. One that waits (a terminal, a pipe) is given up when
    /// <paramref name="cancellationToken"/> is cancelled, which a console stream's read does not notice.
    /// </summary>
    private async ValueTask<int> ReadAsync(Memory<byte> into, CancellationToken cancellationToken)
    {
        if (beforeRead is not null)
        {
            await beforeRead();
        }

        cancellationToken.ThrowIfCancellationRequested();
        var pending = stream.ReadAsync(into, cancellationToken);
        return pending.IsCompleted ? await pending : await pending.AsTask().WaitAsync(cancellationToken);
    }
}
