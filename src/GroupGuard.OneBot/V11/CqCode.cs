using System.Text;
using GroupGuard.OneBot.Parsing;

namespace GroupGuard.OneBot.V11;

/// <summary>
/// The CQ-code string form of a v11 message: <c>text[CQ:type,key=value,…]text</c>. Text escapes
/// <c>&amp;</c> <c>[</c> <c>]</c> as <c>&amp;amp;</c> <c>&amp;#91;</c> <c>&amp;#93;</c>; parameter values also escape
/// <c>,</c> as <c>&amp;#44;</c>. A bracket that is not a well-formed code is text, never an error.
/// </summary>
internal static class CqCode
{
    private const string Opening = "[CQ:";

    /// <summary>Feeds the text runs and the codes of <paramref name="source"/> to <paramref name="message"/> in order.</summary>
    public static void Parse(string source, MessageAccumulator message)
    {
        var textStart = 0;
        var search = 0;
        while (search < source.Length)
        {
            var open = source.IndexOf(Opening, search, StringComparison.Ordinal);
            if (open < 0)
            {
                break;
            }

            if (!TryReadCode(source, open, out var code, out var end))
            {
                search = open + 1;
                continue;
            }

            AppendUnescaped(message.TextBuilder, source.AsSpan(textStart, open - textStart), inParameter: false);
            V11Segments.Apply(code.Type, code, message);
            textStart = search = end;
        }

        AppendUnescaped(message.TextBuilder, source.AsSpan(textStart), inParameter: false);
    }

    /// <summary>Text with the CQ escapes undone, in one pass (so <c>&amp;amp;#91;</c> stays <c>&amp;#91;</c>).</summary>
    public static string Unescape(string value, bool inParameter)
    {
        if (!value.Contains('&', StringComparison.Ordinal))
        {
            return value;
        }

        var builder = new StringBuilder(value.Length);
        AppendUnescaped(builder, value, inParameter);
        return builder.ToString();
    }

    public static void AppendUnescaped(StringBuilder builder, ReadOnlySpan<char> text, bool inParameter)
    {
        while (!text.IsEmpty)
        {
            var amp = text.IndexOf('&');
            if (amp < 0)
            {
                builder.Append(text);
                return;
            }

            builder.Append(text[..amp]);
            text = text[amp..];
            if (text.StartsWith("&amp;", StringComparison.Ordinal))
            {
                builder.Append('&');
                text = text[5..];
            }
            else if (text.StartsWith("&#91;", StringComparison.Ordinal))
            {
                builder.Append('[');
                text = text[5..];
            }
            else if (text.StartsWith("&#93;", StringComparison.Ordinal))
            {
                builder.Append(']');
                text = text[5..];
            }
            else if (inParameter && text.StartsWith("&#44;", StringComparison.Ordinal))
            {
                builder.Append(',');
                text = text[5..];
            }
            else
            {
                builder.Append('&');
                text = text[1..];
            }
        }
    }

    /// <summary>
    /// Reads <c>[CQ:type(,key=value)*]</c> at <paramref name="open"/>: type and keys are word
    /// characters, values hold no bracket. <paramref name="end"/> is just past the closing bracket.
    /// </summary>
    private static bool TryReadCode(string source, int open, out CqSegmentData code, out int end)
    {
        code = default;
        end = 0;
        var position = open + Opening.Length;
        var typeStart = position;
        while (position < source.Length && IsNameChar(source[position]))
        {
            position++;
        }

        if (position == typeStart || position >= source.Length)
        {
            return false;
        }

        var type = source[typeStart..position];
        List<KeyValuePair<string, string>>? parameters = null;
        while (source[position] == ',')
        {
            position++;
            var keyStart = position;
            while (position < source.Length && IsNameChar(source[position]))
            {
                position++;
            }

            if (position == keyStart || position >= source.Length || source[position] != '=')
            {
                return false;
            }

            var key = source[keyStart..position];
            position++;
            var valueStart = position;
            while (position < source.Length && source[position] is not (',' or ']' or '['))
            {
                position++;
            }

            if (position >= source.Length || source[position] == '[')
            {
                return false;
            }

            parameters ??= new List<KeyValuePair<string, string>>(2);
            parameters.Add(new(key, Unescape(source[valueStart..position], inParameter: true)));
        }

        if (source[position] != ']')
        {
            return false;
        }

        code = new CqSegmentData(type, parameters);
        end = position + 1;
        return true;
    }

    private static bool IsNameChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.';
}

/// <summary>One parsed CQ code.</summary>
internal readonly struct CqSegmentData(string type, List<KeyValuePair<string, string>>? parameters) : ISegmentData
{
    public string Type => type;

    public string? Get(string key)
    {
        if (parameters is null)
        {
            return null;
        }

        foreach (var (name, value) in parameters)
        {
            if (name == key)
            {
                return value;
            }
        }

        return null;
    }
}
