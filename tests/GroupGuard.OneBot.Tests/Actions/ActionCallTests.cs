using System.Text.Json.Nodes;
using GroupGuard.Core;
using GroupGuard.Core.Moderation;
using static GroupGuard.OneBot.Tests.Actions.ActionClients;

namespace GroupGuard.OneBot.Tests.Actions;

public sealed class ActionCallTests : IAsyncLifetime
{
    private readonly FakeOneBotApi _api = FakeOneBotApi.Start();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _api.DisposeAsync();

    [Fact]
    public async Task Recall_calls_delete_msg_with_the_message_id_as_a_number_and_the_bearer_token()
    {
        using var client = Create(Options(_api));

        var result = await client.ExecuteAsync(Action(ModerationAction.Recall, message: "-2147483000"), CancellationToken.None);

        Assert.Equal(ActionResult.Done, result);
        var request = Assert.Single(_api.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/delete_msg", request.Path);
        Assert.Equal($"Bearer {Token}", request.Header("Authorization"));
        Assert.StartsWith("application/json", request.Header("Content-Type"), StringComparison.Ordinal);
        Assert.Equal("""{"message_id":-2147483000}""", request.RawBody);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("007")]
    [InlineData("99999999999999999999")]
    public async Task A_message_id_that_is_not_a_plain_integer_goes_back_as_sent(string messageId)
    {
        using var client = Create(Options(_api));

        await client.ExecuteAsync(Action(ModerationAction.Recall, message: messageId), CancellationToken.None);

        Assert.Equal(messageId, (string?)Assert.Single(_api.Requests).Params["message_id"]);
    }

    [Fact]
    public async Task Without_an_access_token_no_authorization_header_is_sent()
    {
        using var client = Create(Options(_api, o => o.AccessToken = null));

        await client.ExecuteAsync(Action(ModerationAction.Recall), CancellationToken.None);

        Assert.Null(Assert.Single(_api.Requests).Header("Authorization"));
    }

    [Fact]
    public async Task Mute_sends_set_group_ban_with_the_explicit_duration()
    {
        using var client = Create(Options(_api));

        var result = await client.ExecuteAsync(Action(ModerationAction.Mute, group: "123456", user: "2001", muteSeconds: 600), CancellationToken.None);

        Assert.Equal(ActionResult.Done, result);
        var request = Assert.Single(_api.Requests);
        Assert.Equal("/set_group_ban", request.Path);
        Assert.Equal("""{"group_id":123456,"user_id":2001,"duration":600}""", request.RawBody);
    }

    [Fact]
    public async Task A_mute_of_zero_seconds_is_never_sent_because_it_would_lift_a_mute()
    {
        using var client = Create(Options(_api));

        var result = await client.ExecuteAsync(Action(ModerationAction.Mute, muteSeconds: 0), CancellationToken.None);

        Assert.Equal(ActionStatus.Failed, result.Status);
        Assert.Contains("lift", result.Error, StringComparison.Ordinal);
        Assert.Empty(_api.Requests);
    }

    [Fact]
    public async Task A_mute_longer_than_qq_allows_is_sent_as_the_longest_qq_accepts()
    {
        using var client = Create(Options(_api));

        await client.ExecuteAsync(Action(ModerationAction.Mute, muteSeconds: 90 * 24 * 3600), CancellationToken.None);

        Assert.Equal(30 * 24 * 3600, (int)Assert.Single(_api.Requests).Params["duration"]!);
    }

    [Fact]
    public async Task Kick_sends_set_group_kick_without_blocking_rejoin()
    {
        using var client = Create(Options(_api));

        var result = await client.ExecuteAsync(Action(ModerationAction.Kick, group: "123456", user: "2001"), CancellationToken.None);

        Assert.Equal(ActionResult.Done, result);
        var request = Assert.Single(_api.Requests);
        Assert.Equal("/set_group_kick", request.Path);
        Assert.Equal("""{"group_id":123456,"user_id":2001,"reject_add_request":false}""", request.RawBody);
    }

    [Fact]
    public async Task The_api_base_url_may_end_with_a_slash_or_a_path()
    {
        using var client = Create(Options(_api, o => o.ApiBaseUrl = _api.Url("/napcat/")));

        await client.ExecuteAsync(Action(ModerationAction.Recall), CancellationToken.None);

        Assert.Equal("/napcat/delete_msg", Assert.Single(_api.Requests).Path);
    }

    [Fact]
    public async Task An_async_answer_counts_as_done()
    {
        _api.Script("delete_msg", FakeAnswer.Async());
        using var client = Create(Options(_api));

        var result = await client.ExecuteAsync(Action(ModerationAction.Recall), CancellationToken.None);

        Assert.Equal(ActionResult.Done, result);
    }

    [Fact]
    public async Task Without_an_api_base_url_v11_actions_are_unsupported_and_nothing_is_called()
    {
        using var client = Create(Options(_api, o => o.ApiBaseUrl = ""));

        var result = await client.ExecuteAsync(Action(ModerationAction.Kick), CancellationToken.None);

        Assert.Equal(ActionResult.Unsupported(ActionErrorKind.NotConfigured, "GroupGuard:OneBot:ApiBaseUrl is not set and bot 10000 has not connected over a WebSocket"), result);
        Assert.Empty(_api.Requests);
    }

    [Fact]
    public async Task Without_a_v12_endpoint_v12_actions_are_unsupported_and_nothing_is_called()
    {
        using var client = Create(Options(_api, o => o.V12ApiBaseUrl = null));

        var result = await client.ExecuteAsync(Action(ModerationAction.Recall, protocol: OneBotV12, platform: "telegram"), CancellationToken.None);

        Assert.Equal(ActionResult.Unsupported(ActionErrorKind.NotConfigured, "GroupGuard:OneBot:V12ApiBaseUrl is not set"), result);
        Assert.Empty(_api.Requests);
    }

    [Theory]
    [InlineData(ModerationAction.Recall, "recall")]
    [InlineData(ModerationAction.Mute, "mute")]
    public async Task On_wechat_recall_and_mute_are_unsupported_with_the_reason_and_nothing_is_called(ModerationAction action, string lacking)
    {
        using var client = Create(Options(_api));

        var result = await client.ExecuteAsync(Action(action, protocol: OneBotV12, platform: "wechat"), CancellationToken.None);

        Assert.Equal(ActionStatus.Unsupported, result.Status);
        Assert.Contains("WeChat", result.Error, StringComparison.Ordinal);
        Assert.Contains(lacking, result.Error, StringComparison.Ordinal);
        Assert.Empty(_api.Requests);
    }

    [Fact]
    public async Task On_wechat_kick_calls_wx_delete_groupmember_with_a_user_list()
    {
        using var client = Create(Options(_api));

        var result = await client.ExecuteAsync(
            Action(ModerationAction.Kick, protocol: OneBotV12, platform: "wechat", bot: "wxid_guard", group: "12345@chatroom", user: "wxid_spammer"),
            CancellationToken.None);

        Assert.Equal(ActionResult.Done, result);
        var request = Assert.Single(_api.Requests);
        Assert.Equal("/v12/", request.Path);
        Assert.Equal($"Bearer {Token}", request.Header("Authorization"));
        Assert.Equal(
            """{"action":"wx.delete_groupmember","params":{"group_id":"12345@chatroom","user_list":["wxid_spammer"]},"self":{"platform":"wechat","user_id":"wxid_guard"}}""",
            request.RawBody);
    }

    [Fact]
    public async Task On_another_v12_platform_recall_calls_delete_message_with_the_id_as_a_string()
    {
        using var client = Create(Options(_api));

        var result = await client.ExecuteAsync(Action(ModerationAction.Recall, protocol: OneBotV12, platform: "telegram", bot: "7001", message: "42"), CancellationToken.None);

        Assert.Equal(ActionResult.Done, result);
        Assert.Equal("""{"action":"delete_message","params":{"message_id":"42"},"self":{"platform":"telegram","user_id":"7001"}}""", Assert.Single(_api.Requests).RawBody);
    }

    [Fact]
    public async Task With_two_bots_on_one_v12_implementation_each_recall_names_the_bot_that_heard_the_message()
    {
        // One implementation serves both accounts; without self it answers 10101 (who am I) or acts as either.
        using var client = Create(Options(_api));

        var byA = await client.ExecuteAsync(Action(ModerationAction.Recall, protocol: OneBotV12, platform: "telegram", bot: "bot-a", message: "m-a"), CancellationToken.None);
        var byB = await client.ExecuteAsync(Action(ModerationAction.Recall, protocol: OneBotV12, platform: "telegram", bot: "bot-b", message: "m-b"), CancellationToken.None);

        Assert.Equal(ActionResult.Done, byA);
        Assert.Equal(ActionResult.Done, byB);
        var recallOfB = Assert.Single(_api.Requests, r => (string?)r.Params["message_id"] == "m-b");
        Assert.Equal("/v12/", recallOfB.Path);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"platform":"telegram","user_id":"bot-b"}"""), recallOfB.Body!["self"]));
        var recallOfA = Assert.Single(_api.Requests, r => (string?)r.Params["message_id"] == "m-a");
        Assert.Equal("bot-a", (string?)recallOfA.Body!["self"]!["user_id"]);
    }

    [Fact]
    public async Task A_v12_failure_reports_the_bridge_message()
    {
        _api.Script("delete_message", FakeAnswer.Failed(10003, message: "bad param"));
        using var client = Create(Options(_api));

        var result = await client.ExecuteAsync(Action(ModerationAction.Recall, protocol: OneBotV12, platform: "telegram"), CancellationToken.None);

        Assert.Equal(ActionStatus.Failed, result.Status);
        Assert.Equal("delete_message failed: bad param (retcode 10003)", result.Error);
    }

    [Fact]
    public async Task Log_is_never_sent_to_the_platform()
    {
        using var client = Create(Options(_api));

        var result = await client.ExecuteAsync(Action(ModerationAction.Log), CancellationToken.None);

        Assert.Equal(ActionStatus.Unsupported, result.Status);
        Assert.Empty(_api.Requests);
    }
}
