using GroupGuard.Core;

namespace GroupGuard.Milky;

/// <summary>
/// What became of one Milky event's bytes: <paramref name="StatusCode"/> 204 with the
/// <paramref name="Event"/> when it was read; 400, 401 or 413 (over <see cref="MilkyLimits"/>) with a
/// short <paramref name="Error"/> otherwise.
/// </summary>
public sealed record MilkyWebhookResult(int StatusCode, string? Error, InboundEvent? Event)
{
    /// <summary>
    /// For a <c>bot_offline</c> event: the implementation's reason (<c>data.reason</c>, e.g.
    /// 账号在其他设备登录, cut to a readable length). The implementation is there, but the account is
    /// logged out: no group events come until it is back.
    /// </summary>
    public string? BotOffline { get; init; }
}

/// <summary>The Milky webhook (<c>POST /milky</c>): checks the Bearer token and reads the event. The host keeps the body within <see cref="MilkyLimits.MaxEventBytes"/>.</summary>
public interface IMilkyWebhookReceiver
{
    /// <summary>
    /// One pushed event. With <c>GroupGuard:Milky:AccessToken</c> set, <paramref name="authorizationHeader"/>
    /// must be exactly <c>Bearer &lt;token&gt;</c> (401 otherwise).
    /// </summary>
    MilkyWebhookResult Receive(ReadOnlySpan<byte> body, string? authorizationHeader);
}
