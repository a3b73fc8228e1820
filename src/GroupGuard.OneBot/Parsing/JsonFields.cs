using System.Globalization;
using System.Text.Json;
using GroupGuard.Core;

namespace GroupGuard.OneBot.Parsing;

/// <summary>Reads the loosely typed fields OneBot implementations send (ids as numbers or strings).</summary>
internal static class JsonFields
{
    public static string? GetString(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    public static string? GetNonEmptyString(JsonElement obj, string name) =>
        GetString(obj, name) is { Length: > 0 } s ? s : null;

    public static JsonElement? GetObject(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Object ? value : null;

    public static string RequireString(JsonElement obj, string name)
    {
        if (!obj.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            throw new MalformedEventException($"missing field '{name}'");
        }

        return value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } s
            ? s
            : throw new MalformedEventException($"field '{name}' must be a non-empty string");
    }

    /// <summary>An id that must be there: a JSON integer (up to 64-bit unsigned) or a non-empty string.</summary>
    public static string RequireId(JsonElement obj, string name, string? path = null)
    {
        if (!obj.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            throw new MalformedEventException($"missing field '{path ?? name}'");
        }

        var id = IdOf(value) ?? throw new MalformedEventException($"field '{path ?? name}' must be an integer or a non-empty string");
        return WithinLength(id, path ?? name);
    }

    /// <summary>An id that may be absent or odd: null then. One that is too long is still an error.</summary>
    public static string? TryGetId(JsonElement obj, string name, string? path = null) =>
        obj.TryGetProperty(name, out var value) && IdOf(value) is { } id ? WithinLength(id, path ?? name) : null;

    /// <summary>Id text of a value in invariant decimal, or null when it is no id.</summary>
    public static string? IdOf(JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                return value.GetString() is { Length: > 0 } s ? s : null;
            case JsonValueKind.Number:
                if (value.TryGetInt64(out var signed))
                {
                    return signed.ToString(CultureInfo.InvariantCulture);
                }

                return value.TryGetUInt64(out var unsigned) ? unsigned.ToString(CultureInfo.InvariantCulture) : null;
            default:
                return null;
        }
    }

    // Too long, or holding a control character (a NUL above all, which PostgreSQL refuses in
    // text): refused here, it never reaches the journal or the database.
    private static string WithinLength(string id, string path) =>
        MessageLimits.IdProblem(path, id) is { } problem ? throw new MalformedEventException(problem) : id;

    /// <summary>
    /// A scalar segment parameter as text: strings as they are, numbers and booleans as written,
    /// objects and arrays as their raw JSON (a json segment's <c>data</c> is sometimes an object).
    /// </summary>
    public static string? TextOf(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Number or JsonValueKind.Object or JsonValueKind.Array => value.GetRawText(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => null,
    };

    /// <summary>Unix time in seconds (integer or fractional, number or numeric string), to the millisecond.</summary>
    public static DateTimeOffset RequireUnixTime(JsonElement obj, string name)
    {
        if (!obj.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            throw new MalformedEventException($"missing field '{name}'");
        }

        double seconds;
        if (value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var n))
        {
            seconds = n;
        }
        else if (value.ValueKind == JsonValueKind.String
                 && double.TryParse(value.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed))
        {
            seconds = parsed;
        }
        else
        {
            throw new MalformedEventException($"field '{name}' must be a Unix time in seconds");
        }

        // NapCat falls back to Date.now() (milliseconds) when QQ gives no time; no event is
        // sent 3000 years from now, so a value this large is milliseconds.
        var milliseconds = seconds > 100_000_000_000d ? seconds : seconds * 1000d;
        milliseconds = Math.Round(milliseconds);
        if (double.IsNaN(milliseconds) || milliseconds < -62_135_596_800_000d || milliseconds > 253_402_300_799_999d)
        {
            throw new MalformedEventException($"field '{name}' is out of range");
        }

        return DateTimeOffset.FromUnixTimeMilliseconds((long)milliseconds);
    }
}
