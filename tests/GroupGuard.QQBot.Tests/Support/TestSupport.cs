using System.Globalization;
using System.Text;
using GroupGuard.QQBot.Webhook;
using GroupGuard.Testing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace GroupGuard.QQBot.Tests.Support;

internal static class Samples
{
    public static byte[] Bytes(string name) => File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Samples", name));
}

/// <summary>A receiver on a fake clock, and deliveries signed the way the platform signs them.</summary>
internal static class Receivers
{
    /// <summary>The bot of the docs' example (事件订阅与通知: appid 11111111, secret DG5g3B4j9X2KOErG).</summary>
    public const string AppId = "11111111";
    public const string AppSecret = "DG5g3B4j9X2KOErG";

    /// <summary>Just after the samples' messages (17:58–17:59:30 +08:00 on 2025-11-26).</summary>
    public static readonly DateTimeOffset SamplesTime = new(2025, 11, 26, 10, 0, 0, TimeSpan.Zero);

    public static QQBotOptions Options(Action<QQBotOptions>? configure = null)
    {
        var options = new QQBotOptions { AppId = AppId, AppSecret = AppSecret };
        configure?.Invoke(options);
        return options;
    }

    public static (QQBotWebhookReceiver Receiver, QQBotStatus Status, FakeTimeProvider Clock) Create(QQBotOptions? options = null)
    {
        var clock = new FakeTimeProvider(SamplesTime);
        var monitor = new SettableOptions<QQBotOptions>(options ?? Options());
        var status = new QQBotStatus(monitor, clock);
        return (new QQBotWebhookReceiver(monitor, clock, status), status, clock);
    }

    public static string Now(FakeTimeProvider clock) => clock.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);

    /// <summary>The platform's signature: Ed25519 over the timestamp then the body, in hex (checked against the docs in the known-answer tests).</summary>
    public static string Sign(byte[] body, string timestamp, string secret = AppSecret) =>
        Convert.ToHexStringLower(new QQBotKey(secret).Sign(Encoding.ASCII.GetBytes(timestamp), body));

    /// <summary>Delivers <paramref name="body"/> signed now on the receiver's clock.</summary>
    public static QQBotWebhookResult Deliver(this QQBotWebhookReceiver receiver, FakeTimeProvider clock, byte[] body, string secret = AppSecret)
    {
        var timestamp = Now(clock);
        return receiver.Receive(body, Sign(body, timestamp, secret), timestamp);
    }

    public static QQBotWebhookResult Deliver(this QQBotWebhookReceiver receiver, FakeTimeProvider clock, string body) =>
        receiver.Deliver(clock, Encoding.UTF8.GetBytes(body));
}
