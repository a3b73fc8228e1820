using System.Globalization;
using System.Net.WebSockets;
using GroupGuard.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GroupGuard.OneBot.Sockets;

/// <summary>
/// Keeps one OneBot v11 forward WebSocket (communication/ws.md, the <c>/</c> endpoint: events and
/// actions on one connection) open to each of <see cref="OneBotOptions.Connections"/>: connects
/// with <c>Authorization: Bearer</c> when a token is set, runs the same <see cref="SocketSession"/>
/// as a reverse socket, and reconnects after a drop or a failed attempt with jittered exponential
/// backoff (<see cref="FirstRetryDelay"/> doubling up to <see cref="MaxRetryDelay"/>) on the
/// injected clock. The bot is known from the connection's first event (NapCat and LuckyLilliaBot
/// send a lifecycle <c>connect</c> at once). The list is read at start.
/// </summary>
internal sealed partial class ForwardSocketService(
    IOptions<OneBotOptions> options,
    OneBotWebhookReceiver receiver,
    SocketRegistry registry,
    IServiceProvider services,
    TimeProvider time,
    ILogger<ForwardSocketService> logger) : BackgroundService
{
    public static readonly TimeSpan FirstRetryDelay = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(60);
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Pings keep NAT and proxies from dropping a quiet socket, and show a dead peer within about twice this.</summary>
    private static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(20);

    private readonly IReadOnlyList<Target> _targets = Targets(options.Value, registry);

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_targets.Count == 0)
        {
            return Task.CompletedTask;
        }

        // Resolved here, not in the constructor: without forward connections none is needed.
        var sink = services.GetService<IEventSink>();
        if (sink is null)
        {
            LogNoSink();
            return Task.CompletedTask;
        }

        return Task.WhenAll(_targets.Select(target => KeepConnectedAsync(target, sink, stoppingToken)));
    }

    /// <summary>The connections as listed; each is on <c>/healthz</c> from the start.</summary>
    private static List<Target> Targets(OneBotOptions options, SocketRegistry registry)
    {
        var targets = new List<Target>();
        foreach (var connection in options.Connections ?? [])
        {
            if (connection?.Url is { } url && Uri.TryCreate(url, UriKind.Absolute, out var uri))
            {
                var target = new Target(uri, NameOf(uri), string.IsNullOrEmpty(connection.AccessToken) ? null : connection.AccessToken);
                registry.Declare(target.Name);
                targets.Add(target);
            }
        }

        return targets;
    }

    /// <summary>Scheme, host, port and path: what /healthz and the log show.</summary>
    private static string NameOf(Uri uri) => uri.GetLeftPart(UriPartial.Path);

    private async Task KeepConnectedAsync(Target target, IEventSink sink, CancellationToken stoppingToken)
    {
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                using var socket = new ClientWebSocket();
                socket.Options.KeepAliveInterval = KeepAlive;
                socket.Options.KeepAliveTimeout = KeepAlive;
                socket.Options.CollectHttpResponseDetails = true;
                socket.Options.SetRequestHeader("User-Agent", "GroupGuard");
                if (target.Token is { } token)
                {
                    socket.Options.SetRequestHeader("Authorization", "Bearer " + token);
                }

                var (error, kind) = await ConnectAsync(socket, target, stoppingToken).ConfigureAwait(false);
                if (error is null)
                {
                    var session = new SocketSession(socket, SocketKind.Forward, target.Name, null, OneBotClientRole.Universal, receiver, sink, registry, logger);
                    LogConnected(target.Name);
                    var reason = await session.RunAsync(stoppingToken).ConfigureAwait(false);
                    if (stoppingToken.IsCancellationRequested)
                    {
                        return;
                    }

                    LogDropped(target.Name, session.BotId ?? "unknown", reason);

                    // A socket that carried events was good: start the backoff over. One closed at
                    // once (a refused token) keeps growing it, so it is not hammered every second.
                    failures = session.Events > 0 ? 0 : failures + 1;
                }
                else
                {
                    failures++;
                    registry.ConnectFailed(target.Name, error, kind);
                    LogConnectFailed(target.Name, error, failures);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }

            try
            {
                await Task.Delay(Backoff(Math.Max(failures, 1)), time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Null when connected; otherwise why not, without the token, and its kind.</summary>
    private async Task<(string? Error, ConnectionErrorKind Kind)> ConnectAsync(ClientWebSocket socket, Target target, CancellationToken stoppingToken)
    {
        using var linked = new Deadline(ConnectTimeout, time, stoppingToken);
        try
        {
            await socket.ConnectAsync(target.Uri, linked.Token).ConfigureAwait(false);
            return (null, default);
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
            return ($"no answer within {ConnectTimeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s", ConnectionErrorKind.Unreachable);
        }
        catch (Exception ex) when (ex is WebSocketException or HttpRequestException or IOException or InvalidOperationException)
        {
            var status = (int)socket.HttpStatusCode;
            var (why, kind) = status switch
            {
                401 or 403 => ($"the server refused the access token (HTTP {status.ToString(CultureInfo.InvariantCulture)}); check {OneBotOptions.Section}:{nameof(OneBotOptions.Connections)}'s AccessToken against the implementation's token", ConnectionErrorKind.TokenRefused),
                > 0 => ($"the server answered HTTP {status.ToString(CultureInfo.InvariantCulture)} instead of opening a WebSocket", ConnectionErrorKind.WrongEndpoint),
                _ => (Describe(ex), ConnectionErrorKind.Unreachable),
            };
            return (target.Token is { } token ? why.Replace(token, "***", StringComparison.Ordinal) : why, kind);
        }
    }

    private static string Describe(Exception ex)
    {
        var parts = new List<string>();
        for (var e = ex; e is not null && parts.Count < 3; e = e.InnerException)
        {
            if (!parts.Contains(e.Message, StringComparer.Ordinal))
            {
                parts.Add(e.Message);
            }
        }

        return string.Join(": ", parts);
    }

    /// <summary>1 s, 2 s, 4 s… up to a minute, each between 80 % and 120 % so that many bots do not line up.</summary>
    internal static TimeSpan Backoff(int failures)
    {
        var exponent = Math.Min(failures - 1, 16);
        var delay = Math.Min(FirstRetryDelay.TotalSeconds * Math.Pow(2, exponent), MaxRetryDelay.TotalSeconds);
        return TimeSpan.FromSeconds(delay * (0.8 + (0.4 * Random.Shared.NextDouble())));
    }

    private sealed record Target(Uri Uri, string Name, string? Token);

    [LoggerMessage(Level = LogLevel.Information, Message = "OneBot v11 forward WebSocket {Name} connected")]
    private partial void LogConnected(string name);

    [LoggerMessage(Level = LogLevel.Warning, Message = "OneBot v11 forward WebSocket {Name} (bot {BotId}) dropped: {Reason}; reconnecting")]
    private partial void LogDropped(string name, string botId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "OneBot v11 forward WebSocket {Name} could not connect ({Failures} in a row): {Error}")]
    private partial void LogConnectFailed(string name, string error, int failures);

    [LoggerMessage(Level = LogLevel.Error, Message = "OneBot v11 forward WebSockets are configured, but nothing takes their events (no IEventSink is registered)")]
    private partial void LogNoSink();
}
