using System.Buffers;
using System.Collections.Frozen;

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
/// after a full stop).</item>
/// </list>
/// Hosts are ASCII letters, digits and hyphens separated by dots, where a dot may also be written
/// full-width (．) or as the ideographic full stop (。), a common way around link filters. A port
/// and a path, query or fragment may follow; the link stops at whitespace, any non-ASCII
/// character (CJK text and punctuation), quotes, angle/square/curly brackets and an unmatched
/// <c>)</c>, and sentence punctuation at its end is left out. Not links: a host right after
/// <c>@</c> (e-mail addresses), <c>/</c>, <c>\</c> or <c>_</c> (file paths), or after another
/// scheme (<c>ftp://</c>). The value is the link as written, scheme and path included.
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
        var hostStart = dot;
        while (hostStart > floor && IsLabelChar(span[hostStart - 1]))
        {
            hostStart--;
        }

        while (hostStart < dot && span[hostStart] == '-')
        {
            hostStart++;
        }

        if (hostStart == dot)
        {
            return dot + 1;
        }

        var hostEnd = HostEnd(span, hostStart, out var labels, out var tldStart);
        if (hostEnd < 0)
        {
            return Math.Max(dot + 1, -hostEnd);
        }

        var linkStart = LinkStart(span, hostStart);
        if (linkStart < 0 || labels < 2 || hostEnd - hostStart > MaxHostLength
            || (linkStart == hostStart && !IsBareLink(span[hostStart..hostEnd], labels, span[tldStart..hostEnd])))
        {
            return Math.Max(dot + 1, hostEnd);
        }

        var linkEnd = LinkEnd(span, hostEnd);
        if (IsReported(span[hostStart..hostEnd]))
        {
            matches.Add(new DetectorMatch(linkStart, linkEnd - linkStart, text[linkStart..linkEnd]));
        }

        return linkEnd;
    }

    /// <summary>
    /// End of the host starting at <paramref name="start"/>: labels joined by dots. Negative (minus
    /// where it stopped) when a label is too long or starts or ends with a hyphen.
    /// </summary>
    private static int HostEnd(ReadOnlySpan<char> span, int start, out int labels, out int lastLabelStart)
    {
        labels = 0;
        lastLabelStart = start;
        var pos = start;
        while (true)
        {
            var labelStart = pos;
            while (pos < span.Length && IsLabelChar(span[pos]))
            {
                pos++;
            }

            var length = pos - labelStart;
            if (length is 0 or > MaxLabelLength || span[labelStart] == '-' || span[pos - 1] == '-')
            {
                return -Math.Max(pos, start + 1);
            }

            labels++;
            lastLabelStart = labelStart;
            if (pos + 1 < span.Length && Dots.Contains(span[pos]) && IsLabelChar(span[pos + 1]))
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

        return before is '@' or '/' or '\\' or '_' ? -1 : hostStart;
    }

    private static bool EndsWithIgnoreCase(ReadOnlySpan<char> span, string value) =>
        span.EndsWith(value, StringComparison.OrdinalIgnoreCase);

    /// <summary>A link without a scheme: www.host.tld, or host.tld with a known top-level domain.</summary>
    private static bool IsBareLink(ReadOnlySpan<char> host, int labels, ReadOnlySpan<char> tld)
    {
        if (labels >= 3 && host.Length > 4 && host.StartsWith("www", StringComparison.OrdinalIgnoreCase) && Dots.Contains(host[3]))
        {
            return tld.Length >= 2 && !tld.ContainsAnyExcept(AsciiLetters);
        }

        // "work.Today": a sentence run on after a full stop, not a link; links are written in one case.
        return TldLookup.Contains(tld) && (!tld.ContainsAnyInRange('a', 'z') || !tld.ContainsAnyInRange('A', 'Z'));
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

    private bool IsReported(ReadOnlySpan<char> host)
    {
        if (_allow.IsEmpty && _deny.IsEmpty)
        {
            return true;
        }

        Span<char> folded = stackalloc char[host.Length];
        DomainList.Fold(host, folded);
        return !_allow.Contains(folded) && (_deny.IsEmpty || _deny.Contains(folded));
    }

    private static bool IsLabelChar(char c) => char.IsAsciiLetterOrDigit(c) || c == '-';
}
