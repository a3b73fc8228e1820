using System.Net;
using Microsoft.Extensions.Options;

namespace GroupGuard.Host.Webhooks;

/// <summary><c>GroupGuard:Webhooks</c>: what the webhooks take besides their own secrets and tokens.</summary>
internal sealed class WebhookOptions
{
    public const string Section = "GroupGuard:Webhooks";

    public const long DefaultBodyBufferBytes = 64L * 1024 * 1024;

    /// <summary>The largest <see cref="BodyBufferBytes"/>: 16 GiB.</summary>
    public const long MaxBodyBufferBytes = 16L * 1024 * 1024 * 1024;

    /// <summary>
    /// Names (or addresses) besides <c>localhost</c>, 127.0.0.0/8 and <c>[::1]</c> under which a
    /// webhook without its secret or token takes events: the machine's own name, when a bridge on it
    /// posts to <c>http://that-name:5140</c>. Names alone, without scheme, port or wildcard.
    /// </summary>
    public List<string> HostNames { get; set; } = [];

    /// <summary>
    /// Bytes of webhook bodies held in memory at once, every webhook together, while they are read
    /// and checked (a body is read whole before its signature can be checked, so before its sender
    /// is known). A body that would pass it is refused with 503 and <c>Retry-After</c>. Default 64 MiB.
    /// </summary>
    public long BodyBufferBytes { get; set; } = DefaultBodyBufferBytes;

    /// <summary>
    /// Seconds a webhook body may take to arrive, from the first wait for it; a body still coming
    /// then is answered 408 and what it held given back. Default 30: an event is a few KiB, and
    /// 1 MiB takes 30 s only below 35 KB/s.
    /// </summary>
    public int BodyTimeoutSeconds { get; set; } = 30;
}

internal sealed class WebhookOptionsValidator : IValidateOptions<WebhookOptions>
{
    public ValidateOptionsResult Validate(string? name, WebhookOptions options)
    {
        var failures = new List<string>();
        for (var i = 0; i < options.HostNames.Count; i++)
        {
            var host = options.HostNames[i]?.Trim() ?? "";
            if (host.Length > 253 || Uri.CheckHostName(host) == UriHostNameType.Unknown)
            {
                failures.Add(
                    $"{WebhookOptions.Section}:{nameof(WebhookOptions.HostNames)}:{i} is '{(host.Length > 80 ? host[..80] + "…" : host)}': " +
                    "give a host name or address alone (guard-box, 192.168.1.5, [fd00::5]), without scheme, port or wildcard");
            }
        }

        if (options.BodyBufferBytes is < BodyReader.MaxBodyBytes or > WebhookOptions.MaxBodyBufferBytes)
        {
            failures.Add(
                $"{WebhookOptions.Section}:{nameof(WebhookOptions.BodyBufferBytes)} must be between {BodyReader.MaxBodyBytes} (one body of the largest size) " +
                $"and {WebhookOptions.MaxBodyBufferBytes} (16 GiB), got {options.BodyBufferBytes}");
        }

        if (options.BodyTimeoutSeconds is < 1 or > 3600)
        {
            failures.Add($"{WebhookOptions.Section}:{nameof(WebhookOptions.BodyTimeoutSeconds)} must be between 1 and 3600, got {options.BodyTimeoutSeconds}");
        }

        return failures.Count > 0 ? ValidateOptionsResult.Fail(failures) : ValidateOptionsResult.Success;
    }
}

/// <summary>
/// DNS rebinding: a web page at <c>http://evil.example:5140</c> whose name the attacker then points at
/// 127.0.0.1 is, to the browser, the same origin as the loopback port, so it may post
/// <c>application/json</c> there without a CORS preflight. Its requests still carry its own name in
/// <c>Host</c>. A webhook that checks nothing (no secret or token) takes events from this machine
/// only, so it also takes only requests addressed to this machine by name: <c>localhost</c>, a
/// 127.0.0.0/8 address, <c>[::1]</c>, or a name in <c>GroupGuard:Webhooks:HostNames</c>. A protected
/// webhook takes any <c>Host</c>: a bridge on another machine or a reverse proxy names the service
/// as it knows it, and a page cannot sign what it posts.
/// </summary>
internal sealed class WebhookHosts(IOptionsMonitor<WebhookOptions> options)
{
    public const string Setting = WebhookOptions.Section + ":" + nameof(WebhookOptions.HostNames);

    /// <summary>
    /// Why an unprotected webhook (whose protecting setting is <paramref name="setting"/>) refuses
    /// <paramref name="request"/>, or null when its <c>Host</c> names this machine. A request without
    /// a Host (HTTP/1.0) names nothing else and is taken: browsers always send one.
    /// </summary>
    public string? Refusal(HttpRequest request, string setting)
    {
        var host = request.Host;
        if (!host.HasValue || IsLoopback(host.Host) || Listed(host.Host))
        {
            return null;
        }

        var shown = host.Value.Length > 100 ? host.Value[..100] + "…" : host.Value;
        return $"Host '{shown}' does not name this machine: without {setting} this webhook takes events addressed to localhost, 127.0.0.1 or [::1] only " +
            $"(so that a web page whose name was pointed at 127.0.0.1 cannot post them). Set {setting}, or add the name to {Setting}";
    }

    private static bool IsLoopback(string host) =>
        string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)
        || (IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address));

    private bool Listed(string host)
    {
        var address = IPAddress.TryParse(host, out var parsed) ? parsed : null;
        foreach (var listed in options.CurrentValue.HostNames)
        {
            var name = listed?.Trim() ?? "";
            if (address is not null ? IPAddress.TryParse(name, out var other) && address.Equals(other) : string.Equals(name, host, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
