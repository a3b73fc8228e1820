using System.Globalization;

namespace GroupGuard.Storage;

/// <summary>
/// SQLite has no date type: times are UTC text with milliseconds, which sorts as text and
/// matches the millisecond precision of <c>ChatMessage.DedupeKey</c>.
/// </summary>
internal static class StoredTime
{
    private const string Format = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";

    public static string ToText(DateTimeOffset value) =>
        value.UtcDateTime.ToString(Format, CultureInfo.InvariantCulture);

    /// <summary>
    /// A query bound, rounded up to the next whole millisecond: stored times have no finer part,
    /// so <c>time &gt;= bound</c> and <c>time &lt; bound</c> keep their exact meaning.
    /// </summary>
    public static string ToBoundText(DateTimeOffset value)
    {
        var utc = value.UtcDateTime;
        var remainder = utc.Ticks % TimeSpan.TicksPerMillisecond;
        if (remainder != 0)
        {
            utc = utc.AddTicks(TimeSpan.TicksPerMillisecond - remainder);
        }

        return utc.ToString(Format, CultureInfo.InvariantCulture);
    }

    /// <summary>The start of the UTC hour <paramref name="value"/> falls in.</summary>
    public static DateTimeOffset HourStart(DateTimeOffset value)
    {
        var utc = value.UtcDateTime;
        return new DateTimeOffset(utc.Ticks - (utc.Ticks % TimeSpan.TicksPerHour), TimeSpan.Zero);
    }

    public static DateTimeOffset Parse(string text, string column, long id) =>
        TryParse(text, out var value)
            ? value
            : throw new InvalidDataException($"Incident {id} has {column} '{text}', which is not a UTC time like 2025-01-31T08:00:00.000Z.");

    /// <summary>Parses a time of a row that is not an incident; <paramref name="where"/> names the row.</summary>
    public static DateTimeOffset Parse(string text, string where) =>
        TryParse(text, out var value)
            ? value
            : throw new InvalidDataException($"{where} has '{text}', which is not a UTC time like 2025-01-31T08:00:00.000Z.");

    private static bool TryParse(string text, out DateTimeOffset value) =>
        DateTimeOffset.TryParseExact(
            text,
            Format,
            CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal,
            out value);
}
