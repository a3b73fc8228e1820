using System.Text.Json.Nodes;
using GroupGuard.Core;
using GroupGuard.Core.Moderation;
using static GroupGuard.OneBot.Tests.Actions.ActionClients;

namespace GroupGuard.OneBot.Tests.Actions;

/// <summary>What commands in the group ask of the OneBot client: lifting a mute, and the id of a warning sent.</summary>
public sealed class UnmuteTests : IAsyncLifetime
{
    private readonly FakeOneBotApi _api = FakeOneBotApi.Start();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _api.DisposeAsync();

    [Fact]
    public async Task Unmute_sends_set_group_ban_with_duration_zero()
    {
        using var client = Create(Options(_api));

        var result = await client.UnmuteAsync(OneBotV11, "qq", "10000", "123456", "2001", CancellationToken.None);

        Assert.Equal(ActionResult.Done, result);
        var request = Assert.Single(_api.Requests);
        Assert.Equal("/set_group_ban", request.Path);
        Assert.Equal("""{"group_id":123456,"user_id":2001,"duration":0}""", request.RawBody);
        Assert.Equal($"Bearer {Token}", request.Header("Authorization"));
    }

    [Fact]
    public async Task A_refused_unmute_is_failed_with_the_platforms_words()
    {
        _api.Script("set_group_ban", FakeAnswer.Failed(200, wording: "权限不足"));
        using var client = Create(Options(_api));

        var result = await client.UnmuteAsync(OneBotV11, "qq", "10000", "123456", "2001", CancellationToken.None);

        Assert.Equal(ActionStatus.Failed, result.Status);
        Assert.Contains("权限不足", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Over_v12_there_is_no_mute_to_lift_and_nothing_is_called()
    {
        using var client = Create(Options(_api));

        var result = await client.UnmuteAsync(OneBotV12, "wechat", "wxid_bot", "123@chatroom", "wxid_a", CancellationToken.None);

        Assert.Equal(ActionStatus.Unsupported, result.Status);
        Assert.Equal(ActionErrorKind.PlatformCannot, result.ErrorKind);
        Assert.Empty(_api.Requests);
    }

    [Theory]
    [InlineData("""{"message_id":-2147000123}""", "-2147000123")]
    [InlineData("""{"message_id":"abc-1"}""", "abc-1")]
    [InlineData("""{}""", null)]
    public async Task A_warning_sent_carries_the_id_the_platform_gave_its_message(string data, string? id)
    {
        _api.Script("send_group_msg", FakeAnswer.Ok(JsonNode.Parse(data)));
        using var client = Create(Options(_api));

        var result = await client.ExecuteAsync(Action(ModerationAction.Warn, text: "请勿发广告"), CancellationToken.None);

        Assert.Equal(ActionStatus.Done, result.Status);
        Assert.Equal(id, result.SentMessageId);
    }
}
