using System.Net;
using GroupGuard.Core;
using GroupGuard.Core.Accounts;
using GroupGuard.Core.Moderation;
using Microsoft.Extensions.DependencyInjection;

namespace GroupGuard.Host.Tests.Console;

/// <summary>What an admin changes on the platform and in the service from the console: lifting a mute, switching dry run.</summary>
public sealed class ConsoleActionTests
{
    // Every hit mutes for 10 minutes, so there is a mute to lift.
    private const string Pack = """
        pack: ads
        category: ads
        severity: high
        action: mute
        mute_minutes: 10
        rules:
          - id: ads.contact
            terms: [加微信]
        """;

    private static GroupGuardFactory Service(FakeOneBotApi api) => new(
        GroupGuardFactory.OneBotApi(api.BaseUrl),
        Pack);

    [Fact]
    public async Task An_admin_lifts_a_mute_with_set_group_ban_0_and_the_audit_log_keeps_the_answer()
    {
        await using var api = FakeOneBotApi.Start();
        using var service = Service(api);
        await service.PostV11Async(GroupGuardFactory.GroupEvent(71, "加微信有优惠"));
        var incident = Assert.Single(await service.IncidentsAfterAsync(1));
        await api.WaitForRequestAsync(r => r.Action == "set_group_ban" && r.Params["duration"]!.GetValue<long>() == 600, "the mute");
        await ConsoleSession.AddAccountAsync(service, "admin", AccountRole.Admin);
        using var browser = new ConsoleSession(service);
        using var _ = await browser.SignInAsync("admin");

        var page = await browser.PageAsync($"/console/incidents/{incident.Id}");
        using var lifted = await browser.PostFormAsync($"/console/incidents/{incident.Id}", $"/console/incidents/{incident.Id}?handler=Unmute", new Dictionary<string, string>());
        var unmute = await api.WaitForRequestAsync(r => r.Action == "set_group_ban" && r.Params["duration"]!.GetValue<long>() == 0, "the mute lifted");
        var after = await browser.PageAsync($"/console/incidents/{incident.Id}");
        var audit = await service.Services.GetRequiredService<IAccountStore>().ReadAuditAsync(null, 10, CancellationToken.None);

        Assert.Contains("unmute-form", page, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, lifted.StatusCode);
        Assert.Equal(20002, unmute.Params["user_id"]!.GetValue<long>());
        Assert.Equal(123456, unmute.Params["group_id"]!.GetValue<long>());
        Assert.Contains("已解除禁言", after, StringComparison.Ordinal);
        Assert.Contains(audit, a => a.Action == "unmute" && a.Actor == "admin" && a.Detail!.EndsWith("done", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Lifting_a_mute_an_incident_did_not_bring_is_refused_and_the_platform_is_not_called()
    {
        await using var api = FakeOneBotApi.Start();
        using var service = new GroupGuardFactory(GroupGuardFactory.OneBotApi(api.BaseUrl)); // its pack recalls, never mutes
        await service.PostV11Async(GroupGuardFactory.GroupEvent(72, "加微信有优惠"));
        var incident = Assert.Single(await service.IncidentsAfterAsync(1));
        await api.WaitForRequestAsync(r => r.Action == "delete_msg", "the recall");
        await ConsoleSession.AddAccountAsync(service, "admin", AccountRole.Admin);
        using var browser = new ConsoleSession(service);
        using var _ = await browser.SignInAsync("admin");

        var page = await browser.PageAsync($"/console/incidents/{incident.Id}");
        using var lifted = await browser.PostFormAsync($"/console/incidents/{incident.Id}", $"/console/incidents/{incident.Id}?handler=Unmute", new Dictionary<string, string>());
        var audit = await service.Services.GetRequiredService<IAccountStore>().ReadAuditAsync(null, 10, CancellationToken.None);

        Assert.Equal(ModerationAction.Recall, incident.DecidedAction);
        Assert.DoesNotContain("unmute-form", page, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Conflict, lifted.StatusCode);
        var said = await lifted.Content.ReadAsStringAsync();
        Assert.Contains($"事件 #{incident.Id} 没有禁言发送者，没有可解除的禁言。", said, StringComparison.Ordinal); // on the console's page, in its words
        Assert.Contains($"href=\"/console/incidents/{incident.Id}\"", said, StringComparison.Ordinal);
        Assert.Empty(api.RequestsFor("set_group_ban"));
        Assert.DoesNotContain(audit, a => a.Action == "unmute");
    }

    /// <summary>
    /// One of the member's mutes as the moderator stores it, <paramref name="minutesAgo"/> before
    /// <paramref name="now"/>, for <paramref name="muteMinutes"/> (its message 加微信 in 123456).
    /// </summary>
    private static Incident MutedAgo(string messageId, DateTimeOffset now, double minutesAgo, int muteMinutes) =>
        Incidents.Of(messageId, time: now.AddMinutes(-minutesAgo), action: ModerationAction.Mute) with { MuteSeconds = muteMinutes * 60 };

    /// <summary>The service with an admin signed in, and the incidents stored (their ids, in order).</summary>
    private static async Task<(ConsoleSession Admin, IReadOnlyList<long> Ids)> SignedInWithAsync(GroupGuardFactory service, params Incident[] incidents)
    {
        await ConsoleSession.AddAccountAsync(service, "admin", AccountRole.Admin);
        var ids = await service.Services.GetRequiredService<IIncidentStore>().AddAsync(incidents, CancellationToken.None);
        var admin = new ConsoleSession(service);
        (await admin.SignInAsync("admin")).Dispose();
        return (admin, ids);
    }

    private static Task<HttpResponseMessage> LiftAsync(ConsoleSession admin, long id) =>
        admin.PostFormAsync($"/console/incidents/{id}", $"/console/incidents/{id}?handler=Unmute", new Dictionary<string, string>());

    private static DateTimeOffset Now(GroupGuardFactory service) => service.Services.GetRequiredService<TimeProvider>().GetUtcNow();

    /// <summary>
    /// QQ keeps the last mute set: an hour for an advert, then an hour for another five minutes
    /// later. Lifting the first's from the console must leave the second's in force (as <c>/gg 误判</c> does).
    /// </summary>
    [Fact]
    public async Task Lifting_a_mute_keeps_a_later_genuine_offences_mute_in_force_and_says_so()
    {
        await using var api = FakeOneBotApi.Start();
        using var service = Service(api);
        var now = Now(service);
        var (admin, ids) = await SignedInWithAsync(service, MutedAgo("71", now, 10, 60), MutedAgo("72", now, 5, 60));
        using var _ = admin;

        using var lifted = await LiftAsync(admin, ids[0]);
        var after = await admin.PageAsync($"/console/incidents/{ids[0]}");
        var audit = await service.Services.GetRequiredService<IAccountStore>().ReadAuditAsync(null, 10, CancellationToken.None);

        Assert.Equal(HttpStatusCode.Redirect, lifted.StatusCode);
        Assert.Empty(api.RequestsFor("set_group_ban"));
        Assert.Contains($"另一次违规（事件 #{ids[1]}）的禁言仍在生效，未解除。", after, StringComparison.Ordinal);
        Assert.Contains(audit, a => a.Action == "unmute" && a.Detail!.Contains($"kept muted for another offence, incident #{ids[1]}", StringComparison.Ordinal));
    }

    /// <summary>
    /// An hour's mute ten minutes ago, then a day's a minute ago, which replaced it: lifting the
    /// day's sets the mute again for the 50 minutes the hour has left, in one call, and says so.
    /// </summary>
    [Fact]
    public async Task Lifting_a_mute_that_replaced_a_genuine_one_sets_the_mute_again_for_what_that_has_left()
    {
        await using var api = FakeOneBotApi.Start();
        using var service = Service(api);
        var now = Now(service);
        var (admin, ids) = await SignedInWithAsync(service, MutedAgo("73", now, 10, 60), MutedAgo("74", now, 1, 24 * 60));
        using var _ = admin;
        var hourEnds = now.AddMinutes(50);

        var before = Now(service);
        using var lifted = await LiftAsync(admin, ids[1]);
        var after = Now(service);
        var page = await admin.PageAsync($"/console/incidents/{ids[1]}");
        var audit = await service.Services.GetRequiredService<IAccountStore>().ReadAuditAsync(null, 10, CancellationToken.None);

        var remute = Assert.Single(api.RequestsFor("set_group_ban"));
        var seconds = remute.Params["duration"]!.GetValue<long>();
        // What the hour had left when the console asked, in whole seconds (a second either side for the stored times).
        Assert.InRange(seconds, (long)Math.Ceiling((hourEnds - after).TotalSeconds) - 1, (long)Math.Ceiling((hourEnds - before).TotalSeconds) + 1);
        Assert.Equal(20002, remute.Params["user_id"]!.GetValue<long>());
        Assert.Contains($"禁言已改为另一次违规（事件 #{ids[0]}）剩余的 {(seconds + 59) / 60} 分钟。", page, StringComparison.Ordinal);
        Assert.Contains(audit, a => a.Action == "unmute" && a.Detail!.EndsWith($"mute for the {seconds} s left of incident #{ids[0]}: done", StringComparison.Ordinal));
    }

    /// <summary>
    /// A message that hit two rules keeps its mute on the strongest hit's incident; lifting it from
    /// the other one's page is lifting that same mute (here set again for the day before it), not
    /// keeping it as another offence's.
    /// </summary>
    [Fact]
    public async Task Lifting_from_another_incident_of_the_muting_message_changes_that_message_s_mute()
    {
        await using var api = FakeOneBotApi.Start();
        using var service = Service(api);
        var now = Now(service);
        var (admin, ids) = await SignedInWithAsync(
            service,
            MutedAgo("75", now, 30, 24 * 60),
            MutedAgo("76", now, 1, 60),
            MutedAgo("76", now, 1, 0) with { Rule = "ads.other", PlannedActions = [ModerationAction.Recall, ModerationAction.Mute] });
        using var _ = admin;

        using var lifted = await LiftAsync(admin, ids[2]);

        Assert.Equal(HttpStatusCode.Redirect, lifted.StatusCode);
        var remute = Assert.Single(api.RequestsFor("set_group_ban"));
        Assert.InRange(remute.Params["duration"]!.GetValue<long>(), 23 * 3600, 24 * 3600); // the day's 23 and a half hours left
    }

    /// <summary>A refusal is told by its kind in words first; the platform's own words (English) are folded beneath.</summary>
    [Fact]
    public async Task A_mute_the_platform_would_not_lift_is_told_by_its_kind_with_the_platforms_words_beneath()
    {
        await using var api = FakeOneBotApi.Start();
        using var service = Service(api);
        api.Script("set_group_ban", FakeAnswer.Failed(102, "permission denied", "bot is not admin of the group"));
        var (admin, ids) = await SignedInWithAsync(service, MutedAgo("77", Now(service), 1, 10));
        using var _ = admin;

        using var lifted = await LiftAsync(admin, ids[0]);
        var page = await admin.PageAsync($"/console/incidents/{ids[0]}");
        var again = await admin.PageAsync($"/console/incidents/{ids[0]}");

        Assert.Equal(HttpStatusCode.Redirect, lifted.StatusCode);
        Assert.Contains("平台未能解除禁言（未能处置：机器人不是群管理员，或对方是管理员）", page, StringComparison.Ordinal);
        Assert.Matches("<details class=\"platform-words\"><summary>平台原文</summary><code>set_group_ban failed: [^<]*permission denied[^<]*</code></details>", page);
        Assert.DoesNotContain("平台原文", again, StringComparison.Ordinal); // the notice is shown once
    }

    [Fact]
    public async Task Switching_dry_run_on_for_a_group_makes_its_next_hit_dry_run_and_a_leader_cannot()
    {
        await using var api = FakeOneBotApi.Start();
        using var service = Service(api);
        await service.PostV11Async(GroupGuardFactory.GroupEvent(81, "今天开会"));
        await service.IncidentsAfterAsync(1);
        await ConsoleSession.AddAccountAsync(service, "admin", AccountRole.Admin);
        await ConsoleSession.AddAccountAsync(service, "leader", AccountRole.Leader, "123456");
        using var leader = new ConsoleSession(service);
        using var a = await leader.SignInAsync("leader");
        using var admin = new ConsoleSession(service);
        using var b = await admin.SignInAsync("admin");

        using var refused = await leader.PostFormAsync("/console/groups", "/console/groups?handler=DryRun", new Dictionary<string, string> { ["platform"] = "qq", ["group"] = "123456", ["value"] = "on" });
        var switches = service.Services.GetRequiredService<IGroupSwitches>();
        var beforeAdmin = await switches.GetDryRunAsync("qq", "123456", CancellationToken.None);
        using var set = await admin.PostFormAsync("/console/groups", "/console/groups?handler=DryRun", new Dictionary<string, string> { ["platform"] = "qq", ["group"] = "123456", ["value"] = "on" });
        await service.PostV11Async(GroupGuardFactory.GroupEvent(82, "加微信有优惠"));
        var incident = Assert.Single(await service.IncidentsAfterAsync(2));
        var groups = await admin.PageAsync("/console/groups");
        using var bad = await admin.PostFormAsync("/console/groups", "/console/groups?handler=DryRun", new Dictionary<string, string> { ["platform"] = "qq", ["group"] = "123456", ["value"] = "maybe" });

        Assert.Equal("/console/denied", ConsoleSession.PathOf(refused.Headers.Location));
        Assert.Null(beforeAdmin);
        Assert.Equal(HttpStatusCode.Redirect, set.StatusCode);
        Assert.True(await switches.GetDryRunAsync("qq", "123456", CancellationToken.None));
        Assert.Equal(ActionStatus.DryRun, incident.ActionStatus);
        Assert.Empty(api.RequestsFor("set_group_ban"));
        Assert.Contains("开关: 开", groups, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }

    /// <summary>
    /// An admin trusts a member from the group's row (as /gg 信任 does) and a leader cannot: the page
    /// lists the member, with those the settings trust marked so, their next advert is recorded as
    /// 群内信任 and not acted on, and untrusting them acts on the one after.
    /// </summary>
    [Fact]
    public async Task An_admin_trusts_and_untrusts_a_member_from_the_groups_page_and_a_leader_cannot()
    {
        await using var api = FakeOneBotApi.Start();
        using var service = new GroupGuardFactory(
            GroupGuardFactory.OneBotApi(api.BaseUrl, ("GroupGuard:Groups:123456:ExemptUsers:0", "20009"), ("GroupGuard:Moderation:ExemptUsers:0", "20010")),
            Pack);
        await service.PostV11Async(GroupGuardFactory.GroupEvent(81, "今天开会"));
        await service.IncidentsAfterAsync(1);
        await ConsoleSession.AddAccountAsync(service, "admin", AccountRole.Admin);
        await ConsoleSession.AddAccountAsync(service, "leader", AccountRole.Leader, "123456");
        using var leader = new ConsoleSession(service);
        using var a = await leader.SignInAsync("leader");
        using var admin = new ConsoleSession(service);
        using var b = await admin.SignInAsync("admin");
        Task<HttpResponseMessage> PostAsync(ConsoleSession who, string handler, string user, bool withToken = true) =>
            who.PostFormAsync("/console/groups", $"/console/groups?handler={handler}", new Dictionary<string, string> { ["platform"] = "qq", ["group"] = "123456", ["user"] = user }, withToken);
        var members = service.Services.GetRequiredService<ITrustedMembers>();

        using var refused = await PostAsync(leader, "Trust", "20002");
        using var forged = await PostAsync(admin, "Trust", "20002", withToken: false);
        using var notQQ = await PostAsync(admin, "Trust", "王老师");
        using var trusted = await PostAsync(admin, "Trust", " 20002 ");
        var trustedBefore = await members.IsTrustedAsync("qq", "123456", "20002", CancellationToken.None);
        await service.PostV11Async(GroupGuardFactory.GroupEvent(82, "加微信有优惠"));
        var spared = await service.SettledAsync(2, i => i.MessageId == "82");
        var groups = await admin.PageAsync("/console/groups");
        var leaderGroups = await leader.PageAsync("/console/groups");
        var incident = await admin.PageAsync($"/console/incidents/{spared.Id}");
        using var untrusted = await PostAsync(admin, "Untrust", "20002");
        await service.PostV11Async(GroupGuardFactory.GroupEvent(83, "加微信有优惠"));
        var acted = await service.SettledAsync(3, i => i.MessageId == "83");
        var audit = await service.Services.GetRequiredService<IAccountStore>().ReadAuditAsync(null, 20, CancellationToken.None);

        Assert.Equal("/console/denied", ConsoleSession.PathOf(refused.Headers.Location));
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, notQQ.StatusCode);
        Assert.Contains("成员应为 QQ 号（5 到 20 位数字），「王老师」不是。", await notQQ.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, trusted.StatusCode);
        Assert.True(trustedBefore);
        Assert.Equal((ActionStatus.Exempt, ExemptReason.Group), (spared.ActionStatus, spared.ExemptBy));
        Assert.Contains("<span class=\"trusted-member\"", groups, StringComparison.Ordinal);
        Assert.Contains(">20002</span>", groups, StringComparison.Ordinal);
        Assert.Contains(">20009</span> <span>(设置)</span>", groups, StringComparison.Ordinal);
        Assert.Contains("全局免处置（GroupGuard:Moderation:ExemptUsers）：20010", groups, StringComparison.Ordinal);
        Assert.Contains("handler=Untrust", groups, StringComparison.Ordinal);
        Assert.Contains(">20002</span>", leaderGroups, StringComparison.Ordinal); // a leader sees whom the group trusts
        Assert.DoesNotContain("handler=Trust", leaderGroups, StringComparison.Ordinal);
        Assert.DoesNotContain("handler=Untrust", leaderGroups, StringComparison.Ordinal);
        Assert.Contains("群内信任", incident, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, untrusted.StatusCode);
        Assert.Equal(ActionStatus.Done, acted.ActionStatus);
        Assert.Equal(["trust", "untrust"], audit.Where(e => e.Action is "trust" or "untrust").Select(e => e.Action).Reverse());
        Assert.All(audit.Where(e => e.Action is "trust" or "untrust"), e => Assert.Equal(("admin", "qq:123456", "20002"), (e.Actor, e.Target, e.Detail)));
    }

    [Fact]
    public async Task Dry_run_is_switched_only_on_a_platform_groupguard_reads_or_has_heard_and_another_name_writes_nothing()
    {
        await using var api = FakeOneBotApi.Start();
        using var service = Service(api);
        await ConsoleSession.AddAccountAsync(service, "admin", AccountRole.Admin);
        var hour = service.Services.GetRequiredService<TimeProvider>().GetUtcNow();
        hour = new DateTimeOffset(hour.Year, hour.Month, hour.Day, hour.Hour, 0, 0, TimeSpan.Zero);
        await service.Services.GetRequiredService<IIncidentStore>().AddMessageCountsAsync([new MessageCount("telegram", "777777", hour, 3)], CancellationToken.None); // a OneBot v12 bridge's own platform, heard
        using var admin = new ConsoleSession(service);
        using var _ = await admin.SignInAsync("admin");
        Task<HttpResponseMessage> SwitchAsync(string platform, string group) =>
            admin.PostFormAsync("/console/groups", "/console/groups?handler=DryRun", new Dictionary<string, string> { ["platform"] = platform, ["group"] = group, ["value"] = "on" });

        using var madeUp = await SwitchAsync("banana", "123456");
        using var unheard = await SwitchAsync("telegram2", "777777");
        using var builtIn = await SwitchAsync("qq-official", "123456");
        using var heard = await SwitchAsync("telegram", "777777");
        var switches = await service.Services.GetRequiredService<IGroupSwitches>().ListAsync(CancellationToken.None);
        var groups = await admin.PageAsync("/console/groups");

        Assert.Equal(HttpStatusCode.BadRequest, madeUp.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, unheard.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, builtIn.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, heard.StatusCode);
        Assert.Equal([("qq-official", "123456"), ("telegram", "777777")], switches.Select(s => (s.Platform, s.GroupId)).Order());
        Assert.DoesNotContain("banana", groups, StringComparison.Ordinal);
        Assert.DoesNotContain("telegram2", groups, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_admin_blocks_an_incident_s_picture_and_a_leader_sees_it_without_the_button()
    {
        await using var api = FakeOneBotApi.Start();
        using var service = Service(api);
        await service.PostV11Async(GroupGuardFactory.GroupEvent(91, "加微信有优惠"));
        var incident = Assert.Single(await service.IncidentsAfterAsync(1));
        var images = service.Services.GetRequiredService<Core.Images.IImageBlocks>();
        await images.AddPicturesAsync([new Core.Images.IncidentPicture(incident.Id, 1, 0x0F0F_1234_5678_9ABCUL, "gchat.qpic.cn/gchatpic_new/1/abc")], CancellationToken.None);
        await ConsoleSession.AddAccountAsync(service, "admin", AccountRole.Admin);
        await ConsoleSession.AddAccountAsync(service, "leader", AccountRole.Leader, "123456");
        using var admin = new ConsoleSession(service);
        using var leader = new ConsoleSession(service);
        using var a = await admin.SignInAsync("admin");
        using var b = await leader.SignInAsync("leader");

        var before = await leader.PageAsync($"/console/incidents/{incident.Id}");
        using var blocked = await admin.PostFormAsync($"/console/incidents/{incident.Id}", $"/console/incidents/{incident.Id}?handler=Block", new Dictionary<string, string> { ["picture"] = "1", ["note"] = "广告二维码" });
        using var missing = await admin.PostFormAsync($"/console/incidents/{incident.Id}", $"/console/incidents/{incident.Id}?handler=Block", new Dictionary<string, string> { ["picture"] = "2" });
        var after = await admin.PageAsync($"/console/incidents/{incident.Id}");
        var block = Assert.Single(await images.ListAsync(CancellationToken.None));
        var audit = await service.Services.GetRequiredService<IAccountStore>().ReadAuditAsync(null, 10, CancellationToken.None);

        Assert.Contains("gchat.qpic.cn/gchatpic_new/1/abc", before, StringComparison.Ordinal);
        Assert.DoesNotContain("block-form", before, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, blocked.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal(0x0F0F_1234_5678_9ABCUL, block.Hash);
        Assert.Equal(incident.Id, block.IncidentId);
        Assert.Equal("admin", block.By);
        Assert.Contains("已屏蔽", after, StringComparison.Ordinal);
        Assert.DoesNotContain("block-form", after, StringComparison.Ordinal);
        Assert.Contains(audit, e => e.Action == "image_block" && e.Actor == "admin" && e.Target == $"incident {incident.Id} picture 1");
    }
}
