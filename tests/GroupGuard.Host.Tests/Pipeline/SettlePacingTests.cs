using System.Threading.Channels;
using GroupGuard.Host.Pipeline;
using Microsoft.Extensions.Time.Testing;

namespace GroupGuard.Host.Tests.Pipeline;

/// <summary>
/// When the caught-up worker writes its counts and checkpoint: not after every message of a steady
/// stream, but within a moment of going idle and about once a second while the stream lasts.
/// </summary>
public sealed class SettlePacingTests
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-12-03T08:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    private readonly Channel<int> _queue = Channel.CreateUnbounded<int>();

    private SettlePacing<int> Pacing() => new(_queue.Reader, _time);

    [Fact]
    public async Task A_message_that_comes_within_the_grace_is_moderated_before_any_settle()
    {
        var pacing = Pacing();

        var waiting = pacing.MoreSoonAsync().AsTask();
        _time.Advance(SettlePacing<int>.Grace / 2);
        Assert.False(waiting.IsCompleted);
        _queue.Writer.TryWrite(1);

        Assert.True(await waiting);
    }

    [Fact]
    public async Task With_nothing_coming_it_settles_once_the_grace_has_passed()
    {
        var pacing = Pacing();

        var waiting = pacing.MoreSoonAsync().AsTask();
        _time.Advance(SettlePacing<int>.Grace - TimeSpan.FromMilliseconds(1));
        Assert.False(waiting.IsCompleted);
        _time.Advance(TimeSpan.FromMilliseconds(1));

        Assert.False(await waiting);
    }

    [Fact]
    public async Task A_stream_however_close_its_messages_settles_once_a_second()
    {
        var pacing = Pacing();
        var settles = 0;

        // Three seconds of a message every 10 ms, the worker catching up after each.
        for (var i = 0; i < 300; i++)
        {
            _time.Advance(TimeSpan.FromMilliseconds(10));
            _queue.Writer.TryWrite(i);
            if (!await pacing.MoreSoonAsync())
            {
                settles++;
                pacing.Settled();
            }

            _queue.Reader.TryRead(out _);
        }

        Assert.Equal(3, settles);
    }

    [Fact]
    public async Task A_stop_settles_at_once()
    {
        var pacing = Pacing();
        _queue.Writer.TryComplete();

        Assert.False(await pacing.MoreSoonAsync());
    }
}
