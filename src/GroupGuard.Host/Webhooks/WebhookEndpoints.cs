using GroupGuard.Core;
using GroupGuard.Host.Pipeline;
using GroupGuard.OneBot;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace GroupGuard.Host.Webhooks;

internal static partial class WebhookEndpoints
{
    /// <summary>Where OneBot v11 implementations post their events (HTTP POST).</summary>
    public const string V11Path = "/onebot/v11";

    /// <summary>Where OneBot v12 implementations post their events; v12 has no WebSocket here.</summary>
    public const string V12Path = "/onebot/v12";

    /// <summary>The check that no webhook is open to the network unsigned, and the start-up warning when that is allowed.</summary>
    public static IServiceCollection AddGroupGuardWebhooks(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(new ListenAddresses(configuration));
        services.AddOptions<WebhookOptions>().BindChecked(configuration.GetSection(WebhookOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<WebhookOptions>, WebhookOptionsValidator>();
        services.AddSingleton<WebhookHosts>();
        services.AddSingleton<BodyReader>();
        services.AddSingleton<IValidateOptions<OneBotOptions>, WebhookExposureValidator>();
        services.AddSingleton<IValidateOptions<OneBotOptions>, OneBotWebSocketExposureValidator>();
        services.AddSingleton<WebhookExposure>();
        services.AddHostedService(sp => sp.GetRequiredService<WebhookExposure>());
        services.AddSingleton<BridgeWatch>();
        services.AddHostedService(sp => sp.GetRequiredService<BridgeWatch>());
        return services;
    }

    public static IEndpointRouteBuilder MapOneBotWebhooks(this IEndpointRouteBuilder app)
    {
        app.MapPost(V11Path, (HttpContext context, OneBotWebhookReceiver receiver, IOptionsMonitor<OneBotOptions> options, WebhookHosts hosts, BodyReader bodies, EventIntake intake, AdapterHealth health, ILoggerFactory logs) =>
            HandleAsync(
                context,
                Protocol.OneBotV11,
                Unprotected(options.CurrentValue, options.CurrentValue.Secret, nameof(OneBotOptions.Secret)),
                (body, ctx) => receiver.ReceiveV11(body, ctx.Request.Headers["X-Signature"].FirstOrDefault()),
                hosts,
                bodies,
                intake,
                health,
                logs));

        app.MapPost(V12Path, (HttpContext context, OneBotWebhookReceiver receiver, IOptionsMonitor<OneBotOptions> options, WebhookHosts hosts, BodyReader bodies, EventIntake intake, AdapterHealth health, ILoggerFactory logs) =>
            HandleAsync(
                context,
                Protocol.OneBotV12,
                Unprotected(options.CurrentValue, options.CurrentValue.AccessToken, nameof(OneBotOptions.AccessToken)),
                (body, ctx) => receiver.ReceiveV12(body, ctx.Request.Headers.Authorization.FirstOrDefault()),
                hosts,
                bodies,
                intake,
                health,
                logs));

        return app;
    }

    /// <summary>The setting that would protect the webhook when it is not set (and unsigned events are not allowed knowingly), else null.</summary>
    private static string? Unprotected(OneBotOptions options, string? protection, string setting) =>
        string.IsNullOrEmpty(protection) && !options.AllowUnsigned ? $"{OneBotOptions.Section}:{setting}" : null;

    private static async Task<IResult> HandleAsync(
        HttpContext context,
        Protocol protocol,
        string? unprotected,
        Receive receive,
        WebhookHosts hosts,
        BodyReader bodies,
        EventIntake intake,
        AdapterHealth health,
        ILoggerFactory logs)
    {
        var logger = logs.CreateLogger("GroupGuard.Webhooks");
        if (unprotected is not null && ProxiedRequests.Header(context.Request) is { } proxy)
        {
            return Reject(logger, health, protocol, StatusCodes.Status401Unauthorized, ProxiedRequests.Refusal(proxy, unprotected), context);
        }

        if (unprotected is not null && hosts.Refusal(context.Request, unprotected) is { } misdirected)
        {
            return Reject(logger, health, protocol, StatusCodes.Status421MisdirectedRequest, misdirected, context);
        }

        // A web page open in a browser on this machine can post text/plain or a form to a loopback
        // port without asking; application/json it cannot send from another origin without a CORS
        // preflight, which is never answered here. (From its own origin, a name pointed at this
        // machine by DNS rebinding, it can: the Host check above is what stops that.)
        if (!IsJson(context.Request.ContentType))
        {
            return Reject(logger, health, protocol, StatusCodes.Status415UnsupportedMediaType, "Content-Type must be application/json", context);
        }

        WebhookResult result;
        using (var body = await bodies.ReadAsync(context.Request, BodyReader.MaxBodyBytes, context.RequestAborted))
        {
            if (body.StatusCode != 0 || body.Gone)
            {
                return body.Gone ? Results.Empty : Reject(logger, health, protocol, body.StatusCode, body.Error ?? "body not read", context);
            }

            result = receive(body.Span, context);
        }

        if (result.Event is null || result.StatusCode >= 300)
        {
            return Reject(logger, health, protocol, result.StatusCode, result.Error ?? "rejected", context);
        }

        switch (intake.Accept(result.Event))
        {
            case IntakeOutcome.QueueFull:
                return Results.Json(new { error = "moderation queue is full; retry later" }, statusCode: StatusCodes.Status503ServiceUnavailable);
            case IntakeOutcome.JournalFailed:
                return Results.Json(new { error = "the event could not be saved (storage full or unwritable); retry later" }, statusCode: StatusCodes.Status503ServiceUnavailable);
            case IntakeOutcome.Duplicate:
                LogDuplicate(logger, protocol, result.Event.Message?.DedupeKey);
                break;
        }

        return Results.NoContent();
    }

    /// <summary>Checks and reads one delivery's body (held only for the call) with the request's headers.</summary>
    private delegate WebhookResult Receive(ReadOnlySpan<byte> body, HttpContext context);

    private static bool IsJson(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var type)
        && string.Equals(type.MediaType.Value, "application/json", StringComparison.OrdinalIgnoreCase);

    private static IResult Reject(ILogger logger, AdapterHealth health, Protocol protocol, int status, string reason, HttpContext context)
    {
        if (health.Rejected(protocol, status, reason) is > 0 and var count)
        {
            LogRejected(logger, protocol, status, reason, context.Connection.RemoteIpAddress?.ToString(), count);
        }

        return Results.Json(new { error = reason }, statusCode: status);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rejected {Protocol} webhook from {Remote}: {Status} {Reason} ({Count} rejected so since the last such line; a line for each reason that differs within 10 s, the rest counted when the 10 s end)")]
    private static partial void LogRejected(ILogger logger, Protocol protocol, int status, string reason, string? remote, long count);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Duplicate {Protocol} event {Key} ignored")]
    private static partial void LogDuplicate(ILogger logger, Protocol protocol, string? key);
}
