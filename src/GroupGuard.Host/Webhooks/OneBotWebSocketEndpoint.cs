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

    private const string WebhookPath = "/onebot/v11";


    /// <summary>Pings keep proxies from dropping a quiet socket and show a dead peer within about twice this.</summary>
    private static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(20);

    public static WebApplication MapOneBotWebSocket(this WebApplication app)
    {
        app.UseWebSockets();
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

        return Reject(logs.CreateLogger("GroupGuard.Webhooks"), health, context, StatusCodes.Status404NotFound, $"a WebSocket was opened at {WebhookPath}, where events come by HTTP POST: the reverse WebSocket is at {Path}, so set the bridge's url to ws://<this host>:<port>{Path}");
    }

    private static IResult Reject(ILogger logger, AdapterHealth health, HttpContext context, int status, string reason)
    {
        if (health.Rejected(Protocol.OneBotV11, status, reason) is > 0 and var count)
        {
            LogRejected(logger, status, reason, context.Connection.RemoteIpAddress?.ToString(), count);
        }

        return Results.Json(new { error = reason }, statusCode: status);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a OneBot v11 reverse WebSocket from {Remote}: {Status} {Reason} ({Count} rejected so since the last such line; a line for each reason that differs within 10 s, the rest counted when the 10 s end)")]
    private static partial void LogRejected(ILogger logger, int status, string reason, string? remote, long count);
}
