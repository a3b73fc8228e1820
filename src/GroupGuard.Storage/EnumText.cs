using GroupGuard.Core;

namespace GroupGuard.Storage;

/// <summary>
/// Enums are stored as their text (<see cref="WireNames{T}"/>: <c>medium</c>, <c>dry_run</c>,
/// <c>onebot.v11</c>), so the database reads well by hand and survives reordering of enum members.
/// </summary>
internal static class EnumText<T>
    where T : struct, Enum
{
    public static string ToText(T value) => WireNames<T>.ToText(value);

    public static string? ToText(T? value) => value is { } v ? WireNames<T>.ToText(v) : null;

    public static T Parse(string text, string column, long id) =>
        WireNames<T>.TryParse(text, out var value)
            ? value
            : throw new InvalidDataException(
                $"Incident {id} has {column} '{text}', which is not a known {typeof(T).Name} ({string.Join(", ", WireNames<T>.All)}).");

    /// <summary>Parses a stored value; <paramref name="where"/> names the row and column for the error.</summary>
    public static T Parse(string text, string where) =>
        WireNames<T>.TryParse(text, out var value)
            ? value
            : throw new InvalidDataException($"{where} is '{text}', which is not a known {typeof(T).Name} ({string.Join(", ", WireNames<T>.All)}).");

    public static T? ParseOptional(string? text, string column, long id) =>
        text is null ? null : Parse(text, column, id);

    /// <summary>A list as space-separated text (<c>recall mute</c>); empty for none.</summary>
    public static string ListToText(IEnumerable<T> values) => string.Join(' ', values.Select(WireNames<T>.ToText));

    public static IReadOnlyList<T> ParseList(string text, string column, long id) =>
        [.. text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(item => Parse(item, column, id))];
}
