using GroupGuard.Testing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace GroupGuard.OneBot.Tests.Support;

internal static class Receivers
{
    /// <summary>Shortly after the newest sample was captured: every sample's time is current then.</summary>
    public static readonly DateTimeOffset SamplesCaptured = new(2025, 10, 14, 1, 0, 0, TimeSpan.Zero);

    /// <summary>A receiver whose server clock stands at <paramref name="now"/>, by default <see cref="SamplesCaptured"/>.</summary>
    public static OneBotWebhookReceiver Create(string? secret = null, string? accessToken = null, DateTimeOffset? now = null) =>
        Create(new SettableOptions<OneBotOptions>(new OneBotOptions { Secret = secret, AccessToken = accessToken }), now);

    public static OneBotWebhookReceiver Create(SettableOptions<OneBotOptions> options, DateTimeOffset? now = null) =>
        new(options, new FakeTimeProvider(now ?? SamplesCaptured));
}
