namespace GroupGuard.Images;

/// <summary>
/// Which hosts pictures may come from: <c>host</c> (any port), <c>host:port</c>, <c>*.domain</c>
/// (subdomains only), compared ignoring case.
/// </summary>
internal static class HostAllowList
{
    public static bool Allows(IEnumerable<string> entries, Uri uri)
    {
        var host = uri.IdnHost.Trim('[', ']').TrimEnd('.');
        foreach (var raw in entries)
        {
            var entry = raw.Trim();
            int? port = null;
            var colon = entry.LastIndexOf(':');
            if (colon > 0 && entry.IndexOf(']', StringComparison.Ordinal) < colon && int.TryParse(entry.AsSpan(colon + 1), out var p))
            {
                port = p;
                entry = entry[..colon];
            }

            entry = entry.Trim('[', ']').TrimEnd('.');
            if (port is { } wanted && wanted != uri.Port)
            {
                continue;
            }

            if (entry.StartsWith("*.", StringComparison.Ordinal))
            {
                if (host.Length > entry.Length - 1 && host.EndsWith(entry[1..], StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }
            else if (host.Equals(entry, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Why an entry is no host (null when it is one): no scheme, path or spaces.</summary>
    public static string? Problem(string? entry)
    {
        if (string.IsNullOrWhiteSpace(entry))
        {
            return "is empty";
        }

        if (entry.Contains("://", StringComparison.Ordinal) || entry.Contains('/', StringComparison.Ordinal) || entry.Any(char.IsWhiteSpace))
        {
            return "must be a host name (host, host:port or *.domain), without a scheme or path";
        }

        var host = entry.StartsWith("*.", StringComparison.Ordinal) ? entry[2..] : entry;
        var colon = host.LastIndexOf(':');
        if (colon > 0 && !host.StartsWith('['))
        {
            if (!int.TryParse(host.AsSpan(colon + 1), out var port) || port is < 1 or > 65535)
            {
                return "has a port that is not a number from 1 to 65535";
            }

            host = host[..colon];
        }

        return Uri.CheckHostName(host.Trim('[', ']')) == UriHostNameType.Unknown ? "is not a host name" : null;
    }

    /// <summary>The host (and port when not the scheme's default) of a bridge's URL, or null.</summary>
    public static string? OfUrl(string? url)
    {
        if (string.IsNullOrWhiteSpace(url) || !Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri) || uri.Host.Length == 0)
        {
            return null;
        }

        return uri.IsDefaultPort ? uri.Host : $"{uri.Host}:{uri.Port}";
    }
}
