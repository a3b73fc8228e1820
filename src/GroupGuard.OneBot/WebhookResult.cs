using GroupGuard.Core;

namespace GroupGuard.OneBot;

/// <summary>
/// What the webhook endpoint should answer: <paramref name="StatusCode"/> 204 with the
/// <paramref name="Event"/> when accepted; 400, 401 or 403 with a short <paramref name="Error"/> otherwise.
/// </summary>
public sealed record WebhookResult(int StatusCode, string? Error, InboundEvent? Event);
