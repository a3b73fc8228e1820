using System.Text;

namespace GroupGuard.Channels;

/// <summary>
/// Keeps a channel's secrets (robot keys and tokens in its address, signing secrets, passwords)
/// out of what it says: URLs are shown with their query values and hook ids masked, and any text
/// that might echo a secret (an error body, a server reply) is scrubbed before it is used.
/// </summary>
internal sealed class SecretScrubber
{
    private const string Mask = "***";

    // Shorter values are not worth masking and masking them would garble ordinary words.
    private const int MinimumSecretLength = 4;

    private readonly string[] _secrets;

    public SecretScrubber(params IEnumerable<string?> secrets) =>
        _secrets = secrets
            .Where(static s => !string.IsNullOrEmpty(s) && s.Length >= MinimumSecretLength)
            .Select(static s => s!)
            .Distinct(StringComparer.Ordinal)
            // Longest first, so a secret that contains another is masked whole.
            .OrderByDescending(static s => s.Length)
            .ToArray();

    /// <summary>A scrubber for a robot address plus any other secrets: every query value and the hook id count as secret.</summary>
    public static SecretScrubber ForUrl(Uri url, params IEnumerable<string?> secrets)
    {
        var all = new List<string?>(secrets);
        foreach (var (_, raw) in QueryPairs(url))
        {
            all.Add(raw);
            all.Add(Uri.UnescapeDataString(raw));
        }

        if (HookId(url) is { } hook)
        {
            all.Add(hook);
            all.Add(Uri.UnescapeDataString(hook));
        }

        return new SecretScrubber(all);
    }

    public string Scrub(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "";
        }

        foreach (var secret in _secrets)
        {
            text = text.Replace(secret, Mask, StringComparison.Ordinal);
        }

        return text;
    }

    /// <summary>The address as it may be shown: no user info, every query value and the hook id masked.</summary>
    public static string Display(Uri url)
    {
        var builder = new StringBuilder();
        builder.Append(url.Scheme).Append("://").Append(url.Authority);
        var path = url.AbsolutePath;
        if (HookId(url) is { } hook)
        {
            path = path[..^hook.Length] + Mask;
        }

        builder.Append(path);
        var first = true;
        foreach (var (name, _) in QueryPairs(url))
        {
            builder.Append(first ? '?' : '&').Append(name).Append('=').Append(Mask);
            first = false;
        }

        return builder.ToString();
    }

    /// <summary>The unescaped value of a query parameter, or null.</summary>
    public static string? QueryValue(Uri url, string name)
    {
        foreach (var (key, raw) in QueryPairs(url))
        {
            if (string.Equals(Uri.UnescapeDataString(key), name, StringComparison.Ordinal))
            {
                return Uri.UnescapeDataString(raw);
            }
        }

        return null;
    }

    private static IEnumerable<(string Name, string RawValue)> QueryPairs(Uri url)
    {
        var query = url.Query.TrimStart('?');
        if (query.Length == 0)
        {
            yield break;
        }

        foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            yield return equals < 0 ? (pair, "") : (pair[..equals], pair[(equals + 1)..]);
        }
    }

    /// <summary>The last path segment after <c>/hook/</c> (Feishu's webhook id is the robot's key).</summary>
    private static string? HookId(Uri url)
    {
        var path = url.AbsolutePath;
        var at = path.LastIndexOf("/hook/", StringComparison.OrdinalIgnoreCase);
        if (at < 0)
        {
            return null;
        }

        var id = path[(at + "/hook/".Length)..];
        return id.Length == 0 || id.Contains('/', StringComparison.Ordinal) ? null : id;
    }
}
