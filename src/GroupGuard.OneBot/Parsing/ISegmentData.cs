using System.Text.Json;

namespace GroupGuard.OneBot.Parsing;

/// <summary>The parameters of one message segment, wherever they were read from.</summary>
internal interface ISegmentData
{
    /// <summary>The parameter as text; null when it is absent or null.</summary>
    string? Get(string key);
}

/// <summary>A segment's <c>data</c> object from a JSON segment array.</summary>
internal readonly struct JsonSegmentData(JsonElement data) : ISegmentData
{
    public string? Get(string key) =>
        data.ValueKind == JsonValueKind.Object && data.TryGetProperty(key, out var value) ? JsonFields.TextOf(value) : null;

    /// <summary>The parameter as JSON (an inline forwarded bundle's <c>content</c>), or null when absent.</summary>
    public JsonElement? Element(string key) =>
        data.ValueKind == JsonValueKind.Object && data.TryGetProperty(key, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;
}

internal static class SegmentDataExtensions
{
    /// <summary>The parameter, or null when it is absent or empty.</summary>
    public static string? GetNonEmpty<TData>(this TData data, string key)
        where TData : ISegmentData =>
        data.Get(key) is { Length: > 0 } value ? value : null;
}
