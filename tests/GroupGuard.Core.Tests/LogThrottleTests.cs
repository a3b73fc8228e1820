using Microsoft.Extensions.Time.Testing;

namespace GroupGuard.Core.Tests;

/// <summary>A flood writes its first line, then one line every ten seconds with the count since the last.</summary>
public sealed class LogThrottleTests
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-12-02T08:00:00Z", System.Globalization.CultureInfo.InvariantCulture));

    [Fact]
    public void The_first_occurrence_is_told_then_one_count_per_interval()
    {
        var throttle = new LogThrottle(_time);

        var first = throttle.Occurred("401");
        var flood = Enumerable.Range(0, 500).Select(_ => throttle.Occurred("401")).ToList();
        _time.Advance(LogThrottle.Interval - TimeSpan.FromMilliseconds(1));
        var early = throttle.Occurred("401");
        _time.Advance(TimeSpan.FromMilliseconds(1));
        var due = throttle.Occurred("401");

        Assert.Equal(1, first);
        Assert.All(flood, told => Assert.Equal(0, told));
        Assert.Equal(0, early);
        Assert.Equal(502, due); // the 500, the early one and this one
    }

    [Fact]
    public void Kinds_are_counted_apart_up_to_the_bound_then_together()
    {
        var throttle = new LogThrottle(_time);

        Assert.Equal(1, throttle.Occurred("v11:401"));
        Assert.Equal(1, throttle.Occurred("v11:415"));
        Assert.Equal(0, throttle.Occurred("v11:401"));
        for (var k = 2; k < LogThrottle.MaxKinds; k++)
        {
            Assert.Equal(1, throttle.Occurred($"kind {k}"));
        }

        // Past the bound, new kinds share one count: a sender inventing kinds cannot grow the table.
        Assert.Equal(1, throttle.Occurred("one more"));
        Assert.Equal(0, throttle.Occurred("and another"));
    }

    [Fact]
    public void Each_reason_that_differs_within_a_window_is_told_up_to_the_bound()
    {
        using var throttle = new LogThrottle(_time);

        Assert.Equal(1, throttle.Occurred("v11:400", "malformed JSON"));
        Assert.Equal(0, throttle.Occurred("v11:400", "malformed JSON"));
        Assert.Equal(2, throttle.Occurred("v11:400", "missing field 'self_id'")); // the repeat and this one
        for (var r = 2; r < LogThrottle.MaxReasons; r++)
        {
            Assert.Equal(1, throttle.Occurred("v11:400", $"reason {r}"));
        }

        // Past the bound, a new reason is only counted: ever new reasons cannot write a line each.
        Assert.Equal(0, throttle.Occurred("v11:400", "one reason too many"));
        Assert.Equal(1, throttle.Occurred("v11:403", "X-Signature does not match the body"));
    }

    [Fact]
    public void A_window_with_untold_occurrences_tells_their_count_when_it_ends_though_nothing_more_comes()
    {
        var told = new List<(string Kind, long Count)>();
        using var throttle = new LogThrottle(_time, (kind, count) => told.Add((kind, count)));

        Assert.Equal(1, throttle.Occurred("v11:403", "wrong"));
        Assert.Equal(0, throttle.Occurred("v11:403", "wrong"));
        Assert.Equal(1, throttle.Occurred("v11:413", "too long"));
        _time.Advance(LogThrottle.Interval - TimeSpan.FromMilliseconds(1));
        Assert.Empty(told);
        _time.Advance(TimeSpan.FromMilliseconds(1));

        Assert.Equal([("v11:403", 1L)], told); // the 413's window had nothing untold
        _time.Advance(TimeSpan.FromMinutes(5));
        Assert.Single(told);
        Assert.Equal(1, throttle.Occurred("v11:403", "wrong")); // a new window's first line
    }

    [Fact]
    public void A_flood_writes_a_bounded_number_of_lines_and_loses_no_count()
    {
        long lines = 0, counted = 0;
        using var throttle = new LogThrottle(_time, (_, count) => (lines, counted) = (lines + 1, counted + count));

        for (var i = 0; i < 100_000; i++)
        {
            if (throttle.Occurred("v11:400", $"reason {i}") is > 0 and var count)
            {
                (lines, counted) = (lines + 1, counted + count);
            }

            if (i % 1000 == 999)
            {
                _time.Advance(TimeSpan.FromSeconds(1));
            }
        }

        _time.Advance(LogThrottle.Interval);

        // 100 seconds: ten windows of at most MaxReasons lines and one count each.
        Assert.InRange(lines, 10, 10 * (LogThrottle.MaxReasons + 1));
        Assert.Equal(100_000, counted);
    }

    [Fact]
    public void A_stop_tells_the_count_of_a_window_still_open()
    {
        var told = new List<(string Kind, long Count)>();
        var throttle = new LogThrottle(_time, (kind, count) => told.Add((kind, count)));
        throttle.Occurred("v11:401", "missing X-Signature header");
        throttle.Occurred("v11:401", "missing X-Signature header");

        throttle.Dispose();

        Assert.Equal([("v11:401", 1L)], told);
    }
}
