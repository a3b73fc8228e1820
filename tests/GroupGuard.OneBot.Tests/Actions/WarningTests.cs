using System.Text.Json.Nodes;
using GroupGuard.Core;
using GroupGuard.Core.Moderation;
using Microsoft.Extensions.Time.Testing;
using static GroupGuard.OneBot.Tests.Actions.ActionClients;

namespace GroupGuard.OneBot.Tests.Actions;

public sealed class WarningTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = GroupGuard.Testing.Patience.Safety;

    private readonly FakeOneBotApi _api = FakeOneBotApi.Start();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _api.DisposeAsync();

    [Fact]
    public async Task A_warning_mentions_the_sender_with_the_reason_escaped_as_cq_text()
    {
        using var client = Create(Options(_api));

        var result = await client.ExecuteAsync(
            Action(ModerationAction.Warn, group: "123456", user: "1001", text: "请勿发广告 [CQ:at,qq=all] & 链接"),
            CancellationToken.None);

        Assert.Equal(ActionResult.Done, result);
        var request = Assert.Single(_api.Requests);
        Assert.Equal("/send_group_msg", request.Path);
        Assert.Equal(123456, (long)request.Params["group_id"]!);
        Assert.Equal("[CQ:at,qq=1001] 请勿发广告 &#91;CQ:at,qq=all&#93; &amp; 链接", (string?)request.Params["message"]);
        Assert.False((bool)request.Params["auto_escape"]!);
    }

    [Fact]
    public async Task A_burst_of_warnings_to_one_group_is_one_message_mentioning_each_sender_once()
    {
        using var client = Create(Options(_api, o => o.WarningCoalesceSeconds = 2));

        // Ten hits: one spammer seven times, a second twice with the same reason, a third for abuse.
        var burst = new List<Task<ActionResult>>();
        for (var i = 0; i < 7; i++)
        {
            burst.Add(client.ExecuteAsync(Action(ModerationAction.Warn, user: "1001", message: $"{i}", text: "请勿发广告"), CancellationToken.None));
        }

        burst.Add(client.ExecuteAsync(Action(ModerationAction.Warn, user: "1002", text: "请勿发广告"), CancellationToken.None));
        burst.Add(client.ExecuteAsync(Action(ModerationAction.Warn, user: "1002", text: "请勿发广告"), CancellationToken.None));
        burst.Add(client.ExecuteAsync(Action(ModerationAction.Warn, user: "1003", text: "请文明发言"), CancellationToken.None));
        var otherGroup = client.ExecuteAsync(Action(ModerationAction.Warn, group: "654321", user: "1001", text: "请勿发广告"), CancellationToken.None);

        var results = await Task.WhenAll(burst).WaitAsync(Patience);

        Assert.All(results, r => Assert.Equal(ActionResult.Done, r));
        Assert.Equal(ActionResult.Done, await otherGroup.WaitAsync(Patience));
        var sends = _api.RequestsFor("send_group_msg");
        Assert.Equal(2, sends.Count);
        var group = Assert.Single(sends, s => (long)s.Params["group_id"]! == 123456);
        Assert.Equal("[CQ:at,qq=1001] [CQ:at,qq=1002] 请勿发广告\n[CQ:at,qq=1003] 请文明发言", (string?)group.Params["message"]);
        Assert.Equal("[CQ:at,qq=1001] 请勿发广告", (string?)Assert.Single(sends, s => (long)s.Params["group_id"]! == 654321).Params["message"]);
    }

    [Fact]
    public async Task A_warning_waits_for_the_window_then_goes_out()
    {
        var time = new FakeTimeProvider();
        var clock = new WatchedClock(time);
        using var client = Create(Options(_api, o => o.WarningCoalesceSeconds = 10), clock);

        var warning = client.ExecuteAsync(Action(ModerationAction.Warn, text: "请勿刷屏"), CancellationToken.None);

        // The warning waits on the clock for the whole window, and nothing is sent before it ends.
        var window = await clock.TimerAsync(1);
        Assert.Equal(TimeSpan.FromSeconds(10), window.DueTime);
        time.Advance(TimeSpan.FromSeconds(9.9));
        Assert.True(window.IsPending);
        Assert.Empty(_api.Requests);
        Assert.False(warning.IsCompleted);

        time.Advance(TimeSpan.FromSeconds(0.1));

        Assert.Equal(ActionResult.Done, await warning.WaitAsync(Patience));
        Assert.Single(_api.Requests);
    }

    /// <summary>
    /// One member's several texts in one window (an admin's answers to two commands, a member's two
    /// reasons) are a line each, each beginning with the mention, as different members' are: joined
    /// on one line with "; ", 已标记误判：#11；另一次违规… ran into the next answer.
    /// </summary>
    [Fact]
    public async Task A_members_several_texts_in_one_window_are_a_line_each_beginning_with_the_mention()
    {
        var time = new FakeTimeProvider();
        var clock = new WatchedClock(time);
        using var client = Create(Options(_api, o => o.WarningCoalesceSeconds = 10), clock);

        var warnings = new[]
        {
            client.ExecuteAsync(Action(ModerationAction.Warn, user: "30003", message: "1", text: "已标记误判：#11；另一次违规的禁言仍在生效，未解除"), CancellationToken.None),
            client.ExecuteAsync(Action(ModerationAction.Warn, user: "1002", message: "2", text: "请勿发广告"), CancellationToken.None),
            client.ExecuteAsync(Action(ModerationAction.Warn, user: "30003", message: "3", text: "今日本群：检查 3 条消息"), CancellationToken.None),
            client.ExecuteAsync(Action(ModerationAction.Warn, user: "1003", message: "4", text: "请勿发广告"), CancellationToken.None),
        };
        await clock.TimerAsync(1);
        time.Advance(TimeSpan.FromSeconds(10));

        Assert.All(await Task.WhenAll(warnings).WaitAsync(Patience), r => Assert.Equal(ActionResult.Done, r));
        Assert.Equal(
            "[CQ:at,qq=30003] 已标记误判：#11；另一次违规的禁言仍在生效，未解除\n[CQ:at,qq=30003] 今日本群：检查 3 条消息\n[CQ:at,qq=1002] [CQ:at,qq=1003] 请勿发广告",
            (string?)Assert.Single(_api.Requests).Params["message"]);
    }

    /// <summary>
    /// A member flooding a group is warned, then muted 10 minutes, then an hour, all within one
    /// window: the group reads one line saying the mute in force, not the warning and each
    /// escalation after it; a reason said with what was done is not replaced by the same reason said bare.
    /// </summary>
    [Fact]
    public async Task One_reason_told_again_with_another_outcome_is_one_line_saying_the_latest()
    {
        var time = new FakeTimeProvider();
        var clock = new WatchedClock(time);
        using var client = Create(Options(_api, o => o.WarningCoalesceSeconds = 10), clock);

        var warnings = new[]
        {
            client.ExecuteAsync(Action(ModerationAction.Warn, user: "20006", message: "11", text: "请勿刷屏"), CancellationToken.None),
            client.ExecuteAsync(Action(ModerationAction.Warn, user: "20007", message: "20", text: "本群不允许发广告（已撤回）"), CancellationToken.None),
            client.ExecuteAsync(Action(ModerationAction.Warn, user: "20006", message: "12", text: "请勿刷屏（禁言 10 分钟）"), CancellationToken.None),
            client.ExecuteAsync(Action(ModerationAction.Warn, user: "20006", message: "13", text: "请勿刷屏（禁言 1 小时）"), CancellationToken.None),
            client.ExecuteAsync(Action(ModerationAction.Warn, user: "20007", message: "21", text: "本群不允许发广告"), CancellationToken.None),
            client.ExecuteAsync(Action(ModerationAction.Warn, user: "20007", message: "22", text: "请文明发言"), CancellationToken.None),
        };
        await clock.TimerAsync(1);
        time.Advance(TimeSpan.FromSeconds(10));

        Assert.All(await Task.WhenAll(warnings).WaitAsync(Patience), r => Assert.Equal(ActionResult.Done, r));
        Assert.Equal(
            "[CQ:at,qq=20006] 请勿刷屏（禁言 1 小时）\n[CQ:at,qq=20007] 本群不允许发广告（已撤回）\n[CQ:at,qq=20007] 请文明发言",
            (string?)Assert.Single(_api.Requests).Params["message"]);
    }

    [Fact]
    public async Task On_v12_a_members_several_texts_are_a_line_each_beginning_with_the_mention()
    {
        var time = new FakeTimeProvider();
        var clock = new WatchedClock(time);
        using var client = Create(Options(_api, o => o.WarningCoalesceSeconds = 10), clock);

        var warnings = new[]
        {
            client.ExecuteAsync(Action(ModerationAction.Warn, protocol: OneBotV12, platform: "wechat", user: "wxid_a", text: "广告"), CancellationToken.None),
            client.ExecuteAsync(Action(ModerationAction.Warn, protocol: OneBotV12, platform: "wechat", user: "wxid_a", text: "辱骂"), CancellationToken.None),
            client.ExecuteAsync(Action(ModerationAction.Warn, protocol: OneBotV12, platform: "wechat", user: "wxid_b", text: "刷屏"), CancellationToken.None),
        };
        await clock.TimerAsync(1);
        time.Advance(TimeSpan.FromSeconds(10));
        await Task.WhenAll(warnings).WaitAsync(Patience);

        var message = Assert.Single(_api.Requests).Params["message"]!.AsArray()
            .Select(s => $"{(string?)s!["type"]}:{(string?)(s["data"]!["user_id"] ?? s["data"]!["text"])}");
        Assert.Equal(
            ["mention:wxid_a", "text: 广告", "text:\n", "mention:wxid_a", "text: 辱骂", "text:\n", "mention:wxid_b", "text: 刷屏"],
            message);
    }

    [Fact]
    public async Task Every_caller_of_a_coalesced_warning_gets_the_platforms_refusal()
    {
        _api.Script("send_group_msg", FakeAnswer.Failed(1200, wording: "发送失败，请尝试重发"));
        using var client = Create(Options(_api, o => o.WarningCoalesceSeconds = 2));

        var results = await Task.WhenAll(
            client.ExecuteAsync(Action(ModerationAction.Warn, user: "1001", text: "a"), CancellationToken.None),
            client.ExecuteAsync(Action(ModerationAction.Warn, user: "1002", text: "b"), CancellationToken.None)).WaitAsync(Patience);

        Assert.All(results, r => Assert.Equal("send_group_msg failed: 发送失败，请尝试重发 (retcode 1200)", r.Error));
        Assert.Single(_api.Requests);
    }

    [Fact]
    public async Task A_raid_of_many_senders_is_split_into_messages_of_twenty_mentions()
    {
        using var client = Create(Options(_api, o => o.WarningCoalesceSeconds = 2));

        var results = await Task.WhenAll(Enumerable.Range(0, 45).Select(i =>
            client.ExecuteAsync(Action(ModerationAction.Warn, user: $"{2000 + i}", text: "请勿发广告"), CancellationToken.None))).WaitAsync(Patience);

        Assert.All(results, r => Assert.Equal(ActionResult.Done, r));
        var mentions = _api.Requests.Select(r => ((string?)r.Params["message"])!.Split("[CQ:at").Length - 1).ToList();
        Assert.Equal([20, 20, 5], mentions);
    }

    [Fact]
    public async Task On_v12_a_warning_is_send_message_with_a_mention_then_the_reason()
    {
        using var client = Create(Options(_api));

        var result = await client.ExecuteAsync(
            Action(ModerationAction.Warn, protocol: OneBotV12, platform: "wechat", bot: "wxid_guard", group: "12345@chatroom", user: "wxid_a", text: "请勿发广告"),
            CancellationToken.None);

        Assert.Equal(ActionResult.Done, result);
        var request = Assert.Single(_api.Requests);
        Assert.Equal("send_message", request.Action);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"platform":"wechat","user_id":"wxid_guard"}"""), request.Body!["self"]));
        Assert.Equal("group", (string?)request.Params["detail_type"]);
        Assert.Equal("12345@chatroom", (string?)request.Params["group_id"]);
        Assert.True(JsonNode.DeepEquals(
            JsonNode.Parse("""[{"type":"mention","data":{"user_id":"wxid_a"}},{"type":"text","data":{"text":" 请勿发广告"}}]"""),
            request.Params["message"]));
    }

    [Fact]
    public async Task On_v12_coalesced_senders_are_separate_mention_segments()
    {
        using var client = Create(Options(_api, o => o.WarningCoalesceSeconds = 2));

        await Task.WhenAll(
            client.ExecuteAsync(Action(ModerationAction.Warn, protocol: OneBotV12, platform: "wechat", user: "wxid_a", text: "广告"), CancellationToken.None),
            client.ExecuteAsync(Action(ModerationAction.Warn, protocol: OneBotV12, platform: "wechat", user: "wxid_b", text: "广告"), CancellationToken.None),
            client.ExecuteAsync(Action(ModerationAction.Warn, protocol: OneBotV12, platform: "wechat", user: "wxid_c", text: "辱骂"), CancellationToken.None))
            .WaitAsync(Patience);

        var message = Assert.Single(_api.Requests).Params["message"]!.AsArray()
            .Select(s => $"{(string?)s!["type"]}:{(string?)(s["data"]!["user_id"] ?? s["data"]!["text"])}");
        Assert.Equal(
            ["mention:wxid_a", "text: ", "mention:wxid_b", "text: 广告", "text:\n", "mention:wxid_c", "text: 辱骂"],
            message);
    }

    [Fact]
    public async Task A_caller_that_stops_waiting_gets_cancelled_while_the_others_still_get_their_warning()
    {
        using var client = Create(Options(_api, o => o.WarningCoalesceSeconds = 2));
        using var impatient = new CancellationTokenSource();

        var cancelled = client.ExecuteAsync(Action(ModerationAction.Warn, user: "1001", text: "a"), impatient.Token);
        var waiting = client.ExecuteAsync(Action(ModerationAction.Warn, user: "1002", text: "a"), CancellationToken.None);
        await impatient.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        Assert.Equal(ActionResult.Done, await waiting.WaitAsync(Patience));
        Assert.Single(_api.Requests);
    }
}
