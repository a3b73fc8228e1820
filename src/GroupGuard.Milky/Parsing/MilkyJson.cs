using System.Globalization;
using System.Text.Json;
using GroupGuard.Core;

namespace GroupGuard.Milky.Parsing;

/// <summary>
/// Field readers for Milky's JSON. The spec types ids and times as int64; a numeric string is
/// taken too, since JavaScript implementations may send large numbers that way.
/// </summary>
internal static class MilkyJson
{
    public static JsonElement RequireObject(JsonElement obj, string name, string path)
    {
        if (!obj.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            throw new MalformedMilkyEventException($"missing field '{path}'");
        }

        return value.ValueKind == JsonValueKind.Object ? value : throw new MalformedMilkyEventException($"field '{path}' must be an object");
    }

    public static JsonElement? Object(JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Object ? value : null;

    public static string RequireString(JsonElement obj, string name, string path)
    {
        if (!obj.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            throw new MalformedMilkyEventException($"missing field '{path}'");
        }

        return value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text
            ? text
            : throw new MalformedMilkyEventException($"field '{path}' must be a non-empty string");
    }

    /// <summary>A string field, or null when it is absent, null or not a string.</summary>
    public static string? String(JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    public static string? NonEmpty(JsonElement obj, string name) => String(obj, name) is { Length: > 0 } text ? text : null;

    /// <summary>An id that must be there: an integer (int64 or uint64) or a non-empty string of at most <see cref="MilkyLimits.MaxIdLength"/> characters.</summary>
    public static string RequireId(JsonElement obj, string name, string path)
    {
        if (!obj.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            throw new MalformedMilkyEventException($"missing field '{path}'");
        }

        var id = IdText(value) ?? throw new MalformedMilkyEventException($"field '{path}' must be an integer");
        return MessageLimits.IdProblem(path, id, MilkyLimits.MaxIdLength) is { } problem ? throw new MalformedMilkyEventException(problem) : id;
    }

    /// <summary>An id that only hints (a mention, a quote): null when absent, odd, too long or holding a control character.</summary>
    public static string? OptionalId(JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var value) && IdText(value) is { } id
        && MessageLimits.IdProblem(name, id, MilkyLimits.MaxIdLength) is null ? id : null;

    private static string? IdText(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Number when value.TryGetInt64(out var signed) => signed.ToString(CultureInfo.InvariantCulture),
        JsonValueKind.Number when value.TryGetUInt64(out var unsigned) => unsigned.ToString(CultureInfo.InvariantCulture),
        JsonValueKind.String when value.GetString() is { Length: > 0 } text => text,
        _ => null,
    };

    /// <summary>
    /// A time that only informs (a member's <c>join_time</c>): whole Unix seconds as a number or a
    /// numeric string, or null when absent, odd, 0 or less (what implementations send when they do
    /// not know) or past the year 9999.
    /// </summary>
    public static DateTimeOffset? OptionalUnixSeconds(JsonElement obj, string name)
    {
        if (obj.ValueKind != JsonValueKind.Object || !obj.TryGetProperty(name, out var value))
        {
            return null;
        }

        long seconds;
        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number))
        {
            seconds = number;
        }
        else if (value.ValueKind == JsonValueKind.String
                 && long.TryParse(value.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
        {
            seconds = parsed;
        }
        else
        {
            return null;
        }

        return seconds is > 0 and < 253_402_300_800 ? DateTimeOffset.FromUnixTimeSeconds(seconds) : null;
    }

    /// <summary>Unix seconds (the spec's int64; a fractional or string number is taken too), to the millisecond.</summary>
    public static DateTimeOffset RequireUnixSeconds(JsonElement obj, string name, string path)
    {
        if (!obj.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            throw new MalformedMilkyEventException($"missing field '{path}'");
        }

        double seconds;
        if (value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var number))
        {
            seconds = number;
        }
        else if (value.ValueKind == JsonValueKind.String
                 && double.TryParse(value.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed))
        {
            seconds = parsed;
        }
        else
        {
            throw new MalformedMilkyEventException($"field '{path}' must be a Unix time in seconds");
        }

        var milliseconds = Math.Round(seconds * 1000d);
        if (!double.IsFinite(milliseconds) || milliseconds < -62_135_596_800_000d || milliseconds > 253_402_300_799_999d)
        {
            throw new MalformedMilkyEventException($"field '{path}' is out of range");
        }

        return DateTimeOffset.FromUnixTimeMilliseconds((long)milliseconds);
    }
}
