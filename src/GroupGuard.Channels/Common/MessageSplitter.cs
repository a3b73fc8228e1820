using System.Globalization;
using System.Text;
using System.Text.Json;

namespace GroupGuard.Channels;

/// <summary>
/// Splits a message that is too long for one robot message into parts sent in order. Parts end at
/// line ends where possible; a single line longer than the limit is cut between characters (never
/// inside a surrogate pair, so never inside a UTF-8 sequence), and before a link it ends with rather
/// than through it (a digest's 详情). The parts concatenate to the input.
/// </summary>
internal static class MessageSplitter
{
    private const string Ellipsis = "…";

    /// <summary>
    /// Splits <paramref name="text"/> into parts whose <paramref name="measure"/> is at most
    /// <paramref name="limit"/>. The measure must add up over concatenation (bytes, characters,
    /// escaped JSON bytes all do). Always returns at least one part.
    /// </summary>
    public static IReadOnlyList<string> Split(string text, int limit, Func<string, int> measure)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        if (measure(text) <= limit)
        {
            return [text];
        }

        var parts = new List<string>();
        var current = new StringBuilder();
        var currentSize = 0;

        void Flush()
        {
            if (current.Length > 0)
            {
                parts.Add(current.ToString());
                current.Clear();
                currentSize = 0;
            }
        }

        var start = 0;
        while (start < text.Length)
        {
            var newline = text.IndexOf('\n', start);
            var end = newline < 0 ? text.Length : newline + 1;
            var line = text[start..end];
            start = end;

            var size = measure(line);
            if (currentSize + size <= limit)
            {
                current.Append(line);
                currentSize += size;
                continue;
            }

            Flush();
            if (size <= limit)
            {
                current.Append(line);
                currentSize = size;
                continue;
            }

            // One line longer than a whole part: cut it between characters, but before the link a
            // digest's line may end with (详情, the bare address in plain text), not through it.
            var link = TrailingLink(line, limit, measure);
            var i = 0;
            while (i < line.Length - link.Length)
            {
                var width = char.IsHighSurrogate(line[i]) && i + 1 < line.Length && char.IsLowSurrogate(line[i + 1]) ? 2 : 1;
                var piece = line.Substring(i, width);
                var pieceSize = measure(piece);
                if (currentSize + pieceSize > limit)
                {
                    Flush();
                }

                current.Append(piece);
                currentSize += pieceSize;
                i += width;
            }

            if (link.Length > 0)
            {
                var linkSize = measure(link);
                if (currentSize + linkSize > limit)
                {
                    Flush();
                }

                current.Append(link);
                currentSize += linkSize;
            }
        }

        Flush();
        return parts;
    }

    /// <summary>
    /// The end of <paramref name="line"/> from the space before a link it ends with (<c>[详情](https://…)</c>
    /// or a bare <c>https://…</c>), its line end included, when that fits a part; else "".
    /// </summary>
    private static string TrailingLink(string line, int limit, Func<string, int> measure)
    {
        var body = line.AsSpan().TrimEnd('\n');
        var space = body.LastIndexOf(' ');
        if (space < 0)
        {
            return "";
        }

        var word = body[(space + 1)..];
        var isLink = word.StartsWith("http://", StringComparison.OrdinalIgnoreCase)
            || word.StartsWith("https://", StringComparison.OrdinalIgnoreCase)
            || word.StartsWith("[详情](http", StringComparison.Ordinal);
        var tail = line[space..];
        return isLink && measure(tail) <= limit ? tail : "";
    }

    /// <summary>
    /// <paramref name="text"/> when its <paramref name="measure"/> is at most <paramref name="limit"/>;
    /// otherwise its longest beginning, cut between whole characters (never inside a surrogate pair
    /// or a character's combining marks), that fits with "…" after it. The measure must add up over
    /// concatenation, and "…" must fit the limit.
    /// </summary>
    public static string Shorten(string text, int limit, Func<string, int> measure)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, measure(Ellipsis));
        if (measure(text) <= limit)
        {
            return text;
        }

        var budget = limit - measure(Ellipsis);
        var end = 0;
        var size = 0;
        while (end < text.Length)
        {
            var width = StringInfo.GetNextTextElementLength(text, end);
            var elementSize = measure(text.Substring(end, width));
            if (size + elementSize > budget)
            {
                break;
            }

            size += elementSize;
            end += width;
        }

        return string.Concat(text.AsSpan(0, end), Ellipsis);
    }

    public static int Utf8Bytes(string text) => Encoding.UTF8.GetByteCount(text);

    public static int Utf16Chars(string text) => text.Length;

    /// <summary>
    /// The UTF-8 bytes of <paramref name="text"/> as a string value in a body
    /// <see cref="ChannelHttp.Serialize"/> writes, escapes included (without the quotes): for a
    /// robot whose limit is on the whole body.
    /// </summary>
    public static int JsonBytes(string text) =>
        JsonEncodedText.Encode(text, ChannelHttp.Json.Encoder).EncodedUtf8Bytes.Length;

    /// <summary>Replaces unpaired surrogates (which JSON writers refuse) with U+FFFD.</summary>
    public static string Sanitize(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                return SanitizeSlow(text);
            }
        }

        return text;
    }

    private static string SanitizeSlow(string text)
    {
        var builder = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                builder.Append(c).Append(text[i + 1]);
                i++;
            }
            else
            {
                builder.Append(char.IsSurrogate(c) ? '\uFFFD' : c);
            }
        }

        return builder.ToString();
    }
}
