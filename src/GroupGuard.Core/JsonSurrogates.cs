using System.Numerics;

namespace GroupGuard.Core;

/// <summary>
/// Mends JSON whose strings hold half a UTF-16 surrogate pair as an escape (<c>\ud83d</c> alone): an
/// emoji cut in two by a sender that shortened a string by UTF-16 units, as JavaScript bridges
/// do with nicknames, card prompts and previews. It is valid JSON, but .NET cannot read such a
/// string, so one half emoji anywhere in an event would refuse the whole message, and in a card or
/// a forwarded bundle hide what it holds from the rules. Each lone half becomes <c>\ufffd</c> (�),
/// the same six characters, so every other offset in the text stays where it was.
/// </summary>
public static class JsonSurrogates
{
    /// <summary>
    /// A delivered body as the JSON reader can take it: without the UTF-8 byte order mark some
    /// senders write (the reader does not skip it), and with its lone surrogate escapes mended
    /// (half an emoji would refuse the whole message). The body itself when neither is there.
    /// </summary>
    public static ReadOnlySpan<byte> Readable(ReadOnlySpan<byte> body)
    {
        if (body.StartsWith("\uFEFF"u8))
        {
            body = body[3..];
        }

        return Mended(body) is { } mended ? mended : body;
    }

    /// <summary>A copy of <paramref name="json"/> (UTF-8) with every lone surrogate escape replaced, or null when it has none.</summary>
    public static byte[]? Mended(ReadOnlySpan<byte> json)
    {
        var at = FirstLone(json);
        if (at < 0)
        {
            return null;
        }

        var copy = json.ToArray();
        MendFrom(copy, at);
        return copy;
    }

    /// <summary><paramref name="json"/> with every lone surrogate escape replaced; the same string when it has none.</summary>
    public static string Mended(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        var at = FirstLone(json.AsSpan());
        if (at < 0)
        {
            return json;
        }

        var copy = json.ToCharArray();
        MendFrom(copy.AsSpan(), at);
        return new string(copy);
    }

    private static void MendFrom<T>(Span<T> json, int at)
        where T : unmanaged, IBinaryInteger<T>
    {
        while (at >= 0)
        {
            for (var k = 0; k < 6; k++)
            {
                json[at + k] = T.CreateTruncating(@"\ufffd"[k]);
            }

            var next = FirstLone((ReadOnlySpan<T>)json[(at + 6)..]);
            at = next < 0 ? -1 : at + 6 + next;
        }
    }

    /// <summary>Where the first lone surrogate escape starts (its backslash), or -1.</summary>
    private static int FirstLone<T>(ReadOnlySpan<T> json)
        where T : unmanaged, IBinaryInteger<T>
    {
        var backslash = T.CreateTruncating('\\');
        var i = json.IndexOf(backslash);
        while (i >= 0 && i + 1 < json.Length)
        {
            // Every backslash in valid JSON starts an escape, so stepping escape by escape never
            // reads the second half of \\ as the start of another.
            if (json[i + 1] != T.CreateTruncating('u') || !TryUnit(json, i + 2, out var unit))
            {
                i = Next(json, i + 2);
                continue;
            }

            if (char.IsHighSurrogate(unit))
            {
                if (i + 12 <= json.Length && json[i + 6] == backslash && json[i + 7] == T.CreateTruncating('u')
                    && TryUnit(json, i + 8, out var low) && char.IsLowSurrogate(low))
                {
                    i = Next(json, i + 12); // a whole pair
                    continue;
                }

                return i;
            }

            if (char.IsLowSurrogate(unit))
            {
                return i;
            }

            i = Next(json, i + 6);
        }

        return -1;
    }

    private static int Next<T>(ReadOnlySpan<T> json, int from)
        where T : unmanaged, IBinaryInteger<T>
    {
        if (from >= json.Length)
        {
            return -1;
        }

        var next = json[from..].IndexOf(T.CreateTruncating('\\'));
        return next < 0 ? -1 : from + next;
    }

    private static bool TryUnit<T>(ReadOnlySpan<T> json, int at, out char unit)
        where T : unmanaged, IBinaryInteger<T>
    {
        unit = '\0';
        if (at + 4 > json.Length)
        {
            return false;
        }

        var value = 0;
        for (var k = 0; k < 4; k++)
        {
            var digit = HexValue(int.CreateTruncating(json[at + k]));
            if (digit < 0)
            {
                return false;
            }

            value = (value << 4) | digit;
        }

        unit = (char)value;
        return true;
    }

    private static int HexValue(int c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => -1,
    };
}
