using System.Net;
using System.Text.Json;
using GroupGuard.Core;
using GroupGuard.Host.Tests.Pipeline;
using Microsoft.Extensions.DependencyInjection;

namespace GroupGuard.Host.Tests;

/// <summary>From a webhook to a call on a fake OneBot HTTP API on loopback, and the outcome on the incident.</summary>
public sealed class ModerationTests
{
    private const string Pack = """
        pack: ads
        name: 广告
        category: ads
        severity: medium
        action: recall
        rules:
          - id: ads.contact
            terms: [加微信]
          - id: ads.flood
            flood: { messages: 4, seconds: 10 }
            action: mute
            mute_minutes: 5
        """;

    private static GroupGuardFactory Service(FakeOneBotApi api, params (string Key, string? Value)[] settings) =>
        new(GroupGuardFactory.OneBotApi(api.BaseUrl, [("GroupGuard:OneBot:WarningCoalesceSeconds", "1"), .. settings]), Pack);

    /// <summary>The setting that shows the recovery's line for each message (Debug; a pass's summary is a warning).</summary>
    internal const string PerMessageRecoveryLines = "Logging:LogLevel:GroupGuard.Host.Pipeline.PendingActionRecovery";

    private static Task<Incident> SettledAsync(GroupGuardFactory service, int messages, Func<Incident, bool> which) =>
        service.SettledAsync(messages, which);

    private static long MessageId(FakeRequest request) => request.Params["message_id"]!.GetValue<long>();

    /// <summary>
    /// Another member's flagged message, after the ones before it, and its recall done. Action jobs
    /// start in the order their messages were moderated and the client's rate limit spaces their
    /// calls, so a call an earlier message had queued would come before this one's (jobs run side
    /// by side, so this is not strictly guaranteed: a wrongly passing "no call" is possible, a
    /// wrongly failing one is not). Better than a pause, which proves nothing either.
    /// </summary>
    private static async Task FlaggedAfterwardsAsync(GroupGuardFactory service, long messageId, int messages, long groupId = 123456)
    {
        await service.PostV11Async(GroupGuardFactory.GroupEvent(messageId, "加微信", userId: 20003, groupId: groupId));
        var incident = await service.SettledAsync(messages, i => i.MessageId == messageId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(ActionStatus.Done, incident.ActionStatus);
    }

    [Fact]
    public async Task A_recall_rule_hit_calls_delete_msg_with_the_message_id_and_token()
    {
        await using var api = FakeOneBotApi.Start();
        using var service = Service(api);

        await service.PostV11Async(GroupGuardFactory.GroupEvent(-2147001234, "想要资料的加微信"));

        var incident = await SettledAsync(service, 1, _ => true);
        var call = Assert.Single(api.Requests);
        Assert.Equal("delete_msg", call.Action);
        Assert.Equal(-2147001234, call.Params["message_id"]!.GetValue<long>());
        Assert.Equal("Bearer " + GroupGuardFactory.AccessToken, call.Header("Authorization"));
        Assert.Equal(ActionStatus.Done, incident.ActionStatus);
    }

    [Fact]
    public async Task A_repeat_offender_is_muted_for_the_configured_time()
    {
        await using var api = FakeOneBotApi.Start();
        using var service = Service(api, ("GroupGuard:Moderation:Escalation:0:Count", "2"), ("GroupGuard:Moderation:Escalation:0:Action", "mute"), ("GroupGuard:Moderation:Escalation:0:MuteMinutes", "7"));

        await service.PostV11Async(GroupGuardFactory.GroupEvent(1, "加微信", time: 1764150000));
        await SettledAsync(service, 1, i => i.MessageId == "1");
        await service.PostV11Async(GroupGuardFactory.GroupEvent(2, "加微信", time: 1764150060));
        var second = await SettledAsync(service, 2, i => i.MessageId == "2");

        var ban = Assert.Single(api.RequestsFor("set_group_ban"));
        Assert.Equal(420, ban.Params["duration"]!.GetValue<long>());
        Assert.Equal(20002, ban.Params["user_id"]!.GetValue<long>());
        Assert.Equal(123456, ban.Params["group_id"]!.GetValue<long>());
        Assert.Equal(2, api.RequestsFor("delete_msg").Count);
        Assert.Equal(1, second.EscalationStep);
        Assert.Equal(420, second.MuteSeconds);
    }

    /// <summary>
    /// Actions run side by side, but one member's mutes reach the platform in the order they were
    /// decided: with the recall before the 5-minute mute slow to answer, the escalated 10-minute
    /// mute of the member's next message waits for it, while another member's recall goes ahead.
    /// Sent the other way round, the shorter mute would be the one in force.
    /// </summary>
    [Fact]
    public async Task One_members_escalating_mutes_reach_the_platform_in_order()
    {
        await using var api = FakeOneBotApi.Start();
        var slow = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        api.Script("delete_msg", FakeAnswer.Ok(), FakeAnswer.Ok() with { Hold = slow.Task });
        using var service = Service(
            api,
            ("GroupGuard:Moderation:Escalation:0:Count", "2"), ("GroupGuard:Moderation:Escalation:0:Action", "mute"), ("GroupGuard:Moderation:Escalation:0:MuteMinutes", "5"),
            ("GroupGuard:Moderation:Escalation:1:Count", "3"), ("GroupGuard:Moderation:Escalation:1:Action", "mute"), ("GroupGuard:Moderation:Escalation:1:MuteMinutes", "10"));

        await service.PostV11Async(GroupGuardFactory.GroupEvent(1, "加微信", time: 1764150000));
        await SettledAsync(service, 1, i => i.MessageId == "1");
        await service.PostV11Async(GroupGuardFactory.GroupEvent(2, "加微信", time: 1764150060));
        await api.WaitForRequestAsync(r => r.Action == "delete_msg" && MessageId(r) == 2, "the recall of message 2 (held)");
        await service.PostV11Async(GroupGuardFactory.GroupEvent(3, "加微信", time: 1764150120));
        await service.PostV11Async(GroupGuardFactory.GroupEvent(4, "加微信", userId: 20009, time: 1764150130));
        await service.SettledAsync(4, i => i.MessageId == "4"); // another member's recall is not held up
        slow.SetResult();
        await service.SettledAsync(4, i => i.MessageId == "3");
        await service.SettledAsync(4, i => i.MessageId == "2");

        Assert.Equal([300L, 600L], api.RequestsFor("set_group_ban").Select(r => r.Params["duration"]!.GetValue<long>()));
    }

    [Fact]
    public async Task An_admins_message_gets_an_incident_and_no_call()
    {
        await using var api = FakeOneBotApi.Start();
        using var service = Service(api);

        await service.PostV11Async(GroupGuardFactory.GroupEvent(3, "加微信", role: "admin"));

        var incident = Assert.Single(await service.IncidentsAfterAsync(1));
        Assert.Equal(ActionStatus.Exempt, incident.ActionStatus);

        await FlaggedAfterwardsAsync(service, 30, messages: 2);
        Assert.Equal([30L], api.Requests.Select(MessageId));
    }

    [Fact]
    public async Task A_member_whose_role_the_event_lacks_is_looked_up_and_spared_when_owner()
    {
        await using var api = FakeOneBotApi.Start();
        api.Script("get_group_member_info", FakeAnswer.Ok(new System.Text.Json.Nodes.JsonObject { ["role"] = "owner", ["user_id"] = 20002 }));
        using var service = Service(api);

        await service.PostV11Async(GroupGuardFactory.GroupEvent(4, "加微信", role: ""));

        var incident = Assert.Single(await service.IncidentsAfterAsync(1));
        Assert.Equal(ActionStatus.Exempt, incident.ActionStatus);
        Assert.Equal(["get_group_member_info"], api.Requests.Select(r => r.Action));
    }

    [Fact]
    public async Task Dry_run_calls_nothing_and_says_what_it_would_have_done()
    {
        await using var api = FakeOneBotApi.Start();
        // One group is left out of the dry run, to show afterwards that calls do go out.
        using var service = Service(api, ("GroupGuard:Moderation:DryRun", "true"), ("GroupGuard:Groups:654321:DryRun", "false"));

        await service.PostV11Async(GroupGuardFactory.GroupEvent(5, "加微信"));

        var incident = Assert.Single(await service.IncidentsAfterAsync(1));
        Assert.Equal(ActionStatus.DryRun, incident.ActionStatus);
        Assert.Equal(ModerationAction.Recall, incident.DecidedAction);

        await FlaggedAfterwardsAsync(service, 50, messages: 2, groupId: 654321);
        Assert.Equal([50L], api.Requests.Select(MessageId));
    }

    /// <summary>
    /// A trial shows the escalation enforcing would apply: a member's repeated hits in a group in
    /// dry run are recorded with the steps and mutes of the default escalation (2nd: 10 minutes, 3rd:
    /// 60), nothing called. A shadow rule's hits before them never count, as enforced they would not
    /// either. Once the group enforces, the trial's incidents do not count: the member's next hit is
    /// a first offence, recalled, not muted.
    /// </summary>
    [Fact]
    public async Task A_dry_run_records_the_escalation_it_would_have_applied_and_enforcing_starts_afresh()
    {
        const string pack = """
            pack: ads
            name: 广告
            category: ads
            severity: medium
            action: recall
            rules:
              - id: ads.contact
                terms: [加微信]
              - id: ads.offer
                terms: [特价]
                mode: shadow
            """;
        await using var api = FakeOneBotApi.Start();
        using var service = new GroupGuardFactory(GroupGuardFactory.OneBotApi(api.BaseUrl), pack);
        const long Admin = 30001;
        const long T = 1764150000;

        await service.PostV11Async(GroupGuardFactory.GroupEvent(1, "/gg 试运行 开", userId: Admin, role: "admin", time: T));
        await service.PostV11Async(GroupGuardFactory.GroupEvent(2, "今天特价", time: T + 1));
        await service.PostV11Async(GroupGuardFactory.GroupEvent(3, "特价最后一天", time: T + 2));
        await service.PostV11Async(GroupGuardFactory.GroupEvent(4, "加微信", time: T + 3));
        await service.PostV11Async(GroupGuardFactory.GroupEvent(5, "加微信", time: T + 4));
        await service.PostV11Async(GroupGuardFactory.GroupEvent(6, "加微信", time: T + 5));
        var trial = (await service.IncidentsAfterAsync(6)).Where(i => i.Rule == "ads.contact").ToList();

        Assert.Equal(
            [("4", ActionStatus.DryRun, 0, 0), ("5", ActionStatus.DryRun, 1, 600), ("6", ActionStatus.DryRun, 2, 3600)],
            trial.Select(i => (i.MessageId, i.ActionStatus, i.EscalationStep, i.MuteSeconds)));
        Assert.Empty(api.RequestsFor("delete_msg"));
        Assert.Empty(api.RequestsFor("set_group_ban"));

        await service.PostV11Async(GroupGuardFactory.GroupEvent(7, "/gg 试运行 关", userId: Admin, role: "admin", time: T + 6));
        await service.PostV11Async(GroupGuardFactory.GroupEvent(8, "加微信", time: T + 7));
        var enforced = await service.SettledAsync(8, i => i.MessageId == "8");

        Assert.Equal((ActionStatus.Done, 0, 0), (enforced.ActionStatus, enforced.EscalationStep, enforced.MuteSeconds));
        Assert.Equal([8L], api.RequestsFor("delete_msg").Select(MessageId));
        Assert.Empty(api.RequestsFor("set_group_ban"));
    }

    [Fact]
    public async Task The_same_event_twice_is_one_incident_and_one_call()
    {
        await using var api = FakeOneBotApi.Start();
        using var service = Service(api);
        var body = GroupGuardFactory.GroupEvent(6, "加微信");

        await service.PostV11Async(body);
        await service.PostV11Async(body);
        await FlaggedAfterwardsAsync(service, 60, messages: 2);

        // The worker never saw the redelivery: the message after it came next.
        Assert.Equal(["6", "60"], service.Handled.Items.Select(m => m.MessageId));
        Assert.Single(await service.IncidentsAsync(), i => i.MessageId == "6");

        // The two recalls run side by side (the action worker takes several jobs at once): 6's is
        // started first, but on a loaded machine 60's can reach the API, and be settled, before it.
        await service.SettledAsync(2, i => i.MessageId == "6");
        Assert.Equal([6L, 60L], api.Requests.Select(MessageId).Order());
    }

    /// <summary>
    /// Two of the operator's bots in one group each deliver its messages, under message ids of
    /// their own and the group's one sequence number (NapCat's real_seq): the message is moderated
    /// once, by the first copy, so the group sees one recall and one warning, not one from each bot.
    /// </summary>
    [Fact]
    public async Task The_same_group_message_delivered_by_a_second_bot_is_moderated_once()
    {
        await using var api = FakeOneBotApi.Start();
        using var service = Service(api);
        static string Heard(long bot, long messageId, string sequence)
        {
            var node = System.Text.Json.Nodes.JsonNode.Parse(GroupGuardFactory.GroupEvent(messageId, "加微信"))!;
            node["self_id"] = bot;
            node["real_seq"] = sequence;
            return node.ToJsonString();
        }

        await service.PostV11Async(Heard(10001, 6, "88124"));
        await service.PostV11Async(Heard(10002, 9006, "88124")); // the same message, heard by the second bot
        await service.PostV11Async(Heard(10002, 9007, "88125")); // the sender's next message, which the first bot missed
        await FlaggedAfterwardsAsync(service, 60, messages: 3);

        Assert.Equal(["6", "9007", "60"], service.Handled.Items.Select(m => m.MessageId));
        var incidents = await service.IncidentsAsync();
        Assert.DoesNotContain(incidents, i => i.MessageId == "9006");
        Assert.Equal("10001", Assert.Single(incidents, i => i.MessageId == "6").BotId);
        Assert.Equal("10002", Assert.Single(incidents, i => i.MessageId == "9007").BotId);
        await service.SettledAsync(3, i => i.MessageId == "6");
        await service.SettledAsync(3, i => i.MessageId == "9007");
        Assert.Equal([6L, 60L, 9007L], api.RequestsFor("delete_msg").Select(MessageId).Order());

        using var health = System.Text.Json.JsonDocument.Parse(await service.CreateClient().GetStringAsync("/healthz"));
        Assert.Equal(1, health.RootElement.GetProperty("pipeline").GetProperty("copies_from_other_bots").GetInt64());
    }

    [Theory]
    [InlineData(500)]
    [InlineData(0)] // never answers
    public async Task A_failing_api_does_not_hold_the_webhook_and_the_incident_is_marked_failed(int status)
    {
        await using var api = FakeOneBotApi.Start();
        // The API answers only once the test lets it (the one that never answers: never).
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        api.Default = status == 0 ? FakeAnswer.Hanging() : FakeAnswer.Http(status).After(release.Task);
        using var service = status == 0
            ? Service(api, ("GroupGuard:OneBot:ActionTimeoutSeconds", "1"), ("GroupGuard:OneBot:ActionBudgetSeconds", "4"))
            : Service(api);

        var response = await service.PostV11Async(GroupGuardFactory.GroupEvent(7, "加微信"));

        // The webhook has answered although the API has not been let to answer yet.
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        await api.WaitForRequestsAsync(1);
        release.SetResult();
        var incident = await SettledAsync(service, 1, _ => true);
        Assert.Equal(ActionStatus.Failed, incident.ActionStatus);
        Assert.False(string.IsNullOrEmpty(incident.ActionError));
        Assert.Equal(HttpStatusCode.OK, (await service.CreateClient().GetAsync("/healthz")).StatusCode);
    }

    [Fact]
    public async Task A_refusal_is_recorded_with_the_platforms_words()
    {
        await using var api = FakeOneBotApi.Start();
        api.Default = FakeAnswer.Failed(1200, "permission denied", "机器人不是管理员");
        using var service = Service(api);

        await service.PostV11Async(GroupGuardFactory.GroupEvent(8, "加微信"));

        var incident = await SettledAsync(service, 1, _ => true);
        Assert.Equal(ActionStatus.Failed, incident.ActionStatus);
        Assert.Contains("机器人不是管理员", incident.ActionError, StringComparison.Ordinal);
        Assert.Single(api.Requests); // a refusal is not retried
    }

    [Fact]
    public async Task A_flood_of_messages_trips_the_flood_rule()
    {
        await using var api = FakeOneBotApi.Start();
        using var service = Service(api);

        for (var i = 0; i < 6; i++)
        {
            await service.PostV11Async(GroupGuardFactory.GroupEvent(100 + i, $"第{i}条消息", time: 1764150000 + i));
        }

        var incidents = await service.IncidentsAfterAsync(6);
        Assert.Equal(["104", "105"], incidents.Where(i => i.Rule == "ads.flood").Select(i => i.MessageId));

        // The rule's own mute is the first flood incident's (the second is escalated to 600 s). Each
        // is a job of its own and jobs run side by side, so the second being settled says nothing
        // of the first: its own outcome is waited for.
        var mute = await SettledAsync(service, 6, i => i.MessageId == "104");
        Assert.Contains(api.RequestsFor("set_group_ban"), r => r.Params["duration"]!.GetValue<long>() == 300);
        Assert.Equal(ActionStatus.Done, mute.ActionStatus);
    }

    /// <summary>
    /// The audit's case end to end, through the OneBot client's coalescing: a member floods one
    /// group (from the second message on each is a flood hit, a warning, and with the default
    /// escalation from the third on a mute too), then an advert in another group is to be recalled.
    /// The warning window is an hour, so every warning still waits when the recall goes out; before,
    /// the flood's jobs held every slot for the window and the recall waited behind them.
    /// </summary>
    [Fact]
    public async Task A_floods_warnings_do_not_hold_up_another_groups_recall()
    {
        const string FloodPack = """
            pack: test-spam
            name: 刷屏
            category: spam
            severity: low
            action: warn
            rules:
              - id: spam.flood
                flood: { messages: 1, seconds: 600 }
              - id: ads.contact
                terms: [加微信]
                action: recall
            """;
        await using var api = FakeOneBotApi.Start();
        using var service = new GroupGuardFactory(GroupGuardFactory.OneBotApi(api.BaseUrl, ("GroupGuard:OneBot:WarningCoalesceSeconds", "3600")), FloodPack);

        for (var i = 1; i <= 13; i++)
        {
            await service.PostV11Async(GroupGuardFactory.GroupEvent(i, $"刷屏 {i}", time: 1764150000 + i));
        }

        await service.PostV11Async(GroupGuardFactory.GroupEvent(100, "加微信", userId: 20003, groupId: 654321, time: 1764150020));

        var recall = await service.SettledAsync(14, i => i.MessageId == "100");
        Assert.Equal(ActionStatus.Done, recall.ActionStatus);
        Assert.Equal([100L], api.RequestsFor("delete_msg").Select(MessageId));
        var flood = (await service.IncidentsAsync()).Where(i => i.Rule == "spam.flood").ToList();
        Assert.Equal(12, flood.Count);
        Assert.All(flood, i => Assert.Equal(ActionStatus.Pending, i.ActionStatus)); // each waits for its warning

        // One member's mutes are carried out in turn: the last message's done means all of them are.
        await service.Logs.WaitFor(e => e.Message.StartsWith("Action Mute on qq group 123456 user 20002 message 13: Done", StringComparison.Ordinal), "the flooder's last mute");
        Assert.Equal(11, api.RequestsFor("set_group_ban").Count);
        Assert.Empty(api.RequestsFor("send_group_msg"));
    }

    [Fact]
    public async Task On_wechat_a_recall_degrades_to_a_warning_and_the_incident_says_unsupported()
    {
        await using var api = FakeOneBotApi.Start();
        using var service = Service(api, ("GroupGuard:OneBot:V12ApiBaseUrl", api.Url("/v12/")));
        var body = GroupGuardFactory.Sample("v12-wechat-group.json").Replace("私聊领取福利", "加微信领福利", StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.NoContent, (await service.PostV12Async(body)).StatusCode);

        var incident = await SettledAsync(service, 1, _ => true);
        Assert.Equal(ActionStatus.Unsupported, incident.ActionStatus);
        Assert.Contains("cannot recall", incident.ActionError, StringComparison.Ordinal);
        // The group's name (ComWeChat's event carries none), asked while moderating, then the warning.
        Assert.Equal(["get_group_info", "send_message"], api.Requests.Select(r => r.Action));
        var warning = api.RequestsFor("send_message")[0];
        Assert.Equal("wechat", warning.Body!["self"]!["platform"]!.GetValue<string>()); // the bot of the sample's self
        Assert.Equal("wxid_bot001", warning.Body["self"]!["user_id"]!.GetValue<string>());
        Assert.DoesNotContain(api.Requests, r => r.Action == "delete_message");
    }

    [Fact]
    public async Task Actions_left_pending_by_a_crash_are_carried_out_when_recent_and_marked_failed_when_old()
    {
        await using var api = FakeOneBotApi.Start();
        using var service = Service(api);
        await service.StartedAsync();
        var store = (IIncidentStore)service.Services.GetService(typeof(IIncidentStore))!;
        var now = DateTimeOffset.UtcNow;
        Incident Pending(string messageId, DateTimeOffset detected) => Incidents.Of(messageId, time: detected) with { ActionStatus = ActionStatus.Pending };
        var ids = await store.AddAsync([Pending("901", now.AddMinutes(-1)), Pending("902", now.AddHours(-1))], CancellationToken.None);
        var recovery = Recoveries.For(service.Services, TimeProvider.System);

        await recovery.RecoverAsync(CancellationToken.None);

        // The old one is marked failed by the recovery itself; the recent one once its recall is done.
        await service.StoreCalls.WaitForAsync(
            c => GroupGuardFactory.IsOutcome(c) && ((IEnumerable<long>)c.Arguments[0]!).Contains(ids[0]),
            "the outcome of the recall queued again");

        Assert.Equal(ActionStatus.Done, (await store.GetAsync(ids[0], CancellationToken.None))!.ActionStatus);
        Assert.Equal(ActionStatus.Failed, (await store.GetAsync(ids[1], CancellationToken.None))!.ActionStatus);
        var call = Assert.Single(api.Requests);
        Assert.Equal(901, call.Params["message_id"]!.GetValue<long>());
    }

    [Fact]
    public async Task Actions_the_worker_decides_while_the_recovery_runs_are_not_queued_twice()
    {
        await using var api = FakeOneBotApi.Start();
        using var service = Service(api, (PerMessageRecoveryLines, "Debug"));
        await service.StartedAsync();
        var store = (IIncidentStore)service.Services.GetService(typeof(IIncidentStore))!;
        var now = DateTimeOffset.UtcNow;
        var me = service.Services.GetRequiredService<InstanceIdentity>().Id;
        Incident Pending(string messageId, DateTimeOffset detected, string? owner) => Incidents.Of(messageId, time: detected, detectedAt: detected) with { ActionStatus = ActionStatus.Pending, ActionOwner = owner };
        // 911 was left by a crash (of a version that recorded no owner); 912 was decided after this
        // start by the worker, which queues it itself.
        var ids = await store.AddAsync([Pending("911", now.AddMinutes(-1), null), Pending("912", now.AddSeconds(5), me)], CancellationToken.None);
        var recovery = Recoveries.For(service.Services, new Microsoft.Extensions.Time.Testing.FakeTimeProvider(now));

        await recovery.RecoverAsync(CancellationToken.None);

        var requeued = service.Logs.Entries.Where(e => e.Message.StartsWith("Queued again", StringComparison.Ordinal)).Select(e => e.Message).ToList();
        Assert.Contains(requeued, m => m.Contains("message 911", StringComparison.Ordinal));
        Assert.DoesNotContain(requeued, m => m.Contains("message 912", StringComparison.Ordinal));
    }

    /// <summary>
    /// The machine's clock was set back an hour between a crash and the restart: the actions the
    /// process before left are stamped later than this start. They were taken for this process's
    /// own and never carried out, with no word; the id the process before went by tells them apart.
    /// </summary>
    [Fact]
    public async Task Actions_left_by_the_process_before_are_carried_out_after_the_clock_was_set_back()
    {
        await using var api = FakeOneBotApi.Start();
        using var service = Service(api, (PerMessageRecoveryLines, "Debug"));
        await service.StartedAsync();
        var store = (IIncidentStore)service.Services.GetService(typeof(IIncidentStore))!;
        var now = DateTimeOffset.UtcNow;
        var before = InstanceIdentity.Generate("host");
        var ids = await store.AddAsync(
            [Incidents.Of("931", time: now.AddMinutes(59), detectedAt: now.AddMinutes(59)) with { ActionStatus = ActionStatus.Pending, ActionOwner = before }],
            CancellationToken.None);
        var recovery = Recoveries.For(service.Services, new Microsoft.Extensions.Time.Testing.FakeTimeProvider(now));

        await recovery.RecoverAsync(CancellationToken.None);

        var requeued = service.Logs.Entries.Where(e => e.Message.StartsWith("Queued again", StringComparison.Ordinal)).Select(e => e.Message).ToList();
        Assert.Contains(requeued, m => m.Contains("message 931", StringComparison.Ordinal));
        await api.WaitForRequestAsync(r => r.Action == "delete_msg", "the recall left by the process before");
        Assert.Single(ids);
    }

    [Fact]
    public async Task A_restart_carries_out_the_escalated_kick_the_decision_planned()
    {
        await using var api = FakeOneBotApi.Start();
        using var service = Service(api);
        await service.StartedAsync();
        var store = (IIncidentStore)service.Services.GetService(typeof(IIncidentStore))!;
        var now = DateTimeOffset.UtcNow;
        var ids = await store.AddAsync(
        [
            new Incident
            {
                Time = now, DetectedAt = now, Platform = "qq", Protocol = Protocol.OneBotV11, BotId = "10001", GroupId = "123456", UserId = "20002",
                MessageId = "903", Pack = "ads", Rule = "ads.contact", Category = "ads", Severity = Severity.Medium, MatchedTerm = "加微信",
                MessageText = "加微信", DecidedAction = ModerationAction.Recall, ActionStatus = ActionStatus.Pending, RuleSetVersion = "v",
                EscalationStep = 2, PlannedActions = [ModerationAction.Recall, ModerationAction.Kick],
            },
        ], CancellationToken.None);
        var recovery = Recoveries.For(service.Services, TimeProvider.System);

        await recovery.RecoverAsync(CancellationToken.None);

        // A role lookup (get_group_member_info) may run beside them, so the first two requests need
        // not be the two acts: wait for the kick, the last of them. Only the acts are asserted.
        await api.WaitForRequestAsync(r => r.Action == "set_group_kick", "the planned kick");
        Assert.Equal(["delete_msg", "set_group_kick"], api.Requests.Select(r => r.Action).Where(a => a != "get_group_member_info"));
        Assert.Single(ids);
    }

    /// <summary>
    /// Messages whose recall and mute were carried out before a stop, their warning still waiting:
    /// the recent one's warning alone is sent, and its outcome counts the mute the platform refused
    /// then; the old one's warning is too late, and its incident says so.
    /// </summary>
    [Fact]
    public async Task A_restart_sends_only_the_warning_of_a_message_whose_recall_and_mute_were_carried_out()
    {
        await using var api = FakeOneBotApi.Start();
        using var service = Service(api);
        await service.StartedAsync();
        var store = (IIncidentStore)service.Services.GetService(typeof(IIncidentStore))!;
        var now = DateTimeOffset.UtcNow;
        Incident Acted(string messageId, DateTimeOffset detected, ActionStatus acts, string? error) => Incidents.Of(messageId, time: detected) with
        {
            ActionStatus = ActionStatus.Pending,
            PlannedActions = [ModerationAction.Recall, ModerationAction.Mute, ModerationAction.Warn],
            MuteSeconds = 600,
            ActsOutcome = acts,
            ActionError = error,
            ActionErrorKind = error is null ? null : ActionErrorKind.NotPermitted,
        };
        var ids = await store.AddAsync([Acted("921", now.AddMinutes(-1), ActionStatus.Failed, "mute: 权限不足"), Acted("922", now.AddHours(-1), ActionStatus.Done, null)], CancellationToken.None);
        var recovery = Recoveries.For(service.Services, TimeProvider.System);

        await recovery.RecoverAsync(CancellationToken.None);

        await service.StoreCalls.WaitForAsync(
            c => GroupGuardFactory.IsOutcome(c) && ((IEnumerable<long>)c.Arguments[0]!).Contains(ids[0]),
            "the outcome of the warning queued again");
        var recent = (await store.GetAsync(ids[0], CancellationToken.None))!;
        var old = (await store.GetAsync(ids[1], CancellationToken.None))!;
        Assert.Equal((ActionStatus.Failed, "mute: 权限不足", ActionErrorKind.NotPermitted), (recent.ActionStatus, recent.ActionError, recent.ActionErrorKind));
        Assert.Equal((ActionStatus.Failed, "warn: interrupted by a restart before it was carried out", ActionErrorKind.Interrupted), (old.ActionStatus, old.ActionError, old.ActionErrorKind));
        Assert.Equal(["send_group_msg"], api.Requests.Select(r => r.Action).Where(a => a != "get_group_member_info"));
    }

    [Fact]
    public async Task The_export_shows_every_status()
    {
        await using var api = FakeOneBotApi.Start();
        api.Script("delete_msg", FakeAnswer.Ok(), FakeAnswer.Failed(100, "message not found"));
        using var service = Service(api);

        await service.PostV11Async(GroupGuardFactory.GroupEvent(201, "加微信", userId: 1));
        await SettledAsync(service, 1, i => i.MessageId == "201");
        await service.PostV11Async(GroupGuardFactory.GroupEvent(202, "加微信", userId: 2));
        await SettledAsync(service, 2, i => i.MessageId == "202");
        await service.PostV11Async(GroupGuardFactory.GroupEvent(203, "加微信", userId: 3, role: "owner"));
        var incidents = await service.IncidentsAfterAsync(3);

        var store = (IIncidentStore)service.Services.GetService(typeof(IIncidentStore))!;
        using var output = new MemoryStream();
        await Cli.IncidentExport.WriteAsync(store.QueryAsync(new IncidentQuery(), CancellationToken.None), "jsonl", output, CancellationToken.None);
        var statuses = System.Text.Encoding.UTF8.GetString(output.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => JsonDocument.Parse(l).RootElement)
            .ToDictionary(r => r.GetProperty("message_id").GetString()!, r => r.GetProperty("action_status").GetString());
        Assert.Equal("done", statuses["201"]);
        Assert.Equal("failed", statuses["202"]);
        Assert.Equal("exempt", statuses["203"]);
        Assert.Equal(3, incidents.Count);
    }
}
