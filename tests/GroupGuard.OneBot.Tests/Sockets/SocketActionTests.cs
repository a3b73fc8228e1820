using System.Text.Json.Nodes;
using GroupGuard.Core;
using GroupGuard.Core.Moderation;
using GroupGuard.OneBot.Sockets;
using GroupGuard.OneBot.Tests.Support;
using Microsoft.Extensions.Time.Testing;
using static GroupGuard.OneBot.Tests.Actions.ActionClients;

namespace GroupGuard.OneBot.Tests.Sockets;

/// <summary>
/// Actions of a bot with a live WebSocket go over it as <c>{"action","params","echo"}</c>
/// (communication/ws.md) and the answer with the same echo settles each, in whatever order the
/// answers come; a socket that drops fails its calls as transient, and they wait for the bot.
/// </summary>
public sealed class SocketActionTests : IAsyncLifetime
{
    private const string Bot = "3889012345";

    private readonly FakeOneBotApi _api = FakeOneBotApi.Start();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _api.DisposeAsync();

    private static string Sample(string name) => System.Text.Encoding.UTF8.GetString(Samples.Bytes("V11/ws/" + name));

    private OneBotOptions WithHttp(Action<OneBotOptions>? configure = null) => Options(_api, configure);

    private static OneBotOptions SocketOnly(Action<OneBotOptions>? configure = null)
    {
        var options = new OneBotOptions
        {
            MaxActionsPerSecond = 1000,
            ActionTimeoutSeconds = 30,
            ActionBudgetSeconds = 60,
            WarningCoalesceSeconds = 0,
            VerifyActions = false,
        };
        configure?.Invoke(options);
        return options;
    }

    [Fact]
    public async Task A_recall_goes_over_the_bots_socket_as_action_params_echo_and_not_over_http()
    {
        await using var harness = new SocketHarness(WithHttp());
        var (napcat, _) = await harness.ConnectAsync();

        var result = await harness.Client.ExecuteAsync(Action(ModerationAction.Recall, bot: Bot, message: "1988435722"), CancellationToken.None);

        Assert.Equal(ActionResult.Done, result);
        var call = Assert.Single(napcat.Calls.Items);
        Assert.Equal("delete_msg", call.Action);
        Assert.Equal("""{"message_id":1988435722}""", call.Params.ToJsonString());
        var frame = JsonNode.Parse(call.Raw)!.AsObject();
        Assert.Equal(["action", "params", "echo"], frame.Select(p => p.Key));
        Assert.False(string.IsNullOrEmpty(call.Echo!.GetValue<string>()));
        Assert.Empty(_api.Requests);
    }

    [Fact]
    public async Task A_socket_holds_at_most_1024_calls_waiting_for_answers_and_refuses_the_next_at_once()
    {
        await using var harness = new SocketHarness(SocketOnly());
        var (napcat, _) = await harness.ConnectAsync(Bot);
        napcat.Default = FakeSocketAnswer.Never();
        var session = harness.Registry.Find(Bot)!;
        using var giveUp = new CancellationTokenSource();
        var waiting = Enumerable.Range(0, SocketSession.MaxPendingCalls).Select(_ => session.CallAsync("get_status", "{}"u8.ToArray(), giveUp.Token)).ToList();
        await napcat.Calls.WaitForCountAsync(SocketSession.MaxPendingCalls, "every call's frame out");

        // A peer that never answers holds no more than this: the next call fails at once, unsent,
        // as transient (the transport tries it again elsewhere within the action's budget).
        var refused = await Assert.ThrowsAsync<SocketUnavailableException>(() => session.CallAsync("get_status", "{}"u8.ToArray(), giveUp.Token).Within("the call past the limit to be refused"));

        Assert.Contains("has 1024 calls waiting for an answer", refused.Message, StringComparison.Ordinal);
        Assert.Equal(SocketSession.MaxPendingCalls, napcat.Calls.Count);

        // Once the waiting calls give up, the socket carries calls again.
        await giveUp.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Task.WhenAll(waiting));
        napcat.Default = FakeSocketAnswer.Ok();
        var answer = await session.CallAsync("get_status", "{}"u8.ToArray(), CancellationToken.None).Within("an answer once the others gave up");
        Assert.NotEmpty(answer);
    }

    [Fact]
    public async Task Answers_that_come_out_of_order_settle_the_calls_they_belong_to()
    {
        await using var harness = new SocketHarness(SocketOnly());
        var (napcat, _) = await harness.ConnectAsync();
        var release = new TaskCompletionSource();
        napcat.Script(
            "delete_msg",
            FakeSocketAnswer.Json(Sample("napcat-answer-recall-failed.json")).After(release.Task),
            FakeSocketAnswer.Json(Sample("napcat-answer-ok.json")));

        var first = harness.Client.ExecuteAsync(Action(ModerationAction.Recall, bot: Bot, message: "101"), CancellationToken.None);
        await napcat.Calls.WaitForCountAsync(1, "the first recall on the socket");
        var second = harness.Client.ExecuteAsync(Action(ModerationAction.Recall, bot: Bot, message: "102"), CancellationToken.None);

        // The second is answered while the first answer is still held back.
        Assert.Equal(ActionResult.Done, await second.Within("the second recall"));
        Assert.False(first.IsCompleted);
        release.SetResult();
        var refused = await first.Within("the first recall");

        Assert.Equal(ActionStatus.Failed, refused.Status);
        Assert.Equal(ActionErrorKind.Refused, refused.ErrorKind);
        Assert.Equal("delete_msg failed: Recall failed (retcode 1200)", refused.Error);
        var calls = napcat.Calls.Items;
        Assert.Equal([101L, 102L], calls.Select(c => c.Params["message_id"]!.GetValue<long>()));
        Assert.NotEqual(calls[0].Echo!.GetValue<string>(), calls[1].Echo!.GetValue<string>());
    }

    [Fact]
    public async Task An_action_the_implementation_lacks_is_retcode_1404_and_platform_cannot()
    {
        await using var harness = new SocketHarness(SocketOnly());
        var (napcat, _) = await harness.ConnectAsync();
        napcat.Default = FakeSocketAnswer.Json(Sample("napcat-answer-unknown-action.json"));

        var result = await harness.Client.ExecuteAsync(Action(ModerationAction.Kick, bot: Bot), CancellationToken.None);

        Assert.Equal(ActionStatus.Failed, result.Status);
        Assert.Equal(ActionErrorKind.PlatformCannot, result.ErrorKind);
        Assert.StartsWith("set_group_kick failed: the implementation has no action set_group_kick", result.Error, StringComparison.Ordinal);
    }

    /// <summary>The one mapping of answers: a retcode means the same over the socket and over HTTP (a 1404 no such action, a 1403 a refused token).</summary>
    [Theory]
    [InlineData("V11/answer-unknown-action-retcode-1404-http.json", ActionErrorKind.PlatformCannot, "the implementation has no action set_group_kick")]
    [InlineData("V11/answer-token-refused-retcode-1403-http.json", ActionErrorKind.NotConfigured, "GroupGuard:OneBot:AccessToken")]
    public async Task The_same_answer_fails_alike_over_the_socket_and_over_http(string sample, ActionErrorKind kind, string said)
    {
        var answer = System.Text.Encoding.UTF8.GetString(Samples.Bytes(sample));
        _api.Default = new FakeAnswer(200, answer);
        using var overHttp = Create(WithHttp());
        await using var harness = new SocketHarness(SocketOnly());
        var (napcat, _) = await harness.ConnectAsync();
        napcat.Default = FakeSocketAnswer.Json(answer);

        var byHttp = await overHttp.ExecuteAsync(Action(ModerationAction.Kick, bot: Bot), CancellationToken.None);
        var bySocket = await harness.Client.ExecuteAsync(Action(ModerationAction.Kick, bot: Bot), CancellationToken.None);

        Assert.Equal(kind, bySocket.ErrorKind);
        Assert.Contains(said, bySocket.Error, StringComparison.Ordinal);
        Assert.Equal(bySocket, byHttp);
    }

    [Fact]
    public async Task A_call_whose_socket_drops_waits_for_the_bot_to_come_back_and_goes_over_the_new_socket()
    {
        await using var harness = new SocketHarness(SocketOnly());
        var (first, run) = await harness.ConnectAsync();
        first.Default = FakeSocketAnswer.Never();

        var kick = harness.Client.ExecuteAsync(Action(ModerationAction.Kick, bot: Bot, group: "123456", user: "1001"), CancellationToken.None);
        await first.Calls.WaitForCountAsync(1, "the kick on the first socket");
        first.Abort();
        await run.Within("the first session to end");
        var (second, _) = await harness.ConnectAsync();

        Assert.Equal(ActionResult.Done, await kick.Within("the kick"));
        var again = Assert.Single(second.Calls.Items);
        Assert.Equal("set_group_kick", again.Action);
        Assert.Equal(first.Calls.Items[0].Params.ToJsonString(), again.Params.ToJsonString());
    }

    [Fact]
    public async Task A_warning_whose_socket_drops_after_its_frame_went_out_is_not_posted_again()
    {
        var (result, first, second) = await DropAfterTheFrameAsync(client => client.ExecuteAsync(Action(ModerationAction.Warn, bot: Bot, text: "请勿发广告"), CancellationToken.None));

        Assert.Equal(ActionStatus.Failed, result.Status);
        Assert.Equal(ActionErrorKind.Unreachable, result.ErrorKind);
        Assert.StartsWith("send_group_msg: the WebSocket ws-reverse 127.0.0.1:40000 closed before the answer came", result.Error, StringComparison.Ordinal);
        Assert.EndsWith("; not sent again, as it may have arrived", result.Error, StringComparison.Ordinal);
        Assert.Equal("send_group_msg", Assert.Single(first.Calls.Items).Action);
        Assert.Empty(second.Calls.Items);
    }

    [Fact]
    public async Task A_private_message_whose_socket_drops_after_its_frame_went_out_is_not_sent_again()
    {
        var (result, first, second) = await DropAfterTheFrameAsync(client => client.SendPrivateAsync("1001", "今日摘要", CancellationToken.None));

        Assert.Equal(ActionStatus.Failed, result.Status);
        Assert.EndsWith("; not sent again, as it may have arrived", result.Error, StringComparison.Ordinal);
        Assert.Equal("send_private_msg", Assert.Single(first.Calls.Items).Action);
        Assert.Empty(second.Calls.Items);
    }

    /// <summary>
    /// Starts <paramref name="send"/> on the bot's socket, drops the socket once its frame has
    /// arrived and before any answer, and connects the bot again; returns the call's end and both sockets.
    /// </summary>
    private static async Task<(ActionResult Result, FakeOneBotSocket First, FakeOneBotSocket Second)> DropAfterTheFrameAsync(Func<GroupGuard.OneBot.Actions.OneBotActionClient, Task<ActionResult>> send)
    {
        await using var harness = new SocketHarness(SocketOnly());
        var (first, run) = await harness.ConnectAsync();
        first.Default = FakeSocketAnswer.Never();

        var call = send(harness.Client);
        await first.Calls.WaitForCountAsync(1, "the frame on the first socket");
        first.Abort();
        await run.Within("the first session to end");
        var (second, _) = await harness.ConnectAsync();

        // Before, the call was tried again on the new socket, and the message posted twice.
        return (await call.Within("the call"), first, second);
    }

    [Fact]
    public async Task An_action_for_a_bot_that_has_not_connected_yet_waits_for_it_and_goes_over_its_socket()
    {
        // After a restart the journal's replay and the recovered actions run before NapCat has
        // reconnected (it tries every few seconds): each was unsupported, "has not connected".
        var time = new FakeTimeProvider();
        var clock = new WatchedClock(time);
        await using var harness = new SocketHarness(SocketOnly(o => { o.ActionBudgetSeconds = 20; o.ActionTimeoutSeconds = 5; }), clock);

        var recall = harness.Client.ExecuteAsync(Action(ModerationAction.Recall, bot: Bot, message: "1988435722"), CancellationToken.None);
        if (recall.IsCompleted)
        {
            Assert.Fail($"the recall ended before the bot connected: {await recall}");
        }

        await clock.TimerAsync(t => t.DueTime == TimeSpan.FromSeconds(20), what: "the wait for the bot's socket");
        var (napcat, _) = await harness.ConnectAsync();

        Assert.Equal(ActionResult.Done, await recall.Within("the recall"));
        var call = Assert.Single(napcat.Calls.Items);
        Assert.Equal("delete_msg", call.Action);
        Assert.Equal("""{"message_id":1988435722}""", call.Params.ToJsonString());
    }

    [Fact]
    public async Task Without_the_reverse_endpoint_http_or_forward_connections_an_action_is_unsupported_at_once()
    {
        await using var harness = new SocketHarness(SocketOnly(), reverseEndpoint: false);

        var result = await harness.Client.ExecuteAsync(Action(ModerationAction.Recall, bot: Bot), CancellationToken.None);

        Assert.Equal(ActionResult.Unsupported(ActionErrorKind.NotConfigured, $"GroupGuard:OneBot:ApiBaseUrl is not set and bot {Bot} has not connected over a WebSocket"), result);
    }

    /// <summary>
    /// Past the first minutes after the start, a bot never seen since is not waited for: one that
    /// sends its events over HTTP without an API to act through (a setup that cannot act) is told so
    /// at once, rather than have each action hold a worker for its budget.
    /// </summary>
    [Fact]
    public async Task Past_the_grace_after_the_start_an_action_for_a_bot_never_seen_is_unsupported_at_once()
    {
        var time = new FakeTimeProvider();
        await using var harness = new SocketHarness(SocketOnly(o => { o.ActionBudgetSeconds = 20; o.ActionTimeoutSeconds = 5; }), time);
        time.Advance(GroupGuard.OneBot.Sockets.SocketRegistry.ReverseGrace);

        var result = await harness.Client.ExecuteAsync(Action(ModerationAction.Recall, bot: Bot), CancellationToken.None).Within("the recall");

        Assert.Equal(ActionResult.Unsupported(ActionErrorKind.NotConfigured, $"GroupGuard:OneBot:ApiBaseUrl is not set and bot {Bot} has not connected over a WebSocket"), result);
    }

    [Fact]
    public async Task Without_an_http_api_a_bot_that_stays_away_fails_once_the_budget_is_spent()
    {
        var time = new FakeTimeProvider();
        var clock = new WatchedClock(time);
        await using var harness = new SocketHarness(SocketOnly(o => { o.ActionBudgetSeconds = 20; o.ActionTimeoutSeconds = 5; }), clock);
        var (napcat, run) = await harness.ConnectAsync();
        await napcat.CloseAsync();
        await run.Within("the session to end");

        var recall = harness.Client.ExecuteAsync(Action(ModerationAction.Recall, bot: Bot), CancellationToken.None);
        var wait = await clock.TimerAsync(t => t.DueTime == TimeSpan.FromSeconds(20), what: "the wait for the bot's socket");
        time.SetUtcNow(wait.DueAt!.Value);
        var result = await recall.Within("the recall");

        Assert.Equal(ActionStatus.Failed, result.Status);
        Assert.Equal(ActionErrorKind.Unreachable, result.ErrorKind);
        Assert.Equal($"delete_msg for bot {Bot}: no WebSocket of the bot came up within the 20 s budget, and GroupGuard:OneBot:ApiBaseUrl is not set", result.Error);
    }

    /// <summary>
    /// In the first minutes after the start a bot never seen is waited for; one that does not come
    /// has nothing to act through but a setting not made: not configured, not "the platform's API
    /// did not answer" (which a leader's digest would say).
    /// </summary>
    [Fact]
    public async Task Without_an_http_api_a_bot_never_seen_that_does_not_come_fails_as_not_configured()
    {
        var time = new FakeTimeProvider();
        var clock = new WatchedClock(time);
        await using var harness = new SocketHarness(SocketOnly(o => { o.ActionBudgetSeconds = 20; o.ActionTimeoutSeconds = 5; }), clock);

        var recall = harness.Client.ExecuteAsync(Action(ModerationAction.Recall, bot: Bot), CancellationToken.None);
        var wait = await clock.TimerAsync(t => t.DueTime == TimeSpan.FromSeconds(20), what: "the wait for the bot's socket");
        time.SetUtcNow(wait.DueAt!.Value);
        var result = await recall.Within("the recall");

        Assert.Equal((ActionStatus.Failed, ActionErrorKind.NotConfigured), (result.Status, result.ErrorKind));
        Assert.Equal($"delete_msg for bot {Bot}: no WebSocket of the bot came up within the 20 s budget, and GroupGuard:OneBot:ApiBaseUrl is not set", result.Error);
    }

    [Fact]
    public async Task With_an_http_api_a_bot_without_a_socket_is_called_over_http()
    {
        await using var harness = new SocketHarness(WithHttp());
        var (napcat, run) = await harness.ConnectAsync();
        await napcat.CloseAsync();
        await run.Within("the session to end");

        Assert.Equal(ActionResult.Done, await harness.Client.ExecuteAsync(Action(ModerationAction.Recall, bot: Bot), CancellationToken.None));

        Assert.Equal("delete_msg", Assert.Single(_api.Requests).Action);
        Assert.Empty(napcat.Calls.Items);
    }

    [Fact]
    public async Task The_role_is_asked_over_the_socket_and_not_waited_for_when_the_bot_is_away()
    {
        await using var harness = new SocketHarness(SocketOnly());
        var (napcat, run) = await harness.ConnectAsync();
        napcat.Default = FakeSocketAnswer.Json(Sample("napcat-answer-member-muted.json"));

        Assert.Equal(SenderRole.Member, await harness.Client.GetRoleAsync(Protocol.OneBotV11, Bot, "123456", "1001", CancellationToken.None));
        var call = Assert.Single(napcat.Calls.Items);
        Assert.Equal("get_group_member_info", call.Action);
        Assert.Equal("""{"group_id":123456,"user_id":1001,"no_cache":false}""", call.Params.ToJsonString());

        await napcat.CloseAsync();
        await run.Within("the session to end");
        Assert.Null(await harness.Client.GetRoleAsync(Protocol.OneBotV11, Bot, "123456", "1002", CancellationToken.None));
    }

    [Fact]
    public async Task Without_an_http_api_a_digest_goes_to_the_leader_over_a_connected_bots_socket()
    {
        await using var harness = new SocketHarness(SocketOnly());
        Assert.Equal(ActionStatus.Unsupported, (await harness.Client.SendPrivateAsync("1001", "今日摘要", CancellationToken.None)).Status);
        var (napcat, _) = await harness.ConnectAsync();

        Assert.Equal(ActionResult.Done, await harness.Client.SendPrivateAsync("1001", "今日摘要", CancellationToken.None));

        var call = Assert.Single(napcat.Calls.Items);
        Assert.Equal("send_private_msg", call.Action);
        Assert.Equal("""{"user_id":1001,"message":"今日摘要","auto_escape":true}""", call.Params.ToJsonString(new System.Text.Json.JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
    }

    [Fact]
    public async Task Several_bots_at_once_each_get_their_actions_over_their_own_socket()
    {
        await using var harness = new SocketHarness(SocketOnly());
        var (first, _) = await harness.ConnectAsync(botId: "10001");
        var (second, _) = await harness.ConnectAsync(botId: "10002");

        await Task.WhenAll(
            harness.Client.ExecuteAsync(Action(ModerationAction.Recall, bot: "10001", message: "1"), CancellationToken.None),
            harness.Client.ExecuteAsync(Action(ModerationAction.Recall, bot: "10002", message: "2"), CancellationToken.None),
            harness.Client.ExecuteAsync(Action(ModerationAction.Recall, bot: "10001", message: "3"), CancellationToken.None));

        Assert.Equal([1L, 3L], first.Calls.Items.Select(c => c.Params["message_id"]!.GetValue<long>()).Order());
        Assert.Equal([2L], second.Calls.Items.Select(c => c.Params["message_id"]!.GetValue<long>()));
        Assert.Equal(2, harness.Registry.Connections.Count);
    }

    [Fact]
    public async Task The_newest_socket_of_a_bot_carries_its_actions()
    {
        await using var harness = new SocketHarness(SocketOnly());
        var (older, _) = await harness.ConnectAsync();
        var (newer, _) = await harness.ConnectAsync();

        await harness.Client.ExecuteAsync(Action(ModerationAction.Recall, bot: Bot), CancellationToken.None);

        Assert.Empty(older.Calls.Items);
        Assert.Single(newer.Calls.Items);
    }
}
