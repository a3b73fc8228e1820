using System.Text;

namespace GroupGuard.Core.Digests;

/// <summary>
/// Keeps text that group members and platforms choose (names, messages, error texts) from acting
/// as markup in the robots' Markdown dialects (WeCom, DingTalk, Feishu). None of them reliably
/// honours backslash escapes, so markup characters become their full-width look-alikes and bare
/// URLs lose their autolink: the leader still reads the text, but it cannot add links, images,
/// emphasis, headings, tags, mentions or lines of its own. Every replacement is one character for
/// one, so a text keeps its length. An underscore inside a word (<c>delete_msg</c>, <c>user_id</c>:
/// between ASCII letters or digits) stays as it is: CommonMark reads no emphasis there (an older
/// renderer might italicise a piece of a word, never add a link or a line), and an API or setting
/// name in a platform's error must read as written, to be searched for. Every other underscore,
/// which could open or close emphasis, is defused.
/// </summary>
public static partial class DigestMarkup
{
    /// <summary>One piece of foreign text for a Markdown line: markup defused, line breaks made spaces.</summary>
    public static string Escape(string? text) => Defuse(text, keepLineEnds: false);

    /// <summary>A whole foreign-built text (its line ends kept) for a dialect that reads markup in plain messages (Feishu).</summary>
    public static string EscapeKeepingLines(string? text) => Defuse(text, keepLineEnds: true);

    /// <summary>
    /// <see cref="EscapeKeepingLines(string?)"/>, but each of <paramref name="keep"/> (GroupGuard's own
    /// links, <see cref="OwnLinks"/>) stays as written wherever it occurs, so that it still links;
    /// everything around them is defused.
    /// </summary>
    public static string EscapeKeepingLines(string? text, IReadOnlyCollection<string> keep)
    {
        ArgumentNullException.ThrowIfNull(keep);
        if (string.IsNullOrEmpty(text) || keep.Count == 0)
        {
            return EscapeKeepingLines(text);
        }

        var builder = new StringBuilder(text.Length);
        var start = 0;
        while (start < text.Length)
        {
            // The nearest of them, the longest where two start at one place.
            var (at, length) = (-1, 0);
            foreach (var link in keep.Where(k => k.Length > 0))
            {
                var found = text.IndexOf(link, start, StringComparison.Ordinal);
                if (found >= 0 && (at < 0 || found < at || (found == at && link.Length > length)))
                {
                    (at, length) = (found, link.Length);
                }
            }

            if (at < 0)
            {
                builder.Append(Defuse(text[start..], keepLineEnds: true));
                break;
            }

            builder.Append(Defuse(text[start..at], keepLineEnds: true)).Append(text, at, length);
            start = at + length;
        }

        return builder.ToString();
    }

    /// <summary>
    /// The addresses of GroupGuard's own links in a Markdown rendering (<c>[详情](…)</c>, <see cref="ConsoleLinks"/>).
    /// Only GroupGuard can have written one: what members and platforms write has its brackets
    /// defused there (<see cref="Escape"/>). A channel that defuses the plain text keeps these whole.
    /// </summary>
    public static IReadOnlyList<string> OwnLinks(string? markdown) =>
        string.IsNullOrEmpty(markdown) ? [] : [.. OwnLink().Matches(markdown).Select(m => m.Groups[1].Value).Distinct(StringComparer.Ordinal)];

    [System.Text.RegularExpressions.GeneratedRegex(@"\[详情\]\((https?://[^\s()<>]+)\)")]
    private static partial System.Text.RegularExpressions.Regex OwnLink();

    /// <summary>
    /// A piece for a plain-text line: only line breaks (and other control characters) become spaces,
    /// so a name or message cannot start a line that looks like the digest's own.
    /// </summary>
    public static string OneLine(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "";
        }

        return string.Create(text.Length, text, static (chars, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                chars[i] = char.IsControl(source[i]) || source[i] is '\u2028' or '\u2029' ? ' ' : source[i];
            }
        });
    }

    private static string Defuse(string? text, bool keepLineEnds)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "";
        }

        var builder = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            builder.Append(c switch
            {
                '\n' when keepLineEnds => '\n',
                _ when char.IsControl(c) || c is '\u2028' or '\u2029' => ' ',
                '[' => '［',
                ']' => '］',
                '(' => '（',
                ')' => '）',
                '*' => '＊',
                '_' when !(i > 0 && char.IsAsciiLetterOrDigit(text[i - 1]) && i + 1 < text.Length && char.IsAsciiLetterOrDigit(text[i + 1])) => '＿',
                '`' => '｀',
                '#' => '＃',
                '<' => '＜',
                '>' => '＞',
                '|' => '｜',
                '~' => '～',
                '!' => '！',
                '\\' => '＼',
                // Entities (&#91; for '[') would otherwise bring the markup back in some renderers.
                '&' => '＆',
                // "http://", "ftp://": clients link a bare address on sight.
                ':' when At(text, i + 1, "//") => '：',
                // "www.example.com" is linked without a scheme too.
                '.' when i >= 3 && At(text, i - 3, "www") && (i == 3 || !char.IsAsciiLetterOrDigit(text[i - 4])) => '．',
                _ => c,
            });
        }

        return builder.ToString();
    }

    private static bool At(string text, int index, string expected) =>
        index + expected.Length <= text.Length
        && text.AsSpan(index, expected.Length).Equals(expected, StringComparison.OrdinalIgnoreCase);
}
