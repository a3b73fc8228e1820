namespace GroupGuard.Host.Webhooks;

/// <summary>
/// A webhook that checks nothing (no secret or token set) is open to this machine only: the service
/// refuses to start listening where the network can reach it unprotected (<see cref="WebhookExposureValidator"/>).
/// A reverse proxy on this machine would defeat that, its requests arriving from loopback with the
/// network's in them; such a request names the proxy in a header, and an unprotected webhook refuses it.
/// (<c>GroupGuard:OneBot:AllowUnsigned=true</c> lets it through, knowingly.)
/// </summary>
internal static class ProxiedRequests
{
    private static readonly string[] ProxyHeaders = ["X-Forwarded-For", "Forwarded", "X-Real-IP"];

    /// <summary>The header that shows <paramref name="request"/> came through a proxy, or null.</summary>
    public static string? Header(HttpRequest request) => Array.Find(ProxyHeaders, request.Headers.ContainsKey);

    /// <summary>Why a proxied request to an unprotected webhook is refused, naming the setting that protects it.</summary>
    public static string Refusal(string header, string setting) =>
        $"this webhook checks nothing ({setting} is not set), so it takes events from this machine only, and this one came through a proxy ({header}): set {setting}";
}
