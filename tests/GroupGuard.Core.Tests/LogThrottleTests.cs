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
}
