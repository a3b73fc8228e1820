using System.Net;
using GroupGuard.Core;
using GroupGuard.Core.Accounts;
using GroupGuard.Core.Moderation;
using GroupGuard.Host.WebConsole;
using GroupGuard.Host.WebConsole.Pages;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;

namespace GroupGuard.Host.Tests.Console;

/// <summary>The console's other pages: digests, the audit log, groups, and how long a session lasts.</summary>
public sealed class ConsolePagesTests
{
    [Fact]
    public async Task Digests_show_a_preview_and_send_now_goes_through_the_outbox_once()
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
        await service.PostV11Async(GroupGuardFactory.GroupEvent(91, "加微信有优惠"));
        await service.IncidentsAfterAsync(1);
        await ConsoleSession.AddAccountAsync(service, "admin", AccountRole.Admin);
        using var browser = new ConsoleSession(service);
        using var _ = await browser.SignInAsync("admin");

        var preview = await browser.PageAsync("/console/digests?preview=" + Uri.EscapeDataString("王主任"));
        using var sent = await browser.PostFormAsync("/console/digests", "/console/digests?handler=Send&leader=" + Uri.EscapeDataString("王主任"), new Dictionary<string, string>());
        var list = await browser.PageAsync("/console/digests");
        using var unknown = await browser.GetAsync("/console/digests?preview=nobody");
        var audit = await service.Services.GetRequiredService<IAccountStore>().ReadAuditAsync(null, 10, CancellationToken.None);

        Assert.Contains("class=\"preview\"", preview, StringComparison.Ordinal);
        Assert.Contains("ads.contact", preview, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, sent.StatusCode);
        Assert.Contains("archive: 已发送", list, StringComparison.Ordinal);
        Assert.Contains("<td title=\"sent\">已发送</td>", list, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Contains(audit, a => a.Action == "send_digest" && a.Target == "王主任" && a.Actor == "admin");
    }

    /// <summary>
    /// 立即发送 right after the leader's last digest sends nothing, as <c>digest send</c> without
    /// --force: the page says so, when the last digest ended, and offers 仍然发送, which sends.
    /// </summary>
    [Fact]
    public async Task Send_now_right_after_the_last_digest_sends_nothing_and_offers_to_send_anyway()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var service = new GroupGuardFactory(
            new Dictionary<string, string?>
            {
                ["GroupGuard:Leaders:0:Name"] = "王主任",
                ["GroupGuard:Leaders:0:Groups:0"] = "*",
                ["GroupGuard:Leaders:0:Schedule"] = "0 0 8 * * ?",
                ["GroupGuard:Leaders:0:TimeZone"] = "Asia/Shanghai",
                ["GroupGuard:Leaders:0:Channels:0"] = "archive",
                ["GroupGuard:Channels:archive:Type"] = "file",
                ["GroupGuard:Channels:archive:Path"] = "digests-out",
                ["GroupGuard:Console:TimeZone"] = "Asia/Shanghai",
            },
            services: s => s.Replace(ServiceDescriptor.Singleton<TimeProvider>(clock)));
        await ConsoleSession.AddAccountAsync(service, "admin", AccountRole.Admin);
        using var browser = new ConsoleSession(service);
        using var _ = await browser.SignInAsync("admin");
        var outbox = service.Services.GetRequiredService<GroupGuard.Host.Digests.DigestService>().Outbox;
        var send = "/console/digests?handler=Send&leader=" + Uri.EscapeDataString("王主任");
        async Task<int> DigestsAsync() => (await outbox.NewestAsync(10, CancellationToken.None)).Count;

        using var first = await browser.PostFormAsync("/console/digests", send, new Dictionary<string, string>());
        var firstEnd = (await outbox.NewestAsync(1, CancellationToken.None))[0].PeriodTo;
        clock.Advance(TimeSpan.FromSeconds(20)); // pressed again at once
        using var again = await browser.PostFormAsync("/console/digests", send, new Dictionary<string, string>());
        var refused = await browser.PageAsync("/console/digests");
        var afterAgain = await DigestsAsync();
        using var anyway = await browser.PostFormAsync("/console/digests", send, new Dictionary<string, string> { ["force"] = "true" });
        var afterAnyway = await DigestsAsync();
        var settled = await browser.PageAsync("/console/digests");
        clock.Advance(GroupGuard.Host.Digests.DigestService.MinimumPeriod);
        using var later = await browser.PostFormAsync("/console/digests", send, new Dictionary<string, string>());
        var afterLater = await DigestsAsync();

        var shanghai = TimeZoneInfo.ConvertTime(firstEnd, TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai"));
        Assert.Equal(1, afterAgain); // nothing was made or sent
        Assert.Contains($"未发送：王主任 的上一期日报截至 {shanghai:yyyy-MM-dd HH:mm:ss}，距今不到 5 分钟。", refused, StringComparison.Ordinal);
        Assert.Contains("id=\"send-anyway\"", refused, StringComparison.Ordinal);
        Assert.Contains("仍然发送", refused, StringComparison.Ordinal);
        Assert.Equal(2, afterAnyway); // 仍然发送 sends the 20 seconds all the same
        Assert.DoesNotContain("仍然发送", settled, StringComparison.Ordinal);
        Assert.Equal(3, afterLater); // five minutes on, 立即发送 sends again
    }

    [Fact]
    public async Task The_audit_log_shows_sign_ins_to_admins_and_is_refused_to_leaders()
    {
        using var service = new GroupGuardFactory();
        await ConsoleSession.AddAccountAsync(service, "admin", AccountRole.Admin);
        await ConsoleSession.AddAccountAsync(service, "leader", AccountRole.Leader, "123456");
        using var admin = new ConsoleSession(service);
        using var leader = new ConsoleSession(service);
        using var wrong = await admin.SignInAsync("admin", "a wrong password");
        using var a = await admin.SignInAsync("admin");
        using var b = await leader.SignInAsync("leader");

        var log = await admin.PageAsync("/console/audit");
        using var refused = await leader.GetAsync("/console/audit");

        Assert.Contains("<td title=\"login_failed\">登录失败</td>", log, StringComparison.Ordinal);
        Assert.Contains("<td title=\"login\">登录</td>", log, StringComparison.Ordinal);
        Assert.Contains("<td>leader</td>", log, StringComparison.Ordinal);
        Assert.Equal("/console/denied", ConsoleSession.PathOf(refused.Headers.Location));
    }

    /// <summary>
    /// A platform's failure is told by its kind first, in the digest's words in Chinese (未能处置 3
    /// 条：机器人无响应), and the platform's own words (English, long) are kept folded beneath.
    /// </summary>
    [Fact]
    public async Task A_failed_action_shows_its_kind_in_words_with_the_platforms_own_words_beneath()
    {
        using var service = new GroupGuardFactory();
        await ConsoleSession.AddAccountAsync(service, "admin", AccountRole.Admin);
        var raw = "delete_msg: no answer from http://127.0.0.1:3000 after 3 attempts (The operation was canceled.)";
        var ids = await service.Services.GetRequiredService<GroupGuard.Core.IIncidentStore>().AddAsync(
            [
                Incidents.Of("e1") with { ActionStatus = GroupGuard.Core.ActionStatus.Failed, ActionErrorKind = GroupGuard.Core.ActionErrorKind.Unreachable, ActionError = raw },
                Incidents.Of("e2") with { ActionStatus = GroupGuard.Core.ActionStatus.Failed, ActionErrorKind = GroupGuard.Core.ActionErrorKind.NotPermitted, ActionError = "delete_msg failed: permission denied" },
            ],
            CancellationToken.None);
        using var chinese = new ConsoleSession(service, "zh-CN,zh;q=0.9");
        using var english = new ConsoleSession(service, "en-GB,en;q=0.9");
        using var a = await chinese.SignInAsync("admin");
        using var b = await english.SignInAsync("admin");

        var unreachable = await chinese.PageAsync($"/console/incidents/{ids[0]}");
        var refused = await chinese.PageAsync($"/console/incidents/{ids[1]}");
        var inEnglish = await english.PageAsync($"/console/incidents/{ids[0]}");

        Assert.Contains(">未能处置 · 机器人无响应<details class=\"platform-words\"><summary>平台原文</summary><code>" + raw + "</code></details>", unreachable, StringComparison.Ordinal);
        Assert.Contains(">未能处置 · 机器人不是群管理员，或对方是管理员<details", refused, StringComparison.Ordinal);
        Assert.Contains(">failed · the bot did not answer<details class=\"platform-words\"><summary>The platform's own words</summary><code>" + raw + "</code>", inEnglish, StringComparison.Ordinal);
    }

    /// <summary>
    /// The incident list says why an action was not carried out, in the same words as the
    /// incident's page (the digest's in Chinese), beside 未能处置; a carried-out one says nothing more.
    /// </summary>
    [Fact]
    public async Task The_list_shows_the_kind_of_a_failed_action_beside_its_outcome()
    {
        using var service = new GroupGuardFactory();
        await ConsoleSession.AddAccountAsync(service, "admin", AccountRole.Admin);
        var ids = await service.Services.GetRequiredService<GroupGuard.Core.IIncidentStore>().AddAsync(
            [
                Incidents.Of("k1") with { ActionStatus = GroupGuard.Core.ActionStatus.Failed, ActionErrorKind = GroupGuard.Core.ActionErrorKind.NotPermitted, ActionError = "delete_msg failed: permission denied" },
                Incidents.Of("k2") with { ActionStatus = GroupGuard.Core.ActionStatus.Unsupported },
                Incidents.Of("k3"),
            ],
            CancellationToken.None);
        using var chinese = new ConsoleSession(service, "zh-CN,zh;q=0.9");
        using var english = new ConsoleSession(service, "en-GB,en;q=0.9");
        using var a = await chinese.SignInAsync("admin");
        using var b = await english.SignInAsync("admin");

        var list = await chinese.PageAsync("/console/incidents");
        var inEnglish = await english.PageAsync("/console/incidents");
        string Cell(string page, long id) =>
            System.Text.RegularExpressions.Regex.Match(page, $"data-incident=\"{id}\">.*?<td class=\"action\"[^>]*>([^<]*)</td>", System.Text.RegularExpressions.RegexOptions.Singleline).Groups[1].Value;

        Assert.EndsWith("未能处置 · 机器人不是群管理员，或对方是管理员", Cell(list, ids[0]), StringComparison.Ordinal);
        Assert.EndsWith(" · 平台不支持该操作", Cell(list, ids[1]), StringComparison.Ordinal);
        Assert.DoesNotContain("·", Cell(list, ids[2]).Split(" · ", 2)[1], StringComparison.Ordinal); // done: the outcome alone
        Assert.EndsWith("failed · the bot is not a group admin, or the member is one", Cell(inEnglish, ids[0]), StringComparison.Ordinal);
        Assert.DoesNotContain("permission denied", list, StringComparison.Ordinal); // the platform's own words stay on the incident's page
    }

    /// <summary>
    /// What GroupGuard stores by name (severity <c>medium</c>, status <c>dry_run</c>, action
    /// <c>recall</c>, a sender's role, the account's role, an audit action, an escalation step) is
    /// shown in words: the digest's in Chinese, English ones in English; the names stay the
    /// filters' values and the titles.
    /// </summary>
    [Fact]
    public async Task Stored_names_show_as_words_in_Chinese_and_in_English()
    {
        using var service = new GroupGuardFactory();
        await ConsoleSession.AddAccountAsync(service, "李管理", AccountRole.Admin);
        var store = service.Services.GetRequiredService<GroupGuard.Core.IIncidentStore>();
        var now = DateTimeOffset.UtcNow;
        var ids = await store.AddAsync(
            [
                Incidents.Of("w1", time: now.AddHours(-1)),
                Incidents.Of("w2", time: now.AddHours(-1), severity: GroupGuard.Core.Severity.High, action: GroupGuard.Core.ModerationAction.Log, role: GroupGuard.Core.SenderRole.Owner),
                Incidents.Of("w3", time: now.AddHours(-1)) with { ActionStatus = GroupGuard.Core.ActionStatus.DryRun },
                Incidents.Of("w4", time: now.AddHours(-1)) with { ActionStatus = GroupGuard.Core.ActionStatus.Exempt },
            ],
            CancellationToken.None);
        await store.AddMessageCountsAsync([new("qq", "123456", new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, 0, 0, TimeSpan.Zero), 9)], CancellationToken.None);
        using var chinese = new ConsoleSession(service, "zh-CN,zh;q=0.9");
        using var english = new ConsoleSession(service, "en-GB,en;q=0.9");
        using var a = await chinese.SignInAsync("李管理");
        using var b = await english.SignInAsync("李管理");

        var list = await chinese.PageAsync("/console/incidents");
        var incident = await chinese.PageAsync($"/console/incidents/{ids[0]}");
        var owner = await chinese.PageAsync($"/console/incidents/{ids[1]}");
        var overview = await chinese.PageAsync("/console");
        var groups = await chinese.PageAsync("/console/groups");
        var audit = await chinese.PageAsync("/console/audit");
        var rules = await chinese.PageAsync("/console/rules");
        var englishList = await english.PageAsync("/console/incidents");
        var englishGroups = await english.PageAsync("/console/groups");

        Assert.Contains("李管理 (<span title=\"admin\">管理员</span>)", list, StringComparison.Ordinal);
        Assert.Contains(">撤回 · 已处置</td>", list, StringComparison.Ordinal);
        Assert.Contains(">记录 · 仅记录</td>", list, StringComparison.Ordinal);
        Assert.Contains(">撤回 · 演练</td>", list, StringComparison.Ordinal);
        Assert.Contains(">撤回 · 管理员豁免</td>", list, StringComparison.Ordinal);
        Assert.Contains("<option value=\"medium\">中</option>", list, StringComparison.Ordinal);
        Assert.Contains("<option value=\"logged\">仅记录</option>", list, StringComparison.Ordinal);
        Assert.Contains("<option value=\"dry_run\">演练</option>", list, StringComparison.Ordinal);
        Assert.Contains("<option value=\"unsupported\">平台不支持</option>", list, StringComparison.Ordinal);
        Assert.DoesNotContain(">recall ·", list, StringComparison.Ordinal);
        Assert.Contains(">严重程度 中</small>", incident, StringComparison.Ordinal);
        Assert.Contains(">成员</span>", incident, StringComparison.Ordinal);
        Assert.Contains(">已处置</dd>", incident, StringComparison.Ordinal);
        Assert.Contains(">严重程度 高</small>", owner, StringComparison.Ordinal);
        Assert.Contains(">群主</span>", owner, StringComparison.Ordinal);
        Assert.Contains(">仅记录</dd>", owner, StringComparison.Ordinal);
        Assert.Contains(">已处置</a>", overview, StringComparison.Ordinal);
        Assert.Contains(">仅记录</a>", overview, StringComparison.Ordinal);
        Assert.Contains(">演练</a>", overview, StringComparison.Ordinal);
        Assert.Contains("第 2 次：禁言 10 分钟 → 第 3 次：禁言 60 分钟", groups, StringComparison.Ordinal);
        Assert.Contains("<td title=\"login\">登录</td>", audit, StringComparison.Ordinal);
        Assert.Contains("<td title=\"medium\">中</td><td title=\"recall\">撤回</td>", rules, StringComparison.Ordinal);
        Assert.Contains("李管理 (<span title=\"admin\">admin</span>)", englishList, StringComparison.Ordinal);
        Assert.Contains(">recall · done</td>", englishList, StringComparison.Ordinal);
        Assert.Contains(">log · logged only</td>", englishList, StringComparison.Ordinal);
        Assert.Contains("<option value=\"medium\">medium</option>", englishList, StringComparison.Ordinal);
        Assert.Contains("2: mute 10 min → 3: mute 60 min", englishGroups, StringComparison.Ordinal);
    }

    /// <summary>
    /// An incident's page says what was brought on the message as the list does, in the order it is
    /// carried out, with a mute's length: a recall reads 撤回 (not 撤回 (撤回)), a flood's warning an
    /// escalation made a mute reads 禁言 10 分钟+警告, and a kick a platform could only mute says the rule's kick beside it.
    /// </summary>
    [Fact]
    public async Task An_incident_s_page_names_what_was_done_once_with_the_escalation_s_mute()
    {
        using var service = new GroupGuardFactory();
        await ConsoleSession.AddAccountAsync(service, "李管理", AccountRole.Admin);
        var store = service.Services.GetRequiredService<GroupGuard.Core.IIncidentStore>();
        var now = DateTimeOffset.UtcNow;
        var ids = await store.AddAsync(
            [
                Incidents.Of("d1", time: now.AddHours(-1)) with { PlannedActions = [GroupGuard.Core.ModerationAction.Recall] },
                Incidents.Of("d2", time: now.AddHours(-1), action: GroupGuard.Core.ModerationAction.Warn) with { PlannedActions = [GroupGuard.Core.ModerationAction.Mute, GroupGuard.Core.ModerationAction.Warn], MuteSeconds = 600, EscalationStep = 1 },
                Incidents.Of("d3", time: now.AddHours(-1), action: GroupGuard.Core.ModerationAction.Kick) with { PlannedActions = [GroupGuard.Core.ModerationAction.Mute, GroupGuard.Core.ModerationAction.Warn], MuteSeconds = 3600 },
            ],
            CancellationToken.None);
        using var chinese = new ConsoleSession(service, "zh-CN,zh;q=0.9");
        using var english = new ConsoleSession(service, "en-GB,en;q=0.9");
        using var a = await chinese.SignInAsync("李管理");
        using var b = await english.SignInAsync("李管理");

        Assert.Contains("<dd title=\"recall\">撤回</dd>", await chinese.PageAsync($"/console/incidents/{ids[0]}"), StringComparison.Ordinal);
        Assert.Contains("<dd title=\"mute+warn\">禁言 10 分钟+警告 · 升级级别 1</dd>", await chinese.PageAsync($"/console/incidents/{ids[1]}"), StringComparison.Ordinal);
        Assert.Contains("<dd title=\"mute+warn\">禁言 60 分钟+警告 (规则的移出群)</dd>", await chinese.PageAsync($"/console/incidents/{ids[2]}"), StringComparison.Ordinal);
        Assert.Contains("<dd title=\"mute+warn\">mute 60 min+warn (the rule's kick)</dd>", await english.PageAsync($"/console/incidents/{ids[2]}"), StringComparison.Ordinal);
    }

    /// <summary>
    /// The earlier link is there when there is an earlier entry: a page holding exactly the last
    /// 100 has none (it led to an empty page), and with 101 it leads to the one left.
    /// </summary>
    [Fact]
    public async Task The_audit_log_links_to_an_earlier_page_only_when_there_are_earlier_entries()
    {
        using var service = new GroupGuardFactory();
        await ConsoleSession.AddAccountAsync(service, "admin", AccountRole.Admin);
        using var admin = new ConsoleSession(service);
        using var signedIn = await admin.SignInAsync("admin"); // the first entry
        var accounts = service.Services.GetRequiredService<IAccountStore>();
        var at = service.Services.GetRequiredService<TimeProvider>().GetUtcNow();
        for (var i = 1; i < 100; i++)
        {
            await accounts.AuditAsync(new AuditEntry(0, at, "admin", "dry_run", $"qq:{i}", "on", null), CancellationToken.None);
        }

        var hundred = await admin.PageAsync("/console/audit");
        await accounts.AuditAsync(new AuditEntry(0, at, "admin", "dry_run", "qq:100", "on", null), CancellationToken.None);
        var first = await admin.PageAsync("/console/audit");
        var earlier = System.Text.RegularExpressions.Regex.Match(first, "href=\"(/console/audit\\?before=[0-9]+)\"");
        var second = earlier.Success ? await admin.PageAsync(earlier.Groups[1].Value) : "";

        Assert.Equal(100, RowsOf(hundred));
        Assert.DoesNotContain("?before=", hundred, StringComparison.Ordinal);
        Assert.Equal(100, RowsOf(first));
        Assert.True(earlier.Success, "101 entries: a link to the earlier one");
        Assert.Equal(1, RowsOf(second));
        Assert.Contains("<td title=\"login\">登录</td>", second, StringComparison.Ordinal);
        Assert.DoesNotContain("?before=", second, StringComparison.Ordinal);
    }

    private static int RowsOf(string page) => System.Text.RegularExpressions.Regex.Matches(page, "<tr><td>").Count;

    /// <summary>
    /// An address edited by hand with a value a page cannot read is answered on the console's own
    /// page, in its language: the parameter as written, what it should be, a link back to the page
    /// without it; a 4xx still, never a line of plain English.
    /// </summary>
    [Theory]
    [InlineData("/console/incidents?from=2026-13-01", 400, "<code>from=2026-13-01</code> 开始日期应写成 2026-12-01。", "/console/incidents")]
    [InlineData("/console/incidents?from=2026-12-01&to=2026-02-30", 400, "<code>to=2026-02-30</code> 结束日期应写成 2026-12-01。", "/console/incidents")]
    [InlineData("/console/incidents?to=1999-12-31", 400, "<code>to=1999-12-31</code> 结束日期应在 2000-01-01 到 9998-12-31 之间。", "/console/incidents")]
    [InlineData("/console/incidents?group=123%0A456", 400, "<code>group=123 456</code> 筛选项「群」不能含控制字符（如换行）。", "/console/incidents")]
    [InlineData("/console/incidents?before=next", 400, "<code>before=next</code> 翻页位置应为大于 0 的整数，由翻页链接写入。", "/console/incidents")]
    [InlineData("/console/incidents?severity=dire", 400, "<code>severity=dire</code> 严重程度应为其中之一：low（低）、medium（中）、high（高）、critical（严重）。", "/console/incidents")]
    [InlineData("/console/incidents?status=recorded", 400, "<code>status=recorded</code> 状态应为其中之一：pending（待处置）、done（已处置）、logged（仅记录）、", "/console/incidents")]
    [InlineData("/console/incidents?fp=maybe", 400, "<code>fp=maybe</code> 误判应为 yes（是）或 no（否），留空为全部。", "/console/incidents")]
    [InlineData("/console/audit?before=1.5", 400, "<code>before=1.5</code> 翻页位置应为大于 0 的整数", "/console/audit")]
    [InlineData("/console/digests?preview=%E6%9D%8E%E4%B8%BB%E4%BB%BB", 404, "<code>preview=李主任</code> 没有名为「李主任」的负责人，已配置的负责人：", "/console/digests")]
    public async Task A_hand_edited_address_is_answered_on_the_console_s_page_in_its_words_with_a_link_back(string address, int status, string said, string back)
    {
        using var service = new GroupGuardFactory();
        await ConsoleSession.AddAccountAsync(service, "admin", AccountRole.Admin);
        using var admin = new ConsoleSession(service);
        using var _ = await admin.SignInAsync("admin");

        using var response = await admin.GetAsync(address);
        var page = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());

        Assert.Equal(status, (int)response.StatusCode);
        Assert.StartsWith("text/html", response.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
        Assert.Contains("<html lang=\"zh-CN\">", page, StringComparison.Ordinal);
        Assert.Contains("<a href=\"/console/incidents\">事件</a>", page, StringComparison.Ordinal); // the console's own layout
        Assert.Contains("<h1>无法按此地址显示</h1>", page, StringComparison.Ordinal);
        Assert.Contains(said, page, StringComparison.Ordinal);
        Assert.Contains($"<a id=\"problem-back\" href=\"{back}\">", page, StringComparison.Ordinal);
    }

    /// <summary>
    /// A form post a page cannot take (a note too long or holding a NUL, a platform it does not know)
    /// is answered as a hand-edited address is: a 4xx on the console's own page, in the reader's
    /// language, naming the field as the form labels it and what to write, with a link back to the
    /// page the form was on; nothing is done. (The sandbox answers on itself: below.)
    /// </summary>
    [Theory]
    [InlineData("mark-note-long", "「备注」最多 500 个字符，所填有 501 个，请删短后再提交。", "Note takes at most 500 characters; this has 501: shorten it and send it again.")]
    [InlineData("mark-note-tab", "「备注」不能含控制字符（如换行、制表符），请删去后再提交。", "Note may not hold a control character (a line break, a tab): take it out and send it again.")]
    [InlineData("mark-note-nul", "「备注」不能含控制字符（如换行、制表符），请删去后再提交。", "Note may not hold a control character (a line break, a tab): take it out and send it again.")]
    [InlineData("mark-value", "误判标记只能是 true 或 false（由页面上的按钮填写），请在事件页面上重新提交。", "The mark is true or false, as the page's button sends it: send the form from the incident's page.")]
    [InlineData("block-note-long", "「备注」最多 500 个字符，所填有 501 个，请删短后再提交。", "Note takes at most 500 characters; this has 501: shorten it and send it again.")]
    [InlineData("dry-run-platform", "平台应为 GroupGuard 读取的平台（qq、qq-official、wecom、wechat）或本页列出的平台，「banana」都不是。", "Platform is one GroupGuard reads (qq, qq-official, wecom, wechat) or one this page lists; banana is neither.")]
    [InlineData("dry-run-platform-nul", "「平台」不能含控制字符（如换行、制表符），请删去后再提交。", "Platform may not hold a control character (a line break, a tab): take it out and send it again.")]
    [InlineData("dry-run-value", "试运行应为 on（开）或 off（关），留空为按配置。", "Dry run is on, off, or empty for as configured.")]
    [InlineData("dry-run-group", "试运行开关需带上群所在的平台和群号（每行的表单已填好），请在该群所在的行设置。", "The switch is sent with its group's platform and group id, as each row's form has them: set it from the row of the group.")]
    public async Task A_form_the_page_cannot_take_is_answered_on_the_console_s_page_in_its_words_with_a_link_back(string form, string chinese, string english)
    {
        using var service = new GroupGuardFactory();
        await ConsoleSession.AddAccountAsync(service, "admin", AccountRole.Admin);
        var store = service.Services.GetRequiredService<IIncidentStore>();
        var id = (await store.AddAsync([Incidents.Of("m1", text: "加微信领红包")], CancellationToken.None)).Single();
        var incident = $"/console/incidents/{id}";
        var (page, action, fields, back) = form switch
        {
            "mark-note-long" => (incident, incident + "?handler=Mark", new Dictionary<string, string> { ["falsePositive"] = "true", ["note"] = new string('误', 501) }, incident),
            "mark-note-tab" => (incident, incident + "?handler=Mark", new Dictionary<string, string> { ["falsePositive"] = "true", ["note"] = "误\t判" }, incident),
            "mark-note-nul" => (incident, incident + "?handler=Mark", new Dictionary<string, string> { ["falsePositive"] = "true", ["note"] = "误\0判" }, incident),
            "mark-value" => (incident, incident + "?handler=Mark", new Dictionary<string, string> { ["falsePositive"] = "banana" }, incident),
            "block-note-long" => (incident, incident + "?handler=Block", new Dictionary<string, string> { ["picture"] = "1", ["note"] = new string('误', 501) }, incident),
            "dry-run-platform" => ("/console/groups", "/console/groups?handler=DryRun", new Dictionary<string, string> { ["platform"] = "banana", ["group"] = "123456", ["value"] = "on" }, "/console/groups"),
            "dry-run-platform-nul" => ("/console/groups", "/console/groups?handler=DryRun", new Dictionary<string, string> { ["platform"] = "qq\0", ["group"] = "123456", ["value"] = "on" }, "/console/groups"),
            "dry-run-value" => ("/console/groups", "/console/groups?handler=DryRun", new Dictionary<string, string> { ["platform"] = "qq", ["group"] = "123456", ["value"] = "maybe" }, "/console/groups"),
            "dry-run-group" => ("/console/groups", "/console/groups?handler=DryRun", new Dictionary<string, string> { ["platform"] = "qq", ["value"] = "on" }, "/console/groups"),
            _ => throw new ArgumentOutOfRangeException(nameof(form)),
        };
        chinese = chinese.Replace("{folder}", service.Folder, StringComparison.Ordinal);
        english = english.Replace("{folder}", service.Folder, StringComparison.Ordinal);
        using var zhBrowser = new ConsoleSession(service, "zh-CN,zh;q=0.9,en;q=0.8");
        using var a = await zhBrowser.SignInAsync("admin");
        using var enBrowser = new ConsoleSession(service, "en-GB,en;q=0.9");
        using var b = await enBrowser.SignInAsync("admin");

        using var zhResponse = await zhBrowser.PostFormAsync(page, action, fields);
        using var enResponse = await enBrowser.PostFormAsync(page, action, fields);
        var zh = WebUtility.HtmlDecode(await zhResponse.Content.ReadAsStringAsync());
        var en = WebUtility.HtmlDecode(await enResponse.Content.ReadAsStringAsync());
        var after = (await store.GetAsync(id, CancellationToken.None))!;
        var switches = await service.Services.GetRequiredService<IGroupSwitches>().ListAsync(CancellationToken.None);

        Assert.Equal(HttpStatusCode.BadRequest, zhResponse.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, enResponse.StatusCode);
        Assert.Contains("<html lang=\"zh-CN\">", zh, StringComparison.Ordinal);
        Assert.Contains("<a href=\"/console/incidents\">事件</a>", zh, StringComparison.Ordinal); // the console's own layout
        Assert.Contains("<h1>无法按所填内容提交</h1>", zh, StringComparison.Ordinal);
        Assert.Contains($"<p class=\"problem\" id=\"problem\" role=\"alert\">{chinese}</p>", zh, StringComparison.Ordinal);
        Assert.Contains($"<a id=\"problem-back\" href=\"{back}\">返回", zh, StringComparison.Ordinal);
        Assert.Contains("<html lang=\"en\">", en, StringComparison.Ordinal);
        Assert.Contains("<h1>The form cannot be sent as filled in</h1>", en, StringComparison.Ordinal);
        Assert.Contains($"<p class=\"problem\" id=\"problem\" role=\"alert\">{english}</p>", en, StringComparison.Ordinal);
        Assert.Contains($"<a id=\"problem-back\" href=\"{back}\">Back to ", en, StringComparison.Ordinal);
        Assert.False(after.FalsePositive);
        Assert.Empty(switches);
    }

    /// <summary>
    /// What the sandbox cannot take (too many lines, a NUL, a folder elsewhere …) is a 400 on the
    /// sandbox itself, in the reader's language naming the field and what to write, its form still
    /// holding what was typed, so the lines are mended there and not typed again; nothing is tried.
    /// What is shown back stays within each field's bound (20,000 characters of text).
    /// </summary>
    [Theory]
    [InlineData("lines", "试验台一次最多 500 行，所填有 501 行，请分几次试。", "The sandbox takes at most 500 lines at a time; this has 501: try them in parts.")]
    [InlineData("text", "试验台一次最多 20000 个字符，所填有 20001 个，请分几次试。", "The sandbox takes at most 20000 characters at a time; this has 20001: try them in parts.")]
    [InlineData("text-nul", "试验台的消息不能含空字符（U+0000），请删去后再提交。", "The sandbox's messages may not hold a NUL character (U+0000): take it out and send it again.")]
    [InlineData("group", "「按群号检查」最多 64 个字符，所填有 65 个，请删短后再提交。", "As sent in group takes at most 64 characters; this has 65: shorten it and send it again.")]
    [InlineData("folder-tab", "「规则目录」不能含控制字符（如换行、制表符），请删去后再提交。", "Rules folder may not hold a control character (a line break, a tab): take it out and send it again.")]
    [InlineData("folder-missing", "「规则目录」应为 {folder} 之内的目录（规则目录就在其中），服务器上没有目录 rules-nowhere。", "Rules folder is a folder inside {folder}, where the rules folder is; there is no folder rules-nowhere on the server.")]
    public async Task A_sandbox_it_cannot_take_is_answered_on_the_sandbox_with_what_was_typed_still_in_it(string form, string chinese, string english)
    {
        using var service = new GroupGuardFactory();
        await ConsoleSession.AddAccountAsync(service, "admin", AccountRole.Admin);
        var typed = "有需要加威信\n今天开会";
        var fields = form switch
        {
            "lines" => new Dictionary<string, string> { ["text"] = string.Join('\n', Enumerable.Repeat("你好", 500).Prepend("有需要加威信")), ["group"] = "123456" },
            "text" => new Dictionary<string, string> { ["text"] = "有需要加威信\n" + new string('好', 20_001 - 7) },
            "text-nul" => new Dictionary<string, string> { ["text"] = "有需要加威信\n今天\0开会", ["folder"] = "rules-draft" },
            "group" => new Dictionary<string, string> { ["text"] = typed, ["group"] = new string('1', 65) },
            "folder-tab" => new Dictionary<string, string> { ["text"] = typed, ["folder"] = "rules\tdraft", ["group"] = "123456" },
            "folder-missing" => new Dictionary<string, string> { ["text"] = typed, ["folder"] = "rules-nowhere", ["group"] = "123456" },
            _ => throw new ArgumentOutOfRangeException(nameof(form)),
        };
        chinese = chinese.Replace("{folder}", service.Folder, StringComparison.Ordinal);
        english = english.Replace("{folder}", service.Folder, StringComparison.Ordinal);
        using var zhBrowser = new ConsoleSession(service, "zh-CN,zh;q=0.9,en;q=0.8");
        using var a = await zhBrowser.SignInAsync("admin");
        using var enBrowser = new ConsoleSession(service, "en-GB,en;q=0.9");
        using var b = await enBrowser.SignInAsync("admin");

        using var zhResponse = await zhBrowser.PostFormAsync("/console/rules", "/console/rules?handler=Sandbox", fields);
        using var enResponse = await enBrowser.PostFormAsync("/console/rules", "/console/rules?handler=Sandbox", fields);
        var zh = WebUtility.HtmlDecode(await zhResponse.Content.ReadAsStringAsync());
        var en = WebUtility.HtmlDecode(await enResponse.Content.ReadAsStringAsync());
        var audit = await service.Services.GetRequiredService<IAccountStore>().ReadAuditAsync(null, 50, CancellationToken.None);

        Assert.Equal(HttpStatusCode.BadRequest, zhResponse.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, enResponse.StatusCode);
        Assert.Contains("<html lang=\"zh-CN\">", zh, StringComparison.Ordinal);
        Assert.Contains("<h2>试验台</h2>", zh, StringComparison.Ordinal);
        Assert.Contains($"<p class=\"problem\" id=\"problem\" role=\"alert\">{chinese}</p>", zh, StringComparison.Ordinal);
        Assert.Contains($"<p class=\"problem\" id=\"problem\" role=\"alert\">{english}</p>", en, StringComparison.Ordinal);
        // What was typed, in the form to send again: each field within its bound.
        var text = fields["text"].Length > RulesModel.MaxSandboxChars ? fields["text"][..RulesModel.MaxSandboxChars] : fields["text"];
        Assert.Contains($"required>{text}</textarea>", zh, StringComparison.Ordinal);
        if (fields.TryGetValue("folder", out var folder))
        {
            Assert.Contains($"<input name=\"folder\" value=\"{folder}\"", zh, StringComparison.Ordinal);
        }

        if (fields.TryGetValue("group", out var group))
        {
            Assert.Contains($"<input name=\"group\" value=\"{group[..Math.Min(group.Length, RulesModel.MaxGroupIdLength)]}\"", zh, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("sandbox-results", zh, StringComparison.Ordinal);
        Assert.DoesNotContain(audit, e => e.Action == "sandbox");
    }

    /// <summary>
    /// The console reads a form itself, so that a NUL reaches the page (above), but within the bounds
    /// ASP.NET Core reads one in: more values than 1,024, or a key longer than 2,048 characters, is
    /// refused unread, as it was, and nothing is done.
    /// </summary>
    [Theory]
    [InlineData("values")]
    [InlineData("key")]
    public async Task A_form_past_the_bounds_of_a_form_is_refused_unread(string past)
    {
        using var service = new GroupGuardFactory();
        await ConsoleSession.AddAccountAsync(service, "admin", AccountRole.Admin);
        var store = service.Services.GetRequiredService<IIncidentStore>();
        var id = (await store.AddAsync([Incidents.Of("m1", text: "加微信领红包")], CancellationToken.None)).Single();
        var incident = $"/console/incidents/{id}";
        var fields = new Dictionary<string, string> { ["falsePositive"] = "true", ["note"] = "误\0判" };
        if (past == "values")
        {
            foreach (var i in Enumerable.Range(0, 1024))
            {
                fields[$"x{i}"] = "1";
            }
        }
        else
        {
            fields[new string('k', 2049)] = "1";
        }

        using var admin = new ConsoleSession(service);
        using var _ = await admin.SignInAsync("admin");

        using var response = await admin.PostFormAsync(incident, incident + "?handler=Mark", fields);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.False((await store.GetAsync(id, CancellationToken.None))!.FalsePositive);
    }

    [Fact]
    public async Task A_hand_edited_filter_is_answered_in_english_to_a_browser_that_asks_for_it()
    {
        using var service = new GroupGuardFactory();
        await ConsoleSession.AddAccountAsync(service, "admin", AccountRole.Admin);
        using var admin = new ConsoleSession(service, "en-GB,en;q=0.9");
        using var _ = await admin.SignInAsync("admin");

        using var response = await admin.GetAsync("/console/incidents?from=2026-13-01");
        var page = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("<code>from=2026-13-01</code> Start day is written like 2026-12-01.", page, StringComparison.Ordinal);
        Assert.Contains("<a id=\"problem-back\" href=\"/console/incidents\">Every incident, no filter</a>", page, StringComparison.Ordinal);
    }

    /// <summary>A <c>before</c> that is no id is refused naming it, as every other bad filter is, instead of showing the first page.</summary>
    [Theory]
    [InlineData("/console/incidents", "abc")]
    [InlineData("/console/incidents", "-3")]
    [InlineData("/console/audit", "abc")]
    [InlineData("/console/audit", "1.5")]
    public async Task A_before_that_is_not_an_id_is_a_400_naming_it(string page, string before)
    {
        using var service = new GroupGuardFactory();
        await ConsoleSession.AddAccountAsync(service, "admin", AccountRole.Admin);
        using var admin = new ConsoleSession(service);
        using var _ = await admin.SignInAsync("admin");

        using var bad = await admin.GetAsync($"{page}?before={before}");
        using var blank = await admin.GetAsync($"{page}?before=");

        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains($"<code>before={before}</code> 翻页位置应为大于 0 的整数，由翻页链接写入。", WebUtility.HtmlDecode(await bad.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, blank.StatusCode);
    }

    /// <summary>
    /// Times are shown in GroupGuard:Console:TimeZone where it is set (a Chinese office's on a
    /// server kept on UTC), else in the machine's, and every page says which, with its offset.
    /// </summary>
    [Theory]
    [InlineData("Asia/Shanghai", "2026-12-01 09:30:00", "时间均为 Asia/Shanghai (UTC+08:00)。")]
    [InlineData(null, "2026-12-01 01:30:00", "时间均为 UTC (UTC+00:00)。")]
    public async Task Times_are_shown_in_the_configured_zone_and_each_page_names_it(string? zone, string shown, string footer)
    {
        using var service = new GroupGuardFactory(
            zone is null ? null : new Dictionary<string, string?> { ["GroupGuard:Console:TimeZone"] = zone },
            services: s => s.Replace(ServiceDescriptor.Singleton<TimeProvider>(new UtcMachineClock())));
        await ConsoleSession.AddAccountAsync(service, "admin", AccountRole.Admin);
        await service.Services.GetRequiredService<IAccountStore>().AuditAsync(
            new AuditEntry(0, new DateTimeOffset(2026, 12, 1, 1, 30, 0, TimeSpan.Zero), "cli:root", "dry_run", "qq:123456", "on", null), CancellationToken.None);
        using var admin = new ConsoleSession(service);
        using var _ = await admin.SignInAsync("admin");

        var audit = await admin.PageAsync("/console/audit");
        var overview = await admin.PageAsync("/console");

        Assert.Contains($"<tr><td>{shown}</td><td>cli:root</td>", audit, StringComparison.Ordinal);
        Assert.Contains(footer, audit, StringComparison.Ordinal);
        Assert.Contains(footer, overview, StringComparison.Ordinal);
    }

    /// <summary>The machine's clock on a server whose zone is UTC.</summary>
    private sealed class UtcMachineClock : TimeProvider
    {
        public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.CreateCustomTimeZone("UTC", TimeSpan.Zero, "UTC", "UTC");
    }

    [Fact]
    public async Task The_overview_shows_the_bridges_and_their_bot_accounts_to_admins_only()
    {
        using var service = new GroupGuardFactory();
        await ConsoleSession.AddAccountAsync(service, "admin", AccountRole.Admin);
        await ConsoleSession.AddAccountAsync(service, "leader", AccountRole.Leader, "123456");
        await service.PostV11Async(GroupGuardFactory.GroupEvent(1, "明天交作业"));
        using var admin = new ConsoleSession(service);
        using var leader = new ConsoleSession(service);
        using var a = await admin.SignInAsync("admin");
        using var b = await leader.SignInAsync("leader");

        var adminPage = await admin.PageAsync("/console");
        var leaderPage = await leader.PageAsync("/console");

        Assert.Contains("<h2>接入</h2>", adminPage, StringComparison.Ordinal);
        Assert.Contains("<td>OneBot v11 10001</td>", adminPage, StringComparison.Ordinal); // the bot account that posted, its bridge by the name people know it by
        Assert.DoesNotContain("onebot.v11", adminPage, StringComparison.Ordinal);
        Assert.DoesNotContain("<h2>接入</h2>", leaderPage, StringComparison.Ordinal);
        Assert.DoesNotContain("10001", leaderPage, StringComparison.Ordinal);
    }

    /// <summary>
    /// A bridge's connection error and a digest channel's failure are told by their kind in the
    /// console's words first, as a failed action is (未能处置 · 机器人无响应), the adapter's or the
    /// channel's own English folded beneath (日志原文); an error of no known kind is 其他原因.
    /// </summary>
    [Fact]
    public async Task Connection_and_channel_errors_are_told_by_their_kind_with_the_logged_words_folded_beneath()
    {
        var bridges = new FakeConnections(
            new ConnectionState(Protocol.OneBotV11, "ws://127.0.0.1:3001/", null, false, null, null, "the server refused the access token (HTTP 401); check GroupGuard:OneBot:Connections's AccessToken")
            {
                LastErrorKind = ConnectionErrorKind.TokenRefused,
            },
            new ConnectionState(Protocol.Milky, "http://127.0.0.1:3010", "10001", false, null, null, "the event stream failed: boom"));
        using var service = new GroupGuardFactory(services: s => s.AddSingleton<IConnectionStatus>(bridges));
        await ConsoleSession.AddAccountAsync(service, "admin", AccountRole.Admin);
        var outbox = service.Services.GetRequiredService<Core.Digests.IDigestOutbox>();
        var now = DateTimeOffset.UtcNow;
        var digest = await outbox.CreateAsync(
            new Core.Digests.DigestRecord
            {
                Leader = "王主任",
                PeriodFrom = now.AddDays(-1),
                PeriodTo = now,
                Status = Core.Digests.DigestStatus.Pending,
                CreatedAt = now,
                Title = "群管日报",
                Markdown = "无违规",
                Text = "无违规",
                Html = "<p>无违规</p>",
                IncidentIds = [],
                Channels = new Dictionary<string, Core.Digests.ChannelOutcome> { ["office-robot"] = new(Core.Digests.ChannelStatus.Pending, 0, null, null) },
            },
            CancellationToken.None);
        // Held, as a sending instance holds it, so that the service's own retry does not try the channel first.
        Assert.True(await outbox.ClaimChannelAsync(digest.Id, "office-robot", "the test", now, now.AddHours(1), CancellationToken.None));
        await outbox.UpdateChannelAsync(
            digest.Id,
            "office-robot",
            new Core.Digests.ChannelOutcome(Core.Digests.ChannelStatus.Failed, 5, "wecom channel 'office-robot': could not reach qyapi.weixin.qq.com: Connection refused", null) { ErrorKind = Core.Digests.ChannelErrorKind.Unreachable, RetryNotBefore = now.AddDays(1) },
            CancellationToken.None);
        using var admin = new ConsoleSession(service);
        using var _ = await admin.SignInAsync("admin");

        var overview = await admin.PageAsync("/console");
        var digests = await admin.PageAsync("/console/digests");

        Assert.Contains("<td>访问令牌被拒绝：请核对两边设置的令牌 <details class=\"platform-words\"><summary>日志原文</summary><code>the server refused the access token (HTTP 401)", overview, StringComparison.Ordinal);
        Assert.Contains("<td>OneBot v11 ws://127.0.0.1:3001/</td>", overview, StringComparison.Ordinal);
        Assert.Contains("<td>Milky http://127.0.0.1:3010</td>", overview, StringComparison.Ordinal);
        Assert.Contains("<td>其他原因 <details class=\"platform-words\"><summary>日志原文</summary><code>the event stream failed: boom</code></details></td>", overview, StringComparison.Ordinal);
        Assert.Contains("office-robot: 发送失败 · 连不上对方服务器，或对方未及时应答<details class=\"platform-words\"><summary>日志原文</summary><code>wecom channel 'office-robot': could not reach", digests, StringComparison.Ordinal);
        Assert.DoesNotContain("(wecom channel", digests, StringComparison.Ordinal); // no longer in brackets after the status
    }

    /// <summary>
    /// The digests page counts what each digest counted, offending messages (a message of several
    /// hits once), as the digest's headline and the overview do; one made before the count was kept
    /// says its incidents as what they are, hits.
    /// </summary>
    [Fact]
    public async Task The_digests_page_counts_each_digest_s_offending_messages_as_its_headline_did()
    {
        using var service = new GroupGuardFactory();
        await ConsoleSession.AddAccountAsync(service, "admin", AccountRole.Admin);
        var outbox = service.Services.GetRequiredService<Core.Digests.IDigestOutbox>();
        var now = DateTimeOffset.UtcNow;
        Core.Digests.DigestRecord Digest(DateTimeOffset to, int? messages) => new()
        {
            Leader = "王主任",
            PeriodFrom = to.AddDays(-1),
            PeriodTo = to,
            Status = Core.Digests.DigestStatus.Sent,
            CreatedAt = to,
            Title = "群管日报",
            Markdown = "共检查 812 条消息，发现 2 条违规消息（5 次命中）。",
            Text = "共检查 812 条消息，发现 2 条违规消息（5 次命中）。",
            Html = "<p>共检查 812 条消息，发现 2 条违规消息（5 次命中）。</p>",
            IncidentIds = [1, 2, 3, 4, 5],
            Messages = messages,
        };
        await outbox.CreateAsync(Digest(now.AddDays(-1), null), CancellationToken.None);
        await outbox.CreateAsync(Digest(now, 2), CancellationToken.None);
        using var admin = new ConsoleSession(service);
        using var _ = await admin.SignInAsync("admin");

        var page = await admin.PageAsync("/console/digests");

        Assert.Contains("<th>违规消息</th>", page, StringComparison.Ordinal);
        Assert.Contains("<td class=\"num\">2</td>", page, StringComparison.Ordinal);
        Assert.Contains("<td class=\"num\">5 次命中</td>", page, StringComparison.Ordinal); // made before the count was kept
        Assert.DoesNotContain("<td class=\"num\">5</td>", page, StringComparison.Ordinal);
        Assert.Equal(2, (await outbox.LatestAsync("王主任", CancellationToken.None))!.Messages);
    }

    /// <summary>
    /// An alert's follow-up is listed with the other outbox entries, with the alert's period (so it
    /// sits beside its alert) and the messages it followed up. Each entry is named as an admin reads
    /// it, an alert 告警 office and its follow-up 告警跟进 office, a leader's digest by the leader's
    /// name; never by the outbox's keys.
    /// </summary>
    [Fact]
    public async Task The_digests_page_lists_an_alert_s_follow_up_beside_its_alert_each_named_in_words()
    {
        using var service = new GroupGuardFactory();
        await ConsoleSession.AddAccountAsync(service, "admin", AccountRole.Admin);
        var outbox = service.Services.GetRequiredService<Core.Digests.IDigestOutbox>();
        var to = DateTimeOffset.UtcNow.AddMinutes(-20);
        Core.Digests.DigestRecord Entry(string key, string title, int messages) => new()
        {
            Leader = key,
            PeriodFrom = to.AddMinutes(-1),
            PeriodTo = to,
            Status = Core.Digests.DigestStatus.Sent,
            CreatedAt = to,
            Title = title,
            Markdown = title,
            Text = title,
            Html = title,
            IncidentIds = [7, 8, 9],
            Messages = messages,
        };
        await outbox.CreateAsync(Entry("alert:office", "群管告警：3 条违规消息（office）", 3) with { PendingIds = [7, 8] }, CancellationToken.None);
        await outbox.CreateAsync(Entry("alert-followup:office", "跟进：群管告警：3 条违规消息（office）", 2), CancellationToken.None);
        await outbox.CreateAsync(Entry("王主任", "群管日报", 3) with { PeriodFrom = to.AddDays(-1).AddHours(-1), PeriodTo = to.AddHours(-1) }, CancellationToken.None);
        using var admin = new ConsoleSession(service);
        using var _ = await admin.SignInAsync("admin");
        using var adminInEnglish = new ConsoleSession(service, "en");
        using var __ = await adminInEnglish.SignInAsync("admin");

        var page = await admin.PageAsync("/console/digests");
        var english = await adminInEnglish.PageAsync("/console/digests");

        var followUp = page.IndexOf("<td>告警跟进 office</td>", StringComparison.Ordinal);
        var alert = page.IndexOf("<td>告警 office</td>", StringComparison.Ordinal);
        Assert.True(followUp > 0 && alert > followUp, page); // newest first: the follow-up above its alert
        Assert.Contains("<td class=\"num\">2</td>", page[followUp..alert], StringComparison.Ordinal);
        Assert.Contains("<th>负责人 / 告警</th>", page, StringComparison.Ordinal);
        Assert.Contains("<td>王主任</td>", page, StringComparison.Ordinal);
        Assert.Contains("<td>alert follow-up office</td>", english, StringComparison.Ordinal);
        Assert.Contains("<td>alert office</td>", english, StringComparison.Ordinal);
        Assert.DoesNotContain("alert-followup:", page + english, StringComparison.Ordinal);
        Assert.DoesNotContain("alert:office", page + english, StringComparison.Ordinal);
    }

    private sealed class FakeConnections(params ConnectionState[] connections) : IConnectionStatus
    {
        public IReadOnlyList<ConnectionState> Connections => connections;
    }

    [Fact]
    public async Task A_leader_s_groups_page_lists_only_their_groups_without_switches()
    {
        using var service = new GroupGuardFactory(new Dictionary<string, string?>
        {
            ["GroupGuard:Groups:111111:DryRun"] = "true",
            ["GroupGuard:Groups:222222:Packs:0"] = "test-ads",
        });
        await File.WriteAllTextAsync(Path.Combine(service.Folder, "rules", "school.yaml"), "pack: school\nrules:\n  - id: school.x\n    terms: [逃课]\n"); // a pack 222222's settings leave out
        await ConsoleSession.AddAccountAsync(service, "leader", AccountRole.Leader, "111111");
        await ConsoleSession.AddAccountAsync(service, "admin", AccountRole.Admin);
        using var leader = new ConsoleSession(service);
        using var admin = new ConsoleSession(service);
        using var a = await leader.SignInAsync("leader");
        using var b = await admin.SignInAsync("admin");

        var mine = await leader.PageAsync("/console/groups");
        var all = await admin.PageAsync("/console/groups");

        Assert.Contains("data-group=\"111111\"", mine, StringComparison.Ordinal);
        Assert.DoesNotContain("222222", mine, StringComparison.Ordinal);
        Assert.DoesNotContain("dry-run-form", mine, StringComparison.Ordinal);
        Assert.Contains("data-group=\"222222\"", all, StringComparison.Ordinal);
        Assert.Contains("test-ads", all, StringComparison.Ordinal);
    }

    /// <summary>
    /// A group's packs are those that apply in it: its settings' <c>Packs</c> and each pack's
    /// <c>groups:</c>. A pack kept to other groups does not, and the page said 全部规则包.
    /// </summary>
    [Fact]
    public async Task The_groups_page_shows_the_packs_that_apply_in_each_group()
    {
        using var service = new GroupGuardFactory(new Dictionary<string, string?>
        {
            ["GroupGuard:Groups:111111:DryRun"] = "false",
            ["GroupGuard:Groups:222222:DryRun"] = "false",
            ["GroupGuard:Groups:333333:Packs:0"] = "school",
            ["GroupGuard:Groups:444444:DryRun"] = "false",
        });
        var rules = Path.Combine(service.Folder, "rules");
        await File.WriteAllTextAsync(Path.Combine(rules, "school.yaml"), "pack: school\nname: 校园\ngroups: [\"111111\"]\nrules:\n  - id: school.x\n    terms: [逃课]\n");
        await File.WriteAllTextAsync(Path.Combine(rules, "promo.yaml"), "pack: promo\nname: 商业推广\ngroups: [\"*\", \"!444444\"]\nrules:\n  - id: promo.x\n    terms: [全场八折]\n");
        await ConsoleSession.AddAccountAsync(service, "admin", AccountRole.Admin);
        using var browser = new ConsoleSession(service);
        using var _ = await browser.SignInAsync("admin");

        var page = await browser.PageAsync("/console/groups");
        string Packs(string group) =>
            System.Text.RegularExpressions.Regex.Match(page, $"<tr data-group=\"{group}\">.*?<td class=\"packs\">(.*?)</td>", System.Text.RegularExpressions.RegexOptions.Singleline).Groups[1].Value;

        Assert.Equal("全部规则包", Packs("111111"));
        Assert.Equal("<span title=\"商业推广\">promo</span>, <span title=\"测试广告\">test-ads</span>", Packs("222222"));
        Assert.Equal("没有规则包", Packs("333333")); // its settings name school, which is kept to 111111
        Assert.Equal("<span title=\"测试广告\">test-ads</span>", Packs("444444"));
    }

    /// <summary>
    /// Each row's "messages checked" is the sum of that platform and group's hourly counters in the
    /// page's 30 days: the same group id on two platforms is two rows with their own sums, and an
    /// hour before the period counts for nothing.
    /// </summary>
    [Fact]
    public async Task The_groups_page_shows_each_platform_and_group_s_own_message_count()
    {
        using var service = new GroupGuardFactory();
        await ConsoleSession.AddAccountAsync(service, "admin", AccountRole.Admin);
        var now = service.Services.GetRequiredService<TimeProvider>().GetUtcNow();
        var hour = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, 0, 0, TimeSpan.Zero).AddHours(-2);
        await service.Services.GetRequiredService<GroupGuard.Core.IIncidentStore>().AddMessageCountsAsync(
            [
                new("qq", "111111", hour, 5), new("qq", "111111", hour.AddHours(-1), 7), new("qq", "111111", hour.AddDays(-3), 11),
                new("wechat", "111111", hour, 4), new("wechat", "111111", hour.AddHours(-5), 6),
                new("qq", "222222", hour.AddDays(-1), 100), new("qq", "222222", hour.AddDays(-40), 1000),
                new("qq-official", "333333", hour, 1),
            ],
            CancellationToken.None);
        using var browser = new ConsoleSession(service);
        using var _ = await browser.SignInAsync("admin");

        var page = await browser.PageAsync("/console/groups");
        var shown = System.Text.RegularExpressions.Regex.Matches(page, "<td>([^<]*)</td>\\s*<td>([^<]*)</td>\\s*<td class=\"num\">([0-9]+)</td>")
            .Select(m => $"{m.Groups[1].Value} {m.Groups[2].Value} {m.Groups[3].Value}");

        Assert.Equal(["qq 111111 23", "wechat 111111 10", "qq 222222 100", "qq-official 333333 1"], shown);
    }

    [Fact]
    public async Task A_session_ends_after_the_configured_minutes_without_use()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var service = new GroupGuardFactory(
            new Dictionary<string, string?> { ["GroupGuard:Console:SessionMinutes"] = "30" },
            services: s => s.PostConfigure<CookieAuthenticationOptions>(ConsoleRegistration.Scheme, o => o.TimeProvider = clock));
        await ConsoleSession.AddAccountAsync(service, "admin", AccountRole.Admin);
        using var browser = new ConsoleSession(service);
        using var _ = await browser.SignInAsync("admin");

        clock.Advance(TimeSpan.FromMinutes(20));
        using var within = await browser.GetAsync("/console");
        clock.Advance(TimeSpan.FromMinutes(31));
        using var after = await browser.GetAsync("/console");

        Assert.Equal(HttpStatusCode.OK, within.StatusCode);
        Assert.Equal("/console/login", ConsoleSession.PathOf(after.Headers.Location));
    }

    [Fact]
    public async Task A_session_ends_after_the_configured_hours_however_much_it_is_used()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var service = new GroupGuardFactory(
            new Dictionary<string, string?> { ["GroupGuard:Console:SessionMinutes"] = "30", ["GroupGuard:Console:MaxSessionHours"] = "1" },
            services: s => s.PostConfigure<CookieAuthenticationOptions>(ConsoleRegistration.Scheme, o => o.TimeProvider = clock));
        await ConsoleSession.AddAccountAsync(service, "admin", AccountRole.Admin);
        using var browser = new ConsoleSession(service);
        using var _ = await browser.SignInAsync("admin");

        var answers = new List<HttpStatusCode>();
        foreach (var minutes in new[] { 20, 20, 15 }) // 55 minutes in, never more than 20 unused: the cookie slides on
        {
            clock.Advance(TimeSpan.FromMinutes(minutes));
            using var used = await browser.GetAsync("/console");
            answers.Add(used.StatusCode);
        }

        clock.Advance(TimeSpan.FromMinutes(10));
        using var after = await browser.GetAsync("/console");

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK], answers);
        Assert.Equal("/console/login", ConsoleSession.PathOf(after.Headers.Location));
    }
}
