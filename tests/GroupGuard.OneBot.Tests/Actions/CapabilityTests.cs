using GroupGuard.Core;
using GroupGuard.Core.Moderation;
using static GroupGuard.OneBot.Tests.Actions.ActionClients;

namespace GroupGuard.OneBot.Tests.Actions;

public sealed class CapabilityTests : IAsyncLifetime
{
    private readonly FakeOneBotApi _api = FakeOneBotApi.Start();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _api.DisposeAsync();

    [Theory]
    [InlineData(OneBotV11, "qq", ModerationAction.Warn, true)]
    [InlineData(OneBotV11, "qq", ModerationAction.Recall, true)]
    [InlineData(OneBotV11, "qq", ModerationAction.Mute, true)]
    [InlineData(OneBotV11, "qq", ModerationAction.Kick, true)]
    [InlineData(OneBotV12, "wechat", ModerationAction.Warn, true)]
    [InlineData(OneBotV12, "wechat", ModerationAction.Recall, false)]
    [InlineData(OneBotV12, "wechat", ModerationAction.Mute, false)]
    [InlineData(OneBotV12, "wechat", ModerationAction.Kick, true)]
    [InlineData(OneBotV12, "telegram", ModerationAction.Warn, true)]
    [InlineData(OneBotV12, "telegram", ModerationAction.Recall, true)]
    [InlineData(OneBotV12, "telegram", ModerationAction.Mute, false)]
    [InlineData(OneBotV12, "telegram", ModerationAction.Kick, false)]
    [InlineData(OneBotV11, "qq", ModerationAction.Log, false)]
    [InlineData((Protocol)99, "qq", ModerationAction.Warn, false)] // a protocol no adapter speaks
    public void CanDo_answers_from_the_capability_table(Protocol protocol, string platform, ModerationAction action, bool expected)
    {
        using var client = Create(Options(_api));

        Assert.Equal(expected, client.CanDo(protocol, platform, action));
    }

    [Theory]
    [InlineData(OneBotV12, "wechat", ModerationAction.Recall)]
    [InlineData(OneBotV12, "wechat", ModerationAction.Mute)]
    [InlineData(OneBotV12, "telegram", ModerationAction.Mute)]
    [InlineData(OneBotV12, "telegram", ModerationAction.Kick)]
    [InlineData((Protocol)99, "qq", ModerationAction.Recall)]
    public async Task What_the_platform_cannot_do_is_unsupported_with_a_reason_and_calls_nothing(Protocol protocol, string platform, ModerationAction action)
    {
        using var client = Create(Options(_api));

        var result = await client.ExecuteAsync(Action(action, protocol: protocol, platform: platform), CancellationToken.None);

        Assert.Equal(ActionStatus.Unsupported, result.Status);
        Assert.Equal(ActionErrorKind.PlatformCannot, result.ErrorKind);
        Assert.False(string.IsNullOrWhiteSpace(result.Error));
        Assert.Empty(_api.Requests);
    }
}
