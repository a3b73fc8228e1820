using System.Text.Json;
using System.Text.Json.Serialization;

namespace GroupGuard.Storage;

/// <summary>
/// A list of ids stored as a JSON array, <c>[12,15]</c> (<c>[]</c> for none): readable by hand,
/// queryable with SQLite's json functions, and loadable as jsonb in PostgreSQL.
/// </summary>
internal static class IdListText
{
    public const string Empty = "[]";

    public static string ToText(IReadOnlyList<long>? ids) =>
        ids is null || ids.Count == 0 ? Empty : JsonSerializer.Serialize([.. ids], IdListJsonContext.Default.Int64Array);

    /// <param name="where">Names the row, for the error when the text is not a list of ids.</param>
    public static IReadOnlyList<long> Parse(string? text, string where)
    {
        if (string.IsNullOrEmpty(text) || text == Empty)
        {
            return [];
        }

        try
        {
            return JsonSerializer.Deserialize(text, IdListJsonContext.Default.Int64Array)
                ?? throw new InvalidDataException($"{where} has '{text}', which is not a list of ids like [12,15].");
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{where} has '{text}', which is not a list of ids like [12,15].", ex);
        }
    }
}

[JsonSerializable(typeof(long[]))]
internal sealed partial class IdListJsonContext : JsonSerializerContext;
