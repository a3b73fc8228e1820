using GroupGuard.Host.Pipeline;
using Microsoft.Extensions.Time.Testing;

namespace GroupGuard.Host.Tests;

/// <summary>The barrier between incidents being written and the digest that must report them.</summary>
public sealed class IncidentsInFlightTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 26, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_wait_returns_at_once_when_nothing_earlier_is_being_written()
    {
        var clock = new FakeTimeProvider(Start);
        var inFlight = new IncidentsInFlight(clock);
        clock.Advance(TimeSpan.FromSeconds(5));
        using var later = inFlight.Begin();

        // Stamped after the fire time: it belongs to the next digest, so this one need not wait.
        Assert.Null(await inFlight.WaitSettledAsync(Start.AddSeconds(1), TimeSpan.FromSeconds(30), CancellationToken.None));
    }

    [Fact]
    public async Task A_wait_ends_when_the_earlier_write_ends()
    {
        var clock = new FakeTimeProvider(Start);
        var inFlight = new IncidentsInFlight(clock);
        var flight = inFlight.Begin();

        var wait = inFlight.WaitSettledAsync(Start.AddSeconds(1), TimeSpan.FromSeconds(30), CancellationToken.None);
        Assert.False(wait.IsCompleted);

        flight.Dispose();
        Assert.Null(await wait.Within("the wait to end with the write"));
        flight.Dispose(); // a second dispose changes nothing
        Assert.Null(inFlight.OldestBefore(Start.AddDays(1)));
    }

    [Fact]
    public async Task A_write_stuck_past_the_limit_is_reported_with_its_detection_time()
    {
        var time = new FakeTimeProvider(Start);
        var clock = new WatchedClock(time);
        var inFlight = new IncidentsInFlight(clock);
        using var stuck = inFlight.Begin();
        time.Advance(TimeSpan.FromSeconds(2));
        using var other = inFlight.Begin();

        var wait = inFlight.WaitSettledAsync(Start.AddSeconds(3), TimeSpan.FromSeconds(30), CancellationToken.None);
        await clock.TimerAsync(1);
        other.Dispose();

        // The end of the other write wakes the wait, which finds the stuck one still open and waits again.
        var again = await clock.TimerAsync(2);
        Assert.Equal(Start.AddSeconds(32), again.DueAt);
        Assert.False(wait.IsCompleted);

        time.Advance(TimeSpan.FromSeconds(31));
        Assert.Equal(Start, await wait.Within("the wait to give up on the stuck write"));
    }
}
