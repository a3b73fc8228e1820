using System.Globalization;
using System.Text;

namespace GroupGuard.Core.Text;

/// <summary>
/// Hanzi → pinyin (pinyin-data, see NOTICE), for rules with <c>pinyin: true</c>: a term is also
/// matched written in full pinyin (shabi), in initials (sb), and in mixed forms (傻b, sha逼).
/// </summary>
internal static class Pinyin
{
    /// <summary>Terms longer than this get only the all-pinyin and all-initials forms, not every mix.</summary>
    private const int MaxMixedHanzi = 4;

    private static readonly Lazy<Dictionary<int, string>> Readings = new(Load);

    /// <summary>The toneless default reading of a hanzi (ü written v), or null.</summary>
    public static string? Of(int codePoint) => Readings.Value.TryGetValue(codePoint, out var r) ? r : null;

    /// <summary>
    /// Every pinyin form of a folded term except the term itself: each hanzi as itself, its full
    /// pinyin or its initial. Empty when the term has no hanzi with a reading.
    /// </summary>
    public static IReadOnlyList<string> Variants(string folded)
    {
        var options = new List<string[]>();
        var hanzi = 0;
        foreach (var rune in folded.EnumerateRunes())
        {
            var text = rune.ToString();
            var reading = CharTables.IsCjk(rune.Value) ? Of(rune.Value) : null;
            if (reading is null)
            {
                options.Add([text]);
            }
            else
            {
                hanzi++;
                options.Add([text, reading, reading[..1]]);
            }
        }

        if (hanzi == 0)
        {
            return [];
        }

        var results = new HashSet<string>(StringComparer.Ordinal);
        if (hanzi <= MaxMixedHanzi)
        {
            Combine(options, 0, new StringBuilder(), results);
        }
        else
        {
            results.Add(string.Concat(options.Select(o => o.Length > 1 ? o[1] : o[0])));
            results.Add(string.Concat(options.Select(o => o.Length > 1 ? o[2] : o[0])));
        }

        results.Remove(folded);
        return [.. results.Order(StringComparer.Ordinal)];
    }

    private static void Combine(List<string[]> options, int at, StringBuilder prefix, HashSet<string> results)
    {
        if (at == options.Count)
        {
            results.Add(prefix.ToString());
            return;
        }

        foreach (var option in options[at])
        {
            var length = prefix.Length;
            prefix.Append(option);
            Combine(options, at + 1, prefix, results);
            prefix.Length = length;
        }
    }

    private static Dictionary<int, string> Load()
    {
        var map = new Dictionary<int, string>(45_000);
        using var stream = typeof(Pinyin).Assembly.GetManifestResourceStream("GroupGuard.Core.Text.Data.pinyin.txt")
            ?? throw new InvalidOperationException("The pinyin table pinyin.txt is missing from GroupGuard.Core");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        while (reader.ReadLine() is { } line)
        {
            // U+50BB: shǎ  # 傻
            if (!line.StartsWith("U+", StringComparison.Ordinal))
            {
                continue;
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            var hash = line.IndexOf('#', StringComparison.Ordinal);
            if (colon < 0 || !int.TryParse(line.AsSpan(2, colon - 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var code))
            {
                continue;
            }

            var readings = (hash > colon ? line[(colon + 1)..hash] : line[(colon + 1)..]).Trim();
            var first = readings.Split(',')[0].Trim();
            var plain = Toneless(first);
            if (plain.Length > 0)
            {
                map[code] = plain;
            }
        }

        return map;
    }

    private static string Toneless(string reading)
    {
        var builder = new StringBuilder(reading.Length);
        foreach (var c in reading.Normalize(NormalizationForm.FormD))
        {
            if (c == '\u0308')
            {
                // ü: the diaeresis after u; chat writes it v (lv, nv).
                if (builder.Length > 0 && builder[^1] == 'u')
                {
                    builder[^1] = 'v';
                }

                continue;
            }

            if (CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark && char.IsAsciiLetter(c))
            {
                builder.Append(char.ToLowerInvariant(c));
            }
        }

        return builder.ToString();
    }
}
