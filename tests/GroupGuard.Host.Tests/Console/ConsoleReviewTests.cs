using System.Net;
using System.Text.Json;
using GroupGuard.Core;
using GroupGuard.Core.Accounts;
using GroupGuard.Core.Rules;
using GroupGuard.Host.WebConsole.Pages;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace GroupGuard.Host.Tests.Console;

/// <summary>What administrators and leaders do in the console: review incidents, mark mistakes, try rules.</summary>
public sealed class ConsoleReviewTests
{
    [Fact]
    public async Task An_incident_from_a_forwarded_bundle_names_it_and_a_kicks_clear_and_a_split_messages_pieces_are_shown()
    {
        using var service = new GroupGuardFactory();
        service.CreateClient().Dispose(); // starts the service
        var store = service.Services.GetRequiredService<IIncidentStore>();
        var ids = await store.AddAsync(
        [
            Incidents.Of("61", text: "想要资料的加微信") with { ForwardDepth = 2, ForwardedFrom = "资料分享君", ActionStatus = ActionStatus.Done, DecidedAction = ModerationAction.Kick },
        ], CancellationToken.None);
        await store.RecordClearedAsync(ids, recalled: 3, failed: 1, CancellationToken.None);
        var pieced = await store.AddAsync([Incidents.Of("62", text: "加 微信") with { ActionStatus = ActionStatus.Done, DecidedAction = ModerationAction.Recall }], CancellationToken.None);
        await store.RecordClearedAsync(pieced, recalled: 1, failed: 0, CancellationToken.None);
        await ConsoleSession.AddAccountAsync(service, "admin", AccountRole.Admin);
        using var browser = new ConsoleSession(service);
        using var _ = await browser.SignInAsync("admin");

        var page = await browser.PageAsync($"/console/incidents/{ids[0]}");

        Assert.Contains("转发内容 (转发层级 2) · 原发送人 资料分享君", page, StringComparison.Ordinal);
        Assert.Contains("移出后清理", page, StringComparison.Ordinal);
        Assert.Contains("3 条近期消息已撤回 · 1 条未能撤回", page, StringComparison.Ordinal);

        // The earlier pieces of a message sent in pieces, recalled after it: no kick.
        var piecedPage = await browser.PageAsync($"/console/incidents/{pieced[0]}");
        Assert.Contains("分条发送", piecedPage, StringComparison.Ordinal);
        Assert.Contains("1 条前面的分条已撤回", piecedPage, StringComparison.Ordinal);
        Assert.DoesNotContain("移出后清理", piecedPage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_admin_sees_an_incident_with_its_hit_marks_it_false_positive_and_the_export_says_so()
    {
        using var service = new GroupGuardFactory();
        await service.PostV11Async(GroupGuardFactory.GroupEvent(41, "周末团购，有意加微信"));
        var incident = Assert.Single(await service.IncidentsAfterAsync(1));
        await ConsoleSession.AddAccountAsync(service, "admin", AccountRole.Admin);
        using var browser = new ConsoleSession(service);
        using var _ = await browser.SignInAsync("admin");

        var list = await browser.PageAsync("/console/incidents");
        var page = await browser.PageAsync($"/console/incidents/{incident.Id}");
        using var marked = await browser.PostFormAsync(
            $"/console/incidents/{incident.Id}",
            $"/console/incidents/{incident.Id}?handler=Mark",
            new Dictionary<string, string> { ["falsePositive"] = "true", ["note"] = "团购通知，不是广告" });
        var after = await browser.PageAsync($"/console/incidents/{incident.Id}");
        var export = await GroupGuardProcess.RunAsync(service.Folder, StartupAndHealthTests.Environment(service), TimeSpan.FromSeconds(60), "incidents", "export");
        var exported = JsonDocument.Parse(export.Output.Trim()).RootElement;
        var audit = await service.Services.GetRequiredService<IAccountStore>().ReadAuditAsync(null, 10, CancellationToken.None);

        Assert.Contains($"data-incident=\"{incident.Id}\"", list, StringComparison.Ordinal);
        Assert.Contains("<mark>加微信</mark>", page, StringComparison.Ordinal);
        Assert.Contains(incident.RuleSetVersion, page, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, marked.StatusCode);
        Assert.Contains("已标记为误判", after, StringComparison.Ordinal);
        Assert.Contains("团购通知，不是广告", after, StringComparison.Ordinal);
        Assert.Equal(0, export.ExitCode);
        Assert.True(exported.GetProperty("false_positive").GetBoolean());
        Assert.Equal("团购通知，不是广告", exported.GetProperty("review_note").GetString());
        Assert.Equal("admin", exported.GetProperty("reviewed_by").GetString());
        Assert.Contains(audit, a => a.Action == "mark_false_positive" && a.Actor == "admin" && a.Target == $"incident {incident.Id}");
    }

    [Fact]
    public async Task Marking_without_the_antiforgery_token_changes_nothing()
    {
        using var service = new GroupGuardFactory();
        await service.PostV11Async(GroupGuardFactory.GroupEvent(42, "加微信领红包"));
        var incident = Assert.Single(await service.IncidentsAfterAsync(1));
        await ConsoleSession.AddAccountAsync(service, "admin", AccountRole.Admin);
        using var browser = new ConsoleSession(service);
        using var _ = await browser.SignInAsync("admin");

        using var forged = await browser.PostFormAsync(
            $"/console/incidents/{incident.Id}",
            $"/console/incidents/{incident.Id}?handler=Mark",
            new Dictionary<string, string> { ["falsePositive"] = "true" },
            withToken: false);

        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.False((await service.Services.GetRequiredService<IIncidentStore>().GetAsync(incident.Id, CancellationToken.None))!.FalsePositive);
    }

    [Fact]
    public async Task A_mark_that_is_not_true_or_false_and_a_false_positive_filter_that_is_not_yes_or_no_are_a_400()
    {
        using var service = new GroupGuardFactory();
        await service.PostV11Async(GroupGuardFactory.GroupEvent(44, "加微信领红包"));
        var incident = Assert.Single(await service.IncidentsAfterAsync(1));
        var store = service.Services.GetRequiredService<IIncidentStore>();
        await ConsoleSession.AddAccountAsync(service, "admin", AccountRole.Admin);
        using var browser = new ConsoleSession(service);
        using var _ = await browser.SignInAsync("admin");
        using var marked = await browser.PostFormAsync(
            $"/console/incidents/{incident.Id}",
            $"/console/incidents/{incident.Id}?handler=Mark",
            new Dictionary<string, string> { ["falsePositive"] = "true", ["note"] = "误判" });

        var answers = new List<HttpStatusCode>();
        foreach (var value in new[] { "banana", "", "1" })
        {
            using var odd = await browser.PostFormAsync(
                $"/console/incidents/{incident.Id}",
                $"/console/incidents/{incident.Id}?handler=Mark",
                new Dictionary<string, string> { ["falsePositive"] = value, ["note"] = "换了" });
            answers.Add(odd.StatusCode);
        }

        using var missing = await browser.PostFormAsync($"/console/incidents/{incident.Id}", $"/console/incidents/{incident.Id}?handler=Mark", new Dictionary<string, string>());
        var after = (await store.GetAsync(incident.Id, CancellationToken.None))!;
        using var maybe = await browser.GetAsync("/console/incidents?fp=maybe");
        var marks = await browser.PageAsync("/console/incidents?fp=yes");
        var unmarked = await browser.PageAsync("/console/incidents?fp=no");

        Assert.Equal(HttpStatusCode.Redirect, marked.StatusCode);
        Assert.Equal([HttpStatusCode.BadRequest, HttpStatusCode.BadRequest, HttpStatusCode.BadRequest], answers);
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        Assert.True(after.FalsePositive);
        Assert.Equal("误判", after.ReviewNote);
        Assert.Equal(HttpStatusCode.BadRequest, maybe.StatusCode);
        Assert.Contains("fp", await maybe.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains($"data-incident=\"{incident.Id}\"", marks, StringComparison.Ordinal);
        Assert.DoesNotContain($"data-incident=\"{incident.Id}\"", unmarked, StringComparison.Ordinal);
    }

    /// <summary>An incident in group 111111 (a leader's) and one in 222222, from messages <paramref name="firstId"/> and the next.</summary>
    private static async Task<(Incident Mine, Incident Theirs)> IncidentsInTwoGroupsAsync(GroupGuardFactory service, long firstId)
    {
        await service.PostV11Async(GroupGuardFactory.GroupEvent(firstId, "加微信看看", groupId: 111111));
        await service.PostV11Async(GroupGuardFactory.GroupEvent(firstId + 1, "私聊领取福利", groupId: 222222));
        var incidents = await service.IncidentsAfterAsync(2);
        return (incidents.Single(i => i.GroupId == "111111"), incidents.Single(i => i.GroupId == "222222"));
    }

    [Fact]
    public async Task A_leader_sees_only_their_groups_incidents_and_cannot_mark_them()
    {
        using var service = new GroupGuardFactory();
        var (mine, theirs) = await IncidentsInTwoGroupsAsync(service, 51);
        await ConsoleSession.AddAccountAsync(service, "leader", AccountRole.Leader, "111111");
        using var browser = new ConsoleSession(service);
        using var _ = await browser.SignInAsync("leader");

        var list = await browser.PageAsync("/console/incidents");
        var filtered = await browser.PageAsync("/console/incidents?group=222222");
        var overview = await browser.PageAsync("/console");
        using var other = await browser.GetAsync($"/console/incidents/{theirs.Id}");
        var own = await browser.PageAsync($"/console/incidents/{mine.Id}");
        using var mark = await browser.PostFormAsync(
            $"/console/incidents/{mine.Id}",
            $"/console/incidents/{mine.Id}?handler=Mark",
            new Dictionary<string, string> { ["falsePositive"] = "true" });
        using var rules = await browser.GetAsync("/console/rules");

        Assert.Contains($"data-incident=\"{mine.Id}\"", list, StringComparison.Ordinal);
        Assert.DoesNotContain($"data-incident=\"{theirs.Id}\"", list, StringComparison.Ordinal);
        Assert.DoesNotContain($"data-incident=\"{theirs.Id}\"", filtered, StringComparison.Ordinal);
        Assert.DoesNotContain("222222", overview, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
        Assert.DoesNotContain("mark-form", own, StringComparison.Ordinal); // read-only
        Assert.Equal("/console/denied", ConsoleSession.PathOf(mark.Headers.Location));
        Assert.False((await service.Services.GetRequiredService<IIncidentStore>().GetAsync(mine.Id, CancellationToken.None))!.FalsePositive);
        Assert.Equal("/console/denied", ConsoleSession.PathOf(rules.Headers.Location));
    }

    /// <summary>
    /// A post (with its antiforgery token) that names no handler a page has, or none at all, is a
    /// 404 on every console page, whoever sends it: the incident page rendered without its incident
    /// (a 500) and the others an empty page.
    /// </summary>
    [Fact]
    public async Task A_post_to_no_handler_of_a_page_is_a_404_and_changes_nothing()
    {
        using var service = new GroupGuardFactory();
        var (mine, theirs) = await IncidentsInTwoGroupsAsync(service, 53);
        await ConsoleSession.AddAccountAsync(service, "admin", AccountRole.Admin);
        await ConsoleSession.AddAccountAsync(service, "leader", AccountRole.Leader, "111111");
        using var admin = new ConsoleSession(service);
        using var signedIn = await admin.SignInAsync("admin");
        using var leader = new ConsoleSession(service);
        using var leaderSignedIn = await leader.SignInAsync("leader");
        string[] pages = ["/console", "/console/incidents", $"/console/incidents/{mine.Id}", "/console/groups", "/console/rules", "/console/digests", "/console/audit", "/console/chart.png", "/console/denied"];
        var noHandler = new Dictionary<string, string> { ["falsePositive"] = "true", ["platform"] = "qq", ["group"] = "111111", ["value"] = "on" };

        var answers = new List<(string Who, string Action, HttpStatusCode Status)>();
        foreach (var action in pages.SelectMany(p => new[] { p, p + "?handler=Nope" }))
        {
            using var answer = await admin.PostFormAsync("/console", action, noHandler);
            answers.Add(("admin", action, answer.StatusCode));
        }

        foreach (var action in new[] { $"/console/incidents/{mine.Id}", $"/console/incidents/{theirs.Id}", $"/console/incidents/{theirs.Id}?handler=Nope", "/console/groups?handler=Nope" })
        {
            using var answer = await leader.PostFormAsync("/console", action, noHandler);
            answers.Add(("leader", action, answer.StatusCode));
        }

        Assert.Equal(answers.Select(a => (a.Who, a.Action, HttpStatusCode.NotFound)), answers);
        var store = service.Services.GetRequiredService<IIncidentStore>();
        Assert.False((await store.GetAsync(mine.Id, CancellationToken.None))!.FalsePositive);
        Assert.Null(await service.Services.GetRequiredService<GroupGuard.Core.Moderation.IGroupSwitches>().GetDryRunAsync("qq", "111111", CancellationToken.None));
    }

    [Fact]
    public async Task Incidents_page_newest_first_through_the_next_link_and_filter_by_text()
    {
        using var service = new GroupGuardFactory();
        for (var i = 0; i < 55; i++)
        {
            await service.PostV11Async(GroupGuardFactory.GroupEvent(100 + i, i == 7 ? "私聊领取，限时" : $"第{i}条：加微信"));
        }

        var incidents = await service.IncidentsAfterAsync(55);
        await ConsoleSession.AddAccountAsync(service, "admin", AccountRole.Admin);
        using var browser = new ConsoleSession(service);
        using var _ = await browser.SignInAsync("admin");

        var first = await browser.PageAsync("/console/incidents");
        var next = System.Text.RegularExpressions.Regex.Match(first, "class=\"next\" href=\"([^\"]+)\"").Groups[1].Value;
        var second = await browser.PageAsync(next);
        var searched = await browser.PageAsync("/console/incidents?q=" + Uri.EscapeDataString("私聊"));

        var ids = incidents.Select(i => i.Id).OrderDescending().ToList();
        Assert.Contains($"data-incident=\"{ids[0]}\"", first, StringComparison.Ordinal);
        Assert.DoesNotContain($"data-incident=\"{ids[50]}\"", first, StringComparison.Ordinal);
        Assert.Contains($"before={ids[49]}", next, StringComparison.Ordinal);
        Assert.Contains($"data-incident=\"{ids[50]}\"", second, StringComparison.Ordinal);
        Assert.Contains($"data-incident=\"{ids[54]}\"", second, StringComparison.Ordinal);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(searched, "data-incident="));
    }

    /// <summary>
    /// The status filter takes the outcomes the overview counts: <c>logged</c> is a log rule's
    /// incidents (done once recorded), and <c>done</c> only what was carried out, as 已处置 counts it.
    /// </summary>
    [Fact]
    public async Task The_status_filter_takes_the_overview_s_outcomes_logged_apart_from_done()
    {
        using var service = new GroupGuardFactory();
        service.CreateClient().Dispose(); // starts the service
        var ids = await service.Services.GetRequiredService<IIncidentStore>().AddAsync(
            [
                Incidents.Of("s1", time: DateTimeOffset.UtcNow.AddHours(-1)),
                Incidents.Of("s2", time: DateTimeOffset.UtcNow.AddHours(-1), rule: "abuse.x", action: ModerationAction.Log),
                Incidents.Of("s3", time: DateTimeOffset.UtcNow.AddHours(-1)) with { ActionStatus = ActionStatus.Failed },
            ],
            CancellationToken.None);
        await ConsoleSession.AddAccountAsync(service, "admin", AccountRole.Admin);
        using var browser = new ConsoleSession(service);
        using var _ = await browser.SignInAsync("admin");
        static long[] Listed(string page) =>
            [.. System.Text.RegularExpressions.Regex.Matches(page, "data-incident=\"([0-9]+)\"").Select(m => long.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture))];

        var logged = await browser.PageAsync("/console/incidents?status=logged");
        var done = await browser.PageAsync("/console/incidents?status=done");
        var failed = await browser.PageAsync("/console/incidents?status=failed");
        var overview = await browser.PageAsync("/console");
        using var unknown = await browser.GetAsync("/console/incidents?status=recorded");

        Assert.Equal([ids[1]], Listed(logged));
        Assert.Equal([ids[0]], Listed(done));
        Assert.Equal([ids[2]], Listed(failed));
        Assert.Contains("<option value=\"logged\" selected=\"selected\">", logged, StringComparison.Ordinal);
        Assert.Contains("href=\"/console/incidents?status=logged&fp=no&from=", overview, StringComparison.Ordinal); // the overview's outcome links to the incidents it counts (none marked false positive)
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Contains("logged", await unknown.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    /// <summary>
    /// The list says what was done, not only the rule's action: a recall the escalation added a
    /// mute to shows the mute and its length, as the incident's page does.
    /// </summary>
    [Fact]
    public async Task The_list_shows_a_mute_the_escalation_added_to_a_recall()
    {
        using var service = new GroupGuardFactory();
        service.CreateClient().Dispose(); // starts the service
        var now = DateTimeOffset.UtcNow.AddHours(-1);
        ModerationAction[] recallAndMute = [ModerationAction.Recall, ModerationAction.Mute];
        await service.Services.GetRequiredService<IIncidentStore>().AddAsync(
            [
                Incidents.Of("m1", time: now) with { PlannedActions = recallAndMute, MuteSeconds = 600, EscalationStep = 2 },
                Incidents.Of("m2", time: now, action: ModerationAction.Mute) with { PlannedActions = recallAndMute, MuteSeconds = 3600 },
                Incidents.Of("m3", time: now) with { ActionStatus = ActionStatus.DryRun, MuteSeconds = 600, EscalationStep = 2 }, // a dry run plans nothing
                Incidents.Of("m4", time: now) with { PlannedActions = [ModerationAction.Recall] },
            ],
            CancellationToken.None);
        await ConsoleSession.AddAccountAsync(service, "admin", AccountRole.Admin);
        using var chinese = new ConsoleSession(service);
        using var english = new ConsoleSession(service, "en-GB,en;q=0.9");
        using var a = await chinese.SignInAsync("admin");
        using var b = await english.SignInAsync("admin");

        var zh = await chinese.PageAsync("/console/incidents");
        var en = await english.PageAsync("/console/incidents");

        Assert.Contains("title=\"recall+mute · done\">撤回+禁言 10 分钟 · 已处置</td>", zh, StringComparison.Ordinal);
        Assert.Contains(">撤回+禁言 60 分钟 · 已处置</td>", zh, StringComparison.Ordinal);
        Assert.Contains(">撤回+禁言 10 分钟 · 演练</td>", zh, StringComparison.Ordinal);
        Assert.Contains(">撤回 · 已处置</td>", zh, StringComparison.Ordinal);
        Assert.Contains(">recall+mute 10 min · done</td>", en, StringComparison.Ordinal);
    }

    /// <summary>
    /// A mute carried out whose group warning still waits (the warnings of a few seconds go out as
    /// one) reads 已处置 in the list and on its page, as the digest's line (已禁言) and counts read it;
    /// one whose mute the platform has not answered yet is still 待处置.
    /// </summary>
    [Fact]
    public async Task A_mute_carried_out_whose_warning_still_waits_reads_as_done_as_the_digest_reads_it()
    {
        using var service = new GroupGuardFactory();
        service.CreateClient().Dispose(); // starts the service
        var now = DateTimeOffset.UtcNow.AddHours(-1);
        var store = service.Services.GetRequiredService<IIncidentStore>();
        var ids = await store.AddAsync(
            [
                Incidents.Of("m1", time: now, action: ModerationAction.Mute) with { ActionStatus = ActionStatus.Pending, ActsOutcome = ActionStatus.Done },
                Incidents.Of("m2", time: now, action: ModerationAction.Mute) with { ActionStatus = ActionStatus.Pending },
            ],
            CancellationToken.None);
        await ConsoleSession.AddAccountAsync(service, "admin", AccountRole.Admin);
        using var chinese = new ConsoleSession(service);
        using var _ = await chinese.SignInAsync("admin");

        var list = await chinese.PageAsync("/console/incidents");
        var muted = await chinese.PageAsync($"/console/incidents/{ids[0]}");
        var waiting = await chinese.PageAsync($"/console/incidents/{ids[1]}");

        Assert.Single(System.Text.RegularExpressions.Regex.Matches(list, "title=\"mute · done\">禁言 · 已处置</td>"));
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(list, "title=\"mute · pending\">禁言 · 待处置</td>"));
        Assert.Contains("id=\"action-status\" title=\"done\">已处置</dd>", muted, StringComparison.Ordinal);
        Assert.Contains("id=\"action-status\" title=\"pending\">待处置</dd>", waiting, StringComparison.Ordinal);
    }

    /// <summary>
    /// The overview's 处置结果 counts a mute carried out whose group warning still waits under
    /// 已处置, as its row reads it, and the list 已处置 links to holds it; one whose mute the platform
    /// has not answered yet is still 待处置 in both.
    /// </summary>
    [Fact]
    public async Task The_overview_counts_a_mute_carried_out_whose_warning_still_waits_as_done_as_its_row_reads()
    {
        using var service = new GroupGuardFactory();
        service.CreateClient().Dispose(); // starts the service
        var now = DateTimeOffset.UtcNow.AddHours(-1);
        var store = service.Services.GetRequiredService<IIncidentStore>();
        var ids = await store.AddAsync(
            [
                Incidents.Of("m1", time: now, action: ModerationAction.Mute) with { ActionStatus = ActionStatus.Pending, ActsOutcome = ActionStatus.Done },
                Incidents.Of("m2", time: now, action: ModerationAction.Mute) with { ActionStatus = ActionStatus.Pending },
            ],
            CancellationToken.None);
        await ConsoleSession.AddAccountAsync(service, "admin", AccountRole.Admin);
        using var chinese = new ConsoleSession(service);
        using var _ = await chinese.SignInAsync("admin");

        var overview = await chinese.PageAsync("/console");
        var done = await chinese.PageAsync("/console/incidents?status=done");
        var pending = await chinese.PageAsync("/console/incidents?status=pending");

        Assert.Matches(">已处置</a></td><td class=\"num\">1</td>", overview);
        Assert.Matches(">待处置</a></td><td class=\"num\">1</td>", overview);
        Assert.Contains($"/console/incidents/{ids[0]}\"", done, StringComparison.Ordinal);
        Assert.DoesNotContain($"/console/incidents/{ids[1]}\"", done, StringComparison.Ordinal);
        Assert.Contains($"/console/incidents/{ids[1]}\"", pending, StringComparison.Ordinal);
        Assert.DoesNotContain($"/console/incidents/{ids[0]}\"", pending, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_list_s_excerpt_is_cut_before_an_emoji_it_would_split_not_through_it()
    {
        using var service = new GroupGuardFactory();
        var kept = "加微信" + new string('a', 76); // 79 code units, then an emoji's two at 80 and 81
        await service.PostV11Async(GroupGuardFactory.GroupEvent(181, kept + "😀 后面还有字"));
        await service.IncidentsAfterAsync(1);
        await ConsoleSession.AddAccountAsync(service, "admin", AccountRole.Admin);
        using var browser = new ConsoleSession(service);
        using var _ = await browser.SignInAsync("admin");

        var list = await browser.PageAsync("/console/incidents");

        Assert.Contains($">{kept}…<", list, StringComparison.Ordinal);
        Assert.DoesNotContain("\uFFFD", list, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/console/incidents?q=")]
    [InlineData("/console/incidents?user=")]
    public async Task An_overlong_filter_is_a_400(string prefix)
    {
        using var service = new GroupGuardFactory();
        await ConsoleSession.AddAccountAsync(service, "admin", AccountRole.Admin);
        using var browser = new ConsoleSession(service);
        using var _ = await browser.SignInAsync("admin");

        using var response = await browser.GetAsync(prefix + new string('x', 201));
        using var badSeverity = await browser.GetAsync("/console/incidents?severity=dire");
        using var badDay = await browser.GetAsync("/console/incidents?from=yesterday");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, badSeverity.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, badDay.StatusCode);
    }

    [Theory]
    [InlineData("to=9999-12-31", 0, "to")]
    [InlineData("to=9999-01-01", -12, "to")]
    [InlineData("from=0001-01-01", 8, "from")] // the day's local start is before the first instant a DateTimeOffset holds
    [InlineData("from=0001-01-01", 0, "from")]
    [InlineData("from=1999-12-31", 14, "from")]
    [InlineData("from=2026-01-01&to=0001-01-02", -5, "to")]
    public async Task A_day_outside_the_years_the_filter_takes_is_a_400_naming_it(string days, int zoneHours, string named)
    {
        using var service = new GroupGuardFactory(services: s => s.Replace(ServiceDescriptor.Singleton<TimeProvider>(new ZonedClock(zoneHours))));
        await ConsoleSession.AddAccountAsync(service, "admin", AccountRole.Admin);
        using var browser = new ConsoleSession(service);
        using var _ = await browser.SignInAsync("admin");

        using var response = await browser.GetAsync("/console/incidents?" + days);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains($"<code>{named}=", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains($"{(named == "from" ? "开始日期" : "结束日期")}应在 2000-01-01 到 9998-12-31 之间。", System.Net.WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync()), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(14)]
    [InlineData(-12)]
    public async Task The_first_and_last_days_the_filter_takes_are_read_in_any_time_zone(int zoneHours)
    {
        using var service = new GroupGuardFactory(services: s => s.Replace(ServiceDescriptor.Singleton<TimeProvider>(new ZonedClock(zoneHours))));
        await service.PostV11Async(GroupGuardFactory.GroupEvent(71, "加微信有优惠"));
        await service.IncidentsAfterAsync(1);
        await ConsoleSession.AddAccountAsync(service, "admin", AccountRole.Admin);
        using var browser = new ConsoleSession(service);
        using var _ = await browser.SignInAsync("admin");

        var page = await browser.PageAsync("/console/incidents?from=2000-01-01&to=9998-12-31");

        Assert.Single(System.Text.RegularExpressions.Regex.Matches(page, "data-incident="));
    }

    /// <summary>
    /// The rules page says which rules run in shadow (recorded, never acted on, as the shipped promo
    /// pack) and which groups a pack's <c>groups:</c> keeps them to.
    /// </summary>
    [Fact]
    public async Task The_rules_page_shows_shadow_mode_and_the_groups_a_pack_applies_in()
    {
        using var service = new GroupGuardFactory();
        await ConsoleSession.AddAccountAsync(service, "admin", AccountRole.Admin);
        var folder = Path.Combine(service.Folder, "rules");
        await File.WriteAllTextAsync(Path.Combine(folder, "promo.yaml"), "pack: promo\nname: 商业推广\ncategory: ads\nmode: shadow\ngroups: [\"*\", \"!222222\"]\nrules:\n  - id: promo.x\n    terms: [全场八折]\n");
        await File.WriteAllTextAsync(Path.Combine(folder, "school.yaml"), "pack: school\ngroups: [\"333333\", \"111111\"]\nrules:\n  - id: school.x\n    terms: [逃课]\n");
        service.Services.GetRequiredService<IRuleSetLoader>().Reload();
        using var chinese = new ConsoleSession(service);
        using var english = new ConsoleSession(service, "en-GB,en;q=0.9");
        using var a = await chinese.SignInAsync("admin");
        using var b = await english.SignInAsync("admin");

        var zh = await chinese.PageAsync("/console/rules");
        var en = await english.PageAsync("/console/rules");
        string Row(string page, string rule) => System.Text.RegularExpressions.Regex.Match(page, $"<tr data-rule=\"{System.Text.RegularExpressions.Regex.Escape(rule)}\">.*?</tr>").Value;

        Assert.Contains("<td class=\"mode-shadow\" title=\"shadow\">影子模式：只记录，不处置</td><td class=\"groups\">全部群，除 222222</td>", Row(zh, "promo.x"), StringComparison.Ordinal);
        Assert.Contains("<td class=\"mode-enforce\" title=\"enforce\">执行</td><td class=\"groups\">仅 111111, 333333</td>", Row(zh, "school.x"), StringComparison.Ordinal);
        Assert.Contains("<td class=\"groups\">全部群</td>", Row(zh, "ads.contact"), StringComparison.Ordinal);
        Assert.Contains("<td class=\"num\">正则</td>", Row(zh, "ads.site"), StringComparison.Ordinal); // its terms: a regex
        Assert.Contains("<td class=\"num\">regex</td>", Row(en, "ads.site"), StringComparison.Ordinal);
        Assert.Contains(">shadow: recorded, never acted on</td><td class=\"groups\">all groups but 222222</td>", Row(en, "promo.x"), StringComparison.Ordinal);
        Assert.Contains("<td class=\"groups\">only 111111, 333333</td>", Row(en, "school.x"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_sandbox_shows_each_line_s_hits_with_the_folding_that_made_them_match()
    {
        using var service = new GroupGuardFactory();
        await ConsoleSession.AddAccountAsync(service, "admin", AccountRole.Admin);
        using var browser = new ConsoleSession(service);
        using var _ = await browser.SignInAsync("admin");

        using var response = await browser.PostFormAsync("/console/rules", "/console/rules?handler=Sandbox", new Dictionary<string, string>
        {
            ["text"] = "有需要的加威信\n今天天气不错\n私聊領取",
        });
        var html = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("<mark>加威信</mark>", html, StringComparison.Ordinal);
        Assert.Contains("形近字", html, StringComparison.Ordinal); // 威 for 微
        Assert.Contains("<mark>私聊領取</mark>", html, StringComparison.Ordinal);
        Assert.Contains("繁体", html, StringComparison.Ordinal);
        Assert.Contains("未命中", html, StringComparison.Ordinal);
        Assert.Contains("4+3", html, StringComparison.Ordinal); // the span of 加威信
        Assert.Contains("行: 3 · 命中: 2", html, StringComparison.Ordinal);
    }

    /// <summary>
    /// Ticked as a chat log, the sandbox counts the flood and repeat rules over the lines' times as
    /// the service would: the line a flood acts on says so and names the lines it counted, one
    /// that came close says it did not fire, a line that is no chat line says why, by its number.
    /// </summary>
    [Fact]
    public async Task The_sandbox_tries_a_chat_log_with_its_flood_and_repeat_rules()
    {
        const string Pack = """
            pack: test
            category: ads
            rules:
              - id: ads.contact
                terms: [加微信]
              - id: spam.flood
                flood: { messages: 3, seconds: 10 }
              - id: spam.repeat
                repeat: { times: 2, seconds: 60 }
            """;
        using var service = new GroupGuardFactory(rulePack: Pack);
        await ConsoleSession.AddAccountAsync(service, "admin", AccountRole.Admin);
        using var zhBrowser = new ConsoleSession(service, "zh-CN,zh;q=0.9,en;q=0.8");
        using var a = await zhBrowser.SignInAsync("admin");
        using var enBrowser = new ConsoleSession(service, "en-GB,en;q=0.9");
        using var b = await enBrowser.SignInAsync("admin");
        var form = new Dictionary<string, string>
        {
            ["text"] = "2026-12-01 20:00:00 <10001> 一\n2026-12-01 20:00:01 <10001> 二\n2026-12-01 20:00:02 <10001> 三\n2026-12-01 20:00:03 <10001> 快加微信吧\n不是聊天行",
            ["chat"] = "true",
        };

        using var zhResponse = await zhBrowser.PostFormAsync("/console/rules", "/console/rules?handler=Sandbox", form);
        using var enResponse = await enBrowser.PostFormAsync("/console/rules", "/console/rules?handler=Sandbox", form);
        var zh = WebUtility.HtmlDecode(await zhResponse.Content.ReadAsStringAsync());
        var en = WebUtility.HtmlDecode(await enResponse.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, zhResponse.StatusCode);
        Assert.Contains("<td>spam.flood</td><td colspan=\"4\">10001 在 10 秒内第 4 条，超过 3 条（计入第 1–4 行）</td>", zh, StringComparison.Ordinal);
        Assert.Contains("<td>spam.flood</td><td colspan=\"4\">未触发: 10001 在 10 秒内第 3 条，未超过 3 条，第 4 条起才触发（计入第 1–3 行）</td>", zh, StringComparison.Ordinal);
        Assert.Contains("<mark>加微信</mark>", zh, StringComparison.Ordinal);
        Assert.Contains("第 4 行 · 2026-12-01 20:00:03 · 10001", zh, StringComparison.Ordinal);
        Assert.Contains("第 5 行<div><code>不是聊天行</code></div></td><td colspan=\"5\">开头不是日期和时间，已跳过；", zh, StringComparison.Ordinal);
        Assert.Contains("<li><code>spam.flood</code>: 1 条</li>", zh, StringComparison.Ordinal);
        Assert.Contains("<li><code>spam.repeat</code>: 未触发</li>", zh, StringComparison.Ordinal);
        Assert.Contains("命中: 1", zh, StringComparison.Ordinal);
        Assert.Contains("name=\"chat\" value=\"true\" checked", zh, StringComparison.Ordinal);
        Assert.Contains("10001's message 4 within 10 s, more than 3 (lines 1–4)", en, StringComparison.Ordinal);
        Assert.Contains("Did not fire: 10001's message 3 within 10 s, not more than 3: it acts from message 4 (lines 1–3)", en, StringComparison.Ordinal);
        Assert.Contains("line 5<div><code>不是聊天行</code></div></td><td colspan=\"5\">it does not start with a date and time; skipped", en, StringComparison.Ordinal);
    }

    /// <summary>
    /// A regex hit's matched text is the written text itself: how it matched is told from how its
    /// characters fold for the regex and whether the interference inside had to be left out, never
    /// 原样 for a folded one. A detector reads the text its own way: nothing is claimed.
    /// </summary>
    [Fact]
    public async Task The_sandbox_tells_what_folding_a_regex_hit_needed_and_claims_nothing_for_a_detector()
    {
        using var service = new GroupGuardFactory();
        await ConsoleSession.AddAccountAsync(service, "admin", AccountRole.Admin);
        var draft = Path.Combine(service.Folder, "rules-draft");
        Directory.CreateDirectory(draft);
        await File.WriteAllTextAsync(Path.Combine(draft, "draft.yaml"), "pack: draft\nrules:\n  - id: draft.vx\n    regex: '加vx\\s*[a-z][a-z0-9_]{5,19}'\n  - id: draft.phone\n    detector: cn_mobile\n");
        using var browser = new ConsoleSession(service);
        using var _ = await browser.SignInAsync("admin");

        using var response = await browser.PostFormAsync("/console/rules", "/console/rules?handler=Sandbox", new Dictionary<string, string>
        {
            ["text"] = "加ＶＸ abc1234\n加vx abc1234\n加v❤x abc1234\n电话１３８００１３８０００",
            ["folder"] = "rules-draft",
        });
        var html = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("行: 4 · 命中: 4", html, StringComparison.Ordinal);
        Assert.Contains("<mark>加ＶＸ abc1234</mark></td><td>全角</td>", html, StringComparison.Ordinal);
        Assert.Contains("<mark>加vx abc1234</mark></td><td>原样</td>", html, StringComparison.Ordinal);
        Assert.Contains("<mark>加v❤x abc1234</mark></td><td>插入符号</td>", html, StringComparison.Ordinal);
        Assert.Contains("<mark>１３８００１３８０００</mark></td><td></td>", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_sandbox_says_why_a_term_it_found_did_not_count()
    {
        using var service = new GroupGuardFactory();
        await ConsoleSession.AddAccountAsync(service, "admin", AccountRole.Admin);
        var draft = Path.Combine(service.Folder, "draft");
        Directory.CreateDirectory(draft);
        await File.WriteAllTextAsync(Path.Combine(draft, "draft.yaml"), "pack: draft\nrules:\n  - id: draft.trash\n    terms: [垃圾]\n    target: person\n  - id: draft.sale\n    terms: [出售]\n    unless: [出售二手书]\n");
        using var browser = new ConsoleSession(service);
        using var _ = await browser.SignInAsync("admin");

        using var response = await browser.PostFormAsync("/console/rules", "/console/rules?handler=Sandbox", new Dictionary<string, string>
        {
            ["text"] = "快递真垃圾\n出售二手书\n你就是垃圾",
            ["folder"] = draft,
        });
        var html = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("未计入: 附近没有指向人（target: person）", html, StringComparison.Ordinal);
        Assert.Contains("未计入: 被放行词覆盖「出售二手书」", html, StringComparison.Ordinal);
        Assert.Contains("<mark>垃圾</mark>", html, StringComparison.Ordinal); // 你就是垃圾 fired
        Assert.Equal(2, System.Text.RegularExpressions.Regex.Matches(html, "class=\"miss\"").Count); // none for the line that fired
        Assert.Contains("行: 3 · 命中: 1", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_sandbox_reads_lines_as_sent_in_a_group_with_that_groups_allow_list()
    {
        using var service = new GroupGuardFactory();
        await ConsoleSession.AddAccountAsync(service, "admin", AccountRole.Admin);
        await File.WriteAllTextAsync(Path.Combine(service.Folder, "rules", "allow-123456.txt"), "加微信群\n");
        service.Services.GetRequiredService<IRuleSetLoader>().Reload();
        using var browser = new ConsoleSession(service);
        using var _ = await browser.SignInAsync("admin");
        var line = new Dictionary<string, string> { ["text"] = "家长们加微信群交作业" };

        using var anywhere = await browser.PostFormAsync("/console/rules", "/console/rules?handler=Sandbox", line);
        using var inGroup = await browser.PostFormAsync("/console/rules", "/console/rules?handler=Sandbox", new Dictionary<string, string>(line) { ["group"] = "123456" });
        using var overlong = await browser.PostFormAsync("/console/rules", "/console/rules?handler=Sandbox", new Dictionary<string, string>(line) { ["group"] = new string('1', RulesModel.MaxGroupIdLength + 1) });
        var anywhereHtml = WebUtility.HtmlDecode(await anywhere.Content.ReadAsStringAsync());
        var inGroupHtml = WebUtility.HtmlDecode(await inGroup.Content.ReadAsStringAsync());

        Assert.Contains("<mark>加微信</mark>", anywhereHtml, StringComparison.Ordinal);
        Assert.DoesNotContain("<mark>", inGroupHtml, StringComparison.Ordinal);
        Assert.Contains("未计入: 被放行词覆盖「加微信群」", inGroupHtml, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, overlong.StatusCode);
    }

    /// <summary>
    /// A pack kept to some groups (<c>groups: ["111111"]</c>, or every group but one) does not fire in
    /// most groups: a line tried in no group counts only the packs for every group, tells what the
    /// others found as not counted, and names them; given a group, they apply as they would there.
    /// </summary>
    [Fact]
    public async Task The_sandbox_without_a_group_applies_only_the_packs_for_every_group_and_names_the_others()
    {
        using var service = new GroupGuardFactory();
        await ConsoleSession.AddAccountAsync(service, "admin", AccountRole.Admin);
        var folder = Path.Combine(service.Folder, "rules");
        await File.WriteAllTextAsync(Path.Combine(folder, "school.yaml"), "pack: school\ngroups: [\"111111\"]\nrules:\n  - id: school.x\n    terms: [逃课]\n");
        await File.WriteAllTextAsync(Path.Combine(folder, "promo.yaml"), "pack: promo\ngroups: [\"*\", \"!222222\"]\nrules:\n  - id: promo.x\n    regex: '全场\\d折'\n");
        service.Services.GetRequiredService<IRuleSetLoader>().Reload();
        using var browser = new ConsoleSession(service);
        using var _ = await browser.SignInAsync("admin");
        var lines = new Dictionary<string, string> { ["text"] = "明天一起逃课\n全场8折加微信" };

        using var anywhere = await browser.PostFormAsync("/console/rules", "/console/rules?handler=Sandbox", lines);
        using var inGroup = await browser.PostFormAsync("/console/rules", "/console/rules?handler=Sandbox", new Dictionary<string, string>(lines) { ["group"] = "111111" });
        var anywhereHtml = WebUtility.HtmlDecode(await anywhere.Content.ReadAsStringAsync());
        var inGroupHtml = WebUtility.HtmlDecode(await inGroup.Content.ReadAsStringAsync());

        Assert.Contains("行: 2 · 命中: 1", anywhereHtml, StringComparison.Ordinal); // 加微信 of the test pack, for every group
        Assert.Contains("<mark>加微信</mark>", anywhereHtml, StringComparison.Ordinal);
        Assert.DoesNotContain("<mark>逃课</mark>", anywhereHtml, StringComparison.Ordinal);
        Assert.DoesNotContain("<mark>全场8折</mark>", anywhereHtml, StringComparison.Ordinal);
        Assert.Contains("<td>school.x</td><td>逃课</td><td>4+2</td><td>逃课</td><td>未计入: 未指定群，其规则包只适用于部分群</td>", anywhereHtml, StringComparison.Ordinal);
        Assert.Contains("<td>promo.x</td><td>全场8折</td><td>0+4</td><td>全场8折</td><td>未计入: 未指定群，其规则包只适用于部分群</td>", anywhereHtml, StringComparison.Ordinal);
        Assert.Contains("school（仅 111111）", anywhereHtml, StringComparison.Ordinal);
        Assert.Contains("promo（全部群，除 222222）", anywhereHtml, StringComparison.Ordinal);
        Assert.Contains("id=\"sandbox-left-out\"", anywhereHtml, StringComparison.Ordinal);

        Assert.Contains("行: 2 · 命中: 2", inGroupHtml, StringComparison.Ordinal);
        Assert.Contains("<mark>逃课</mark>", inGroupHtml, StringComparison.Ordinal);
        Assert.Contains("<mark>全场8折</mark>", inGroupHtml, StringComparison.Ordinal);
        Assert.DoesNotContain("sandbox-left-out", inGroupHtml, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_sandbox_tries_a_folder_the_admin_names_and_reports_its_problems_by_line()
    {
        using var service = new GroupGuardFactory();
        await ConsoleSession.AddAccountAsync(service, "admin", AccountRole.Admin);
        var draft = Path.Combine(service.Folder, "draft");
        Directory.CreateDirectory(draft);
        await File.WriteAllTextAsync(Path.Combine(draft, "draft.yaml"), "pack: draft\ncategory: fraud\nseverity: high\naction: log\nrules:\n  - id: draft.refund\n    terms: [退款专员]\n");
        var broken = Path.Combine(service.Folder, "broken");
        Directory.CreateDirectory(broken);
        await File.WriteAllTextAsync(Path.Combine(broken, "b.yaml"), "pack: b\nrules:\n  - id: b.x\n    regex: '(a)\\1'\n");
        using var browser = new ConsoleSession(service);
        using var _ = await browser.SignInAsync("admin");

        using var tried = await browser.PostFormAsync("/console/rules", "/console/rules?handler=Sandbox", new Dictionary<string, string> { ["text"] = "我是退款专员", ["folder"] = draft });
        using var failed = await browser.PostFormAsync("/console/rules", "/console/rules?handler=Sandbox", new Dictionary<string, string> { ["text"] = "x", ["folder"] = broken });
        var triedHtml = WebUtility.HtmlDecode(await tried.Content.ReadAsStringAsync());
        var failedHtml = WebUtility.HtmlDecode(await failed.Content.ReadAsStringAsync());

        Assert.Contains("draft.refund", triedHtml, StringComparison.Ordinal);
        Assert.Contains("<mark>退款专员</mark>", triedHtml, StringComparison.Ordinal);
        Assert.Contains("b.yaml:4", failedHtml, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_sandbox_reads_folders_beside_the_rules_folder_only()
    {
        using var service = new GroupGuardFactory();
        await ConsoleSession.AddAccountAsync(service, "admin", AccountRole.Admin);
        var draft = Path.Combine(service.Folder, "rules-draft");
        Directory.CreateDirectory(draft);
        await File.WriteAllTextAsync(Path.Combine(draft, "draft.yaml"), "pack: draft\nrules:\n  - id: draft.refund\n    terms: [退款专员]\n");
        using var elsewhere = new TempFolder();
        await File.WriteAllTextAsync(Path.Combine(elsewhere.Path, "other.yaml"), "password: hunter2-secret\n");
        using var browser = new ConsoleSession(service);
        using var _ = await browser.SignInAsync("admin");
        Task<HttpResponseMessage> Try(string folder) =>
            browser.PostFormAsync("/console/rules", "/console/rules?handler=Sandbox", new Dictionary<string, string> { ["text"] = "我是退款专员", ["folder"] = folder });

        using var byName = await Try("rules-draft");
        using var outside = await Try(elsewhere.Path);
        using var climbing = await Try(Path.Combine("rules-draft", "..", "..", Path.GetFileName(service.Folder) + "-x"));
        using var overlong = await Try(new string('a', RulesModel.MaxFolderLength + 1));
        var byNameHtml = WebUtility.HtmlDecode(await byName.Content.ReadAsStringAsync());
        var outsideHtml = WebUtility.HtmlDecode(await outside.Content.ReadAsStringAsync());
        var climbingHtml = WebUtility.HtmlDecode(await climbing.Content.ReadAsStringAsync());

        Assert.Contains("<mark>退款专员</mark>", byNameHtml, StringComparison.Ordinal); // a name alone is the folder beside rules/
        Assert.Contains("draft.refund", byNameHtml, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, outside.StatusCode);
        Assert.Contains($"「规则目录」应为 {service.Folder} 之内的目录（规则目录就在其中，只写名字如 rules-draft 即为与规则目录同级的目录），{elsewhere.Path} 不在其中。", outsideHtml, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", outsideHtml, StringComparison.Ordinal);
        Assert.DoesNotContain("<mark>", outsideHtml, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, climbing.StatusCode);
        Assert.Contains($"「规则目录」应为 {service.Folder} 之内的目录", climbingHtml, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, overlong.StatusCode);
    }

    [Theory]
    [InlineData(20_001, 1)]
    [InlineData(1_001, 501)]
    public async Task The_sandbox_refuses_too_much_text_or_too_many_lines(int characters, int lines)
    {
        using var service = new GroupGuardFactory();
        await ConsoleSession.AddAccountAsync(service, "admin", AccountRole.Admin);
        using var browser = new ConsoleSession(service);
        using var _ = await browser.SignInAsync("admin");
        var line = new string('好', Math.Max(1, (characters / lines) - 1));
        var text = string.Join('\n', Enumerable.Repeat(line, lines));
        text = text.Length < characters ? text + new string('好', characters - text.Length) : text;

        using var response = await browser.PostFormAsync("/console/rules", "/console/rules?handler=Sandbox", new Dictionary<string, string> { ["text"] = text });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Pages_are_in_Chinese_unless_the_browser_prefers_English()
    {
        using var service = new GroupGuardFactory();
        await ConsoleSession.AddAccountAsync(service, "admin", AccountRole.Admin);
        using var chinese = new ConsoleSession(service, "zh-CN,zh;q=0.9,en;q=0.8");
        using var english = new ConsoleSession(service, "en-GB,en;q=0.9");
        using var a = await chinese.SignInAsync("admin");
        using var b = await english.SignInAsync("admin");

        var zh = await chinese.PageAsync("/console/incidents");
        var en = await english.PageAsync("/console/incidents");

        Assert.Contains("<h1>事件</h1>", zh, StringComparison.Ordinal);
        Assert.Contains("<html lang=\"zh-CN\">", zh, StringComparison.Ordinal);
        Assert.Contains("<h1>Incidents</h1>", en, StringComparison.Ordinal);
        Assert.Contains("<html lang=\"en\">", en, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_overview_counts_the_last_thirty_days_and_carries_the_chart_data()
    {
        using var service = new GroupGuardFactory();
        await ConsoleSession.AddAccountAsync(service, "admin", AccountRole.Admin);
        var store = service.Services.GetRequiredService<IIncidentStore>();
        var now = DateTimeOffset.UtcNow;
        await store.AddAsync(
            [
                Incidents.Of("o1", time: now.AddHours(-1), category: "ads"),
                Incidents.Of("o2", time: now.AddHours(-2), category: "ads"),
                Incidents.Of("o3", time: now.AddDays(-3), category: "fraud"),
                Incidents.Of("o4", time: now.AddDays(-45), category: "fraud"),
            ],
            CancellationToken.None);
        using var browser = new ConsoleSession(service);
        using var _ = await browser.SignInAsync("admin");

        var html = await browser.PageAsync("/console");
        var json = System.Text.RegularExpressions.Regex.Match(html, "<script type=\"application/json\" id=\"per-day-data\">(.*?)</script>").Groups[1].Value;
        using var data = JsonDocument.Parse(json);

        Assert.Contains("id=\"offence-total\">3<", html, StringComparison.Ordinal);
        Assert.DoesNotContain("id=\"hit-total\"", html, StringComparison.Ordinal); // one hit a message: no hits said beside
        Assert.Equal(30, data.RootElement.GetProperty("labels").GetArrayLength());
        var series = data.RootElement.GetProperty("datasets").EnumerateArray().ToDictionary(d => d.GetProperty("category").GetString()!, d => d.GetProperty("data").EnumerateArray().Sum(v => v.GetInt32()));
        var labels = data.RootElement.GetProperty("datasets").EnumerateArray().ToDictionary(d => d.GetProperty("category").GetString()!, d => d.GetProperty("label").GetString());
        Assert.Equal(2, series["ads"]);
        Assert.Equal(1, series["fraud"]);
        Assert.Equal("广告引流", labels["ads"]); // as the digest names it, whatever its one pack is called (测试广告)
        Assert.Equal("诈骗", labels["fraud"]); // no pack has it: as the digest names it
        Assert.Contains(" 广告引流 ", html, StringComparison.Ordinal); // the list without scripts
        Assert.Contains("/console/assets/lib/chart.js/chart.umd.min.js", html, StringComparison.Ordinal);
        using var script = await browser.GetAsync("/console/assets/lib/chart.js/chart.umd.min.js");
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        Assert.Contains("Chart", await script.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    /// <summary>
    /// The digest leaves incidents marked false positive out of its counts; so does the overview,
    /// saying so, with the marked ones counted apart and each outcome linked to the incidents it counts.
    /// </summary>
    [Fact]
    public async Task The_overview_leaves_out_incidents_marked_false_positive_as_the_digest_does_and_says_so()
    {
        using var service = new GroupGuardFactory();
        await ConsoleSession.AddAccountAsync(service, "admin", AccountRole.Admin);
        var store = service.Services.GetRequiredService<IIncidentStore>();
        var now = DateTimeOffset.UtcNow;
        var ids = await store.AddAsync(
            [
                Incidents.Of("m1", time: now.AddHours(-1), category: "ads"),
                Incidents.Of("m2", time: now.AddHours(-2), category: "fraud", rule: "fraud.notice") with { ActionStatus = ActionStatus.Failed },
            ],
            CancellationToken.None);
        await store.MarkFalsePositiveAsync(ids[1], true, "群公告", now, "admin", CancellationToken.None);
        using var browser = new ConsoleSession(service);
        using var _ = await browser.SignInAsync("admin");

        var html = await browser.PageAsync("/console");
        var json = System.Text.RegularExpressions.Regex.Match(html, "<script type=\"application/json\" id=\"per-day-data\">(.*?)</script>").Groups[1].Value;
        using var data = JsonDocument.Parse(json);

        Assert.Contains("id=\"offence-total\">1<", html, StringComparison.Ordinal);
        Assert.Contains("违规消息（不含误判）", html, StringComparison.Ordinal);
        Assert.Contains("id=\"false-positive-total\">1<", html, StringComparison.Ordinal);
        Assert.Contains("标记为误判的不计入本页的统计和图表。", html, StringComparison.Ordinal);
        Assert.Equal(["ads"], data.RootElement.GetProperty("datasets").EnumerateArray().Select(d => d.GetProperty("category").GetString()));
        Assert.DoesNotContain("fraud.notice", html, StringComparison.Ordinal); // not among the top rules
        Assert.DoesNotContain("status=failed", html, StringComparison.Ordinal); // nor among the outcomes
        Assert.Contains("href=\"/console/incidents?status=done&fp=no&from=", html, StringComparison.Ordinal);
    }

    /// <summary>
    /// A leader comparing the overview with the digest of the same days reads the same figure: both
    /// count offending messages, a message of several hits once, with the hits beside
    /// (<c>2 条违规消息（3 次命中）</c>); the top groups count messages as the digest's lines per group
    /// do; the outcomes, counted by hit and saying so, each open a list of as many rows.
    /// </summary>
    [Fact]
    public async Task The_overview_counts_offending_messages_as_the_digest_does_with_the_hits_beside()
    {
        using var service = new GroupGuardFactory(new Dictionary<string, string?>
        {
            ["GroupGuard:Leaders:0:Name"] = "王主任",
            ["GroupGuard:Leaders:0:Groups:0"] = "*",
            ["GroupGuard:Leaders:0:Schedule"] = "0 0 8 * * ?",
            ["GroupGuard:Leaders:0:Channels:0"] = "archive",
            ["GroupGuard:Channels:archive:Type"] = "file",
            ["GroupGuard:Channels:archive:Path"] = "digests-out",
        });
        await ConsoleSession.AddAccountAsync(service, "admin", AccountRole.Admin);
        var now = DateTimeOffset.UtcNow;
        await service.Services.GetRequiredService<IIncidentStore>().AddAsync(
            [
                // A loan advert with a contact: two rules hit one message; the second's action skipped for the first's.
                Incidents.Of("h1", time: now.AddHours(-1)),
                Incidents.Of("h1", time: now.AddHours(-1), rule: "ads.qr") with { ActionStatus = ActionStatus.Skipped },
                Incidents.Of("h2", time: now.AddHours(-2)),
            ],
            CancellationToken.None);
        using var browser = new ConsoleSession(service);
        using var _ = await browser.SignInAsync("admin");
        static int Listed(string page) => System.Text.RegularExpressions.Regex.Matches(page, "data-incident=").Count;

        var html = await browser.PageAsync("/console");
        var digest = await browser.PageAsync("/console/digests?preview=" + Uri.EscapeDataString("王主任"));

        Assert.Contains("2 条违规消息（3 次命中）", digest, StringComparison.Ordinal);
        Assert.Contains("群 123456：2 条", digest, StringComparison.Ordinal);
        Assert.Contains("id=\"offence-total\">2<", html, StringComparison.Ordinal);
        Assert.Contains("id=\"hit-total\">3 次命中<", html, StringComparison.Ordinal);
        Assert.Contains("<h2>每日违规消息</h2>", html, StringComparison.Ordinal);
        Assert.Contains("<td>123456</td><td class=\"num\">2<", html, StringComparison.Ordinal); // the top group: its two messages
        Assert.Contains("处置结果 <small>（按命中计）</small>", html, StringComparison.Ordinal);
        var outcomes = System.Text.RegularExpressions.Regex.Matches(html, "<a href=\"(/console/incidents\\?status=[^\"]*)\">[^<]*</a></td><td class=\"num\">([0-9]+)<");
        Assert.Equal(["2", "1"], outcomes.Select(m => m.Groups[2].Value)); // 已处置 2, 已跳过 1: hits
        foreach (var (link, count) in outcomes.Select(m => (m.Groups[1].Value, int.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture))).ToList())
        {
            Assert.Equal(count, Listed(await browser.PageAsync(link)));
        }
    }

    /// <summary>
    /// The overview counts the last 30 days; each outcome's link and the 已标记为误判 link open the
    /// list over the same days, so the list holds as many incidents as the figure beside the link,
    /// not older ones too.
    /// </summary>
    [Fact]
    public async Task The_overview_s_links_open_the_list_over_the_days_it_counts()
    {
        using var service = new GroupGuardFactory();
        await ConsoleSession.AddAccountAsync(service, "admin", AccountRole.Admin);
        var store = service.Services.GetRequiredService<IIncidentStore>();
        var now = DateTimeOffset.UtcNow;
        var ids = await store.AddAsync(
            [
                Incidents.Of("p1", time: now.AddHours(-1)),
                Incidents.Of("p2", time: now.AddDays(-40)),
                Incidents.Of("p3", time: now.AddHours(-2)) with { ActionStatus = ActionStatus.Failed },
                Incidents.Of("p4", time: now.AddDays(-50)) with { ActionStatus = ActionStatus.Failed },
                Incidents.Of("p5", time: now.AddHours(-3)),
                Incidents.Of("p6", time: now.AddDays(-45)),
            ],
            CancellationToken.None);
        await store.MarkFalsePositiveAsync(ids[4], true, "群公告", now, "admin", CancellationToken.None);
        await store.MarkFalsePositiveAsync(ids[5], true, "群公告", now, "admin", CancellationToken.None);
        using var browser = new ConsoleSession(service);
        using var _ = await browser.SignInAsync("admin");
        static int Listed(string page) => System.Text.RegularExpressions.Regex.Matches(page, "data-incident=").Count;

        var html = await browser.PageAsync("/console");
        var outcomes = System.Text.RegularExpressions.Regex.Matches(html, "<a href=\"(/console/incidents\\?status=[^\"]*)\">[^<]*</a></td><td class=\"num\">([0-9]+)<");
        var marked = System.Text.RegularExpressions.Regex.Match(html, "id=\"false-positive-total\">([0-9]+)<.*?<a href=\"(/console/incidents\\?fp=yes[^\"]*)\"", System.Text.RegularExpressions.RegexOptions.Singleline);

        Assert.Equal(["1", "1"], outcomes.Select(m => m.Groups[2].Value)); // 已处置 1, 未能处置 1: the older ones are not counted
        foreach (var (link, count) in outcomes.Select(m => (m.Groups[1].Value, int.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture))).ToList())
        {
            Assert.Equal(count, Listed(await browser.PageAsync(link)));
        }

        Assert.Equal("1", marked.Groups[1].Value);
        var markedList = await browser.PageAsync(marked.Groups[2].Value);
        Assert.Equal(1, Listed(markedList));
        Assert.Contains($"data-incident=\"{ids[4]}\"", markedList, StringComparison.Ordinal);
        Assert.Equal(6, Listed(await browser.PageAsync("/console/incidents"))); // the list itself still goes back as far as there are incidents
    }

    /// <summary>
    /// A category the shipped packs use is named in the Chinese console as digests and alerts name
    /// it (ads was the bare word where two packs share it, 测试广告 and 商业推广, and fraud where a
    /// pack of one's own named it 游戏交易), and GroupGuard's own blocked pictures 已屏蔽图片; a pack's
    /// own category by its pack where the running rules give it one name; where two packs of other
    /// names share it, or its pack has none, and in English, it stays as it is.
    /// </summary>
    [Fact]
    public async Task A_category_is_named_as_the_digest_names_it_or_by_its_pack_where_the_rules_give_it_one_name()
    {
        using var service = new GroupGuardFactory();
        await ConsoleSession.AddAccountAsync(service, "admin", AccountRole.Admin);
        var folder = Path.Combine(service.Folder, "rules");
        await File.WriteAllTextAsync(Path.Combine(folder, "fraud.yaml"), "pack: fraud\nname: 诈骗\ncategory: fraud\nrules:\n  - id: fraud.x\n    terms: [刷单返利]\n");
        await File.WriteAllTextAsync(Path.Combine(folder, "promo.yaml"), "pack: promo\nname: 商业推广\ncategory: ads\nrules:\n  - id: promo.x\n    terms: [全场八折]\n");
        await File.WriteAllTextAsync(Path.Combine(folder, "abuse.yaml"), "pack: abuse\ncategory: abuse\nrules:\n  - id: abuse.x\n    terms: [蠢货]\n");
        await File.WriteAllTextAsync(Path.Combine(folder, "trade.yaml"), "pack: trade\nname: 游戏交易\ncategory: fraud\nrules:\n  - id: trade.x\n    terms: [收号]\n");
        await File.WriteAllTextAsync(Path.Combine(folder, "gaming.yaml"), "pack: gaming\nname: 代练\ncategory: gaming\nrules:\n  - id: gaming.x\n    terms: [代练上分]\n");
        await File.WriteAllTextAsync(Path.Combine(folder, "school.yaml"), "pack: school\ncategory: school\nrules:\n  - id: school.x\n    terms: [卖书]\n");
        service.Services.GetRequiredService<IRuleSetLoader>().Reload();
        var now = DateTimeOffset.UtcNow;
        var ids = await service.Services.GetRequiredService<IIncidentStore>().AddAsync(
            [
                Incidents.Of("c1", time: now.AddHours(-1), category: "ads"),
                Incidents.Of("c2", time: now.AddHours(-1), category: "fraud", pack: "fraud", rule: "fraud.x"),
                Incidents.Of("c3", time: now.AddHours(-1), category: "abuse", pack: "abuse", rule: "abuse.x"),
                Incidents.Of("c4", time: now.AddHours(-1), category: "images", pack: "images", rule: "images.blocked"),
                Incidents.Of("c5", time: now.AddHours(-1), category: "gaming", pack: "gaming", rule: "gaming.x"),
                Incidents.Of("c6", time: now.AddHours(-1), category: "school", pack: "school", rule: "school.x"),
            ],
            CancellationToken.None);
        using var chinese = new ConsoleSession(service);
        using var english = new ConsoleSession(service, "en-GB,en;q=0.9");
        using var a = await chinese.SignInAsync("admin");
        using var b = await english.SignInAsync("admin");

        Dictionary<string, string> Labels(string html)
        {
            var json = System.Text.RegularExpressions.Regex.Match(html, "<script type=\"application/json\" id=\"per-day-data\">(.*?)</script>").Groups[1].Value;
            using var data = JsonDocument.Parse(json);
            return data.RootElement.GetProperty("datasets").EnumerateArray().ToDictionary(d => d.GetProperty("category").GetString()!, d => d.GetProperty("label").GetString()!);
        }

        var zh = Labels(await chinese.PageAsync("/console"));
        var en = Labels(await english.PageAsync("/console"));
        var fraud = await chinese.PageAsync($"/console/incidents/{ids[1]}");
        var ads = await chinese.PageAsync($"/console/incidents/{ids[0]}");

        Assert.Equal("诈骗", zh["fraud"]); // 诈骗 and 游戏交易: as the digest names it
        Assert.Equal("广告引流", zh["ads"]); // 测试广告 and 商业推广
        Assert.Equal("辱骂仇恨", zh["abuse"]); // its pack has no name
        Assert.Equal("已屏蔽图片", zh["images"]);
        Assert.Equal("代练", zh["gaming"]); // a pack's own category, by its one name
        Assert.Equal("school", zh["school"]); // its pack has no name
        Assert.Equal(["abuse", "ads", "fraud", "gaming", "images", "school"], en.Values.Order(StringComparer.Ordinal));
        Assert.Contains("fraud / fraud.x · <span title=\"fraud\">诈骗</span>", fraud, StringComparison.Ordinal);
        Assert.Contains("· <span title=\"ads\">广告引流</span>", ads, StringComparison.Ordinal);
    }

    /// <summary>
    /// The overview's top rules read by their names with the id after it where the running rules
    /// give one (贷款诈骗（loan.x）, and GroupGuard's own blocked-picture rule, 已屏蔽图片（images.blocked）),
    /// else as <c>/gg 检查</c> names them, the pack's Chinese name before the id where the pack has
    /// one; the incident's page and the list name the rule so too, where the pack's name is not
    /// beside it; its top groups read as the digest names them, by the name their incidents carry
    /// and the id; the English console keeps the rules' ids.
    /// </summary>
    [Fact]
    public async Task The_overview_and_incident_pages_name_rules_by_their_names_and_ids_and_top_groups_by_their_names()
    {
        using var service = new GroupGuardFactory();
        await ConsoleSession.AddAccountAsync(service, "admin", AccountRole.Admin);
        var folder = Path.Combine(service.Folder, "rules");
        await File.WriteAllTextAsync(Path.Combine(folder, "abuse.yaml"), "pack: abuse\ncategory: abuse\nrules:\n  - id: abuse.x\n    terms: [蠢货]\n");
        await File.WriteAllTextAsync(Path.Combine(folder, "loan.yaml"), "pack: loan\nname: 诈骗\ncategory: fraud\nrules:\n  - id: loan.x\n    name: 贷款诈骗\n    terms: [秒批贷款]\n");
        service.Services.GetRequiredService<IRuleSetLoader>().Reload();
        var now = DateTimeOffset.UtcNow;
        var ids = await service.Services.GetRequiredService<IIncidentStore>().AddAsync(
            [
                Incidents.Of("r1", time: now.AddHours(-3), group: "111111", groupName: "二年级一班"),
                Incidents.Of("r2", time: now.AddHours(-2), group: "111111", groupName: "二年级家长群"), // renamed since: its name now
                Incidents.Of("r3", time: now.AddHours(-1), group: "111111"),
                Incidents.Of("r4", time: now.AddHours(-1), group: "222222", category: "abuse", pack: "abuse", rule: "abuse.x"),
                Incidents.Of("r5", time: now.AddHours(-1), group: "222222", rule: "ads.gone"), // no longer among the running rules
                Incidents.Of("r6", time: now.AddHours(-1), group: "333333", category: "images", pack: "images", rule: "images.blocked"), // GroupGuard's own, in no pack of the folder
                Incidents.Of("r7", time: now.AddHours(-1), group: "333333", category: "fraud", pack: "loan", rule: "loan.x"),
            ],
            CancellationToken.None);
        using var chinese = new ConsoleSession(service);
        using var english = new ConsoleSession(service, "en-GB,en;q=0.9");
        using var a = await chinese.SignInAsync("admin");
        using var b = await english.SignInAsync("admin");

        var zh = await chinese.PageAsync("/console");
        var en = await english.PageAsync("/console");
        var loan = await chinese.PageAsync($"/console/incidents/{ids[6]}");
        var contact = await chinese.PageAsync($"/console/incidents/{ids[0]}");
        var loanEn = await english.PageAsync($"/console/incidents/{ids[6]}");
        var list = await chinese.PageAsync("/console/incidents");

        Assert.Contains("<td>贷款诈骗（loan.x）</td><td class=\"num\">1</td>", zh, StringComparison.Ordinal);
        Assert.Contains("<td>loan.x</td><td class=\"num\">1</td>", en, StringComparison.Ordinal);
        Assert.Contains("<dd>loan / 贷款诈骗（loan.x） · ", loan, StringComparison.Ordinal);
        Assert.Contains("<dd>ads / ads.contact · ", contact, StringComparison.Ordinal); // no name: the id, after its pack
        Assert.Contains("<dd>loan / loan.x · ", loanEn, StringComparison.Ordinal);
        Assert.Contains("<td>贷款诈骗（loan.x）</td>", list, StringComparison.Ordinal);
        Assert.Contains("<td>已屏蔽图片（images.blocked）</td>", list, StringComparison.Ordinal);
        Assert.Contains("<td>ads.gone</td>", list, StringComparison.Ordinal); // taken out since: its id
        Assert.Contains("<td>测试广告 ads.contact</td><td class=\"num\">3</td>", zh, StringComparison.Ordinal);
        Assert.Contains("<td>abuse.x</td><td class=\"num\">1</td>", zh, StringComparison.Ordinal); // its pack has no Chinese name
        Assert.Contains("<td>ads.gone</td><td class=\"num\">1</td>", zh, StringComparison.Ordinal);
        Assert.Contains("<td>已屏蔽图片（images.blocked）</td><td class=\"num\">1</td>", zh, StringComparison.Ordinal);
        Assert.Contains("<td>images.blocked</td><td class=\"num\">1</td>", en, StringComparison.Ordinal);
        Assert.Contains("<td>二年级家长群（111111）</td><td class=\"num\">3</td>", zh, StringComparison.Ordinal);
        Assert.Contains("<td>222222</td><td class=\"num\">2</td>", zh, StringComparison.Ordinal); // no name carried: its id
        Assert.Contains("<td>ads.contact</td><td class=\"num\">3</td>", en, StringComparison.Ordinal);
        Assert.Contains("<td>二年级家长群 (111111)</td><td class=\"num\">3</td>", en, StringComparison.Ordinal);
    }

    /// <summary>
    /// The overview's top groups and the digest's 概况 name a renamed group alike, by the newest name
    /// its incidents of the period carry (the digest took the first), and count a group by its
    /// platform and id: another platform's group of the same id is a line of its own, each with its
    /// platform, its name never lent to the other.
    /// </summary>
    [Fact]
    public async Task The_overview_and_the_digest_name_a_group_by_its_newest_name_and_tell_platforms_apart()
    {
        using var service = new GroupGuardFactory(new Dictionary<string, string?>
        {
            ["GroupGuard:Leaders:0:Name"] = "王主任",
            ["GroupGuard:Leaders:0:Groups:0"] = "*",
            ["GroupGuard:Leaders:0:Schedule"] = "0 0 8 * * ?",
            ["GroupGuard:Leaders:0:TimeZone"] = "Asia/Shanghai",
            ["GroupGuard:Leaders:0:Channels:0"] = "archive",
            ["GroupGuard:Channels:archive:Type"] = "file",
            ["GroupGuard:Channels:archive:Path"] = "digests-out",
        });
        await ConsoleSession.AddAccountAsync(service, "admin", AccountRole.Admin);
        var now = DateTimeOffset.UtcNow;
        await service.Services.GetRequiredService<IIncidentStore>().AddAsync(
            [
                Incidents.Of("r1", time: now.AddHours(-4), group: "111111", groupName: "二年级一班"),
                Incidents.Of("r2", time: now.AddHours(-3), group: "111111", groupName: "二年级家长群"), // renamed since: its name now
                Incidents.Of("r3", time: now.AddHours(-3), group: "111111"),
                Incidents.Of("w1", time: now.AddHours(-2), group: "111111", groupName: "企业微信外部群", platform: "wecom"), // another platform's 111111, named last
                Incidents.Of("r4", time: now.AddHours(-1), group: "222222"),
            ],
            CancellationToken.None);
        using var chinese = new ConsoleSession(service);
        using var english = new ConsoleSession(service, "en-GB,en;q=0.9");
        using var a = await chinese.SignInAsync("admin");
        using var b = await english.SignInAsync("admin");

        var zh = await chinese.PageAsync("/console");
        var en = await english.PageAsync("/console");
        var digest = await chinese.PageAsync("/console/digests?preview=" + Uri.EscapeDataString("王主任"));

        Assert.Contains("<td>二年级家长群（111111，qq）</td><td class=\"num\">3</td>", zh, StringComparison.Ordinal);
        Assert.Contains("<td>企业微信外部群（111111，wecom）</td><td class=\"num\">1</td>", zh, StringComparison.Ordinal);
        Assert.Contains("<td>222222</td><td class=\"num\">1</td>", zh, StringComparison.Ordinal); // its id alone: no other platform has it
        Assert.Contains("<td>二年级家长群 (111111, qq)</td><td class=\"num\">3</td>", en, StringComparison.Ordinal);
        Assert.Contains("二年级家长群（111111，qq）：3 条", digest, StringComparison.Ordinal);
        Assert.Contains("企业微信外部群（111111，wecom）：1 条", digest, StringComparison.Ordinal);
        Assert.Contains("群 222222：1 条", digest, StringComparison.Ordinal);
        Assert.DoesNotContain("二年级一班", digest, StringComparison.Ordinal);
    }

    /// <summary>The real clock in a time zone of a fixed offset: the console reads days in the service's local zone.</summary>
    private sealed class ZonedClock(int hours) : TimeProvider
    {
        private readonly TimeZoneInfo _zone = TimeZoneInfo.CreateCustomTimeZone($"UTC{hours:+0;-0}", TimeSpan.FromHours(hours), $"UTC{hours:+0;-0}", $"UTC{hours:+0;-0}");

        public override TimeZoneInfo LocalTimeZone => _zone;
    }
}
