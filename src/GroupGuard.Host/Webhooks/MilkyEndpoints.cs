using GroupGuard.Core;
using GroupGuard.Host.Pipeline;
using GroupGuard.Milky;
using GroupGuard.OneBot;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace GroupGuard.Host.Webhooks;

/// <summary>
/// <c>POST /milky</c>: events pushed by a Milky implementation's WebHook (LuckyLilliaBot's
/// <c>milky.webhook</c>), Bearer-checked and taken through <see cref="EventIntake"/> like the OneBot
/// webhooks: 204 when taken, 400 malformed, 401 token, 413 too large, 415 not JSON, 503 queue full.
/// </summary>
internal static partial class MilkyEndpoints
{
    public const string Path = "/milky";

    /// <summary>The start-up check that <c>/milky</c> is not open to the network without a token, and the warning when that is allowed.</summary>
    public static IServiceCollection AddGroupGuardMilkyWebhook(this IServiceCollection services)
    {
        services.AddSingleton<IValidateOptions<MilkyOptions>, MilkyWebhookExposureValidator>();
        services.AddSingleton<MilkyWebhookExposure>();
        services.AddHostedService(sp => sp.GetRequiredService<MilkyWebhookExposure>());
        return services;
    }

    public static IEndpointRouteBuilder MapMilkyWebhook(this IEndpointRouteBuilder app)
    {
        app.MapPost(Path, HandleAsync);
        return app;
    }

    private static async Task<IResult> HandleAsync(
        HttpContext context,
        IMilkyWebhookReceiver receiver,
        MilkyWebhookExposure exposure,
        WebhookHosts hosts,
        BodyReader bodies,
        EventIntake intake,
        AdapterHealth health,
        ILoggerFactory logs)
    {
        var logger = logs.CreateLogger("GroupGuard.Webhooks.Milky");
        switch (exposure.State())
        {
            case MilkyWebhookState.Off:
                return Reject(logger, health, StatusCodes.Status404NotFound, $"the Milky webhook is off ({MilkyOptions.Section}:{nameof(MilkyOptions.Webhook)}=false)", context);
            case MilkyWebhookState.NeedsToken:
                return Reject(logger, health, StatusCodes.Status401Unauthorized, $"the Milky webhook takes events from the network only with {MilkyOptions.Section}:{nameof(MilkyOptions.AccessToken)} set", context);
        }

        if (exposure.Unprotected && ProxiedRequests.Header(context.Request) is { } proxy)
        {
            return Reject(logger, health, StatusCodes.Status401Unauthorized, ProxiedRequests.Refusal(proxy, $"{MilkyOptions.Section}:{nameof(MilkyOptions.AccessToken)}"), context);
        }

        if (exposure.Unprotected && hosts.Refusal(context.Request, $"{MilkyOptions.Section}:{nameof(MilkyOptions.AccessToken)}") is { } misdirected)
        {
            return Reject(logger, health, StatusCodes.Status421MisdirectedRequest, misdirected, context);
        }

        // A page in a browser on this machine can post text/plain or a form to a loopback port
        // without asking; application/json it cannot send from another origin without a preflight,
        // never answered here (from its own, through DNS rebinding, the Host check above stops it).
        if (!IsJson(context.Request.ContentType))
        {
            return Reject(logger, health, StatusCodes.Status415UnsupportedMediaType, "Content-Type must be application/json", context);
        }

        MilkyWebhookResult result;
        using (var body = await bodies.ReadAsync(context.Request, MilkyLimits.MaxEventBytes, context.RequestAborted))
        {
            if (body.StatusCode != 0 || body.Gone)
            {
                return body.Gone ? Results.Empty : Reject(logger, health, body.StatusCode, body.Error ?? "body not read", context);
            }

            result = receiver.Receive(body.Span, context.Request.Headers.Authorization.FirstOrDefault());
        }

        if (result.Event is null || result.StatusCode >= 300)
        {
            return Reject(logger, health, result.StatusCode, result.Error ?? "rejected", context);
        }

        if (result.BotOffline is { } reason)
        {
            LogBotOffline(logger, result.Event.BotId ?? "(unknown)", reason);
        }

        switch (intake.Accept(result.Event))
        {
            case IntakeOutcome.QueueFull:
                return Results.Json(new { error = "moderation queue is full; retry later" }, statusCode: StatusCodes.Status503ServiceUnavailable);
            case IntakeOutcome.JournalFailed:
                return Results.Json(new { error = "the event could not be saved (storage full or unwritable); retry later" }, statusCode: StatusCodes.Status503ServiceUnavailable);
            case IntakeOutcome.Duplicate:
                LogDuplicate(logger, result.Event.Message?.DedupeKey);
                break;
        }

        return Results.NoContent();
    }

    private static bool IsJson(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var type)
        && string.Equals(type.MediaType.Value, "application/json", StringComparison.OrdinalIgnoreCase);

    private static IResult Reject(ILogger logger, AdapterHealth health, int status, string reason, HttpContext context)
    {
        if (health.Rejected(Protocol.Milky, status, reason) is > 0 and var count)
        {
            LogRejected(logger, status, reason, context.Connection.RemoteIpAddress?.ToString(), count);
        }

        return Results.Json(new { error = reason }, statusCode: status);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rejected Milky webhook from {Remote}: {Status} {Reason} ({Count} rejected so since the last such line; a line for each reason that differs within 10 s, the rest counted when the 10 s end)")]
    private static partial void LogRejected(ILogger logger, int status, string reason, string? remote, long count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Milky implementation pushing to /milky says bot {BotId} is offline: {Reason}; no group events come until it logs in again")]
    private static partial void LogBotOffline(ILogger logger, string botId, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Duplicate Milky event {Key} ignored")]
    private static partial void LogDuplicate(ILogger logger, string? key);
}

internal enum MilkyWebhookState
{
    /// <summary>Takes events (with the token when one is set).</summary>
    On,

    /// <summary><c>GroupGuard:Milky:Webhook=false</c>: 404.</summary>
    Off,

    /// <summary>Left unset, off loopback, without a token: 401 until a token is set.</summary>
    NeedsToken,
}

/// <summary>
/// Whether <c>/milky</c> takes events. Unset, it does when a token is set, when the service
/// listens on loopback only, or when <c>GroupGuard:OneBot:AllowUnsigned</c> says unauthenticated
/// webhooks are accepted knowingly (one switch for every webhook, already warned about at start and
/// shown on <c>/healthz</c>); otherwise it answers 401, so a service that never meant to take Milky
/// pushes is not stopped for lack of a token it does not use.
/// </summary>
internal sealed partial class MilkyWebhookExposure(
    IOptionsMonitor<MilkyOptions> milky,
    IOptionsMonitor<OneBotOptions> oneBot,
    ListenAddresses addresses,
    ILogger<MilkyWebhookExposure> logger) : IHostedService
{
    /// <summary>No token is set and unauthenticated webhooks are not allowed knowingly: open to this machine only.</summary>
    public bool Unprotected => string.IsNullOrEmpty(milky.CurrentValue.AccessToken) && !oneBot.CurrentValue.AllowUnsigned;

    public MilkyWebhookState State()
    {
        var options = milky.CurrentValue;
        if (options.Webhook == false)
        {
            return MilkyWebhookState.Off;
        }

        var open = !string.IsNullOrEmpty(options.AccessToken) || addresses.Reachable.Count == 0 || oneBot.CurrentValue.AllowUnsigned;
        return open || options.Webhook == true ? MilkyWebhookState.On : MilkyWebhookState.NeedsToken;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var options = milky.CurrentValue;
        if (State() == MilkyWebhookState.On && string.IsNullOrEmpty(options.AccessToken) && addresses.Reachable.Count > 0)
        {
            LogOpen(string.Join(", ", addresses.Reachable));
        }
        else if (addresses.Reachable.Count == 0 && State() == MilkyWebhookState.On && string.IsNullOrEmpty(options.AccessToken) && !oneBot.CurrentValue.AllowUnsigned)
        {
            // On loopback: allowed, and said by /healthz only before.
            LogNoTokenOnLoopback(MilkyEndpoints.Path, $"{MilkyOptions.Section}:{nameof(MilkyOptions.AccessToken)}", $"{MilkyOptions.Section}:{nameof(MilkyOptions.Webhook)}");
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning, Message = "GroupGuard:OneBot:AllowUnsigned is true: the Milky webhook /milky on {Addresses} takes events without a token; whoever reaches the port can make the bot act on members")]
    private partial void LogOpen(string addresses);

    [LoggerMessage(Level = LogLevel.Information, Message = "Milky webhook {Path} accepts requests without an access token on loopback; set {Setting} to require it ({Switch}=false turns it off if nothing pushes to it)")]
    private partial void LogNoTokenOnLoopback(string path, string setting, string @switch);
}

/// <summary>
/// Refuses to start when <c>/milky</c> is switched on (<c>GroupGuard:Milky:Webhook=true</c>) and the
/// network can reach it without a token: a forged event names any user, so a stranger could make the
/// bot mute or kick members. <c>GroupGuard:OneBot:AllowUnsigned</c> overrides it, as for every webhook.
/// </summary>
internal sealed class MilkyWebhookExposureValidator(ListenAddresses addresses, IOptionsMonitor<OneBotOptions> oneBot) : IValidateOptions<MilkyOptions>
{
    public ValidateOptionsResult Validate(string? name, MilkyOptions options)
    {
        if (options.Webhook != true || !string.IsNullOrEmpty(options.AccessToken) || addresses.Reachable.Count == 0 || oneBot.CurrentValue.AllowUnsigned)
        {
            return ValidateOptionsResult.Success;
        }

        return ValidateOptionsResult.Fail(
            $"{MilkyOptions.Section}:{nameof(MilkyOptions.AccessToken)} is not set while {MilkyOptions.Section}:{nameof(MilkyOptions.Webhook)} is true and the service listens on " +
            $"{string.Join(", ", addresses.Reachable)}, which the network can reach: anyone there could post forged Milky events to {MilkyEndpoints.Path}. " +
            $"Set it (16 or more characters, the implementation's webhook accessToken), or set {MilkyOptions.Section}:{nameof(MilkyOptions.Webhook)}=false if no implementation pushes to GroupGuard, " +
            $"or listen on loopback only (--urls {addresses.Loopback})");
    }
}
