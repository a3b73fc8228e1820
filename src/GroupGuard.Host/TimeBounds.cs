using System.Globalization;

namespace GroupGuard.Host;

/// <summary>
/// The days a console filter or a command's time may name. Past them a day's local bounds, or
/// the periods and charts computed from a time, fall off the calendar <see cref="DateTimeOffset"/>
/// holds (in a time zone ahead of UTC, 0001-01-01's midnight is already before it; the day after
/// 9999-12-31 is not there at all), and no incident is stamped there anyway.
/// </summary>
internal static class TimeBounds
{
    public static readonly DateOnly FirstDay = new(2000, 1, 1);

    public static readonly DateOnly LastDay = new(9998, 12, 31);

    public static string FirstDayText => FirstDay.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static string LastDayText => LastDay.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static bool Holds(DateOnly day) => day >= FirstDay && day <= LastDay;

    /// <summary>Whether the UTC day of <paramref name="time"/> is within the bounds.</summary>
    public static bool Holds(DateTimeOffset time) => Holds(DateOnly.FromDateTime(time.UtcDateTime));
}
