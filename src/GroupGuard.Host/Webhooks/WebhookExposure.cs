using System.Net;
using GroupGuard.OneBot;
using Microsoft.Extensions.Options;

namespace GroupGuard.Host.Webhooks;

/// <summary>
/// The addresses the service listens on, read from the same settings Kestrel reads
/// (<c>Kestrel:Endpoints:*:Url</c>, else <c>urls</c> / <c>--urls</c> / <c>ASPNETCORE_URLS</c>), and
/// which of them the network can reach: anything but <c>localhost</c>, a loopback address or a Unix socket.
/// </summary>
internal sealed class ListenAddresses
{
    public ListenAddresses(IConfiguration configuration)
    {
        var endpoints = configuration.GetSection("Kestrel:Endpoints").GetChildren()
            .Select(e => e["Url"])
            .OfType<string>()
            .ToList();
        All = endpoints.Count > 0
            ? endpoints
            : (configuration["urls"] ?? GroupGuardApp.DefaultUrl).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Unusable = [.. All.Where(url => !Parses(url))];

        // An unusable address stops the start on its own (WebhookExposureValidator), said as such.
        Reachable = [.. All.Where(url => Parses(url) && !IsLocal(url))];
    }

    public IReadOnlyList<string> All { get; }

    /// <summary>
    /// The first address the network can reach, moved to loopback (its scheme, port and path kept:
    /// <c>http://0.0.0.0:8080</c> is <c>http://127.0.0.1:8080</c>), for a refusal to suggest; the
    /// default address when none is reachable.
    /// </summary>
    public string Loopback => Reachable.Count == 0 ? GroupGuardApp.DefaultUrl : OnLoopback(Reachable[0]);

    /// <summary><paramref name="url"/> with its host made 127.0.0.1; the default address when it has no <c>scheme://host</c> to read.</summary>
    internal static string OnLoopback(string url)
    {
        var scheme = url.IndexOf("://", StringComparison.Ordinal);
        if (scheme < 0)
        {
            return GroupGuardApp.DefaultUrl;
        }

        var hostStart = scheme + 3;
        var hostEnd = hostStart < url.Length && url[hostStart] == '['
            ? url.IndexOf(']', hostStart) + 1
            : url.IndexOfAny([':', '/'], hostStart) is var end and >= 0 ? end : url.Length;
        return hostEnd <= hostStart ? GroupGuardApp.DefaultUrl : url[..hostStart] + "127.0.0.1" + url[hostEnd..];
    }

    /// <summary>
    /// <paramref name="path"/> at each address the service listens on, as a browser opens it: an
    /// address on every interface (<c>0.0.0.0</c>, <c>[::]</c>, <c>*</c>, <c>+</c>) as this machine
    /// reaches it, on 127.0.0.1; loopback ones first. None for a Unix socket or a named pipe.
    /// </summary>
    public IReadOnlyList<string> Reached(string path)
    {
        var reached = new List<string>();
        foreach (var url in All.Where(Parses))
        {
            var address = BindingAddress.Parse(url);
            if (address.IsUnixPipe || address.IsNamedPipe)
            {
                continue;
            }

            var host = address.Host.Trim('[', ']');
            var everywhere = host is "*" or "+" || (IPAddress.TryParse(host, out var ip) && (ip.Equals(IPAddress.Any) || ip.Equals(IPAddress.IPv6Any)));
            reached.Add((everywhere ? OnLoopback(url) : url).TrimEnd('/') + path);
        }

        return [.. reached.Distinct(StringComparer.OrdinalIgnoreCase).OrderBy(url => IsLocal(url) ? 0 : 1)];
    }

    /// <summary>Where the listen address is set, as an operator writes it: the example settings' <c>Urls</c> among them.</summary>
    public const string Settings = "Urls in appsettings.<environment>.json, --urls, ASPNETCORE_URLS or Kestrel:Endpoints";

    /// <summary>The addresses Kestrel could not listen on at all (no scheme, no host: <c>notaurl</c>; a port past 65535).</summary>
    public IReadOnlyList<string> Unusable { get; }

    private static bool Parses(string url)
    {
        try
        {
            // Kestrel takes the address, then throws on a port past 65535 as it binds, with a stack trace.
            return BindingAddress.Parse(url) is { IsNamedPipe: true } or { IsUnixPipe: true } or { Port: >= 0 and <= IPEndPoint.MaxPort };
        }
        catch (FormatException)
        {
            return false;
        }
    }

    /// <summary>The addresses another machine can connect to.</summary>
    public IReadOnlyList<string> Reachable { get; }

    internal static bool IsLocal(string url)
    {
        BindingAddress address;
        try
        {
            address = BindingAddress.Parse(url);
        }
        catch (FormatException)
        {
            return false; // Kestrel will refuse it; until then, assume the worst
        }

        if (address.IsNamedPipe || address.IsUnixPipe)
        {
            return true;
        }

        // Kestrel binds every interface for '*', '+', 0.0.0.0, [::] and any host name but localhost.
        var host = address.Host.Trim('[', ']');
        return string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)
            || (IPAddress.TryParse(host, out var ip) && IPAddress.IsLoopback(ip));
    }
}

/// <summary>
/// Refuses to start when the network can reach a webhook that checks nothing: a forged event names
/// any user, so a stranger could make the bot mute or kick members. The v11 secret and the v12
/// access token are both required then, unless <c>GroupGuard:OneBot:AllowUnsigned</c> says otherwise.
/// </summary>
internal sealed class WebhookExposureValidator(ListenAddresses addresses) : IValidateOptions<OneBotOptions>
{
    public ValidateOptionsResult Validate(string? name, OneBotOptions options)
    {
        // An address that is none is said as such, not as one the network can reach.
        if (addresses.Unusable.Count > 0)
        {
            return ValidateOptionsResult.Fail(addresses.Unusable.Select(url =>
                $"'{url}' ({ListenAddresses.Settings}) is not an address to listen on: give scheme, host and port (1 to 65535), e.g. {GroupGuardApp.DefaultUrl}"));
        }

        if (options.AllowUnsigned || addresses.Reachable.Count == 0)
        {
            return ValidateOptionsResult.Success;
        }

        var where = string.Join(", ", addresses.Reachable);
        var remedy = $"or listen on loopback only (--urls {addresses.Loopback}), or set {OneBotOptions.Section}:{nameof(OneBotOptions.AllowUnsigned)}=true to accept unsigned events knowingly";
        var failures = new List<string>();
        if (string.IsNullOrEmpty(options.Secret))
        {
            failures.Add(
                $"{OneBotOptions.Section}:{nameof(OneBotOptions.Secret)} is not set while the service listens on {where}, which the network can reach: " +
                $"anyone there could post forged OneBot v11 events. Set it (16 or more characters, the same as the implementation's token), {remedy}");
        }

        if (string.IsNullOrEmpty(options.AccessToken))
        {
            failures.Add(
                $"{OneBotOptions.AccessTokenSetting} is not set while the service listens on {where}, which the network can reach: " +
                $"anyone there could post forged OneBot v12 events. Set it (16 or more characters), {remedy}");
        }

        return failures.Count > 0 ? ValidateOptionsResult.Fail(failures) : ValidateOptionsResult.Success;
    }
}

/// <summary>What <c>/healthz</c> says of the webhooks' protection, and the warning logged at every start when it is off.</summary>
internal sealed partial class WebhookExposure(IOptionsMonitor<OneBotOptions> options, ListenAddresses addresses, ILogger<WebhookExposure> logger) : IHostedService
{
    public object Snapshot()
    {
        var current = options.CurrentValue;
        return new
        {
            listen = addresses.All,
            reachable_from_network = addresses.Reachable.Count > 0,
            v11 = string.IsNullOrEmpty(current.Secret) ? "unsigned" : "signed",
            v12 = string.IsNullOrEmpty(current.AccessToken) ? "open" : "token",
            allow_unsigned = current.AllowUnsigned,
        };
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var current = options.CurrentValue;
        if (current.AllowUnsigned)
        {
            LogAllowUnsigned(
                string.Join(", ", addresses.All),
                string.IsNullOrEmpty(current.Secret) ? "unsigned" : "signed",
                string.IsNullOrEmpty(current.AccessToken) ? "open to anyone" : "token-protected");
        }
        else if (addresses.Reachable.Count == 0)
        {
            // Allowed on loopback, and said only by /healthz before: a line for each webhook that
            // checks nothing, with the setting that would make it check.
            if (string.IsNullOrEmpty(current.Secret))
            {
                LogUnsignedOnLoopback("OneBot v11 webhook", WebhookEndpoints.V11Path, $"{OneBotOptions.Section}:{nameof(OneBotOptions.Secret)}");
            }

            if (string.IsNullOrEmpty(current.AccessToken))
            {
                LogNoTokenOnLoopback("OneBot v12 webhook", WebhookEndpoints.V12Path, OneBotOptions.AccessTokenSetting);
                LogNoTokenOnLoopback("OneBot v11 reverse WebSocket", OneBotWebSocketEndpoint.Path, OneBotOptions.AccessTokenSetting);
            }
        }

        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Webhook} {Path} accepts unsigned requests on loopback; set {Setting} to have them signed")]
    private partial void LogUnsignedOnLoopback(string webhook, string path, string setting);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Webhook} {Path} accepts requests without an access token on loopback; set {Setting} to require it")]
    private partial void LogNoTokenOnLoopback(string webhook, string path, string setting);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning, Message = "GroupGuard:OneBot:AllowUnsigned is true: webhooks on {Addresses} take events that may be forged (v11 {V11}, v12 {V12}); whoever reaches the port can make the bot act on members")]
    private partial void LogAllowUnsigned(string addresses, string v11, string v12);
}
