using GroupGuard.OneBot;
using Microsoft.Extensions.Options;

namespace GroupGuard.Host.Webhooks;

/// <summary>
/// Refuses to start when the network can reach <c>/onebot/v11/ws</c> without an access token:
/// whoever opens that socket speaks for a bot, so a stranger could post forged events and make the
/// bot mute or kick members. <c>GroupGuard:OneBot:AllowUnsigned</c> lifts it as it does for the
/// webhooks: it is the one switch that says "accept unauthenticated events here, knowingly", and the
/// start-up warning and <c>/healthz</c> already show it.
/// </summary>
internal sealed class OneBotWebSocketExposureValidator(ListenAddresses addresses) : IValidateOptions<OneBotOptions>
{
    public ValidateOptionsResult Validate(string? name, OneBotOptions options)
    {
        if (options.AllowUnsigned || addresses.Reachable.Count == 0 || !string.IsNullOrEmpty(options.AccessToken))
        {
            return ValidateOptionsResult.Success;
        }

        return ValidateOptionsResult.Fail(
            $"{OneBotOptions.AccessTokenSetting} is not set while the service listens on {string.Join(", ", addresses.Reachable)}, which the network can reach: " +
            $"anyone there could open the OneBot v11 reverse WebSocket {OneBotWebSocketEndpoint.Path} as a bot. Set it (16 or more characters, the same as the implementation's token), " +
            $"or listen on loopback only (--urls {addresses.Loopback}), or set {OneBotOptions.Section}:{nameof(OneBotOptions.AllowUnsigned)}=true to accept unauthenticated events knowingly");
    }
}
