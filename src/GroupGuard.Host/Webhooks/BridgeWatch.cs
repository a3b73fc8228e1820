using GroupGuard.Core;
using GroupGuard.Host.Pipeline;
using GroupGuard.Milky;
using GroupGuard.OneBot;
using GroupGuard.QQBot;
using GroupGuard.WeCom.Archive;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace GroupGuard.Host.Webhooks;

/// <summary>
/// What an operator who set a bridge up wrongly sees, where before the log ended at "Application
/// started" and <c>/healthz</c> said healthy with no adapters: once Kestrel listens, a line saying
/// where each way in that is mapped and on waits (with the address Kestrel really listens on) and
/// which sources the service connects to itself (their URLs, never a token); and, when no bridge
/// has been heard from within <see cref="PipelineOptions.NoBridgeWarningMinutes"/> of that (no
/// event, not even a heartbeat), one warning with those addresses and what commonly keeps a bridge
/// away, and a problem on <c>/healthz</c> until the first event arrives.
/// </summary>
internal sealed partial class BridgeWatch(
    IServer server,
    ListenAddresses configured,
    IConfiguration configuration,
    IOptions<OneBotOptions> oneBot,
    IOptions<MilkyOptions> milky,
    MilkyWebhookExposure milkyWebhook,
    IQQBotWebhook qqBot,
    IOptions<WeComArchiveOptions> weCom,
    IOptions<PipelineOptions> pipeline,
    AdapterHealth adapters,
    IEnumerable<IConnectionStatus> connections,
    IEnumerable<IPulledSourceStatus> pulled,
    IHostApplicationLifetime lifetime,
    TimeProvider time,
    ILogger<BridgeWatch> logger) : IHostedService, IDisposable
{
    private readonly Lock _lock = new();
    private CancellationTokenRegistration _registration;
    private ITimer? _timer;
    private string? _ways;
    private long _startedAt;
    private bool _started;

    /// <summary>How long after the start a bridge should have been heard from; zero when the warning is off.</summary>
    private TimeSpan Grace => TimeSpan.FromMinutes(pipeline.Value.NoBridgeWarningMinutes);

    public Task StartAsync(CancellationToken cancellationToken)
    {
        // Once every hosted service has started and Kestrel listens: its addresses are the real ones then (port 0 resolved).
        _registration = lifetime.ApplicationStarted.Register(Started);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _registration.Dispose();
        ITimer? timer;
        lock (_lock)
        {
            (timer, _timer) = (_timer, null);
        }

        timer?.Dispose();
    }

    /// <summary>
    /// Whether any bridge has been heard from since the start: an event of any kind (heartbeats and
    /// other meta events included) through any way in, or a pull of a pulled source (WeCom's chat
    /// archive) that the platform answered, which sends no events while its groups are quiet.
    /// </summary>
    public bool Heard() =>
        adapters.AnyHeard
        || connections.SelectMany(c => c.Connections).Any(c => c.LastEventAt is not null)
        || pulled.SelectMany(p => p.Sources).Any(s => s.LastPullAt is not null);

    /// <summary>The <c>/healthz</c> problem while nothing has been heard past the grace period, else null.</summary>
    public string? Problem()
    {
        string ways;
        long startedAt;
        lock (_lock)
        {
            if (!_started || _ways is null)
            {
                return null;
            }

            (ways, startedAt) = (_ways, _startedAt);
        }

        var grace = Grace;
        var since = time.GetElapsedTime(startedAt);
        if (grace <= TimeSpan.Zero || since < grace || Heard())
        {
            return null;
        }

        return $"bridges: nothing heard from any bridge (no event, not even a heartbeat) in the {(long)since.TotalMinutes} minute(s) since the start; they should reach {ways} (the log's warning says what commonly keeps them away)";
    }

    private void Started()
    {
        var ways = Ways();
        LogWaiting(ways);
        var grace = Grace;
        lock (_lock)
        {
            (_ways, _startedAt, _started) = (ways, time.GetTimestamp(), true);
            if (grace > TimeSpan.Zero && !lifetime.ApplicationStopping.IsCancellationRequested)
            {
                _timer = time.CreateTimer(_ => GraceOver(), null, grace, Timeout.InfiniteTimeSpan);
            }
        }
    }

    private void GraceOver()
    {
        if (Heard())
        {
            return;
        }

        var refused = adapters.RejectedSnapshot();
        var loopbackOnly = configured.Reachable.Count == 0;
        LogNothingHeard(
            pipeline.Value.NoBridgeWarningMinutes,
            _ways ?? Ways(),
            loopbackOnly
                ? $"; or GroupGuard listens on this machine only ({string.Join(", ", configured.All)}) while the bridge runs in another container or on another machine, where 127.0.0.1 is that container itself: listen on an address it can reach (--urls http://0.0.0.0:5140, with {OneBotOptions.Section}:{nameof(OneBotOptions.Secret)} and {OneBotOptions.AccessTokenSetting} set)"
                : "",
            refused.Count > 0
                ? $" Requests were refused meanwhile ({string.Join(", ", refused.Select(r => $"{r.Key}: {r.Value}"))}): the warnings about them above say why."
                : "");
    }

    /// <summary>
    /// Each way in that is mapped and takes events, at each address Kestrel listens on, then the
    /// sources the service connects to: "OneBot v11 HTTP POST http://127.0.0.1:5140/onebot/v11,
    /// reverse WebSocket ws://127.0.0.1:5140/onebot/v11/ws; OneBot v12 POST …; connecting to …".
    /// </summary>
    internal string Ways()
    {
        var parts = new List<string>();
        foreach (var address in Addresses())
        {
            var http = address.TrimEnd('/');
            var ws = http.StartsWith("https://", StringComparison.OrdinalIgnoreCase) ? "wss://" + http["https://".Length..]
                : http.StartsWith("http://", StringComparison.OrdinalIgnoreCase) ? "ws://" + http["http://".Length..]
                : http;
            var ways = new List<string>
            {
                $"OneBot v11 HTTP POST {http}{WebhookEndpoints.V11Path}, reverse WebSocket {ws}{OneBotWebSocketEndpoint.Path}",
                $"OneBot v12 POST {http}{WebhookEndpoints.V12Path}",
            };
            if (milkyWebhook.State() == MilkyWebhookState.On)
            {
                ways.Add($"Milky WebHook POST {http}{MilkyEndpoints.Path}");
            }

            if (qqBot.Unavailable() is null)
            {
                ways.Add($"QQ bot webhook POST {http}{QQBotEndpoints.PathOf(configuration)}");
            }

            parts.Add(string.Join("; ", ways) + (EveryInterface(address) ? " (on every interface: a bridge elsewhere uses this machine's address)" : ""));
        }

        var outgoing = new List<string>();
        foreach (var connection in oneBot.Value.Connections ?? [])
        {
            if (connection?.Url is { } url && Uri.TryCreate(url, UriKind.Absolute, out var uri))
            {
                outgoing.Add($"OneBot v11 forward WebSocket {Shown(uri)}");
            }
        }

        foreach (var connection in milky.Value.Connections ?? [])
        {
            if (connection is { EventStream: true, Url: { } url } && Uri.TryCreate(url.TrimEnd('/') + "/event", UriKind.Absolute, out var uri))
            {
                outgoing.Add($"Milky event stream {Shown(uri)}");
            }
        }

        if (weCom.Value.Enabled)
        {
            outgoing.Add($"WeCom chat archive of corp {weCom.Value.CorpId}");
        }

        if (outgoing.Count > 0)
        {
            parts.Add("and connecting to " + string.Join(", ", outgoing));
        }

        return string.Join("; ", parts);
    }

    /// <summary>Where Kestrel listens (after the start, with a port 0 resolved), else where it was told to.</summary>
    private IReadOnlyList<string> Addresses() =>
        server.Features.Get<IServerAddressesFeature>()?.Addresses.Where(a => !string.IsNullOrWhiteSpace(a)).ToList() is { Count: > 0 } listening
            ? listening
            : configured.All;

    private static bool EveryInterface(string address)
    {
        try
        {
            var host = BindingAddress.Parse(address).Host.Trim('[', ']');
            return host is "*" or "+" or "0.0.0.0" or "::";
        }
        catch (FormatException)
        {
            return false;
        }
    }

    /// <summary>Scheme, host, port and path: no user info or query, either of which may hold a token.</summary>
    private static string Shown(Uri uri) => uri.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped);

    [LoggerMessage(Level = LogLevel.Information, Message = "Waiting for bridges: {Ways}")]
    private partial void LogWaiting(string ways);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Nothing has arrived from any bridge (no event, not even a heartbeat) in the {Minutes} minute(s) since the start. Bridges should reach {Ways}. Commonly: the bridge's network settings (NapCat's or LuckyLilliaBot's HTTP client or WebSocket client) do not point at these addresses; its token does not match GroupGuard:OneBot:Secret (HTTP POST) or GroupGuard:OneBot:AccessToken (WebSocket, v12); a firewall is in between{Loopback}.{Refused} (GroupGuard:Pipeline:NoBridgeWarningMinutes sets when this is said; 0 turns it off.)")]
    private partial void LogNothingHeard(int minutes, string ways, string loopback, string refused);
}
