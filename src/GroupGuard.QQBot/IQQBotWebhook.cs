using GroupGuard.Core;

namespace GroupGuard.QQBot;

/// <summary>
/// The adapter's entry point for the host's webhook endpoint: verifies one delivery of the
/// platform and says what to answer. Failure contract: never throws for a hostile or broken
/// delivery; the result says 400, 401, 404 or 413 instead.
/// </summary>
public interface IQQBotWebhook
{
    /// <param name="body">The raw body, exactly as received: the signature covers these bytes.</param>
    /// <param name="signature">The <c>X-Signature-Ed25519</c> header (hex).</param>
    /// <param name="timestamp">The <c>X-Signature-Timestamp</c> header (Unix seconds).</param>
    QQBotWebhookResult Receive(ReadOnlySpan<byte> body, string? signature, string? timestamp);

    /// <summary>
    /// What to answer before the body is read: 404 while the platform is not set up (no AppID and
    /// AppSecret), when no delivery could be taken whatever it holds; null when deliveries are
    /// taken. The host asks first, so that a body is not read (and held in memory) for a 404.
    /// </summary>
    QQBotWebhookResult? Unavailable();
}

/// <summary>
/// What the endpoint answers. With an <paramref name="Event"/>, the host hands it to moderation and
/// answers <see cref="QQBotAnswers.Ack"/> (or <see cref="QQBotAnswers.RetryLater"/> with 503 when it
/// could not take it); otherwise <paramref name="StatusCode"/> with <paramref name="Answer"/> (JSON)
/// when it is 200, or with <paramref name="Error"/>.
/// </summary>
public sealed record QQBotWebhookResult(int StatusCode, string? Answer, InboundEvent? Event, string? Error);

/// <summary>The bodies of the platform's HTTP callback acknowledgement (op 12).</summary>
public static class QQBotAnswers
{
    /// <summary>Received: <c>d</c> 0.</summary>
    public const string Ack = """{"op":12,"d":0}""";

    /// <summary>Not taken: <c>d</c> 1 asks the platform to deliver it again (botgo's <c>GenDispatchACK(false)</c>).</summary>
    public const string RetryLater = """{"op":12,"d":1}""";
}
