using GroupGuard.Core;

namespace GroupGuard.OneBot;

/// <summary>
/// What the webhook endpoint should answer: <paramref name="StatusCode"/> 204 with the
/// <paramref name="Event"/> when accepted; 400, 401, 403 or 413 (over <see cref="OneBotLimits"/>) with a
/// short <paramref name="Error"/> otherwise.
/// </summary>
public sealed record WebhookResult(int StatusCode, string? Error, InboundEvent? Event);
