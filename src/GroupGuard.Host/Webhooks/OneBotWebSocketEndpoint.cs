using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using GroupGuard.Core;
using GroupGuard.Host.Pipeline;
using GroupGuard.OneBot;
using Microsoft.Extensions.Options;

namespace GroupGuard.Host.Webhooks;

/// <summary>
/// <c>GET /onebot/v11/ws</c>: where a OneBot v11 implementation opens its reverse WebSocket
/// (communication/ws-reverse.md; NapCat's <c>websocketClients</c>, LuckyLilliaBot's <c>ws-reverse</c>).
/// The upgrade request is checked before anything is accepted: the access token
/// (<c>Authorization: Bearer</c> or <c>?access_token=</c>, 401 when missing or wrong), then
/// <c>X-Self-ID</c> (the bot, 400 without it) and <c>X-Client-Role</c>. The accepted socket goes to
/// the adapter, which reads its events and sends the bot's actions over it.
/// </summary>
internal static partial class OneBotWebSocketEndpoint
{
    public const string Path = "/onebot/v11/ws";

    private const string WebhookPath = WebhookEndpoints.V11Path;

    /// <summary>
    /// Where bridges' reverse WebSockets are commonly pointed by mistake, none of which takes one: a
    /// WebSocket upgrade there is answered 404 with the address to write instead, and logged, where
    /// it was a 404 that said nothing (<see cref="RefuseMisplacedSockets"/>). A trailing slash is
    /// not among them: <c>/onebot/v11/ws/</c> is routed to the socket as it is.
    /// </summary>
    internal static readonly string[] MisplacedPaths = ["/", "/ws", "/onebot/ws", "/onebot/v12/ws", WebhookEndpoints.V12Path];


    /// <summary>Pings keep proxies from dropping a quiet socket and show a dead peer within about twice this.</summary>
    private static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(20);

    public static WebApplication MapOneBotWebSocket(this WebApplication app)
    {
        app.UseWebSockets();
        app.Use(RefuseMisplacedSockets);
        app.MapGet(Path, HandleAsync);
        app.MapGet(WebhookPath, HandleMisplaced);

        // Any bot may connect here once the service listens: its actions, the journal's replayed
        // ones at start among them, wait for it rather than being unsupported.
        app.Services.AcceptOneBotReverseSockets();
        return app;
    }

    private static async Task<IResult> HandleAsync(
        HttpContext context,
        IOptionsMonitor<OneBotOptions> options,
        IOneBotReverseSockets sockets,
        WebhookHosts hosts,
        AdapterHealth health,
        IHostApplicationLifetime lifetime,
        ILoggerFactory logs)
    {
        var logger = logs.CreateLogger("GroupGuard.Webhooks");
        var token = options.CurrentValue.AccessToken;
        var unprotected = string.IsNullOrEmpty(token) && !options.CurrentValue.AllowUnsigned;
        if (unprotected && ProxiedRequests.Header(context.Request) is { } proxy)
        {
            return Reject(logger, health, context, StatusCodes.Status401Unauthorized, ProxiedRequests.Refusal(proxy, OneBotOptions.AccessTokenSetting));
        }

        if (unprotected && hosts.Refusal(context.Request, OneBotOptions.AccessTokenSetting) is { } misdirected)
        {
            return Reject(logger, health, context, StatusCodes.Status421MisdirectedRequest, misdirected);
        }

        if (!string.IsNullOrEmpty(token) && !Authorized(context.Request, token))
        {
            // Named with the setting: the operator fixes one of two tokens, and the log says which to compare.
            var what = context.Request.Headers.Authorization.Count == 0 && !context.Request.Query.ContainsKey("access_token")
                ? $"missing access token (Authorization: Bearer or ?access_token=): set the bridge's token to {OneBotOptions.AccessTokenSetting}"
                : $"the access token does not match {OneBotOptions.AccessTokenSetting}: set the same on both sides";
            return Reject(logger, health, context, StatusCodes.Status401Unauthorized, what);
        }

        if (!context.WebSockets.IsWebSocketRequest)
        {
            return Reject(logger, health, context, StatusCodes.Status400BadRequest, "a WebSocket upgrade is expected here");
        }

        var selfIds = context.Request.Headers["X-Self-ID"];
        var selfId = selfIds.Count == 1 ? selfIds[0]?.Trim() : null;
        if (string.IsNullOrEmpty(selfId))
        {
            return Reject(logger, health, context, StatusCodes.Status400BadRequest, "X-Self-ID must name the bot account (once)");
        }

        if (selfId.Length > OneBotLimits.MaxIdLength || selfId.Any(c => char.IsControl(c) || char.IsWhiteSpace(c)))
        {
            return Reject(logger, health, context, StatusCodes.Status400BadRequest, $"X-Self-ID must be at most {OneBotLimits.MaxIdLength} characters without spaces");
        }

        if (RoleOf(context.Request.Headers["X-Client-Role"].ToString()) is not { } role)
        {
            return Reject(logger, health, context, StatusCodes.Status400BadRequest, "X-Client-Role must be Universal, Event or API");
        }

        WebSocket accepted;
        try
        {
            accepted = await context.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext
            {
                KeepAliveInterval = KeepAlive,
                KeepAliveTimeout = KeepAlive,
            });
        }
        catch (InvalidOperationException) when (!context.Response.HasStarted)
        {
            // Kestrel's limit of upgraded connections: escaped, it was a 500 with a stack trace each.
            return Reject(logger, health, context, StatusCodes.Status503ServiceUnavailable, $"too many WebSocket connections are open ({ConnectionLimits.UpgradedKey})");
        }

        using var socket = accepted;
        var remote = context.Connection.RemoteIpAddress is { } ip ? $"{ip}:{context.Connection.RemotePort}" : "unknown peer";

        // The socket reports a peer that goes away; only a stop of the service ends it from here.
        await sockets.RunAsync(socket, new OneBotSocketPeer(selfId, role, remote), lifetime.ApplicationStopping);
        return Results.Empty;
    }

    private static OneBotClientRole? RoleOf(string value) => value.Trim().ToUpperInvariant() switch
    {
        "" or "UNIVERSAL" => OneBotClientRole.Universal,
        "EVENT" => OneBotClientRole.Event,
        "API" => OneBotClientRole.Api,
        _ => null,
    };

    /// <summary>
    /// The token from <c>Authorization: Bearer</c> or, where a client cannot set headers,
    /// <c>?access_token=</c> (communication/authorization.md). Digests of both sides are compared,
    /// so the time taken says nothing of the token, not even its length.
    /// </summary>
    private static bool Authorized(HttpRequest request, string token)
    {
        var expected = SHA256.HashData(Encoding.UTF8.GetBytes(token));
        var authorized = false;
        foreach (var header in request.Headers.Authorization)
        {
            if (header is not null && header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            {
                authorized |= Matches(expected, header["Bearer ".Length..].Trim());
            }
        }

        foreach (var query in request.Query["access_token"])
        {
            authorized |= query is not null && Matches(expected, query);
        }

        return authorized;
    }

    private static bool Matches(byte[] expected, string given) =>
        CryptographicOperations.FixedTimeEquals(expected, SHA256.HashData(Encoding.UTF8.GetBytes(given)));

    /// <summary>
    /// A bridge given the HTTP POST address for its reverse WebSocket (<c>ws://…/onebot/v11</c>, the
    /// path missing <c>/ws</c>) would be refused by the router's 405 without a word in the log, and
    /// retry for ever; its upgrade is refused here with the address to write instead.
    /// </summary>
    private static IResult HandleMisplaced(HttpContext context, AdapterHealth health, ILoggerFactory logs)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.Headers.Allow = "POST";
            return Results.StatusCode(StatusCodes.Status405MethodNotAllowed);
        }

        return RefuseMisplaced(context, health, logs, WebhookPath);
    }

    /// <summary>
    /// A WebSocket upgrade at one of <see cref="MisplacedPaths"/> (with or without a trailing slash)
    /// is refused with 404, before anything else sees it; any other request there goes on as before.
    /// </summary>
    private static Task RefuseMisplacedSockets(HttpContext context, RequestDelegate next)
    {
        var path = context.Request.Path.Value is { Length: > 1 } value ? value.TrimEnd('/') : "/";
        if (!context.WebSockets.IsWebSocketRequest || !MisplacedPaths.Contains(path.Length == 0 ? "/" : path, StringComparer.OrdinalIgnoreCase))
        {
            return next(context);
        }

        var services = context.RequestServices;
        return RefuseMisplaced(context, services.GetRequiredService<AdapterHealth>(), services.GetRequiredService<ILoggerFactory>(), context.Request.Path.Value ?? "/").ExecuteAsync(context);
    }

    /// <summary>
    /// 404 with a plain-text body naming the address to write instead (as the bridge addressed this
    /// service: its scheme and Host), counted and logged as a refusal (throttled) with the path
    /// tried and the peer. Nothing is accepted.
    /// </summary>
    private static IResult RefuseMisplaced(HttpContext context, AdapterHealth health, ILoggerFactory logs, string tried)
    {
        var request = context.Request;
        var host = request.Host.HasValue ? (request.Host.Value.Length > 100 ? request.Host.Value[..100] + "…" : request.Host.Value) : "<this host>:<port>";
        var (http, ws) = request.IsHttps ? ("https", "wss") : ("http", "ws");
        var shown = tried.Length > 100 ? tried[..100] + "…" : tried;
        var v12 = shown.StartsWith(WebhookEndpoints.V12Path, StringComparison.OrdinalIgnoreCase);
        var reason = v12
            ? $"a WebSocket was opened at {shown}, but OneBot v12 events come by HTTP POST only, to {WebhookEndpoints.V12Path}: set the bridge's HTTP webhook to {http}://{host}{WebhookEndpoints.V12Path} (a OneBot v11 bridge's reverse WebSocket is at {ws}://{host}{Path})"
            : string.Equals(shown, WebhookPath, StringComparison.OrdinalIgnoreCase)
                ? $"a WebSocket was opened at {WebhookPath}, where events come by HTTP POST: the reverse WebSocket is at {Path}, so set the bridge's url to {ws}://{host}{Path}"
                : $"a WebSocket was opened at {shown}, where none is taken: the reverse WebSocket is at {Path}, so set the bridge's url to {ws}://{host}{Path}";
        var status = StatusCodes.Status404NotFound;
        if (health.Rejected(v12 ? Protocol.OneBotV12 : Protocol.OneBotV11, status, reason) is > 0 and var count)
        {
            LogMisplaced(logs.CreateLogger("GroupGuard.Webhooks"), shown, context.Connection.RemoteIpAddress?.ToString(), reason, count);
        }

        return Results.Text(reason + "\n", "text/plain; charset=utf-8", System.Text.Encoding.UTF8, status);
    }

    private static IResult Reject(ILogger logger, AdapterHealth health, HttpContext context, int status, string reason)
    {
        if (health.Rejected(Protocol.OneBotV11, status, reason) is > 0 and var count)
        {
            LogRejected(logger, status, reason, context.Connection.RemoteIpAddress?.ToString(), count);
        }

        return Results.Json(new { error = reason }, statusCode: status);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a WebSocket at {Path} from {Remote}: 404, {Reason} ({Count} rejected so since the last such line; a line for each reason that differs within 10 s, the rest counted when the 10 s end)")]
    private static partial void LogMisplaced(ILogger logger, string path, string? remote, string reason, long count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a OneBot v11 reverse WebSocket from {Remote}: {Status} {Reason} ({Count} rejected so since the last such line; a line for each reason that differs within 10 s, the rest counted when the 10 s end)")]
    private static partial void LogRejected(ILogger logger, int status, string reason, string? remote, long count);
}
