using System.Globalization;

namespace GroupGuard.Core.Digests;

/// <summary>
/// The web console's page of an incident as digests and alerts link to it, at the address people
/// reach the console at (<c>GroupGuard:Console:PublicUrl</c>: the service cannot know it behind a
/// proxy). The link lets nobody in: the page asks for sign-in as every console page does, and shows
/// the incident (its full text, which the digest masks) only to an account allowed to see its group.
/// </summary>
public static class ConsoleLinks
{
    /// <summary>What a link reads as in Markdown and HTML (plain text has the bare address).</summary>
    public const string Word = "详情";

    /// <summary>The page of incident <paramref name="id"/> under <paramref name="publicUrl"/>; null when none is set.</summary>
    public static string? Incident(string? publicUrl, long id) =>
        Base(publicUrl) is { } root ? $"{root}/console/incidents/{id.ToString(CultureInfo.InvariantCulture)}" : null;

    /// <summary>
    /// <paramref name="publicUrl"/> as links start with it: escaped as a URL is, without a trailing
    /// slash, its parentheses escaped too (one would end a Markdown link early). Null when it is empty
    /// or not an absolute http(s) address (the console's settings refuse that at start).
    /// </summary>
    public static string? Base(string? publicUrl)
    {
        if (string.IsNullOrWhiteSpace(publicUrl)
            || !Uri.TryCreate(publicUrl.Trim(), UriKind.Absolute, out var uri)
            || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            return null;
        }

        return uri.GetLeftPart(UriPartial.Path).TrimEnd('/')
            .Replace("(", "%28", StringComparison.Ordinal)
            .Replace(")", "%29", StringComparison.Ordinal);
    }
}
