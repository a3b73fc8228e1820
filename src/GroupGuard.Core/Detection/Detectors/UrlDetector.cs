using System.Buffers;
using System.Collections.Frozen;
using System.Globalization;
using System.Text;

namespace GroupGuard.Core.Detection.Detectors;

/// <summary>
/// <c>url</c>: links. Three shapes are recognised:
/// <list type="bullet">
/// <item><c>http://</c> or <c>https://</c> (any case, ASCII or full-width colon) and a dotted host;</item>
/// <item>a host starting <c>www.</c> with at least three labels;</item>
/// <item>a bare host whose last label is one of <see cref="TopLevelDomains"/> (<c>abc.xyz</c>,
/// <c>example.com/path</c>). File extensions such as pdf, zip, py or md are deliberately not in
/// that list, so <c>report.pdf</c>, version numbers, decimals and IP addresses without a scheme
/// are not links; nor is a top-level domain in mixed case (<c>work.Today</c>: a sentence run on
/// after a full stop), a host written with 。 in mixed case (<c>好的OK。me</c>), or a name in
/// <see cref="NamesNotLinks"/> (<c>ASP.NET</c>).</item>
/// </list>
/// Hosts are ASCII letters, digits and hyphens separated by dots, where a dot may also be written
/// full-width (．) or as the ideographic full stop (。), a common way around link filters. A host
/// is judged as a browser reads it: characters a browser maps to ASCII letters and digits
/// (full-width <c>ｅｖｉｌ</c>, mathematical <c>𝐞𝐯𝐢𝐥</c>: NFKC) count as them, invisible ones (soft
/// hyphen, zero-width space: Unicode's default-ignorable characters) inside a host are dropped,
/// and after <c>http(s)://</c> a label may be any letters (<c>例子.中国</c>), compared in punycode
/// (UTS-46, <see cref="IdnMapping"/>); a label begun in ASCII ends at a CJK character
/// (<c>https://evil.com看看</c> is evil.com). The evidence is the link as written. A port
/// and a path, query or fragment may follow; the link stops at whitespace, any non-ASCII
/// character (CJK text and punctuation), quotes, angle/square/curly brackets and an unmatched
/// <c>)</c>, and sentence punctuation at its end is left out. A user name and password before the
/// host (<c>http://qq.com@evil.com</c>, <c>https://user:pw@evil.com</c>) are part of the link,
/// and the host judged is the one after the last <c>@</c> before the path, as a browser reads it.
/// Not links: a host right after <c>@</c> without a scheme before it (e-mail addresses),
/// <c>/</c>, <c>\</c> or <c>_</c> (file paths), or after another scheme (<c>ftp://</c>). The
/// value is the link as written, scheme and path included.
/// </summary>
internal sealed class UrlDetector : IDetector
{
    public const string DetectorName = "url";

    private const int MaxHostLength = 253;
    private const int MaxLabelLength = 63;

    private static readonly SearchValues<char> Dots = SearchValues.Create(".．。");

    /// <summary>Top-level domains accepted for links written without scheme or www.</summary>
    public static readonly FrozenSet<string> TopLevelDomains = FrozenSet.Create(
        StringComparer.OrdinalIgnoreCase,
        // Generic.
        "com", "net", "org", "edu", "gov", "info", "biz", "pro", "mobi", "asia",
        // Country codes common in Chinese chat and in short links (bit.ly, t.me, goo.gl, t.co).
        "cn", "hk", "mo", "tw", "sg", "jp", "kr", "uk", "de", "fr", "ru", "co", "cc", "tv", "me",
        "ly", "gl", "gd", "ws", "pw", "tk", "ml", "ga", "cf", "gq", "la", "su", "vn",
        // New gTLDs popular with cheap registrations and spam.
        "xyz", "top", "vip", "club", "site", "online", "shop", "store", "tech", "fun", "icu", "work",
        "ltd", "wang", "ren", "link", "live", "app", "dev", "io", "cloud", "cyou", "buzz", "space",
        "website", "kim", "xin", "vin", "cfd", "sbs");

    /// <summary>
    /// Names written like a host with a known top-level domain that chat means as names, not links,
    /// when written without a scheme or www. (as read, lower case): the .NET family (ASP.NET Core,
    /// VB.NET开发).
    /// </summary>
    public static readonly FrozenSet<string> NamesNotLinks = FrozenSet.Create(
        StringComparer.Ordinal,
        "asp.net", "vb.net", "ado.net", "ml.net");

    private static readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> NamesLookup =
        NamesNotLinks.GetAlternateLookup<ReadOnlySpan<char>>();

    private static readonly SearchValues<char> AsciiLetters =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");

    private static readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> TldLookup =
        TopLevelDomains.GetAlternateLookup<ReadOnlySpan<char>>();

    private readonly DomainList _allow;
    private readonly DomainList _deny;

    public UrlDetector()
        : this(DomainList.Empty, DomainList.Empty)
    {
    }

    /// <summary>
    /// Links on <paramref name="allow"/> are never reported; when <paramref name="deny"/> is not
    /// empty, only links on it are (and allow still wins).
    /// </summary>
    public UrlDetector(DomainList allow, DomainList deny)
    {
        _allow = allow;
        _deny = deny;
    }

    public string Name => DetectorName;

    public void Find(string text, List<DetectorMatch> matches)
    {
        var span = text.AsSpan();
        var i = 0;
        while (i < span.Length)
        {
            var next = span[i..].IndexOfAny(Dots);
            if (next < 0)
            {
                return;
            }

            i = ScanAt(text, i, i + next, matches);
        }
    }

    /// <summary>Looks at the host around the dot at <paramref name="dot"/>; returns where to go on.</summary>
    private int ScanAt(string text, int floor, int dot, List<DetectorMatch> matches)
    {
        var span = text.AsSpan();
        var hostStart = HostStart(span, floor, dot, wide: false);

        // Letters beyond ASCII (例子.中国, bücher.de) make a host only right after http(s)://.
        var wide = false;
        if (hostStart == dot || LinkStart(span, hostStart) == hostStart)
        {
            var wideStart = HostStart(span, floor, dot, wide: true);
            if (wideStart < hostStart && LinkStart(span, wideStart) is var start && start >= 0 && start != wideStart)
            {
                hostStart = wideStart;
                wide = true;
            }
        }

        if (hostStart == dot)
        {
            return dot + 1;
        }

        var hostEnd = HostEnd(span, hostStart, wide, out var labels);
        if (hostEnd < 0)
        {
            return Math.Max(dot + 1, -hostEnd);
        }

        var linkStart = LinkStart(span, hostStart);
        if (linkStart < 0 || labels < 2)
        {
            return Math.Max(dot + 1, hostEnd);
        }

        // http://qq.com@evil.com: what stands before the last @ of the authority is a user name
        // (and password), which a browser sends to the host after it: that host is the link's.
        if (linkStart != hostStart && LastAtOfAuthority(span, hostEnd) is var at and >= 0)
        {
            hostStart = at + 1;
            wide = true;
            hostEnd = HostEnd(span, hostStart, wide, out labels);
            if (hostEnd < 0)
            {
                return Math.Max(dot + 1, -hostEnd);
            }
        }

        // The host as a browser reads it, lower case: ASCII as written, or mapped (NFKC, invisible
        // characters dropped, punycode).
        var written = span[hostStart..hostEnd];
        Span<char> buffer = stackalloc char[Math.Min(written.Length, MaxHostLength + 1)];
        scoped ReadOnlySpan<char> host;
        if (Ascii.IsValid(written))
        {
            if (written.Length > MaxHostLength)
            {
                return Math.Max(dot + 1, hostEnd);
            }

            DomainList.Fold(written, buffer);
            host = buffer[..written.Length];
        }
        else
        {
            host = Map(written);
        }

        var tld = host[(host.LastIndexOf('.') + 1)..];
        if (host.Length > MaxHostLength
            || (linkStart == hostStart && !IsBareLink(host, labels, tld, written)))
        {
            return Math.Max(dot + 1, hostEnd);
        }

        var linkEnd = LinkEnd(span, hostEnd);
        if (IsReported(host))
        {
            matches.Add(new DetectorMatch(linkStart, linkEnd - linkStart, text[linkStart..linkEnd]));
        }

        return linkEnd;
    }

    /// <summary>Where the host holding the dot at <paramref name="dot"/> begins (<paramref name="dot"/> when it has no first label).</summary>
    private static int HostStart(ReadOnlySpan<char> span, int floor, int dot, bool wide)
    {
        var hostStart = dot;
        while (hostStart > floor && IsLabelChar(span, hostStart - 1, wide))
        {
            hostStart--;
        }

        while (hostStart < dot && span[hostStart] == '-')
        {
            hostStart++;
        }

        return hostStart;
    }

    /// <summary>
    /// A host as a browser reads it (UTS-46): default-ignorable characters dropped, dots folded,
    /// NFKC, then punycode for labels beyond ASCII; lower case. A host IDNA refuses is compared
    /// as folded.
    /// </summary>
    private static string Map(ReadOnlySpan<char> written)
    {
        var builder = new StringBuilder(written.Length);
        foreach (var rune in written.EnumerateRunes())
        {
            if (IsIgnorable(rune.Value))
            {
                continue;
            }

            if (rune.Value is '．' or '。' or '｡')
            {
                builder.Append('.');
            }
            else
            {
                builder.Append(rune.ToString());
            }
        }

        var normal = builder.ToString().Normalize(NormalizationForm.FormKC);
        if (!Ascii.IsValid(normal))
        {
            try
            {
                normal = new IdnMapping { UseStd3AsciiRules = true }.GetAscii(normal);
            }
            catch (ArgumentException)
            {
                // Not a name a browser would go to; judged as written.
            }
        }

        return normal.ToLowerInvariant();
    }

    /// <summary>
    /// End of the host starting at <paramref name="start"/>: labels joined by dots. Negative (minus
    /// where it stopped) when a label is too long or starts or ends with a hyphen.
    /// </summary>
    private static int HostEnd(ReadOnlySpan<char> span, int start, bool wide, out int labels)
    {
        labels = 0;
        var pos = start;
        while (true)
        {
            var labelStart = pos;
            var length = 0;
            var ascii = false;
            while (pos < span.Length && IsLabelChar(span, pos, wide))
            {
                var c = span[pos];
                if (c < 0x80 || !IsIgnorable(CodePointAt(span, pos)))
                {
                    length++;
                }

                // A label begun in ASCII ends at a CJK character: https://evil.com看看 is evil.com.
                if (wide && ascii && c >= 0x80 && !IsMappedToAscii(CodePointAt(span, pos))
                    && CharUnicodeInfo.GetUnicodeCategory(CodePointAt(span, pos)) == UnicodeCategory.OtherLetter)
                {
                    break;
                }

                ascii |= c < 0x80 || IsMappedToAscii(CodePointAt(span, pos));
                pos++;
            }

            if (length is 0 or > MaxLabelLength || span[labelStart] == '-' || span[pos - 1] == '-')
            {
                return -Math.Max(pos, start + 1);
            }

            labels++;
            if (pos + 1 < span.Length && Dots.Contains(span[pos]) && IsLabelChar(span, pos + 1, wide))
            {
                pos++;
                continue;
            }

            return pos;
        }
    }

    /// <summary>
    /// Where the link begins: at the scheme when http(s):// is right before the host, else at the
    /// host; -1 when the host is part of an e-mail address, a path or another scheme's URL.
    /// </summary>
    private static int LinkStart(ReadOnlySpan<char> span, int hostStart)
    {
        if (hostStart == 0)
        {
            return 0;
        }

        var before = span[hostStart - 1];
        if (before == '/' && hostStart >= 3 && span[hostStart - 2] == '/' && span[hostStart - 3] is ':' or '：')
        {
            var schemeEnd = hostStart - 3;
            if (EndsWithIgnoreCase(span[..schemeEnd], "https"))
            {
                return schemeEnd - 5;
            }

            return EndsWithIgnoreCase(span[..schemeEnd], "http") ? schemeEnd - 4 : -1;
        }

        if (before == '@')
        {
            // A host after a user name is a link's only after a scheme (https://user:pw@host);
            // otherwise it is an e-mail address.
            var at = hostStart - 1;
            while (at > 0 && IsUserInfoChar(span, at - 1))
            {
                at--;
            }

            if (at < 3 || span[at - 1] != '/')
            {
                return -1;
            }

            var scheme = LinkStart(span, at);
            return scheme >= 0 && scheme != at ? scheme : -1;
        }

        return before is '/' or '\\' or '_' ? -1 : hostStart;
    }

    /// <summary>
    /// The last '@' of the authority that goes on at <paramref name="from"/> (a host's end), before
    /// the path, query or fragment and within what a link holds; -1 when there is none.
    /// </summary>
    private static int LastAtOfAuthority(ReadOnlySpan<char> span, int from)
    {
        var at = -1;
        for (var i = from; i < span.Length && IsUserInfoChar(span, i); i++)
        {
            if (span[i] == '@')
            {
                at = i;
            }
        }

        return at;
    }

    /// <summary>
    /// Whether the character at <paramref name="i"/> can stand in a link's user name, password or
    /// port: what a link's path may hold but for '/', '?' and '#' (which end the authority), and
    /// what a host may (full-width ｑｑ．ｃｏｍ, a full-width colon).
    /// </summary>
    private static bool IsUserInfoChar(ReadOnlySpan<char> span, int i)
    {
        var c = span[i];
        if (c < 0x80)
        {
            return c > ' ' && c != '\u007f' && c is not ('/' or '?' or '#' or '"' or '\'' or '<' or '>' or '`' or '[' or ']' or '{' or '}' or '|' or '\\' or '^');
        }

        return c is '：' || Dots.Contains(c) || IsLabelChar(span, i, wide: false);
    }

    private static bool EndsWithIgnoreCase(ReadOnlySpan<char> span, string value) =>
        span.EndsWith(value, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// A link without a scheme: www.host.tld, or host.tld with a known top-level domain
    /// (<paramref name="host"/> and <paramref name="tld"/> as read, <paramref name="written"/> as written)
    /// that is none of <see cref="NamesNotLinks"/> and, written with the ideographic full stop (。),
    /// is in one case.
    /// </summary>
    private static bool IsBareLink(ReadOnlySpan<char> host, int labels, ReadOnlySpan<char> tld, ReadOnlySpan<char> written)
    {
        if (labels >= 3 && host.Length > 4 && host.StartsWith("www.", StringComparison.Ordinal))
        {
            return tld.Length >= 2 && !tld.ContainsAnyExcept(AsciiLetters);
        }

        // "work.Today": a sentence run on after a full stop, not a link; links are written in one case.
        var writtenTld = written[(written.LastIndexOfAny(Dots) + 1)..];
        if (!TldLookup.Contains(tld) || HasBothCases(writtenTld) || NamesLookup.Contains(host))
        {
            return false;
        }

        // "好的OK。me too": 。 ends a Chinese sentence, so a host written with it (abc。com, a way
        // around link filters) is taken for one only in one case, as such evasions are written.
        return !written.Contains('。') || !HasBothCases(written);
    }

    private static bool HasBothCases(ReadOnlySpan<char> text)
    {
        bool upper = false, lower = false;
        foreach (var c in text)
        {
            upper |= char.IsUpper(c);
            lower |= char.IsLower(c);
        }

        return upper && lower;
    }

    /// <summary>End of the link after its host: an optional port, then a path, query or fragment.</summary>
    private static int LinkEnd(ReadOnlySpan<char> span, int hostEnd)
    {
        var end = hostEnd;
        if (end + 1 < span.Length && span[end] == ':' && char.IsAsciiDigit(span[end + 1]))
        {
            end++;
            while (end < span.Length && char.IsAsciiDigit(span[end]))
            {
                end++;
            }
        }

        if (end >= span.Length || span[end] is not ('/' or '?' or '#'))
        {
            return end;
        }

        var open = 0;
        while (end < span.Length)
        {
            var c = span[end];
            if (c <= ' ' || c >= '\u007f' || c is '"' or '\'' or '<' or '>' or '`' or '[' or ']' or '{' or '}' or '|' or '\\' or '^')
            {
                break;
            }

            if (c == '(')
            {
                open++;
            }
            else if (c == ')')
            {
                if (open == 0)
                {
                    break;
                }

                open--;
            }

            end++;
        }

        while (end > hostEnd && span[end - 1] is '.' or ',' or ';' or ':' or '!' or '?')
        {
            end--;
        }

        return end;
    }

    /// <summary>Whether the host, as read (lower case, ASCII dots, punycode), is reported.</summary>
    private bool IsReported(ReadOnlySpan<char> host) =>
        (_allow.IsEmpty && _deny.IsEmpty) || (!_allow.Contains(host) && (_deny.IsEmpty || _deny.Contains(host)));

    /// <summary>
    /// Whether the character at <paramref name="i"/> (a surrogate judged with its partner) can be
    /// in a host: ASCII letters, digits and hyphens, what NFKC makes one of them, invisible
    /// characters, and with <paramref name="wide"/> any letter, mark or digit.
    /// </summary>
    private static bool IsLabelChar(ReadOnlySpan<char> span, int i, bool wide)
    {
        var c = span[i];
        if (char.IsAsciiLetterOrDigit(c) || c == '-')
        {
            return true;
        }

        if (c < 0x80)
        {
            return false;
        }

        var codePoint = CodePointAt(span, i);
        if (IsIgnorable(codePoint) || IsMappedToAscii(codePoint))
        {
            return true;
        }

        return wide && CharUnicodeInfo.GetUnicodeCategory(codePoint) is UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter
            or UnicodeCategory.TitlecaseLetter or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter
            or UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.DecimalDigitNumber;
    }

    private static int CodePointAt(ReadOnlySpan<char> span, int i)
    {
        var c = span[i];
        if (char.IsHighSurrogate(c) && i + 1 < span.Length && char.IsLowSurrogate(span[i + 1]))
        {
            return char.ConvertToUtf32(c, span[i + 1]);
        }

        return char.IsLowSurrogate(c) && i > 0 && char.IsHighSurrogate(span[i - 1]) ? char.ConvertToUtf32(span[i - 1], c) : c;
    }

    /// <summary>A character NFKC turns into one ASCII letter, digit or hyphen (full-width ｅ, mathematical 𝐞, circled ⓔ).</summary>
    private static bool IsMappedToAscii(int codePoint)
    {
        if (codePoint is >= 0xFF00 and <= 0xFFEF)
        {
            return codePoint is (>= 0xFF10 and <= 0xFF19) or (>= 0xFF21 and <= 0xFF3A) or (>= 0xFF41 and <= 0xFF5A) or 0xFF0D;
        }

        // Only these blocks hold letters and digits that NFKC makes ASCII (ª, ¹, ᵉ, ₑ, ℯ, Ⅰ, ⓔ, 𝐞, 🄴):
        // the rest (CJK text and its punctuation above all) is spared the normalisation.
        if (codePoint is not ((>= 0xAA and <= 0xBA) or (>= 0x2B0 and <= 0x2FF) or (>= 0x1D00 and <= 0x1DBF) or (>= 0x2070 and <= 0x218F)
            or (>= 0x2460 and <= 0x24FF) or (>= 0x1D400 and <= 0x1D7FF) or (>= 0x1F100 and <= 0x1F1FF) or (>= 0x1FBF0 and <= 0x1FBF9)))
        {
            return false;
        }

        var mapped = char.ConvertFromUtf32(codePoint).Normalize(NormalizationForm.FormKC);
        return mapped.Length == 1 && (char.IsAsciiLetterOrDigit(mapped[0]) || mapped[0] == '-');
    }

    /// <summary>Unicode's default-ignorable characters (DerivedCoreProperties): a browser drops them from a host.</summary>
    private static bool IsIgnorable(int codePoint) => codePoint is 0xAD or 0x34F or 0x61C or 0x115F or 0x1160 or 0x17B4 or 0x17B5
        or (>= 0x180B and <= 0x180F) or (>= 0x200B and <= 0x200F) or (>= 0x202A and <= 0x202E) or (>= 0x2060 and <= 0x206F)
        or 0x3164 or (>= 0xFE00 and <= 0xFE0F) or 0xFEFF or 0xFFA0 or (>= 0xFFF0 and <= 0xFFF8) or (>= 0x1BCA0 and <= 0x1BCA3)
        or (>= 0x1D173 and <= 0x1D17A) or (>= 0xE0000 and <= 0xE0FFF);
}
