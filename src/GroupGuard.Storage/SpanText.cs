using System.Text.Json;
using System.Text.Json.Serialization;
using GroupGuard.Core;

namespace GroupGuard.Storage;

/// <summary>
/// Evidence spans are stored as JSON text, <c>[{"start":3,"length":2}]</c> (<c>[]</c> for none):
/// readable by hand, queryable with SQLite's json functions, and loadable as jsonb in PostgreSQL.
/// The stored shape is fixed here, not by the names of <see cref="EvidenceSpan"/>.
/// </summary>
internal static class SpanText
{
    public const string Empty = "[]";

    public static string ToText(IReadOnlyList<EvidenceSpan>? spans)
    {
        if (spans is null || spans.Count == 0)
        {
            return Empty;
        }

        var stored = new StoredSpan[spans.Count];
        for (var i = 0; i < stored.Length; i++)
        {
            var span = spans[i];
            if (span.Start < 0 || span.Length < 0)
            {
                throw new ArgumentOutOfRangeException(
                    nameof(spans), span, "An evidence span needs a start and a length of zero or more.");
            }

            stored[i] = new StoredSpan(span.Start, span.Length);
        }

        return JsonSerializer.Serialize(stored, SpanJsonContext.Default.StoredSpanArray);
    }

    public static IReadOnlyList<EvidenceSpan> Parse(string? text, long id)
    {
        if (string.IsNullOrEmpty(text) || text == Empty)
        {
            return [];
        }

        StoredSpan[]? stored;
        try
        {
            stored = JsonSerializer.Deserialize(text, SpanJsonContext.Default.StoredSpanArray);
        }
        catch (JsonException ex)
        {
            throw Invalid(text, id, ex);
        }

        if (stored is null || Array.Exists(stored, s => s.Start is not >= 0 || s.Length is not >= 0))
        {
            throw Invalid(text, id, null);
        }

        var spans = new EvidenceSpan[stored.Length];
        for (var i = 0; i < spans.Length; i++)
        {
            spans[i] = new EvidenceSpan(stored[i].Start!.Value, stored[i].Length!.Value);
        }

        return spans;
    }

    private static InvalidDataException Invalid(string text, long id, Exception? inner) =>
        new($"Incident {id} has spans '{text}', which is not a list like [{{\"start\":3,\"length\":2}}].", inner);
}

/// <summary>One span as stored; nullable so a missing member is caught rather than read as 0.</summary>
internal sealed record StoredSpan(int? Start, int? Length);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(StoredSpan[]))]
internal sealed partial class SpanJsonContext : JsonSerializerContext;
