using GroupGuard.Core;
using GroupGuard.Host.Pipeline;
using GroupGuard.QQBot;
using Microsoft.Net.Http.Headers;

namespace GroupGuard.Host.Webhooks;

/// <summary>
/// The official QQ bot platform's HTTP callback: <c>POST {GroupGuard:QQBot:Path}</c> (<c>/qqbot</c>).
/// The body's bytes and the two signature headers go to the adapter's <see cref="IQQBotWebhook"/>;
/// what it accepts goes through <see cref="EventIntake"/> like any webhook event.
/// </summary>
/// <remarks>
/// No exposure check sits beside <see cref="WebhookExposureValidator"/> for this endpoint: every
/// delivery, the URL validation included, must carry an Ed25519 signature made with the key derived
/// from the AppSecret, and within a few minutes of the server clock, so there is no unsigned mode to
/// refuse on an open network; without an AppID and AppSecret the endpoint answers 404 and reads
/// nothing. <c>GroupGuard:OneBot:AllowUnsigned</c> does not apply to it.
/// </remarks>
internal static partial class QQBotEndpoints
{
    public const string SignatureHeader = "X-Signature-Ed25519";
    public const string TimestampHeader = "X-Signature-Timestamp";

    public static IEndpointRouteBuilder MapQQBotWebhook(this IEndpointRouteBuilder app)
    {
        app.MapPost(PathOf(app.ServiceProvider.GetRequiredService<IConfiguration>()), HandleAsync);
        return app;
    }

    /// <summary>
    /// Where the callback is mapped. Read once, from the raw setting: a bad path is reported by the
    /// options validation at start, naming the key, so here it only falls back to the default.
    /// </summary>
    public static string PathOf(IConfiguration configuration)
    {
        var configured = configuration[$"{QQBotOptions.Section}:{nameof(QQBotOptions.Path)}"];
        var path = string.IsNullOrEmpty(configured) ? QQBotOptions.DefaultPath : configured;
        return QQBotPaths.IsUsable(path) ? path : QQBotOptions.DefaultPath;
    }

    private static async Task<IResult> HandleAsync(HttpContext context, IQQBotWebhook webhook, BodyReader bodies, EventIntake intake, AdapterHealth health, ILoggerFactory logs)
    {
        var logger = logs.CreateLogger("GroupGuard.Webhooks");

        // Not set up, every delivery is 404 whatever it holds: answered before a byte of the body is read.
        if (webhook.Unavailable() is { } unavailable)
        {
            return Reject(logger, health, unavailable.StatusCode, unavailable.Error ?? "not found", context);
        }

        // The platform posts application/json; so cannot a web page without a CORS preflight.
        if (!MediaTypeHeaderValue.TryParse(context.Request.ContentType, out var type)
            || !string.Equals(type.MediaType.Value, "application/json", StringComparison.OrdinalIgnoreCase))
        {
            return Reject(logger, health, StatusCodes.Status415UnsupportedMediaType, "Content-Type must be application/json", context);
        }

        QQBotWebhookResult result;
        using (var body = await bodies.ReadAsync(context.Request, BodyReader.MaxBodyBytes, context.RequestAborted))
        {
            if (body.StatusCode == StatusCodes.Status503ServiceUnavailable)
            {
                // d:1 asks the platform to deliver it again, as for a full queue.
                Reject(logger, health, body.StatusCode, body.Error ?? "busy", context);
                return Results.Content(QQBotAnswers.RetryLater, "application/json", null, StatusCodes.Status503ServiceUnavailable);
            }

            if (body.StatusCode != 0 || body.Gone)
            {
                return body.Gone ? Results.Empty : Reject(logger, health, body.StatusCode, body.Error ?? "body not read", context);
            }

            result = webhook.Receive(body.Span, context.Request.Headers[SignatureHeader].FirstOrDefault(), context.Request.Headers[TimestampHeader].FirstOrDefault());
        }

        if (result.StatusCode >= 300)
        {
            return Reject(logger, health, result.StatusCode, result.Error ?? "rejected", context);
        }

        if (result.Event is { } inbound)
        {
            switch (intake.Accept(inbound))
            {
                case IntakeOutcome.QueueFull:
                case IntakeOutcome.JournalFailed:
                    // d:1 is the platform's "deliver it again"; the 503 says the same to anything else.
                    LogNotTaken(logger, inbound.Message?.DedupeKey);
                    return Results.Content(QQBotAnswers.RetryLater, "application/json", null, StatusCodes.Status503ServiceUnavailable);
                case IntakeOutcome.Duplicate:
                    LogDuplicate(logger, inbound.Message?.DedupeKey);
                    break;
            }
        }

        return Results.Content(result.Answer ?? QQBotAnswers.Ack, "application/json", null, StatusCodes.Status200OK);
    }

    private static IResult Reject(ILogger logger, AdapterHealth health, int status, string reason, HttpContext context)
    {
        if (health.Rejected(Protocol.QQBot, status, reason) is > 0 and var count)
        {
            LogRejected(logger, status, reason, context.Connection.RemoteIpAddress?.ToString(), count);
        }

        return Results.Json(new { error = reason }, statusCode: status);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rejected qqbot webhook from {Remote}: {Status} {Reason} ({Count} rejected so since the last such line; a line for each reason that differs within 10 s, the rest counted when the 10 s end)")]
    private static partial void LogRejected(ILogger logger, int status, string reason, string? remote, long count);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Duplicate qqbot event {Key} acknowledged")]
    private static partial void LogDuplicate(ILogger logger, string? key);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not take qqbot event {Key} (queue full or journal unwritable): answered 503 so that the platform delivers it again")]
    private static partial void LogNotTaken(ILogger logger, string? key);
}
