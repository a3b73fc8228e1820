using GroupGuard.Core;
using GroupGuard.Core.Moderation;
using GroupGuard.OneBot.Actions;
using GroupGuard.OneBot.Tests.Support;
using GroupGuard.Testing;

namespace GroupGuard.OneBot.Tests.Actions;

/// <summary>
/// Clients pointed at a <see cref="FakeOneBotApi"/>, with settings that keep tests quick. The attempt
/// timeout is long, so a loaded machine never turns a quick answer into a timeout and a retry; tests
/// of timeouts, retries, rate and coalescing windows set their own and run on a fake clock.
/// </summary>
internal static class ActionClients
{
    public const string Token = "t0ken-secret";
    public const Protocol OneBotV11 = Protocol.OneBotV11;
    public const Protocol OneBotV12 = Protocol.OneBotV12;

    public static OneBotOptions Options(FakeOneBotApi api, Action<OneBotOptions>? configure = null)
    {
        var options = new OneBotOptions
        {
            ApiBaseUrl = api.BaseUrl,
            V12ApiBaseUrl = api.Url("/v12/"),
            AccessToken = Token,
            MaxActionsPerSecond = 1000,
            ActionTimeoutSeconds = 30,
            ActionBudgetSeconds = 60,
            MaxAttempts = 3,
            WarningCoalesceSeconds = 0,

            // The read-back after a mute or kick is a call of its own: VerifyTests turn it on.
            VerifyActions = false,
        };
        configure?.Invoke(options);
        return options;
    }

    public static OneBotActionClient Create(
        OneBotOptions options,
        TimeProvider? time = null,
        TimeSpan? retryBaseDelay = null,
        LogCollector<OneBotActionClient>? logger = null) =>
        new(new HttpClient(), new SettableOptions<OneBotOptions>(options), time ?? TimeProvider.System, logger ?? new LogCollector<OneBotActionClient>(), retryBaseDelay ?? TimeSpan.FromMilliseconds(50));

    public static PlatformAction Action(
        ModerationAction action,
        Protocol protocol = OneBotV11,
        string platform = "qq",
        string bot = "10000",
        string group = "123456",
        string user = "1001",
        string message = "-2147483000",
        int muteSeconds = 600,
        string? text = null) => new()
        {
            Protocol = protocol,
            Platform = platform,
            BotId = bot,
            GroupId = group,
            UserId = user,
            MessageId = message,
            Action = action,
            MuteSeconds = muteSeconds,
            WarningText = text,
        };
}
