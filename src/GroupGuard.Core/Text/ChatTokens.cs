using System.Text;

namespace GroupGuard.Core.Text;

/// <summary>
/// Tokens that chat apps write into the text and that are no words of the message: faces
/// (<c>[阴险]</c>, <c>[捂脸]</c>, QQ's <c>/斜眼笑</c>) and mentions (<c>@name</c>, <c>//@name:</c>,
/// <c>回复@name:</c>). The folder blanks them when it folds a message: no term matches inside one,
/// and each is a clause break, so no term is stitched through one (<c>@今日悉尼: 哥错捏</c> is not
/// 尼哥). Faces are the names listed in <c>Data/chat-tokens.txt</c>, not any bracketed word: a
/// general rule would let anyone hide a term by bracketing it (<c>[约炮]</c>).
/// </summary>
internal static class ChatTokens
{
    /// <summary>
    /// The longest name a mention may have, in characters: Weibo's limit for a nickname. A longer run
    /// of letters after an @ is taken for text, not a name, so that it is still matched.
    /// </summary>
    public const int MaxMentionLength = 30;

    private static readonly Lazy<Faces> Known = new(Load);

    /// <summary>
    /// The length, in UTF-16 units, of the face or mention that starts at <paramref name="at"/>, or 0
    /// when none does. <paramref name="mention"/> says which it is. Called only where the folded
    /// character is '[', '/' or '@', which most text holds seldom.
    /// </summary>
    public static int Length(ReadOnlySpan<char> text, int at, out bool mention)
    {
        mention = false;
        switch (CharTables.FoldedChar(CharTables.Base[text[at]]))
        {
            case '[':
                return Bracketed(text, at);
            case '/':
                return Slashed(text, at);
            case '@':
                var length = Mention(text, at);
                mention = length > 0;
                return length;
            default:
                return 0;
        }
    }

    /// <summary>The length of the face written as text ([微笑], /斜眼笑) that starts at <paramref name="at"/>, or 0 (a mention is none).</summary>
    public static int FaceLength(ReadOnlySpan<char> text, int at) =>
        Length(text, at, out var mention) is var length && !mention ? length : 0;

    /// <summary>Whether <paramref name="text"/> holds a face written as text ([微笑], /斜眼笑).</summary>
    public static bool HasFace(ReadOnlySpan<char> text)
    {
        var at = 0;
        while (text[at..].IndexOfAny(FaceStarts) is var next and >= 0)
        {
            at += next;
            if (FaceLength(text, at) > 0)
            {
                return true;
            }

            at++;
        }

        return false;
    }

    // What a face starts with, as written: '[' and '/' in either width ('﹇' folds to '[' too, seldom typed).
    private static readonly System.Buffers.SearchValues<char> FaceStarts = System.Buffers.SearchValues.Create("[/\uFF3B\uFF0F\uFE47");

    /// <summary>[name] for a listed name; the brackets in either width.</summary>
    private static int Bracketed(ReadOnlySpan<char> text, int at)
    {
        var faces = Known.Value;
        Span<char> name = stackalloc char[faces.LongestBracketed];
        var n = 0;
        for (var i = at + 1; i < text.Length; i++)
        {
            var entry = CharTables.Base[text[i]];
            if ((CharTables.Flags(entry) & CharFlags.KindMask) != CharFlags.Keep)
            {
                return n > 0 && CharTables.FoldedChar(entry) == ']' && faces.Bracketed.Contains(name[..n]) ? i - at + 1 : 0;
            }

            if (n == name.Length)
            {
                return 0;
            }

            name[n++] = CharTables.FoldedChar(entry);
        }

        return 0;
    }

    /// <summary>/name for a listed QQ face, the longest that fits; not inside a path or link (a/b, x.com/doge).</summary>
    private static int Slashed(ReadOnlySpan<char> text, int at)
    {
        if (at > 0 && (char.IsAsciiLetterOrDigit(text[at - 1]) || text[at - 1] is '/' or '.'))
        {
            return 0;
        }

        var faces = Known.Value;
        Span<char> name = stackalloc char[faces.LongestSlashed];
        var n = 0;
        for (var i = at + 1; i < text.Length && n < name.Length; i++)
        {
            var entry = CharTables.Base[text[i]];
            if ((CharTables.Flags(entry) & CharFlags.KindMask) != CharFlags.Keep)
            {
                break;
            }

            name[n++] = CharTables.FoldedChar(entry);
        }

        for (; n > 0; n--)
        {
            // A Latin name must end where the word does: /doge, not /dogecoin.
            var next = at + 1 + n;
            if (faces.Slashed.Contains(name[..n]) && !(char.IsAsciiLetter(name[n - 1]) && next < text.Length && char.IsAsciiLetterOrDigit(text[next])))
            {
                return n + 1;
            }
        }

        return 0;
    }

    /// <summary>
    /// @name: letters, digits, hanzi, '_' and '-' up to anything else (a space, a colon, punctuation,
    /// an emoji, the end), as Weibo reads a mention. Not an e-mail address (an ASCII letter or digit
    /// right before the @).
    /// </summary>
    private static int Mention(ReadOnlySpan<char> text, int at)
    {
        if (at > 0 && char.IsAsciiLetterOrDigit(text[at - 1]))
        {
            return 0;
        }

        var i = at + 1;
        while (i < text.Length && i - at <= MaxMentionLength + 1)
        {
            var c = text[i];
            if (c is not ('_' or '-') && (CharTables.Flags(CharTables.Base[c]) & CharFlags.KindMask) != CharFlags.Keep)
            {
                break;
            }

            i++;
        }

        var length = i - at - 1;
        return length is > 0 and <= MaxMentionLength ? length + 1 : 0;
    }

    private sealed class Faces(HashSet<string> bracketed, HashSet<string> slashed)
    {
        public HashSet<string>.AlternateLookup<ReadOnlySpan<char>> Bracketed { get; } = bracketed.GetAlternateLookup<ReadOnlySpan<char>>();
        public HashSet<string>.AlternateLookup<ReadOnlySpan<char>> Slashed { get; } = slashed.GetAlternateLookup<ReadOnlySpan<char>>();
        public int LongestBracketed { get; } = bracketed.Max(n => n.Length);
        public int LongestSlashed { get; } = slashed.Max(n => n.Length);
    }

    private static Faces Load()
    {
        var bracketed = new HashSet<string>(StringComparer.Ordinal);
        var slashed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in TextData.Lines("chat-tokens.txt"))
        {
            if (line.Length >= 3 && line[0] == '[' && line[^1] == ']')
            {
                bracketed.Add(FoldName(line[1..^1]));
            }
            else if (line.Length >= 2 && line[0] == '/')
            {
                slashed.Add(FoldName(line[1..]));
            }
        }

        return new Faces(bracketed, slashed);
    }

    /// <summary>A name as the token readers fold it: each character by the base table (NFKC, case, traditional).</summary>
    private static string FoldName(string name)
    {
        var folded = new StringBuilder(name.Length);
        foreach (var c in name)
        {
            var entry = CharTables.Base[c];
            if ((CharTables.Flags(entry) & CharFlags.KindMask) != CharFlags.Keep)
            {
                throw new InvalidOperationException($"chat-tokens.txt: the face name '{name}' holds '{c}', which is not a letter, digit or hanzi");
            }

            folded.Append(CharTables.FoldedChar(entry));
        }

        return folded.ToString();
    }
}
