using System.Text.RegularExpressions;

namespace GroupGuard.Core.Rules;

/// <summary>
/// Rule regexes carried over from one load to the next when their pattern is unchanged. Building a
/// NonBacktracking regex is costly (when the shipped packs had ten, they allocated about 136 MB,
/// much of it large arrays; what building leaves behind is let go, <see cref="RegexBuildCaches"/>),
/// and a reload a minute that rebuilt them all left the large-object heap fragmented and the
/// resident size climbing. A Regex is immutable and thread-safe, so the new rule set may share
/// the old one's. Only the patterns of the last finished load and the one in progress are held.
/// </summary>
internal static class RegexReuse
{
    private static readonly Lock Gate = new();
    private static Dictionary<string, Regex> s_last = new(StringComparer.Ordinal);
    private static Dictionary<string, Regex> s_building = new(StringComparer.Ordinal);

    /// <summary>The regex for <paramref name="pattern"/>: the last load's when it had one, else <paramref name="compile"/>'s (which may throw).</summary>
    public static Regex Get(string pattern, Func<string, Regex> compile)
    {
        lock (Gate)
        {
            if (s_building.TryGetValue(pattern, out var regex) || s_last.TryGetValue(pattern, out regex))
            {
                s_building[pattern] = regex;
                return regex;
            }
        }

        var compiled = compile(pattern);
        lock (Gate)
        {
            return s_building.TryAdd(pattern, compiled) ? compiled : s_building[pattern];
        }
    }

    /// <summary>A load finished: its patterns are the ones the next load may reuse; older ones are let go.</summary>
    public static void LoadFinished()
    {
        lock (Gate)
        {
            s_last = s_building;
            s_building = new Dictionary<string, Regex>(StringComparer.Ordinal);
        }
    }
}
