using Microsoft.Extensions.Options;

namespace GroupGuard.OneBot.Tests.Support;

/// <summary>Options whose current value a test can change, as a reload would.</summary>
internal sealed class TestOptionsMonitor(OneBotOptions value) : IOptionsMonitor<OneBotOptions>
{
    public OneBotOptions CurrentValue { get; set; } = value;

    public OneBotOptions Get(string? name) => CurrentValue;

    public IDisposable? OnChange(Action<OneBotOptions, string?> listener) => null;
}

internal static class Receivers
{
    public static OneBotWebhookReceiver Create(string? secret = null, string? accessToken = null) =>
        new(new TestOptionsMonitor(new OneBotOptions { Secret = secret, AccessToken = accessToken }));
}
