using System.Text.Json.Nodes;
using GroupGuard.Core;
using GroupGuard.Core.Moderation;
using GroupGuard.OneBot.Actions;
using GroupGuard.OneBot.Tests.Support;
using static GroupGuard.OneBot.Tests.Actions.ActionClients;

namespace GroupGuard.OneBot.Tests.Actions;

/// <summary>
/// A v11 mute or kick the platform answered ok is read back without the implementation's cache
/// (<c>get_group_member_info</c>, <c>no_cache: true</c>): <c>shut_up_timestamp</c> (NapCat's and
/// LuckyLilliaBot's end of the mute, Unix seconds) must lie ahead, and a kicked member must be gone.
/// </summary>
public sealed class VerifyTests : IAsyncLifetime
{
    private readonly FakeOneBotApi _api = FakeOneBotApi.Start();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _api.DisposeAsync();

    private static FakeAnswer Answer(string sample) =>
        FakeAnswer.Json(200, Samples.Node("V11/ws/" + sample));

    private OneBotActionClient Client(LogCollector<OneBotActionClient>? logs = null, bool verify = true) =>
        Create(Options(_api, o => o.VerifyActions = verify), logger: logs);

    [Fact]
    public async Task A_mute_that_shows_on_the_member_is_done_after_a_lookup_without_cache()
    {
        _api.Script("get_group_member_info", Answer("napcat-answer-member-muted.json"));
        using var client = Client();

        var result = await client.ExecuteAsync(Action(ModerationAction.Mute, group: "123456", user: "1001", muteSeconds: 600), CancellationToken.None);

        Assert.Equal(ActionResult.Done, result);
        Assert.Equal(["set_group_ban", "get_group_member_info"], _api.Requests.Select(r => r.Action));
        Assert.Equal("""{"group_id":123456,"user_id":1001,"no_cache":true}""", _api.Requests[1].RawBody);
    }

    [Fact]
    public async Task A_mute_answered_ok_while_the_member_stays_unmuted_is_failed()
    {
        _api.Script("get_group_member_info", Answer("napcat-answer-member-not-muted.json"));
        var logs = new LogCollector<OneBotActionClient>();
        using var client = Client(logs);

        var result = await client.ExecuteAsync(Action(ModerationAction.Mute, group: "123456", user: "1001"), CancellationToken.None);

        Assert.Equal(ActionResult.Failed(ActionErrorKind.NotPermitted, "the platform answered ok but the member is not muted"), result);
        Assert.Contains(logs.Entries, e => e.Message.Contains("shut_up_timestamp is 0, not in the future", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_kick_after_which_the_member_cannot_be_found_is_done()
    {
        _api.Script("get_group_member_info", Answer("napcat-answer-member-gone.json"));
        using var client = Client();

        var result = await client.ExecuteAsync(Action(ModerationAction.Kick, group: "123456", user: "1001"), CancellationToken.None);

        Assert.Equal(ActionResult.Done, result);
        Assert.Equal("""{"group_id":123456,"user_id":1001,"no_cache":true}""", _api.RequestsFor("get_group_member_info").Single().RawBody);
    }

    [Fact]
    public async Task A_kick_answered_ok_while_the_member_is_still_there_is_failed()
    {
        _api.Script("get_group_member_info", Answer("napcat-answer-member-not-muted.json"));
        using var client = Client();

        var result = await client.ExecuteAsync(Action(ModerationAction.Kick, group: "123456", user: "1001"), CancellationToken.None);

        Assert.Equal(ActionResult.Failed(ActionErrorKind.NotPermitted, "the platform answered ok but the member is still in the group"), result);
    }

    [Fact]
    public async Task When_the_lookup_cannot_be_made_the_platforms_ok_stands_and_the_log_says_so()
    {
        _api.Script("get_group_member_info", FakeAnswer.Http(404));
        _api.Script("get_group_member_info", FakeAnswer.Ok(new JsonObject { ["role"] = "member" }));
        var logs = new LogCollector<OneBotActionClient>();
        using var client = Client(logs);

        Assert.Equal(ActionResult.Done, await client.ExecuteAsync(Action(ModerationAction.Mute), CancellationToken.None));
        Assert.Equal(ActionResult.Done, await client.ExecuteAsync(Action(ModerationAction.Mute), CancellationToken.None));

        var unverified = logs.Entries.Where(e => e.Message.Contains("could not confirm it", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, unverified.Count);
        Assert.Contains("the implementation has no action get_group_member_info", unverified[0].Message, StringComparison.Ordinal);
        Assert.Contains("the answer carries no shut_up_timestamp", unverified[1].Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_kick_whose_lookup_says_nothing_of_the_member_stands_and_the_log_says_so()
    {
        _api.Script("get_group_member_info", FakeAnswer.Http(401));
        var logs = new LogCollector<OneBotActionClient>();
        using var client = Client(logs);

        Assert.Equal(ActionResult.Done, await client.ExecuteAsync(Action(ModerationAction.Kick), CancellationToken.None));

        Assert.Contains(logs.Entries, e => e.Message.Contains("could not confirm it", StringComparison.Ordinal) && e.Message.Contains("refused the access token", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_refused_mute_is_not_read_back()
    {
        _api.Script("set_group_ban", FakeAnswer.Failed(1200, "ERR_NOT_GROUP_ADMIN"));
        using var client = Client();

        var result = await client.ExecuteAsync(Action(ModerationAction.Mute), CancellationToken.None);

        Assert.Equal(ActionStatus.Failed, result.Status);
        Assert.Equal(["set_group_ban"], _api.Requests.Select(r => r.Action));
    }

    [Fact]
    public async Task VerifyActions_false_takes_the_platforms_ok_and_recalls_are_never_read_back()
    {
        using var unchecked_ = Client(verify: false);
        using var client = Client();

        Assert.Equal(ActionResult.Done, await unchecked_.ExecuteAsync(Action(ModerationAction.Mute), CancellationToken.None));
        Assert.Equal(ActionResult.Done, await unchecked_.ExecuteAsync(Action(ModerationAction.Kick), CancellationToken.None));
        Assert.Equal(ActionResult.Done, await client.ExecuteAsync(Action(ModerationAction.Recall), CancellationToken.None));

        Assert.Equal(["set_group_ban", "set_group_kick", "delete_msg"], _api.Requests.Select(r => r.Action));
    }

    [Fact]
    public async Task Over_a_socket_a_mute_answered_ok_while_the_fake_member_stays_unmuted_is_failed()
    {
        await using var harness = new SocketHarness(new OneBotOptions { MaxActionsPerSecond = 1000, ActionTimeoutSeconds = 30, ActionBudgetSeconds = 60 });
        var (napcat, _) = await harness.ConnectAsync();
        napcat.Script("get_group_member_info", FakeSocketAnswer.Json(System.Text.Encoding.UTF8.GetString(Samples.Bytes("V11/ws/napcat-answer-member-not-muted.json"))));

        var result = await harness.Client.ExecuteAsync(Action(ModerationAction.Mute, bot: "3889012345", group: "123456", user: "1001"), CancellationToken.None);

        Assert.Equal(ActionResult.Failed(ActionErrorKind.NotPermitted, OneBotActionClient.NotMuted), result);
        Assert.Equal(["set_group_ban", "get_group_member_info"], napcat.Calls.Items.Select(c => c.Action));
        Assert.True(napcat.Calls.Items[1].Params["no_cache"]!.GetValue<bool>());
    }
}
