using System.Collections.Frozen;

namespace GroupGuard.Storage;

/// <summary>
/// Enums are stored as their lowercase names (<c>medium</c>, <c>recall</c>, <c>owner</c>), so the
/// database reads well by hand and survives reordering of enum members.
/// </summary>
internal static class EnumText<T>
    where T : struct, Enum
{
    private static readonly FrozenDictionary<T, string> Names =
        Enum.GetValues<T>().ToFrozenDictionary(v => v, v => v.ToString().ToLowerInvariant());

    private static readonly FrozenDictionary<string, T> Values =
        Names.ToFrozenDictionary(p => p.Value, p => p.Key, StringComparer.Ordinal);

    public static string ToText(T value) =>
        Names.TryGetValue(value, out var name)
            ? name
            : throw new ArgumentOutOfRangeException(nameof(value), value, $"{value} is not a defined {typeof(T).Name}.");

    public static T Parse(string text, string column, long id) =>
        Values.TryGetValue(text, out var value)
            ? value
            : throw new InvalidDataException(
                $"Incident {id} has {column} '{text}', which is not a known {typeof(T).Name} ({string.Join(", ", Values.Keys)}).");
}
