using System.Globalization;
using System.Text.Json.Nodes;
using GroupGuard.Core;
using GroupGuard.Core.Digests;
using GroupGuard.Core.Members;
using GroupGuard.Host.Digests;
using GroupGuard.Host.Pipeline;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace GroupGuard.Host.Tests;

/// <summary>
/// Requests to join a group, from the OneBot v11 webhook to <c>set_group_add_request</c>: the
/// comment and nickname screened by the rules, the block list (kicked users, <c>users block</c>),
/// AutoApprove, per-group settings, dry run, and the digest's account of it.
/// </summary>
public sealed class JoinRequestTests : IAsyncLifetime
{
    private const string Pack = """
        pack: ads
        name: 广告引流
        category: ads
        severity: medium
        action: recall
        rules:
          - id: ads.contact
            terms: [加微信]
            action: log
          - id: ads.shop
            terms: [进店有惊喜]
            mode: shadow
        """;

    private const string AbusePack = """
        pack: abuse
        name: 辱骂
        category: abuse
        severity: medium
        action: warn
        rules:
          - id: abuse.insult
            terms: [傻缺]
        """;

    private const string ScamsPack = """
        pack: scams
        name: 刷单诈骗
        category: fraud
        severity: high
        action: kick
        rules:
          - id: scams.brushing
            terms: [刷单返利]
        """;

    private readonly FakeOneBotApi _api = FakeOneBotApi.Start();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _api.DisposeAsync().AsTask();

    private GroupGuardFactory Service(params (string Key, string? Value)[] settings) => Service(null, settings);

    private GroupGuardFactory Service(Action<IServiceCollection>? services, params (string Key, string? Value)[] settings)
    {
        var service = new GroupGuardFactory(GroupGuardFactory.OneBotApi(_api.BaseUrl, settings), Pack, services);
        File.WriteAllText(Path.Combine(service.Folder, "rules", "abuse.yaml"), AbusePack);
        File.WriteAllText(Path.Combine(service.Folder, "rules", "scams.yaml"), ScamsPack);
        return service;
    }

    /// <summary>A NapCat <c>request.group.add</c>, by the shape of the sample, with its own fields.</summary>
    private static string Request(string flag, string comment, long userId = 30003, long groupId = 123456, long time = 1764150300)
    {
        var request = JsonNode.Parse(GroupGuardFactory.Sample("napcat-request-group-add.json"))!.AsObject();
        request["flag"] = flag;
        request["comment"] = comment;
        request["user_id"] = userId;
        request["group_id"] = groupId;
        request["time"] = time;
        return request.ToJsonString();
    }

    private static async Task<IReadOnlyList<JoinDecision>> DecisionsAsync(GroupGuardFactory service) =>
        await service.Services.GetRequiredService<IJoinDecisions>().ListAsync(DateTimeOffset.UnixEpoch, new DateTimeOffset(2100, 1, 1, 0, 0, 0, TimeSpan.Zero), null, 100, CancellationToken.None);

    private static async Task ScreenAsync(GroupGuardFactory service, string body, string flag)
    {
        using var response = await service.PostV11Async(body);
        Assert.Equal(System.Net.HttpStatusCode.NoContent, response.StatusCode);
        await AnsweredAsync(service, flag);
    }

    /// <summary>
    /// Once the worker has screened the request and the platform's answer to it (which goes out
    /// off the worker) is recorded: no decision is pending any more.
    /// </summary>
    private static async Task AnsweredAsync(GroupGuardFactory service, string flag)
    {
        await service.HandledAsync(flag);
        for (var tries = 0; (await DecisionsAsync(service)).Any(d => d.ActionStatus == ActionStatus.Pending); tries++)
        {
            Assert.True(tries < 600, $"the answer to join request {flag} was not recorded within a minute");
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task An_advert_in_the_comment_is_rejected_with_set_group_add_request_and_recorded()
    {
        using var service = Service(("GroupGuard:Join:Reason", "请勿发布广告"));
        using (var response = await service.PostV11Async(GroupGuardFactory.Sample("napcat-request-group-add.json")))
        {
            Assert.Equal(System.Net.HttpStatusCode.NoContent, response.StatusCode);
        }

        await AnsweredAsync(service, "123456|1764150300421|1|0");

        var answer = Assert.Single(_api.RequestsFor("set_group_add_request"));
        Assert.Equal("123456|1764150300421|1|0", answer.Params["flag"]!.GetValue<string>());
        Assert.Equal("add", answer.Params["sub_type"]!.GetValue<string>());
        Assert.False(answer.Params["approve"]!.GetValue<bool>());
        Assert.Equal("请勿发布广告", answer.Params["reason"]!.GetValue<string>());

        var decision = Assert.Single(await DecisionsAsync(service));
        Assert.Equal((JoinOutcome.Rejected, JoinReason.Rule, "ads.contact", "ads"), (decision.Outcome, decision.Reason, decision.Rule, decision.Category));
        Assert.Equal((ActionStatus.Done, "30003", "123456"), (decision.ActionStatus, decision.UserId, decision.GroupId));
        Assert.Contains("答案：朋友介绍，加微信 abc12345", decision.Comment, StringComparison.Ordinal);
        Assert.Empty(await service.IncidentsAsync());
    }

    [Fact]
    public async Task A_bridge_slow_to_answer_a_join_request_holds_back_no_message_after_it()
    {
        using var service = Service();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _api.Script("set_group_add_request", FakeAnswer.Ok().After(release.Task));

        using (var response = await service.PostV11Async(Request("f-slow", "加微信 abc12345 领资料")))
        {
            Assert.Equal(System.Net.HttpStatusCode.NoContent, response.StatusCode);
        }

        await _api.WaitForRequestAsync(r => r.Action == "set_group_add_request", "the rejection");
        await service.PostV11Async(GroupGuardFactory.GroupEvent(902, "加微信领资料", userId: 20002));

        // The advert after the request is moderated while the bridge has still not answered it.
        var incident = await service.SettledAsync(2, i => i.MessageId == "902");
        Assert.Equal(ActionStatus.Done, incident.ActionStatus);
        Assert.Equal(ActionStatus.Pending, Assert.Single(await DecisionsAsync(service)).ActionStatus);

        release.SetResult();
        await AnsweredAsync(service, "f-slow");
        Assert.Equal(ActionStatus.Done, Assert.Single(await DecisionsAsync(service)).ActionStatus);
    }

    [Fact]
    public async Task Join_requests_count_as_received_and_processed_and_their_answers_as_actions()
    {
        using var service = Service(("GroupGuard:Groups:654321:Join:AutoApprove", "true"));
        using var measured = new Health.Measurements(service.Services);

        await ScreenAsync(service, Request("f-m1", "问题：孩子在几班？\n答案：二年级三班"), "f-m1");                   // left to the admins
        await ScreenAsync(service, Request("f-m2", "问题：孩子在几班？\n答案：二年级三班", groupId: 654321), "f-m2"); // approved
        await ScreenAsync(service, Request("f-m3", "加微信 abc12345 领资料"), "f-m3");                                 // rejected

        Assert.Equal(3, measured.Sum("groupguard.messages.received", ("protocol", "onebot.v11")));
        Assert.Equal(3, measured.Sum("groupguard.messages.processed", ("protocol", "onebot.v11")));
        Assert.Equal(2, measured.Sum("groupguard.actions", ("action", "join_answer"), ("platform", "qq"), ("status", "done")));
        Assert.Equal(2, measured.Count("groupguard.action.duration", ("action", "join_answer")));
    }

    [Fact]
    public async Task A_clean_request_is_left_to_the_admins_unless_the_group_approves_clean_ones_itself()
    {
        using var service = Service(("GroupGuard:Groups:654321:Join:AutoApprove", "true"));

        await ScreenAsync(service, Request("f-1", "问题：孩子在几班？\n答案：二年级三班"), "f-1");
        Assert.Empty(_api.RequestsFor("set_group_add_request"));
        Assert.Empty(await DecisionsAsync(service));

        await ScreenAsync(service, Request("f-2", "问题：孩子在几班？\n答案：二年级三班", groupId: 654321), "f-2");
        var approve = Assert.Single(_api.RequestsFor("set_group_add_request"));
        Assert.True(approve.Params["approve"]!.GetValue<bool>());
        Assert.Null(approve.Params["reason"]);
        var decision = Assert.Single(await DecisionsAsync(service));
        Assert.Equal((JoinOutcome.Approved, JoinReason.Clean, ActionStatus.Done), (decision.Outcome, decision.Reason, decision.ActionStatus));
    }

    [Fact]
    public async Task A_nickname_with_an_advert_is_rejected_even_with_a_plain_comment()
    {
        _api.Script("get_stranger_info", FakeAnswer.Ok(new JsonObject { ["user_id"] = 30003, ["nickname"] = "刷单返利日结找我" }));
        using var service = Service();

        await ScreenAsync(service, Request("f-3", "你好"), "f-3");

        var answer = Assert.Single(_api.RequestsFor("set_group_add_request"));
        Assert.False(answer.Params["approve"]!.GetValue<bool>());
        var decision = Assert.Single(await DecisionsAsync(service));
        Assert.Equal(("scams.brushing", "刷单返利日结找我"), (decision.Rule, decision.Nickname));
    }

    [Fact]
    public async Task A_request_recorded_is_named_by_its_groups_name_asked_of_the_bridge_once()
    {
        // OneBot v11's request carries the group's id alone.
        _api.Script("get_group_info", new FakeAnswer(200, GroupGuardFactory.Sample("llbot-answer-group-info.json")));
        using var service = Service();

        await ScreenAsync(service, Request("f-n1", "加微信 abc12345 领资料"), "f-n1");
        await ScreenAsync(service, Request("f-n2", "加微信 abc12345 领资料", userId: 30004), "f-n2");
        await ScreenAsync(service, Request("f-n3", "问题：孩子在几班？\n答案：二年级三班", groupId: 654321), "f-n3"); // left to the admins, not recorded

        var decisions = await DecisionsAsync(service);
        Assert.Equal(2, decisions.Count);
        Assert.All(decisions, d => Assert.Equal("二年级家长群", d.GroupName));
        var asked = Assert.Single(_api.RequestsFor("get_group_info")); // the second in the group remembered it; the clean one asked nothing
        Assert.Equal(123456, asked.Params["group_id"]!.GetValue<long>());
    }

    [Fact]
    public async Task Hits_of_categories_the_group_does_not_reject_on_are_left_to_the_admins_with_the_hit_recorded()
    {
        using var service = Service(("GroupGuard:Groups:654321:Join:RejectOn:0", "fraud"));

        await ScreenAsync(service, Request("f-4", "我是傻缺"), "f-4");                          // abuse: not among the default categories
        await ScreenAsync(service, Request("f-5", "进店有惊喜"), "f-5");                         // ads, but its rule is in shadow mode
        await ScreenAsync(service, Request("f-6", "加微信 abc12345", groupId: 654321), "f-6");   // ads, but this group rejects on fraud only

        Assert.Empty(_api.RequestsFor("set_group_add_request"));
        var decisions = await DecisionsAsync(service);
        Assert.Equal(["abuse.insult", "ads.shop", "ads.contact"], decisions.Select(d => d.Rule));
        Assert.All(decisions, d => Assert.Equal((JoinOutcome.Left, ActionStatus.Skipped), (d.Outcome, d.ActionStatus)));
    }

    /// <summary>
    /// The detector fails on a request in a group that approves clean requests itself: nothing was
    /// found because nothing was looked at, and the applicant was let in as clean. Left to the
    /// admins instead, recorded with what failed so that the digest names it.
    /// </summary>
    [Fact]
    public async Task A_request_whose_detection_failed_is_left_to_the_admins_not_approved_where_clean_ones_are()
    {
        using var service = Service(
            services => services.AddSingleton(provider => ActivatorUtilities.CreateInstance<JoinScreener>(provider, new BrokenRules())),
            ("GroupGuard:Groups:654321:Join:AutoApprove", "true"));

        await ScreenAsync(service, Request("f-20", "问题：孩子在几班？\n答案：二年级三班", groupId: 654321), "f-20");

        Assert.Empty(_api.RequestsFor("set_group_add_request"));
        var decision = Assert.Single(await DecisionsAsync(service));
        Assert.Equal((JoinOutcome.Left, JoinReason.Unscreened, ActionStatus.Skipped), (decision.Outcome, decision.Reason, decision.ActionStatus));
        Assert.Equal("detection failed on the comment or nickname", decision.ActionError);
    }

    /// <summary>
    /// The block list cannot be read (the database hiccups) when a blocked spammer with a plain
    /// comment applies to a group that approves clean requests itself: the rules alone found
    /// nothing, and the spammer was let in. Left to the admins instead.
    /// </summary>
    [Fact]
    public async Task A_request_is_left_to_the_admins_not_approved_when_the_block_list_cannot_be_read()
    {
        using var service = Service(
            services => GroupGuardFactory.Decorate<IUserBlocks>(services, blocks => new UnreadableBlocks(blocks)),
            ("GroupGuard:Groups:654321:Join:AutoApprove", "true"));
        var blocks = service.Services.GetRequiredService<IUserBlocks>();
        await blocks.BlockAsync(new UserBlock("qq", "30003", Messages.DefaultTime, "多个群发广告", null), CancellationToken.None);

        await ScreenAsync(service, Request("f-21", "老师好", groupId: 654321), "f-21");

        Assert.Empty(_api.RequestsFor("set_group_add_request"));
        var decision = Assert.Single(await DecisionsAsync(service));
        Assert.Equal((JoinOutcome.Left, JoinReason.Unscreened, ActionStatus.Skipped), (decision.Outcome, decision.Reason, decision.ActionStatus));
        Assert.Equal("the block list could not be read", decision.ActionError);
    }

    /// <summary>Rules whose reading fails, as a detector that throws on the text does.</summary>
    private sealed class BrokenRules : Core.Rules.IRuleSetProvider
    {
        public Core.Rules.RuleSet Current => throw new InvalidOperationException("the detector failed");

        public Core.Rules.RuleSetStatus Status => throw new InvalidOperationException("the detector failed");
    }

    /// <summary>A block list that takes blocks but cannot be read back.</summary>
    private sealed class UnreadableBlocks(IUserBlocks inner) : IUserBlocks
    {
        public Task<bool> BlockAsync(UserBlock block, CancellationToken cancellationToken) => inner.BlockAsync(block, cancellationToken);

        public Task<bool> UnblockAsync(string platform, string userId, CancellationToken cancellationToken) => inner.UnblockAsync(platform, userId, cancellationToken);

        public Task<UserBlock?> FindAsync(string platform, string userId, CancellationToken cancellationToken) =>
            Task.FromException<UserBlock?>(new InvalidOperationException("database is locked"));

        public Task<IReadOnlyList<UserBlock>> ListAsync(CancellationToken cancellationToken) => inner.ListAsync(cancellationToken);
    }

    [Fact]
    public async Task A_member_kicked_by_GroupGuard_is_rejected_when_applying_to_another_group_until_the_kick_is_marked_wrong()
    {
        // The read-back after the kick: the implementation no longer finds the member.
        _api.Script("get_group_member_info", FakeAnswer.Failed(100, "群成员未找到"));
        using var service = Service();

        await service.PostV11Async(GroupGuardFactory.GroupEvent(901, "刷单返利，日结三百", userId: 40004));
        var kick = await service.SettledAsync(1, i => i.MessageId == "901");
        Assert.Equal(ActionStatus.Done, kick.ActionStatus);
        Assert.Single(_api.RequestsFor("set_group_kick"));

        await ScreenAsync(service, Request("f-7", "求通过", userId: 40004, groupId: 654321), "f-7");
        var answer = Assert.Single(_api.RequestsFor("set_group_add_request"));
        Assert.False(answer.Params["approve"]!.GetValue<bool>());
        var decision = Assert.Single(await DecisionsAsync(service));
        Assert.Equal((JoinOutcome.Rejected, JoinReason.Blocked, "654321"), (decision.Outcome, decision.Reason, decision.GroupId));
        Assert.Contains("kicked from group 123456", decision.BlockNote, StringComparison.Ordinal);

        // An admin says the kick was wrong: the block goes with it.
        var store = service.Services.GetRequiredService<IIncidentStore>();
        Assert.True(await store.MarkFalsePositiveAsync(kick.Id, true, "误踢", DateTimeOffset.UtcNow, "test", CancellationToken.None));
        await ScreenAsync(service, Request("f-8", "求通过", userId: 40004, groupId: 654321, time: 1764150400), "f-8");
        Assert.Single(_api.RequestsFor("set_group_add_request"));
        Assert.Null(await service.Services.GetRequiredService<IUserBlocks>().FindAsync("qq", "40004", CancellationToken.None));
    }

    [Fact]
    public async Task A_member_whose_kick_did_not_take_is_blocked_all_the_same_unless_the_service_says_not_to()
    {
        // The read-back finds the member still there: the kick is failed on its incident.
        _api.Script("get_group_member_info", FakeAnswer.Ok(new JsonObject { ["user_id"] = 40004, ["role"] = "member" }));
        using var service = Service();

        await service.PostV11Async(GroupGuardFactory.GroupEvent(902, "刷单返利", userId: 40004));
        Assert.Equal(ActionStatus.Failed, (await service.SettledAsync(1, i => i.MessageId == "902")).ActionStatus);

        var block = await service.Services.GetRequiredService<IUserBlocks>().FindAsync("qq", "40004", CancellationToken.None);
        Assert.StartsWith("kick decided in group 123456", block!.Note, StringComparison.Ordinal);

        using var off = Service(("GroupGuard:Join:BlockKicked", "false"));
        await off.PostV11Async(GroupGuardFactory.GroupEvent(903, "刷单返利", userId: 40005));
        await off.SettledAsync(1, i => i.MessageId == "903");
        Assert.Null(await off.Services.GetRequiredService<IUserBlocks>().FindAsync("qq", "40005", CancellationToken.None));
    }

    [Fact]
    public async Task An_admin_whose_kick_the_platform_refused_is_not_put_on_the_block_list()
    {
        // Decided as a member's (the event said so, from before a promotion): QQ refuses to kick an
        // admin, and the platform says now that they are one.
        _api.Script("set_group_kick", FakeAnswer.Failed(100, "不能踢出管理员"));
        _api.Script("get_group_member_info", FakeAnswer.Ok(new JsonObject { ["user_id"] = 40006, ["role"] = "admin" }));
        using var service = Service();

        await service.PostV11Async(GroupGuardFactory.GroupEvent(904, "刷单返利", userId: 40006));
        Assert.Equal(ActionStatus.Failed, (await service.SettledAsync(1, i => i.MessageId == "904")).ActionStatus);

        Assert.Null(await service.Services.GetRequiredService<IUserBlocks>().FindAsync("qq", "40006", CancellationToken.None));
        await service.Logs.WaitFor(e => e.Message.Contains("not put on the block list", StringComparison.Ordinal), "the block left out");
    }

    [Fact]
    public async Task A_user_blocked_from_the_command_line_is_rejected_in_every_group()
    {
        using var service = Service();
        _ = service.CreateClient();

        var blocked = await GroupGuardProcess.RunAsync(service.Folder, StartupAndHealthTests.Environment(service), TimeSpan.FromSeconds(60),
            "users", "block", "50005", "--note", "多个群发广告");
        Assert.Equal(0, blocked.ExitCode);
        Assert.Contains("blocked qq user 50005", blocked.Output, StringComparison.Ordinal);

        await ScreenAsync(service, Request("f-9", "老师好", userId: 50005, groupId: 777), "f-9");
        Assert.False(Assert.Single(_api.RequestsFor("set_group_add_request")).Params["approve"]!.GetValue<bool>());
        var decision = Assert.Single(await DecisionsAsync(service));
        Assert.Equal((JoinReason.Blocked, "多个群发广告"), (decision.Reason, decision.BlockNote));

        var listed = await GroupGuardProcess.RunAsync(service.Folder, StartupAndHealthTests.Environment(service), TimeSpan.FromSeconds(60), "users", "blocked");
        Assert.Contains("qq 50005", listed.Output, StringComparison.Ordinal);
        Assert.Contains("1 blocked", listed.Output, StringComparison.Ordinal);

        var unblocked = await GroupGuardProcess.RunAsync(service.Folder, StartupAndHealthTests.Environment(service), TimeSpan.FromSeconds(60), "users", "unblock", "50005");
        var unblockedAgain = await GroupGuardProcess.RunAsync(service.Folder, StartupAndHealthTests.Environment(service), TimeSpan.FromSeconds(60), "users", "unblock", "50005");
        var listedAfter = await GroupGuardProcess.RunAsync(service.Folder, StartupAndHealthTests.Environment(service), TimeSpan.FromSeconds(60), "users", "blocked");
        Assert.Equal(0, unblocked.ExitCode);
        Assert.Contains("unblocked qq user 50005", unblocked.Output, StringComparison.Ordinal);
        Assert.Equal(1, unblockedAgain.ExitCode);
        Assert.Contains("qq user 50005 is not blocked", unblockedAgain.Error, StringComparison.Ordinal);
        Assert.Contains("0 blocked", listedAfter.Output, StringComparison.Ordinal);
        Assert.Null(await service.Services.GetRequiredService<IUserBlocks>().FindAsync("qq", "50005", CancellationToken.None));
    }

    [Fact]
    public async Task A_redelivered_request_is_answered_once_and_a_dry_run_group_is_not_answered()
    {
        using var service = Service(("GroupGuard:Groups:777:DryRun", "true"));

        var body = Request("f-10", "加微信 abc12345");
        await ScreenAsync(service, body, "f-10");
        using (var again = await service.PostV11Async(body))
        {
            Assert.Equal(System.Net.HttpStatusCode.NoContent, again.StatusCode);
        }

        await ScreenAsync(service, Request("f-11", "加微信 abc12345", groupId: 777), "f-11");

        Assert.Single(_api.RequestsFor("set_group_add_request"));
        var decisions = await DecisionsAsync(service);
        Assert.Equal([(ActionStatus.Done, "123456"), (ActionStatus.DryRun, "777")], decisions.Select(d => (d.ActionStatus, d.GroupId)));
    }

    [Fact]
    public async Task The_leaders_digest_counts_the_join_requests_and_names_each_one_turned_away()
    {
        using var service = Service(
            ("GroupGuard:Leaders:0:Name", "王主任"),
            ("GroupGuard:Leaders:0:Groups:0", "123456"),
            ("GroupGuard:Leaders:0:Channels:0", "file"),
            ("GroupGuard:Channels:file:Type", "file"),
            ("GroupGuard:Channels:file:Path", Path.Combine(Path.GetTempPath(), "groupguard-join-digests")));
        _api.Script("get_stranger_info", FakeAnswer.Ok(new JsonObject { ["nickname"] = "小王" }));
        await ScreenAsync(service, Request("f-12", "加微信 abc12345"), "f-12");
        await ScreenAsync(service, Request("f-13", "加微信 abc12345", groupId: 777), "f-13"); // not the leader's group

        var digests = service.Services.GetRequiredService<DigestService>();
        var now = DateTimeOffset.UtcNow;
        var document = await digests.BuildAsync(digests.Leader("王主任")!, now.AddHours(-1), now.AddMinutes(1), CancellationToken.None);

        Assert.Contains("入群申请", document.Text, StringComparison.Ordinal);
        Assert.Contains("拒绝 1 个（其中黑名单 0 个），自动通过 0 个，留给管理员 0 个", document.Text, StringComparison.Ordinal);
        Assert.Contains("小王（30003） 申请加入 群 123456：已拒绝（ads.contact「加微信」，平台已执行）", document.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("777", document.Text, StringComparison.Ordinal);
    }

    /// <summary>
    /// A join request's answer the platform refused was said only at Information. It is now one
    /// warning naming the group, the applicant and why; the same failure again in the group within
    /// 10 s (a bot that is no admin there fails every request alike) is counted into its next line.
    /// </summary>
    [Fact]
    public async Task An_answer_the_platform_refused_is_a_warning_and_the_same_again_is_counted_into_the_next()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var service = Service(services => services.Replace(ServiceDescriptor.Singleton(sp => ActivatorUtilities.CreateInstance<JoinScreener>(sp, (TimeProvider)clock))));
        const string Refused = "Permission denied: the bot is not admin of group 123456";
        _api.Script("set_group_add_request", FakeAnswer.Failed(100, Refused), FakeAnswer.Failed(100, Refused), FakeAnswer.Failed(100, Refused));

        await ScreenAsync(service, Request("f-21", "加微信 abc12345", userId: 30021), "f-21");
        await ScreenAsync(service, Request("f-22", "加微信 abc12345", userId: 30022, time: 1764150301), "f-22");
        clock.Advance(GroupGuard.Core.LogThrottle.Interval);
        await ScreenAsync(service, Request("f-23", "加微信 abc12345", userId: 30023, time: 1764150302), "f-23");

        var warnings = service.Logs.Entries.Where(e => e.Message.StartsWith("The answer to the join request", StringComparison.Ordinal) && e.Message.Contains("failed", StringComparison.Ordinal)).ToList();
        Assert.All(warnings, w => Assert.Equal(LogLevel.Warning, w.Level));
        Assert.Collection(
            warnings,
            w => Assert.StartsWith("The answer to the join request of 30021 in qq group 123456 (approve: False) failed: ", w.Message, StringComparison.Ordinal),
            w => Assert.StartsWith("The answer to the join request of 30023 in qq group 123456 (approve: False) failed: ", w.Message, StringComparison.Ordinal));
        Assert.Contains("Permission denied", warnings[0].Message, StringComparison.Ordinal);
        Assert.Contains("(2 answers failed in this group since its last such line", warnings[1].Message, StringComparison.Ordinal); // f-22's counted into it
        Assert.DoesNotContain(service.Logs.Entries, e => e.Message.Contains("answered (approve", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_rejection_the_platform_refused_is_told_in_the_digest_by_the_kind_of_failure_not_the_platform_s_words()
    {
        using var service = Service(
            ("GroupGuard:Leaders:0:Name", "王主任"),
            ("GroupGuard:Leaders:0:Groups:0", "123456"),
            ("GroupGuard:Leaders:0:Channels:0", "file"),
            ("GroupGuard:Channels:file:Type", "file"),
            ("GroupGuard:Channels:file:Path", Path.Combine(Path.GetTempPath(), "groupguard-join-digests")));
        _api.Script("get_stranger_info", FakeAnswer.Ok(new JsonObject { ["nickname"] = "小王" }));
        _api.Script("set_group_add_request", FakeAnswer.Failed(100, "Permission denied: the bot is not admin of group 123456"));
        await ScreenAsync(service, Request("f-14", "加微信 abc12345"), "f-14");
        var decision = Assert.Single(await DecisionsAsync(service));
        Assert.Equal((ActionStatus.Failed, ActionErrorKind.NotPermitted), (decision.ActionStatus, decision.ActionErrorKind));
        Assert.Contains("Permission denied", decision.ActionError, StringComparison.Ordinal); // kept for the operator

        var digests = service.Services.GetRequiredService<DigestService>();
        var now = DateTimeOffset.UtcNow;
        var document = await digests.BuildAsync(digests.Leader("王主任")!, now.AddHours(-1), now.AddMinutes(1), CancellationToken.None);

        Assert.Contains("拒绝 0 个（其中黑名单 0 个），拒绝未能执行 1 个，自动通过 0 个，留给管理员 0 个", document.Text, StringComparison.Ordinal);
        Assert.Contains("小王（30003） 申请加入 群 123456：拒绝（ads.contact「加微信」，未能执行：机器人不是群管理员，或对方是管理员），待管理员处理", document.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("Permission denied", document.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("Permission denied", document.Markdown, StringComparison.Ordinal);
    }
}
