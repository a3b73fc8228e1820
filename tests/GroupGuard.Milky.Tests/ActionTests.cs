using System.Text.Json.Nodes;
using GroupGuard.Core;
using GroupGuard.Core.Moderation;
using GroupGuard.Milky.Actions;
using GroupGuard.Milky.Tests.Support;
using GroupGuard.Testing;
using Microsoft.Extensions.Options;

namespace GroupGuard.Milky.Tests;

/// <summary>Actions as Milky API calls against a fake implementation on loopback.</summary>
public sealed class ActionTests : IAsyncLifetime
{
    private const string Token = "llbot-access-token";

    private readonly FakeMilky _milky = FakeMilky.Start(Token);
    private readonly LogCollector<MilkyActionClient> _logs = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _milky.DisposeAsync();

    private MilkyActionClient Client(Action<MilkyOptions>? configure = null, params FakeMilky[] more)
    {
        var options = new MilkyOptions
        {
            Connections = [new MilkyConnectionOptions { Url = _milky.Url, AccessToken = Token }, .. more.Select(m => new MilkyConnectionOptions { Url = m.Url, AccessToken = m.Token })],
            ActionTimeoutSeconds = 30,
            ActionBudgetSeconds = 60,
        };
        configure?.Invoke(options);
        return new MilkyActionClient(
            MilkyServiceCollectionExtensions.CreateHttpClient(),
            new MilkyConnections(Options.Create(options)),
            new SettableOptions<MilkyOptions>(options),
            TimeProvider.System,
            _logs,
            retryBaseDelay: TimeSpan.FromMilliseconds(1),
            verifyPause: TimeSpan.Zero);
    }

    private static PlatformAction Action(ModerationAction action, int muteSeconds = 0, string? warning = null, string messageId = "23333", string botId = "10001") => new()
    {
        Protocol = Protocol.Milky,
        Platform = "qq",
        BotId = botId,
        GroupId = "123456",
        UserId = "20002",
        MessageId = messageId,
        Action = action,
        MuteSeconds = muteSeconds,
        WarningText = warning,
    };

    private static MilkyAnswer Sample(string name) => new(200, Samples.Text(name));

    [Fact]
    public async Task A_recall_is_recall_group_message_with_the_group_and_sequence_as_integers_and_the_bearer_token()
    {
        using var client = Client();

        var result = await client.ExecuteAsync(Action(ModerationAction.Recall), CancellationToken.None);

        Assert.Equal(ActionStatus.Done, result.Status);
        var call = Assert.Single(_milky.Calls.Items);
        Assert.Equal("recall_group_message", call.Api);
        Assert.Equal("Bearer " + Token, call.Authorization);
        Assert.StartsWith("application/json", call.ContentType, StringComparison.Ordinal);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"group_id":123456,"message_seq":23333}"""), call.Json));
    }

    [Fact]
    public async Task A_forwarded_bundle_is_opened_with_get_forwarded_messages_and_read_with_its_nested_bundles()
    {
        _milky.Script("get_forwarded_messages", Sample("forwarded-messages.json"));
        using var client = Client();

        var opened = await client.OpenAsync(Protocol.Milky, "10001", "fwd-1", CancellationToken.None);

        Assert.True(opened.Opened);
        Assert.Equal(["今天的作业答案整理好了", "想要资料的加微信 abc123", ""], opened.Messages.Select(m => m.Text));
        Assert.Equal(["资料分享君", "热心家长", "班长"], opened.Messages.Select(m => m.SenderName));
        Assert.Null(opened.Messages[0].SenderId); // Milky names senders, no more
        Assert.Equal("fwd-inner", Assert.Single(opened.Messages[2].Forwards).Id);
        var call = Assert.Single(_milky.Calls.Items);
        Assert.Equal("get_forwarded_messages", call.Api);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"forward_id":"fwd-1"}"""), call.Json));
    }

    /// <summary>A picture inside a forwarded chat (a QR-code advert hidden there) is kept with its inner message; it was read and dropped.</summary>
    [Fact]
    public async Task A_picture_inside_a_forwarded_bundle_is_kept_with_its_inner_message()
    {
        _milky.Script("get_forwarded_messages", Sample("forwarded-messages-image.json"));
        using var client = Client();

        var opened = await client.OpenAsync(Protocol.Milky, "10001", "fwd-1", CancellationToken.None);

        Assert.True(opened.Opened, opened.Error);
        Assert.Equal("扫码进群领资料", opened.Messages[0].Text);
        Assert.Equal(
            new ImageRef("EhRqcGctcmVzb3VyY2UtaWQtcXI", "https://multimedia.nt.qq.com.cn/download?appid=1407&fileid=EhRq&rkey=CAQSKAB8", "[图片]"),
            Assert.Single(opened.Messages[0].Images));
        Assert.Empty(opened.Messages[1].Images);
    }

    [Fact]
    public async Task A_bundle_with_half_an_emoji_in_it_is_opened_and_read_with_a_replacement_character()
    {
        // A bridge that shortens a string by UTF-16 units writes half an emoji as \ud83d alone.
        var answer = Samples.Text("forwarded-messages.json").Replace("想要资料的加微信 abc123", "想要资料的加微信 abc123\\ud83d", StringComparison.Ordinal);
        _milky.Script("get_forwarded_messages", new MilkyAnswer(200, answer));
        using var client = Client();

        var opened = await client.OpenAsync(Protocol.Milky, "10001", "fwd-1", CancellationToken.None);

        Assert.True(opened.Opened, opened.Error);
        Assert.Equal(["今天的作业答案整理好了", "想要资料的加微信 abc123\uFFFD", ""], opened.Messages.Select(m => m.Text));
    }

    [Fact]
    public async Task A_bundle_the_implementation_cannot_open_is_a_failed_open_with_its_words()
    {
        _milky.Script("get_forwarded_messages", MilkyAnswer.Failed(-1, "forward message expired"));
        using var client = Client();

        var opened = await client.OpenAsync(Protocol.Milky, "10001", "fwd-1", CancellationToken.None);

        Assert.False(opened.Opened);
        Assert.False(opened.Unsupported);
        Assert.Contains("forward message expired", opened.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void At_most_a_hundred_forwarded_messages_are_read_and_the_answer_says_it_was_cut()
    {
        var messages = new JsonArray([.. Enumerable.Range(0, 150).Select(i => (JsonNode)new JsonObject
        {
            ["sender_name"] = "n", ["time"] = 1764149000, ["segments"] = new JsonArray(new JsonObject { ["type"] = "text", ["data"] = new JsonObject { ["text"] = $"第{i}条" } }),
        })]);
        var data = System.Text.Json.JsonDocument.Parse(new JsonObject { ["messages"] = messages }.ToJsonString()).RootElement;

        var read = GroupGuard.Milky.Parsing.MilkySegments.ReadForwarded(data)!;

        Assert.Equal(100, read.Messages.Count);
        Assert.True(read.Cut);
    }

    [Fact]
    public async Task A_recall_the_platform_refuses_is_failed_with_its_words()
    {
        _milky.Script("recall_group_message", MilkyAnswer.Failed(-2, "message not found"));
        using var client = Client();

        var result = await client.ExecuteAsync(Action(ModerationAction.Recall), CancellationToken.None);

        Assert.Equal(ActionStatus.Failed, result.Status);
        Assert.Equal(ActionErrorKind.Refused, result.ErrorKind);
        Assert.Equal("recall_group_message failed: message not found (retcode -2)", result.Error);
    }

    [Fact]
    public async Task A_refusal_for_want_of_rights_is_not_permitted()
    {
        _milky.Script("recall_group_message", MilkyAnswer.Failed(-500, "权限不足"));
        using var client = Client();

        var result = await client.ExecuteAsync(Action(ModerationAction.Recall), CancellationToken.None);

        Assert.Equal(ActionErrorKind.NotPermitted, result.ErrorKind);
    }

    [Fact]
    public async Task A_mute_is_set_group_member_mute_and_is_read_back_without_cache()
    {
        _milky.Script("get_group_member_info", Sample("member-muted.json"));
        using var client = Client();

        var result = await client.ExecuteAsync(Action(ModerationAction.Mute, muteSeconds: 600), CancellationToken.None);

        Assert.Equal(ActionStatus.Done, result.Status);
        Assert.Equal(["set_group_member_mute", "get_group_member_info"], _milky.Calls.Items.Select(c => c.Api));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"group_id":123456,"user_id":20002,"duration":600}"""), _milky.Calls.Items[0].Json));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"group_id":123456,"user_id":20002,"no_cache":true}"""), _milky.Calls.Items[1].Json));
    }

    [Fact]
    public async Task A_mute_the_platform_answered_ok_but_did_not_carry_out_is_failed()
    {
        _milky.Script("get_group_member_info", Sample("member-not-muted.json"), Sample("member-not-muted.json"));
        using var client = Client();

        var result = await client.ExecuteAsync(Action(ModerationAction.Mute, muteSeconds: 600), CancellationToken.None);

        Assert.Equal(ActionStatus.Failed, result.Status);
        Assert.Equal(ActionErrorKind.NotPermitted, result.ErrorKind);
        Assert.Equal("set_group_member_mute: the platform answered ok but the member is not muted", result.Error);
        Assert.Equal(2, _milky.Calls.Items.Count(c => c.Api == "get_group_member_info"));
    }

    [Fact]
    public async Task A_mute_that_shows_on_the_second_read_is_done()
    {
        _milky.Script("get_group_member_info", Sample("member-not-muted.json"), Sample("member-muted.json"));
        using var client = Client();

        var result = await client.ExecuteAsync(Action(ModerationAction.Mute, muteSeconds: 600), CancellationToken.None);

        Assert.Equal(ActionStatus.Done, result.Status);
    }

    [Fact]
    public async Task A_member_read_that_fails_proves_nothing_and_the_ok_stands()
    {
        _milky.Script("get_group_member_info", MilkyAnswer.Http(404));
        using var client = Client();

        var result = await client.ExecuteAsync(Action(ModerationAction.Mute, muteSeconds: 600), CancellationToken.None);

        Assert.Equal(ActionStatus.Done, result.Status);
        Assert.Contains(_logs.Entries, e => e.Message.Contains("could not be checked", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_kick_is_checked_by_the_member_being_gone()
    {
        _milky.Script("get_group_member_info", Sample("member-not-found.json"));
        using var client = Client();

        var result = await client.ExecuteAsync(Action(ModerationAction.Kick), CancellationToken.None);

        Assert.Equal(ActionStatus.Done, result.Status);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"group_id":123456,"user_id":20002,"reject_add_request":false}"""), _milky.Calls.Items[0].Json));
    }

    [Fact]
    public async Task A_kicked_member_still_in_the_group_is_failed()
    {
        _milky.Script("get_group_member_info", Sample("member-not-muted.json"), Sample("member-not-muted.json"));
        using var client = Client();

        var result = await client.ExecuteAsync(Action(ModerationAction.Kick), CancellationToken.None);

        Assert.Equal(ActionStatus.Failed, result.Status);
        Assert.Equal("kick_group_member: the platform answered ok but the member is still in the group", result.Error);
    }

    [Fact]
    public async Task VerifyActions_false_takes_the_platforms_word()
    {
        using var client = Client(o => o.VerifyActions = false);

        var result = await client.ExecuteAsync(Action(ModerationAction.Mute, muteSeconds: 60), CancellationToken.None);

        Assert.Equal(ActionStatus.Done, result.Status);
        Assert.Equal(["set_group_member_mute"], _milky.Calls.Items.Select(c => c.Api));
    }

    [Fact]
    public async Task A_mute_of_no_length_is_never_sent_since_0_lifts_a_mute()
    {
        using var client = Client();

        var result = await client.ExecuteAsync(Action(ModerationAction.Mute, muteSeconds: 0), CancellationToken.None);

        Assert.Equal(ActionErrorKind.Invalid, result.ErrorKind);
        Assert.Empty(_milky.Calls.Items);
    }

    [Fact]
    public async Task A_warning_is_send_group_message_with_a_mention_then_the_reason()
    {
        using var client = Client();

        var result = await client.ExecuteAsync(Action(ModerationAction.Warn, warning: "请勿发广告"), CancellationToken.None);

        Assert.Equal(ActionStatus.Done, result.Status);
        var call = Assert.Single(_milky.Calls.Items);
        Assert.Equal("send_group_message", call.Api);
        Assert.True(JsonNode.DeepEquals(
            JsonNode.Parse("""{"group_id":123456,"message":[{"type":"mention","data":{"user_id":20002}},{"type":"text","data":{"text":" 请勿发广告"}}]}"""),
            call.Json));
    }

    [Fact]
    public async Task A_warning_whose_answer_never_comes_is_not_posted_again_as_it_may_have_arrived()
    {
        _milky.Script("send_group_message", MilkyAnswer.Hanging());
        using var client = Client(o => { o.ActionTimeoutSeconds = 1; o.MaxAttempts = 3; });

        var result = await client.ExecuteAsync(Action(ModerationAction.Warn, warning: "请勿发广告"), CancellationToken.None);

        Assert.Equal(ActionStatus.Failed, result.Status);
        Assert.Contains("not sent again, as it may have arrived", result.Error, StringComparison.Ordinal);
        Assert.Single(_milky.Calls.Items, c => c.Api == "send_group_message");
    }

    [Fact]
    public async Task A_warning_sent_carries_its_message_seq()
    {
        _milky.Script("send_group_message", MilkyAnswer.Ok(JsonNode.Parse("""{"message_seq":4242,"time":1764150000}""")));
        using var client = Client();

        var result = await client.ExecuteAsync(Action(ModerationAction.Warn, warning: "请勿发广告"), CancellationToken.None);

        Assert.Equal(ActionStatus.Done, result.Status);
        Assert.Equal("4242", result.SentMessageId);
    }

    [Fact]
    public async Task Unmute_is_set_group_member_mute_with_duration_zero()
    {
        using var client = Client();

        var result = await client.UnmuteAsync(Protocol.Milky, "qq", "10001", "123456", "20002", CancellationToken.None);

        Assert.Equal(ActionStatus.Done, result.Status);
        var call = Assert.Single(_milky.Calls.Items);
        Assert.Equal("set_group_member_mute", call.Api);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"group_id":123456,"user_id":20002,"duration":0}"""), call.Json));
    }

    [Fact]
    public async Task Unmute_of_an_id_that_is_no_milky_id_calls_nothing()
    {
        using var client = Client();

        var result = await client.UnmuteAsync(Protocol.Milky, "qq", "10001", "123456", "openid-abc", CancellationToken.None);

        Assert.Equal(ActionErrorKind.Invalid, result.ErrorKind);
        Assert.Empty(_milky.Calls.Items);
    }

    [Fact]
    public async Task An_api_the_implementation_lacks_is_failed_as_platform_cannot()
    {
        // Lagrange.Milky answers 404 for the APIs it has not implemented (mute and kick among them).
        _milky.Script("kick_group_member", MilkyAnswer.Http(404));
        using var client = Client();

        var result = await client.ExecuteAsync(Action(ModerationAction.Kick), CancellationToken.None);

        Assert.Equal(ActionErrorKind.PlatformCannot, result.ErrorKind);
        Assert.Equal("kick_group_member refused with HTTP 404 Not Found: the implementation has no API kick_group_member", result.Error);
    }

    [Fact]
    public async Task A_token_the_implementation_refuses_names_the_setting()
    {
        using var client = Client(o => o.Connections[0].AccessToken = "not-the-token");

        var result = await client.ExecuteAsync(Action(ModerationAction.Recall), CancellationToken.None);

        Assert.Equal(ActionErrorKind.NotConfigured, result.ErrorKind);
        Assert.Contains("GroupGuard:Milky:Connections:0:AccessToken", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-token", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Server_errors_are_retried_and_refusals_are_not()
    {
        _milky.Script("recall_group_message", MilkyAnswer.Http(500), MilkyAnswer.Ok());
        using var client = Client();

        var result = await client.ExecuteAsync(Action(ModerationAction.Recall), CancellationToken.None);

        Assert.Equal(ActionStatus.Done, result.Status);
        Assert.Equal(2, _milky.Calls.Count);
    }

    [Fact]
    public async Task With_one_attempt_allowed_a_recall_is_sent_once_and_a_server_error_is_not_retried()
    {
        _milky.Script("recall_group_message", MilkyAnswer.Ok());
        using var client = Client(o => o.MaxAttempts = 1);

        var done = await client.ExecuteAsync(Action(ModerationAction.Recall), CancellationToken.None);

        Assert.Equal(ActionStatus.Done, done.Status);
        Assert.Equal(1, _milky.Calls.Count);

        _milky.Script("recall_group_message", MilkyAnswer.Http(500), MilkyAnswer.Ok());
        var failed = await client.ExecuteAsync(Action(ModerationAction.Recall, messageId: "23334"), CancellationToken.None);

        Assert.Equal(ActionStatus.Failed, failed.Status);
        Assert.Equal(ActionErrorKind.Unreachable, failed.ErrorKind);
        Assert.Contains("gave up after 1 attempt", failed.Error, StringComparison.Ordinal);
        Assert.Equal(2, _milky.Calls.Count);
    }

    [Fact]
    public async Task Without_connections_actions_are_unsupported_and_say_what_to_set()
    {
        using var client = Client(o => o.Connections.Clear());

        var result = await client.ExecuteAsync(Action(ModerationAction.Recall), CancellationToken.None);

        Assert.Equal(ActionStatus.Unsupported, result.Status);
        Assert.Equal(ActionErrorKind.NotConfigured, result.ErrorKind);
        Assert.StartsWith("GroupGuard:Milky:Connections is empty", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ids_that_are_no_integers_cannot_be_sent()
    {
        using var client = Client();

        var result = await client.ExecuteAsync(Action(ModerationAction.Recall, messageId: "abc"), CancellationToken.None);

        Assert.Equal(ActionErrorKind.Invalid, result.ErrorKind);
        Assert.Empty(_milky.Calls.Items);
    }

    [Fact]
    public async Task With_several_implementations_the_one_whose_login_is_the_bot_acts()
    {
        await using var other = FakeMilky.Start("other-token");
        other.Script("get_login_info", Sample("login-info.json"));
        _milky.Script("get_login_info", MilkyAnswer.Ok(new JsonObject { ["uin"] = 99999, ["nickname"] = "另一个" }));
        using var client = Client(null, other);

        var result = await client.ExecuteAsync(Action(ModerationAction.Recall), CancellationToken.None);

        Assert.Equal(ActionStatus.Done, result.Status);
        Assert.Equal("recall_group_message", other.Calls.Items.Last().Api);
        Assert.Equal("Bearer other-token", other.Calls.Items.Last().Authorization);
        Assert.DoesNotContain(_milky.Calls.Items, c => c.Api == "recall_group_message");
    }

    [Fact]
    public async Task The_role_comes_from_get_group_member_info_and_is_cached()
    {
        _milky.Script("get_group_member_info", Sample("member-muted.json"));
        using var client = Client();

        var first = await client.GetRoleAsync(Protocol.Milky, "10001", "123456", "20002", CancellationToken.None);
        var second = await client.GetRoleAsync(Protocol.Milky, "10001", "123456", "20002", CancellationToken.None);

        Assert.Equal(SenderRole.Member, first);
        Assert.Equal(SenderRole.Member, second);
        var call = Assert.Single(_milky.Calls.Items);
        Assert.False(call.Json["no_cache"]!.GetValue<bool>());
    }

    [Fact]
    public async Task The_join_time_comes_from_get_group_member_info()
    {
        _milky.Script("get_group_member_info", Sample("member-muted.json"));
        using var client = Client();

        var joined = await client.GetJoinTimeAsync(Protocol.Milky, "10001", "123456", "20002", CancellationToken.None);

        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1700000000), joined);
        var call = Assert.Single(_milky.Calls.Items);
        Assert.Equal("get_group_member_info", call.Api);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"group_id":123456,"user_id":20002,"no_cache":false}"""), call.Json));
    }

    [Fact]
    public async Task A_join_time_the_implementation_cannot_give_is_unknown()
    {
        _milky.Script("get_group_member_info", Sample("member-not-found.json"), MilkyAnswer.Ok());
        using var client = Client();

        Assert.Null(await client.GetJoinTimeAsync(Protocol.Milky, "10001", "123456", "20002", CancellationToken.None));
        Assert.Null(await client.GetJoinTimeAsync(Protocol.Milky, "10001", "123456", "20002", CancellationToken.None));
        Assert.Null(await client.GetJoinTimeAsync(Protocol.OneBotV11, "10001", "123456", "20002", CancellationToken.None));
        Assert.Equal(2, _milky.Calls.Count);
    }

    [Fact]
    public void Milky_can_do_all_four_and_nothing_else()
    {
        using var client = Client();

        Assert.True(client.CanDo(Protocol.Milky, "qq", ModerationAction.Recall));
        Assert.True(client.CanDo(Protocol.Milky, "qq", ModerationAction.Mute));
        Assert.True(client.CanDo(Protocol.Milky, "qq", ModerationAction.Kick));
        Assert.True(client.CanDo(Protocol.Milky, "qq", ModerationAction.Warn));
        Assert.False(client.CanDo(Protocol.Milky, "qq", ModerationAction.Log));
        Assert.False(client.CanDo(Protocol.OneBotV11, "qq", ModerationAction.Recall));
        Assert.Equal([Protocol.Milky], client.Protocols);
    }
}
