using System.Collections.Frozen;
using System.Reflection;
using System.Text;
using System.Text.Json.Serialization;

namespace GroupGuard.Core;

/// <summary>
/// The text of an enum value wherever it leaves the process (the database, exports, JSON, the
/// journal): the name given by <see cref="JsonStringEnumMemberNameAttribute"/>, else the member
/// name in snake case (<c>DryRun</c> → <c>dry_run</c>). Renaming a member never changes what is
/// stored, as long as its text is pinned by the attribute.
/// </summary>
public static class WireNames<T>
    where T : struct, Enum
{
    private static readonly FrozenDictionary<T, string> Names = Enum.GetValues<T>().ToFrozenDictionary(v => v, NameOf);

    private static readonly FrozenDictionary<string, T> Values = Names.ToFrozenDictionary(p => p.Value, p => p.Key, StringComparer.Ordinal);

    /// <summary>Every value's text, in declaration order.</summary>
    public static IReadOnlyList<string> All { get; } = [.. Enum.GetValues<T>().Select(v => Names[v])];

    public static string ToText(T value) =>
        Names.TryGetValue(value, out var name)
            ? name
            : throw new ArgumentOutOfRangeException(nameof(value), value, $"{value} is not a defined {typeof(T).Name}.");

    public static bool TryParse(string? text, out T value) => Values.TryGetValue(text ?? "", out value);

    private static string NameOf(T value)
    {
        var member = typeof(T).GetField(value.ToString(), BindingFlags.Public | BindingFlags.Static)!;
        if (member.GetCustomAttribute<JsonStringEnumMemberNameAttribute>() is { } pinned)
        {
            return pinned.Name;
        }

        var name = member.Name;
        var text = new StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0)
            {
                text.Append('_');
            }

            text.Append(char.ToLowerInvariant(name[i]));
        }

        return text.ToString();
    }
}
