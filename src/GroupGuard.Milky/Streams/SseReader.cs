using System.Buffers;
using System.Globalization;
using System.Text;
using GroupGuard.Core;

namespace GroupGuard.Milky.Streams;

/// <summary>One server-sent event: its name (<c>message</c> when none was given) and its data lines joined by <c>\n</c>.</summary>
/// <param name="Oversized">The data passed the limit; it was dropped and <paramref name="Data"/> is empty.</param>
internal sealed record SseEvent(string Name, byte[] Data, bool Oversized);

/// <summary>
/// Reads server-sent events (the WHATWG <c>text/event-stream</c> format: <c>field: value</c> lines,
/// events ended by a blank line, comments starting with <c>:</c>, lines ended by CR, LF or CRLF)
/// from a stream, holding no more than <see cref="_maxEventBytes"/> of one event or one line in
/// memory: what is longer is skipped to its end and reported as oversized. With an
/// <paramref name="idle"/> time, each read of the stream waits at most that long on
/// <paramref name="time"/> (any bytes end a wait, a keep-alive comment too), then fails with a
/// <see cref="TimeoutException"/>.
/// </summary>
internal sealed class SseReader(Stream stream, int maxEventBytes, TimeSpan? idle = null, TimeProvider? time = null)
{
    private const int MaxNameLength = 64;

    private readonly int _maxEventBytes = maxEventBytes;
    private readonly byte[] _buffer = new byte[16 * 1024];
    private readonly ArrayBufferWriter<byte> _line = new(1024);
    private readonly ArrayBufferWriter<byte> _data = new(1024);
    private int _start;
    private int _end;
    private bool _skipLf;
    private bool _lineTooLong;
    private bool _hasData;
    private bool _oversized;
    private string? _name;

    /// <summary>The next event, or null when the stream has ended.</summary>
    public async Task<SseEvent?> ReadAsync(CancellationToken cancellationToken)
    {
        while (await ReadLineAsync(cancellationToken).ConfigureAwait(false))
        {
            var line = _line.WrittenSpan;
            if (line.IsEmpty && !_lineTooLong)
            {
                if (_hasData || _oversized)
                {
                    var ready = new SseEvent(_name ?? "message", _oversized ? [] : _data.WrittenSpan.ToArray(), _oversized);
                    Reset();
                    return ready;
                }

                Reset();
                continue;
            }

            if (_lineTooLong)
            {
                // A line longer than a whole event may be: whatever field it was, this event is lost.
                _oversized = true;
                continue;
            }

            if (line[0] == (byte)':')
            {
                continue; // a comment, often a keep-alive
            }

            var colon = line.IndexOf((byte)':');
            var field = colon < 0 ? line : line[..colon];
            var value = colon < 0 ? [] : line[(colon + 1)..];
            if (!value.IsEmpty && value[0] == (byte)' ')
            {
                value = value[1..];
            }

            if (field.SequenceEqual("data"u8))
            {
                if (_oversized)
                {
                    continue;
                }

                if (_data.WrittenCount + value.Length + 1 > _maxEventBytes)
                {
                    _oversized = true;
                    continue;
                }

                if (_hasData)
                {
                    _data.Write("\n"u8);
                }

                _data.Write(value);
                _hasData = true;
            }
            else if (field.SequenceEqual("event"u8))
            {
                _name = Encoding.UTF8.GetString(value.Length <= MaxNameLength ? value : value[..MaxNameLength]);
            }

            // id and retry: GroupGuard reconnects on its own schedule and dedupes redeliveries itself.
        }

        return null;
    }

    private async Task<int> ReadSomeAsync(CancellationToken cancellationToken)
    {
        if (idle is not { } wait || time is null)
        {
            return await stream.ReadAsync(_buffer, cancellationToken).ConfigureAwait(false);
        }

        using var deadline = new Deadline(wait, time, cancellationToken);
        try
        {
            return await stream.ReadAsync(_buffer, deadline.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException && deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"nothing came on the stream for {wait.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s", ex);
        }
    }

    private void Reset()
    {
        _data.ResetWrittenCount();
        _hasData = false;
        _oversized = false;
        _name = null;
    }

    /// <summary>Reads one line into <see cref="_line"/> (without its end); false at the end of the stream.</summary>
    private async Task<bool> ReadLineAsync(CancellationToken cancellationToken)
    {
        _line.ResetWrittenCount();
        _lineTooLong = false;
        while (true)
        {
            if (_start == _end)
            {
                _start = 0;
                _end = await ReadSomeAsync(cancellationToken).ConfigureAwait(false);
                if (_end == 0)
                {
                    return false; // a last line without its end is dropped, as the format says
                }
            }

            if (_skipLf)
            {
                _skipLf = false;
                if (_buffer[_start] == (byte)'\n')
                {
                    _start++;
                    continue;
                }
            }

            var span = _buffer.AsSpan(_start, _end - _start);
            var stop = span.IndexOfAny((byte)'\r', (byte)'\n');
            var part = stop < 0 ? span : span[..stop];
            if (!_lineTooLong && _line.WrittenCount + part.Length > _maxEventBytes)
            {
                _lineTooLong = true;
                _line.ResetWrittenCount();
            }

            if (!_lineTooLong)
            {
                _line.Write(part);
            }

            if (stop < 0)
            {
                _start = _end;
                continue;
            }

            _skipLf = span[stop] == (byte)'\r';
            _start += stop + 1;
            return true;
        }
    }
}
