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
        // Parameter positions, reused for every code: values are only unescaped when asked for.
        List<CqParameter>? parameters = null;
        while (search < source.Length)
        {
            var open = source.IndexOf(Opening, search, StringComparison.Ordinal);
            if (open < 0)
            {
                break;
            }

            parameters ??= new List<CqParameter>(4);
            if (!TryReadCode(source, open, parameters, out var code, out var end))
            {
                search = open + 1;
                continue;
            }

            message.CountSegment();
            AppendUnescaped(message.TextBuilder, source.AsSpan(textStart, open - textStart), inParameter: false);
            V11Segments.Apply(code.Type, code, message);
            textStart = search = end;
        }

        AppendUnescaped(message.TextBuilder, source.AsSpan(textStart), inParameter: false);
    }

    /// <summary>
    /// <paramref name="value"/> with <c>&amp;</c> <c>[</c> <c>]</c> escaped (and <c>,</c> in a
    /// parameter), so it reads back as exactly that text and never as a code.
    /// </summary>
    public static string Escape(string value, bool inParameter)
    {
        if (value.AsSpan().IndexOfAny(inParameter ? "&[]," : "&[]") < 0)
        {
            return value;
        }

        var builder = new StringBuilder(value.Length + 16);
        foreach (var c in value)
        {
            _ = c switch
            {
                '&' => builder.Append("&amp;"),
                '[' => builder.Append("&#91;"),
                ']' => builder.Append("&#93;"),
                ',' when inParameter => builder.Append("&#44;"),
                _ => builder.Append(c),
            };
        }

        return builder.ToString();
    }

    /// <summary>Text with the CQ escapes undone, in one pass (so <c>&amp;amp;#91;</c> stays <c>&amp;#91;</c>).</summary>
    public static string Unescape(ReadOnlySpan<char> value, bool inParameter)
    {
        if (!value.Contains('&'))
        {
            return value.ToString();
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
    private static bool TryReadCode(string source, int open, List<CqParameter> parameters, out CqSegmentData code, out int end)
    {
        code = default;
        end = 0;
        parameters.Clear();
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

        var typeEnd = position;
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

            var keyEnd = position;
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

            parameters.Add(new CqParameter(keyStart, keyEnd - keyStart, valueStart, position - valueStart));
        }

        if (source[position] != ']')
        {
            return false;
        }

        code = new CqSegmentData(source[typeStart..typeEnd], source, parameters);
        end = position + 1;
        return true;
    }

    private static bool IsNameChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.';
}

internal readonly record struct CqParameter(int KeyStart, int KeyLength, int ValueStart, int ValueLength);

/// <summary>One parsed CQ code: positions in the source; a value is unescaped when read.</summary>
internal readonly struct CqSegmentData(string type, string source, List<CqParameter> parameters) : ISegmentData
{
    public string Type => type;

    public string? Get(string key)
    {
        foreach (var parameter in parameters)
        {
            if (source.AsSpan(parameter.KeyStart, parameter.KeyLength).SequenceEqual(key))
            {
                return CqCode.Unescape(source.AsSpan(parameter.ValueStart, parameter.ValueLength), inParameter: true);
            }
        }

        return null;
    }
}
