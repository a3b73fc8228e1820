namespace GroupGuard.Core.Detection.Detectors;

/// <summary>
/// A rule's <c>allow_domains</c> or <c>deny_domains</c>. <c>example.com</c> covers the domain and
/// its subdomains; <c>*.example.com</c> covers only subdomains. A single label (<c>xyz</c>)
/// covers a whole top-level domain. Stored lower case with full-width dots folded; hosts are
/// compared the same way.
/// </summary>
internal sealed class DomainList
{
    private const int MaxHostLength = 253;
    private const int MaxLabelLength = 63;

    private readonly Entry[] _entries;

    private DomainList(Entry[] entries) => _entries = entries;

    public static DomainList Empty { get; } = new([]);

    public bool IsEmpty => _entries.Length == 0;

    public static DomainList? Parse(IReadOnlyList<string> domains, string key, out string? error)
    {
        error = null;
        if (domains.Count == 0)
        {
            return Empty;
        }

        var entries = new Entry[domains.Count];
        for (var i = 0; i < domains.Count; i++)
        {
            var problem = TryParseEntry(domains[i], out entries[i]);
            if (problem is not null)
            {
                error = $"{key}: '{domains[i]}' {problem}";
                return null;
            }
        }

        return new DomainList(entries);
    }

    /// <summary>Whether <paramref name="host"/> (already folded: lower case, ASCII dots) is covered.</summary>
    public bool Contains(ReadOnlySpan<char> host)
    {
        foreach (var entry in _entries)
        {
            var domain = entry.Domain.AsSpan();
            if (host.Length == domain.Length)
            {
                if (!entry.SubdomainsOnly && host.SequenceEqual(domain))
                {
                    return true;
                }
            }
            else if (host.Length > domain.Length && host.EndsWith(domain) && host[host.Length - domain.Length - 1] == '.')
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Folds a host as written (any case, full-width dots) into <paramref name="destination"/>.</summary>
    public static void Fold(ReadOnlySpan<char> host, Span<char> destination)
    {
        for (var i = 0; i < host.Length; i++)
        {
            var c = host[i];
            destination[i] = c switch
            {
                '．' or '。' => '.',
                >= 'A' and <= 'Z' => (char)(c + ('a' - 'A')),
                _ => c,
            };
        }
    }

    private static string? TryParseEntry(string? raw, out Entry entry)
    {
        entry = default;
        var text = raw?.Trim() ?? "";
        if (text.Length == 0)
        {
            return "is empty";
        }

        if (text.Contains("://", StringComparison.Ordinal))
        {
            return "must be a domain without a scheme (write example.com, not https://example.com)";
        }

        if (text.Contains('/', StringComparison.Ordinal))
        {
            return "must be a domain without a path";
        }

        if (text.Contains(':', StringComparison.Ordinal))
        {
            return "must be a domain without a port";
        }

        var subdomainsOnly = text.StartsWith("*.", StringComparison.Ordinal);
        if (subdomainsOnly)
        {
            text = text[2..];
        }

        if (text.Contains('*', StringComparison.Ordinal))
        {
            return "may use * only as a leading '*.' (*.example.com)";
        }

        if (text.Length > MaxHostLength)
        {
            return "is longer than a domain name can be";
        }

        if (text.Length == 0)
        {
            return "is not a valid domain name (nothing after '*.')";
        }

        Span<char> folded = stackalloc char[text.Length];
        Fold(text, folded);
        if (folded[^1] == '.')
        {
            folded = folded[..^1];
        }

        var rest = (ReadOnlySpan<char>)folded;
        while (true)
        {
            var dot = rest.IndexOf('.');
            var label = dot < 0 ? rest : rest[..dot];
            if (!IsValidLabel(label))
            {
                return "is not a valid domain name (ASCII letters, digits and hyphens between dots; punycode for non-ASCII names)";
            }

            if (dot < 0)
            {
                break;
            }

            rest = rest[(dot + 1)..];
        }

        entry = new Entry(folded.ToString(), subdomainsOnly);
        return null;
    }

    private static bool IsValidLabel(ReadOnlySpan<char> label)
    {
        if (label.Length is 0 or > MaxLabelLength || label[0] == '-' || label[^1] == '-')
        {
            return false;
        }

        foreach (var c in label)
        {
            if (!char.IsAsciiLetterLower(c) && !char.IsAsciiDigit(c) && c != '-')
            {
                return false;
            }
        }

        return true;
    }

    private readonly record struct Entry(string Domain, bool SubdomainsOnly);
}
