using System.Text;
using System.Text.Json.Nodes;
using GroupGuard.Channels;
using GroupGuard.Core;
using GroupGuard.Core.Digests;
using GroupGuard.Host.Alerts;
using GroupGuard.Host.Digests;
using GroupGuard.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace GroupGuard.Host.Tests;

/// <summary>
/// Immediate alerts on a fake clock, to a fake WeCom robot on 127.0.0.1: what reaches the robot,
/// when the coalescing window closes, and that restarts and retries never send an alert twice.
/// Each "instance" is the alert service with the digest outbox and channels over one database file,
/// as the service builds them; a look is one <see cref="AlertService.TickAsync"/>. The sending that
/// alerts share with digests (<see cref="DigestService.SendAsync"/>: claims, retries, parts) is
/// tested here too, with a digest where only a digest can show it.
/// </summary>
public sealed class AlertTests
{
    [Fact]
    public async Task A_high_incident_reaches_the_robot_once_when_its_window_closes_a_minute_after_it()
    {
        await using var rig = await AlertRig.StartAsync();
        var alerts = await rig.InstanceAsync();
        var t0 = rig.Clock.GetUtcNow();
        await rig.AddAsync(Incident("m1", t0, Severity.High) with { MessageText = "加微信 13812345678 领资料", Spans = [new EvidenceSpan(0, 3)] });

        await rig.LookAtAsync(alerts, t0.AddSeconds(2));
        await rig.LookAtAsync(alerts, t0.AddSeconds(59));
        Assert.Empty(rig.Alerts); // the window is open: more may come

        await rig.LookAtAsync(alerts, t0.AddSeconds(60));
        var alert = Assert.Single(rig.Alerts);
        Assert.Contains("群管告警：1 条违规消息（office）", alert, StringComparison.Ordinal);
        Assert.Contains("二年级家长群（123456）", alert, StringComparison.Ordinal);
        Assert.Contains("[高]", alert, StringComparison.Ordinal);
        Assert.Contains("广告引流", alert, StringComparison.Ordinal);
        Assert.Contains("ads.site", alert, StringComparison.Ordinal);
        Assert.Contains("已撤回", alert, StringComparison.Ordinal);
        Assert.Contains("11-26 18:00:00", alert, StringComparison.Ordinal); // the message's time in Asia/Shanghai
        // Masked as a digest masks it: the advert's words read, its contact (the phone number) masked.
        Assert.Contains($"「{DigestMarkup.Escape("加微信 *********** 领资料")}」", alert, StringComparison.Ordinal);
        Assert.DoesNotContain("13812345678", alert, StringComparison.Ordinal);

        await rig.LookAtAsync(alerts, t0.AddSeconds(62));
        await rig.LookAtAsync(alerts, t0.AddMinutes(10));
        Assert.Single(rig.Alerts);
    }

    [Fact]
    public async Task An_alert_waits_for_the_recall_its_message_is_waiting_on_and_says_what_the_platform_did()
    {
        await using var rig = await AlertRig.StartAsync();
        var alerts = await rig.InstanceAsync();
        var t0 = rig.Clock.GetUtcNow();
        var ids = await rig.AddAsync(Incident("m1", t0, Severity.High) with { ActionStatus = ActionStatus.Pending });

        // The window has closed, but the recall has not been answered yet: the alert would say 待处置.
        await rig.LookAtAsync(alerts, t0.AddSeconds(60));
        await rig.LookAtAsync(alerts, t0.AddSeconds(70));
        Assert.Empty(rig.Alerts);

        await rig.Store.UpdateActionAsync(ids, ActionStatus.Failed, "bot is not an admin", ActionErrorKind.NotPermitted, CancellationToken.None);
        await rig.LookAtAsync(alerts, t0.AddSeconds(72));

        var alert = Assert.Single(rig.Alerts);
        Assert.Contains("撤回失败：机器人不是群管理员，或对方是管理员", alert, StringComparison.Ordinal);
        Assert.DoesNotContain("待处置", alert, StringComparison.Ordinal);
        Assert.DoesNotContain("延迟送达", alert, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_mute_carried_out_while_its_warning_still_waits_is_alerted_as_done_without_waiting_for_the_warning()
    {
        await using var rig = await AlertRig.StartAsync();
        var alerts = await rig.InstanceAsync();
        var t0 = rig.Clock.GetUtcNow();
        var ids = await rig.AddAsync(Incident("m1", t0, Severity.High) with { ActionStatus = ActionStatus.Pending, DecidedAction = ModerationAction.Mute, MuteSeconds = 600 });
        await rig.LastProvider!.GetRequiredService<IPendingActions>().RecordActsAsync(ids, ActionStatus.Done, null, null, CancellationToken.None);

        await rig.LookAtAsync(alerts, t0.AddSeconds(60));

        var alert = Assert.Single(rig.Alerts);
        Assert.Contains("已禁言", alert, StringComparison.Ordinal);
        Assert.DoesNotContain("待处置", alert, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_alert_whose_platform_never_answers_goes_out_a_minute_after_its_window_saying_what_is_still_waiting()
    {
        await using var rig = await AlertRig.StartAsync();
        var alerts = await rig.InstanceAsync();
        var t0 = rig.Clock.GetUtcNow();
        await rig.AddAsync(
            Incident("m1", t0, Severity.High) with { ActionStatus = ActionStatus.Pending },
            Incident("m2", t0.AddSeconds(1), Severity.Critical, rule: "fraud.transfer", category: "fraud"));

        await rig.LookAtAsync(alerts, t0.AddSeconds(60));
        await rig.LookAtAsync(alerts, t0.AddSeconds(60) + AlertService.ActionsSettleLimit - TimeSpan.FromSeconds(1));
        Assert.Empty(rig.Alerts);

        await rig.LookAtAsync(alerts, t0.AddSeconds(60) + AlertService.ActionsSettleLimit);
        var alert = Assert.Single(rig.Alerts);
        Assert.Contains("群管告警：2 条违规消息", alert, StringComparison.Ordinal);
        Assert.Contains("待处置", alert, StringComparison.Ordinal);
        Assert.Contains("已撤回", alert, StringComparison.Ordinal);

        await rig.LookAtAsync(alerts, t0.AddMinutes(10));
        Assert.Single(rig.Alerts);
    }

    [Fact]
    public async Task A_recall_still_waiting_when_the_alert_went_out_that_then_fails_gets_one_follow_up_naming_the_incident()
    {
        await using var rig = await AlertRig.StartAsync();
        var alerts = await rig.InstanceAsync();
        var t0 = rig.Clock.GetUtcNow();
        var ids = await rig.AddAsync(
            Incident("m1", t0, Severity.High) with { ActionStatus = ActionStatus.Pending, SenderName = "张三" },
            Incident("m2", t0.AddSeconds(1), Severity.High) with { ActionStatus = ActionStatus.Pending },
            Incident("m3", t0.AddSeconds(2), Severity.Critical, rule: "fraud.transfer", category: "fraud"));
        var sent = t0.AddSeconds(60) + AlertService.ActionsSettleLimit; // 18:02
        await rig.LookAtAsync(alerts, sent);
        Assert.Contains("待处置", Assert.Single(rig.Alerts), StringComparison.Ordinal);

        // One recall fails; the other is still waiting: the follow-up waits for it.
        await rig.Store.UpdateActionAsync([ids[0]], ActionStatus.Failed, "bot is not an admin", ActionErrorKind.NotPermitted, CancellationToken.None);
        await rig.LookAtAsync(alerts, sent.AddSeconds(20));
        Assert.Single(rig.Alerts);

        await rig.Store.UpdateActionAsync([ids[1]], ActionStatus.Done, null, null, CancellationToken.None);
        await rig.LookAtAsync(alerts, sent.AddSeconds(22));

        Assert.Equal(2, rig.Alerts.Count);
        var followUp = rig.Alerts[1];
        Assert.StartsWith("### 跟进：群管告警：3 条违规消息（office）\n", followUp, StringComparison.Ordinal);
        Assert.Contains("11月26日 18:02 的告警中待处置的 2 条消息：1 条撤回失败，1 条已撤回。", followUp, StringComparison.Ordinal);
        Assert.Contains($"- [高] 11-26 18:00:00 二年级家长群（123456） 张三：撤回失败：机器人不是群管理员，或对方是管理员（事件 #{ids[0]}，请手动处理）", followUp, StringComparison.Ordinal);
        Assert.DoesNotContain($"#{ids[1]}", followUp, StringComparison.Ordinal); // carried out: counted, not listed
        Assert.DoesNotContain("待处置（", followUp, StringComparison.Ordinal);

        await rig.LookAtAsync(alerts, sent.AddMinutes(1));
        await rig.LookAtAsync(alerts, sent.AddMinutes(30));
        Assert.Equal(2, rig.Alerts.Count);
        var outbox = await rig.OutboxAsync();
        var alert = Assert.Single(outbox, r => r.Leader == "alert:office");
        var stored = Assert.Single(outbox, r => r.Leader == "alert-followup:office");
        Assert.Equal([ids[0], ids[1]], alert.PendingIds);
        Assert.Equal((alert.PeriodFrom, alert.PeriodTo), (stored.PeriodFrom, stored.PeriodTo));
        Assert.Equal((DigestStatus.Sent, 2), (stored.Status, stored.Messages));
        Assert.Equal(["office-robot"], stored.Channels.Keys);
    }

    [Fact]
    public async Task With_the_console_s_address_the_alert_and_its_follow_up_link_each_message_to_its_incident()
    {
        await using var rig = await AlertRig.StartAsync(new() { ["GroupGuard:Console:PublicUrl"] = "https://guard.example.org" });
        var alerts = await rig.InstanceAsync();
        var t0 = rig.Clock.GetUtcNow();
        var ids = await rig.AddAsync(
            Incident("m1", t0, Severity.High) with { ActionStatus = ActionStatus.Pending },
            Incident("m2", t0.AddSeconds(1), Severity.Critical, rule: "fraud.transfer", category: "fraud"));
        var sent = t0.AddSeconds(60) + AlertService.ActionsSettleLimit;
        await rig.LookAtAsync(alerts, sent);
        await rig.Store.UpdateActionAsync([ids[0]], ActionStatus.Failed, "bot is not an admin", ActionErrorKind.NotPermitted, CancellationToken.None);
        await rig.LookAtAsync(alerts, sent.AddSeconds(20));

        Assert.Equal(2, rig.Alerts.Count);
        var lines = rig.Alerts[0].Split('\n');
        Assert.EndsWith($"，待处置） [详情](https://guard.example.org/console/incidents/{ids[0]})", Assert.Single(lines, l => l.StartsWith("- [高]", StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.EndsWith($"，已撤回） [详情](https://guard.example.org/console/incidents/{ids[1]})", Assert.Single(lines, l => l.StartsWith("- [严重]", StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.Contains($"（事件 #{ids[0]}，请手动处理） [详情](https://guard.example.org/console/incidents/{ids[0]})\n", rig.Alerts[1], StringComparison.Ordinal);
        var followUp = Assert.Single(await rig.OutboxAsync(), r => r.Leader == "alert-followup:office");
        Assert.Contains($"请手动处理） https://guard.example.org/console/incidents/{ids[0]}\n", followUp.Text, StringComparison.Ordinal);
        Assert.Contains($"<a href=\"https://guard.example.org/console/incidents/{ids[0]}\">详情</a>", followUp.Html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task When_what_the_alert_said_was_waiting_is_all_carried_out_its_follow_up_is_one_line_saying_so()
    {
        await using var rig = await AlertRig.StartAsync();
        var alerts = await rig.InstanceAsync();
        var t0 = rig.Clock.GetUtcNow();
        var ids = await rig.AddAsync(
            Incident("m1", t0, Severity.High) with { ActionStatus = ActionStatus.Pending },
            Incident("m2", t0.AddSeconds(1), Severity.High) with { ActionStatus = ActionStatus.Pending, DecidedAction = ModerationAction.Mute, MuteSeconds = 600 });
        var sent = t0.AddSeconds(60) + AlertService.ActionsSettleLimit;
        await rig.LookAtAsync(alerts, sent);

        // The recall is done; the mute is carried out while its warning still waits, which is enough.
        await rig.Store.UpdateActionAsync([ids[0]], ActionStatus.Done, null, null, CancellationToken.None);
        await rig.LastProvider!.GetRequiredService<IPendingActions>().RecordActsAsync([ids[1]], ActionStatus.Done, null, null, CancellationToken.None);
        await rig.LookAtAsync(alerts, sent.AddSeconds(30));

        Assert.Equal(2, rig.Alerts.Count);
        Assert.Equal(
            "### 跟进：群管告警：2 条违规消息（office）\n11月26日 18:02 的告警中待处置的 2 条消息均已处置：1 条已撤回，1 条已禁言 10 分钟。\n",
            rig.Alerts[1]);
    }

    [Fact]
    public async Task An_alert_that_waited_for_nothing_gets_no_follow_up()
    {
        await using var rig = await AlertRig.StartAsync();
        var alerts = await rig.InstanceAsync();
        var t0 = rig.Clock.GetUtcNow();
        var ids = await rig.AddAsync(Incident("m1", t0, Severity.High) with { ActionStatus = ActionStatus.Pending });
        await rig.LookAtAsync(alerts, t0.AddSeconds(60));
        await rig.Store.UpdateActionAsync(ids, ActionStatus.Failed, "bot is not an admin", ActionErrorKind.NotPermitted, CancellationToken.None);
        await rig.LookAtAsync(alerts, t0.AddSeconds(62)); // the alert says 撤回失败 itself

        await rig.LookAtAsync(alerts, t0.AddMinutes(5));
        await rig.LookAtAsync(alerts, t0.AddMinutes(30));

        Assert.Contains("撤回失败", Assert.Single(rig.Alerts), StringComparison.Ordinal);
        Assert.Empty(Assert.Single(await rig.OutboxAsync()).PendingIds);
    }

    [Fact]
    public async Task A_waiting_incident_marked_false_positive_meanwhile_is_left_out_and_with_none_left_nothing_follows()
    {
        await using var rig = await AlertRig.StartAsync();
        var alerts = await rig.InstanceAsync();
        var t0 = rig.Clock.GetUtcNow();
        var ids = await rig.AddAsync(Incident("m1", t0, Severity.High) with { ActionStatus = ActionStatus.Pending });
        var sent = t0.AddSeconds(60) + AlertService.ActionsSettleLimit;
        await rig.LookAtAsync(alerts, sent);
        Assert.Contains("待处置", Assert.Single(rig.Alerts), StringComparison.Ordinal);

        Assert.True(await rig.Store.MarkFalsePositiveAsync(ids[0], true, "家长转发的通知", sent.AddMinutes(1), "admin", CancellationToken.None));
        await rig.Store.UpdateActionAsync(ids, ActionStatus.Failed, "bot is not an admin", ActionErrorKind.NotPermitted, CancellationToken.None);
        await rig.LookAtAsync(alerts, sent.AddMinutes(2));
        await rig.LookAtAsync(alerts, sent + AlertService.FollowUpLimit);
        await rig.LookAtAsync(alerts, sent.AddHours(2));

        Assert.Single(rig.Alerts);
        Assert.DoesNotContain(await rig.OutboxAsync(), r => r.Leader == "alert-followup:office");
    }

    [Fact]
    public async Task An_alert_sent_before_a_restart_gets_its_follow_up_once_from_the_next_instances()
    {
        await using var rig = await AlertRig.StartAsync();
        var t0 = rig.Clock.GetUtcNow();
        var sent = t0.AddSeconds(60) + AlertService.ActionsSettleLimit;
        IReadOnlyList<long> ids;
        await using (var first = await rig.InstanceScopeAsync())
        {
            ids = await rig.AddAsync(Incident("m1", t0, Severity.High) with { ActionStatus = ActionStatus.Pending });
            await rig.LookAtAsync(first.Alerts, sent);
            Assert.Single(rig.Alerts);
        }

        // Nothing in memory: two new instances over the same database find the alert owed its follow-up.
        await using var second = await rig.InstanceScopeAsync();
        await using var third = await rig.InstanceScopeAsync();
        await rig.Store.UpdateActionAsync(ids, ActionStatus.Failed, "bot is not an admin", ActionErrorKind.NotPermitted, CancellationToken.None);
        rig.Clock.SetUtcNow(sent.AddMinutes(3));
        await Task.WhenAll(second.Alerts.TickAsync(CancellationToken.None), third.Alerts.TickAsync(CancellationToken.None));
        await rig.LookAtAsync(second.Alerts, sent.AddMinutes(4));
        await rig.LookAtAsync(third.Alerts, sent.AddMinutes(20));

        Assert.Equal(2, rig.Alerts.Count);
        Assert.Contains($"撤回失败：机器人不是群管理员，或对方是管理员（事件 #{ids[0]}，请手动处理）", rig.Alerts[1], StringComparison.Ordinal);
        Assert.Single(await rig.OutboxAsync(), r => r.Leader == "alert-followup:office");

        await using var fourth = await rig.InstanceScopeAsync();
        await rig.LookAtAsync(fourth.Alerts, sent.AddMinutes(21));
        Assert.Equal(2, rig.Alerts.Count);
    }

    [Fact]
    public async Task What_the_platform_still_has_not_answered_15_minutes_after_the_alert_is_followed_up_as_still_waiting()
    {
        await using var rig = await AlertRig.StartAsync();
        var alerts = await rig.InstanceAsync();
        var t0 = rig.Clock.GetUtcNow();
        var ids = await rig.AddAsync(
            Incident("m1", t0, Severity.High) with { ActionStatus = ActionStatus.Pending },
            Incident("m2", t0.AddSeconds(1), Severity.High, group: "654321") with { ActionStatus = ActionStatus.Pending },
            Incident("m3", t0.AddSeconds(2), Severity.High) with { ActionStatus = ActionStatus.Pending });
        var sent = t0.AddSeconds(60) + AlertService.ActionsSettleLimit;
        await rig.LookAtAsync(alerts, sent);
        await rig.Store.UpdateActionAsync([ids[0]], ActionStatus.Done, null, null, CancellationToken.None);
        Assert.True(await rig.Store.MarkFalsePositiveAsync(ids[2], true, null, sent.AddMinutes(1), "admin", CancellationToken.None));

        await rig.LookAtAsync(alerts, sent + AlertService.FollowUpLimit - TimeSpan.FromSeconds(1));
        Assert.Single(rig.Alerts);

        await rig.LookAtAsync(alerts, sent + AlertService.FollowUpLimit);
        Assert.Equal(2, rig.Alerts.Count);
        var followUp = rig.Alerts[1];
        Assert.Contains("11月26日 18:02 的告警中待处置的 2 条消息：1 条待处置，1 条已撤回。另有 1 条已被标记为误报，不再跟进。", followUp, StringComparison.Ordinal);
        Assert.Contains($"- [高] 11-26 18:00:01 群 654321 20002：待处置（事件 #{ids[1]}，平台仍未答复，请手动核实）", followUp, StringComparison.Ordinal);

        // Answered afterwards: the follow-up has gone, and none follows it.
        await rig.Store.UpdateActionAsync([ids[1]], ActionStatus.Failed, "timeout", ActionErrorKind.Unreachable, CancellationToken.None);
        await rig.LookAtAsync(alerts, sent.AddMinutes(20));
        Assert.Equal(2, rig.Alerts.Count);
    }

    [Fact]
    public async Task A_follow_up_never_arrives_before_its_alert_whose_channel_is_being_retried()
    {
        await using var rig = await AlertRig.StartAsync();
        var alerts = await rig.InstanceAsync();
        var t0 = rig.Clock.GetUtcNow();
        rig.Robot.Respond(_ => HttpAnswer.Json("""{"errcode":45009,"errmsg":"api freq out of limit"}"""));
        var ids = await rig.AddAsync(Incident("m1", t0, Severity.High) with { ActionStatus = ActionStatus.Pending });
        var sent = t0.AddSeconds(60) + AlertService.ActionsSettleLimit;
        await rig.LookAtAsync(alerts, sent); // refused
        await rig.Store.UpdateActionAsync(ids, ActionStatus.Failed, "bot is not an admin", ActionErrorKind.NotPermitted, CancellationToken.None);
        rig.Robot.Respond(_ => HttpAnswer.Json("""{"errcode":0,"errmsg":"ok"}"""));

        await rig.LookAtAsync(alerts, sent.AddSeconds(30)); // the alert is backing off: no follow-up either
        Assert.Single(rig.Robot.Requests);
        await rig.LookAtAsync(alerts, sent.AddMinutes(1)); // the alert's retry
        await rig.LookAtAsync(alerts, sent.AddMinutes(1).AddSeconds(2)); // then its follow-up

        var received = rig.Alerts;
        Assert.Equal(3, received.Count);
        Assert.StartsWith("### 群管告警：1 条违规消息（office）\n", received[1], StringComparison.Ordinal);
        Assert.StartsWith("### 跟进：群管告警：1 条违规消息（office）\n", received[2], StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_follow_up_of_an_alert_every_channel_gave_up_on_says_first_that_the_alert_never_arrived_and_carries_it()
    {
        await using var rig = await AlertRig.StartAsync();
        var t0 = rig.Clock.GetUtcNow();
        var refused = 0;
        rig.Robot.Respond(_ => Interlocked.Increment(ref refused) <= DigestRecord.MaxSendAttempts
            ? HttpAnswer.Json("""{"errcode":45009,"errmsg":"api freq out of limit"}""")
            : HttpAnswer.Json("""{"errcode":0,"errmsg":"ok"}"""));
        var sent = t0.AddSeconds(60) + AlertService.ActionsSettleLimit;
        IReadOnlyList<long> ids;
        await using (var first = await rig.InstanceScopeAsync())
        {
            ids = await rig.AddAsync(Incident("m1", t0, Severity.High) with { ActionStatus = ActionStatus.Pending, SenderName = "张三" });
            await rig.LookAtAsync(first.Alerts, sent);
            await rig.Store.UpdateActionAsync(ids, ActionStatus.Failed, "bot is not an admin", ActionErrorKind.NotPermitted, CancellationToken.None);

            // The alert's retries, 1, 2, 4 and 8 minutes apart: the fifth refusal gives it up.
            foreach (var minutes in new[] { 1, 3, 7, 15 })
            {
                await rig.LookAtAsync(first.Alerts, sent.AddMinutes(minutes));
            }

            Assert.Equal(DigestRecord.MaxSendAttempts, rig.Robot.Requests.Count);
            Assert.Equal(DigestStatus.Failed, Assert.Single(await rig.OutboxAsync(), r => r.Leader == "alert:office").Status);
        }

        // Another instance (a restart) reads from the outbox alone that no channel delivered the alert.
        await using var second = await rig.InstanceScopeAsync();
        await rig.LookAtAsync(second.Alerts, sent.AddMinutes(15).AddSeconds(2));

        // The leader reads there what the alert said, then what became of it.
        var followUp = rig.Alerts[^1];
        Assert.StartsWith(
            "### 跟进：群管告警：1 条违规消息（office）\n原告警未能在此送达（发送失败），原文如下，其后是其中待处置消息的结果。\n\n**原告警**\n11月26日 18:00:00 起 60 秒内发现 1 条",
            followUp,
            StringComparison.Ordinal);
        Assert.Contains("张三：「", followUp, StringComparison.Ordinal);
        Assert.Contains("其中 1 条待处置：平台尚未答复，结果将另发跟进。\n\n**处置结果**\n11月26日 18:02 的告警中待处置的 1 条消息：1 条撤回失败。\n", followUp, StringComparison.Ordinal);
        Assert.Contains($"张三：撤回失败：机器人不是群管理员，或对方是管理员（事件 #{ids[0]}，请手动处理）", followUp, StringComparison.Ordinal);
        Assert.Equal(DigestStatus.Sent, Assert.Single(await rig.OutboxAsync(), r => r.Leader == "alert-followup:office").Status);
    }

    [Fact]
    public async Task The_follow_up_carries_its_alert_on_the_channel_that_gave_up_on_the_alert_and_reads_as_ever_where_the_alert_arrived()
    {
        await using var rig = await AlertRig.StartAsync(new()
        {
            ["GroupGuard:Channels:spare-robot:Type"] = "wecom",
            ["GroupGuard:Alerts:0:Channels:1"] = "spare-robot",
        });
        rig.Set("GroupGuard:Channels:spare-robot:Url", rig.Robot.Url("/cgi-bin/webhook/send?key=spare-key"));

        // The spare robot refuses the alert's five tries, then takes what comes after (the follow-up).
        var spareRefused = 0;
        rig.Robot.Respond(r => r.RawQuery("key") == "spare-key" && Interlocked.Increment(ref spareRefused) <= DigestRecord.MaxSendAttempts
            ? HttpAnswer.Json("""{"errcode":45009,"errmsg":"api freq out of limit"}""")
            : HttpAnswer.Json("""{"errcode":0,"errmsg":"ok"}"""));
        var alerts = await rig.InstanceAsync();
        var t0 = rig.Clock.GetUtcNow();
        var ids = await rig.AddAsync(Incident("m1", t0, Severity.High) with { ActionStatus = ActionStatus.Pending });
        var sent = t0.AddSeconds(60) + AlertService.ActionsSettleLimit;
        await rig.LookAtAsync(alerts, sent);
        await rig.Store.UpdateActionAsync(ids, ActionStatus.Failed, "bot is not an admin", ActionErrorKind.NotPermitted, CancellationToken.None);
        foreach (var minutes in new[] { 1, 3, 7, 15 })
        {
            await rig.LookAtAsync(alerts, sent.AddMinutes(minutes));
        }

        Assert.Equal(DigestStatus.Partial, Assert.Single(await rig.OutboxAsync(), r => r.Leader == "alert:office").Status);
        await rig.LookAtAsync(alerts, sent.AddMinutes(15).AddSeconds(2));

        var followUp = Assert.Single(rig.Robot.Requests, r => r.RawQuery("key") == "alert-test-key" && Content(r).StartsWith("### 跟进：", StringComparison.Ordinal));
        Assert.StartsWith(
            "### 跟进：群管告警：1 条违规消息（office）\n11月26日 18:02 的告警中待处置的 1 条消息：1 条撤回失败。\n",
            Content(followUp),
            StringComparison.Ordinal);
        Assert.DoesNotContain("原告警", Content(followUp), StringComparison.Ordinal);
        var spare = Assert.Single(rig.Robot.Requests, r => r.RawQuery("key") == "spare-key" && Content(r).StartsWith("### 跟进：", StringComparison.Ordinal));
        Assert.StartsWith(
            "### 跟进：群管告警：1 条违规消息（office）\n原告警未能在此送达（发送失败），原文如下，其后是其中待处置消息的结果。\n\n**原告警**\n11月26日 18:00:00 起",
            Content(spare),
            StringComparison.Ordinal);
        Assert.Contains("\n**处置结果**\n11月26日 18:02 的告警中待处置的 1 条消息：1 条撤回失败。\n", Content(spare), StringComparison.Ordinal);
        Assert.Equal(DigestStatus.Sent, Assert.Single(await rig.OutboxAsync(), r => r.Leader == "alert-followup:office").Status);
    }

    [Fact]
    public async Task An_alert_and_its_follow_up_name_a_group_renamed_in_the_window_by_its_newest_name()
    {
        await using var rig = await AlertRig.StartAsync();
        var alerts = await rig.InstanceAsync();
        var t0 = rig.Clock.GetUtcNow();
        // The most severe, listed first, was sent under the group's old name; the group was renamed before the next.
        var ids = await rig.AddAsync(
            Incident("m1", t0, Severity.Critical, rule: "fraud.transfer", category: "fraud") with { ActionStatus = ActionStatus.Pending, GroupName = "二年级家长群" },
            Incident("m2", t0.AddSeconds(20), Severity.High) with { GroupName = "二年级（3）班家长群" },
            Incident("m3", t0.AddSeconds(30), Severity.High, group: "654321"));
        var sent = t0.AddSeconds(60) + AlertService.ActionsSettleLimit;
        await rig.LookAtAsync(alerts, sent);
        await rig.Store.UpdateActionAsync([ids[0]], ActionStatus.Failed, "bot is not an admin", ActionErrorKind.NotPermitted, CancellationToken.None);
        await rig.LookAtAsync(alerts, sent.AddSeconds(20));

        Assert.Equal(2, rig.Alerts.Count);
        var (alert, followUp) = (rig.Alerts[0], rig.Alerts[1]);
        Assert.Contains("- [严重] 11-26 18:00:00 二年级（3）班家长群（123456） ", alert, StringComparison.Ordinal);
        Assert.Contains("- [高] 11-26 18:00:20 二年级（3）班家长群（123456） ", alert, StringComparison.Ordinal);
        Assert.Contains("- [高] 11-26 18:00:30 群 654321 ", alert, StringComparison.Ordinal); // a group none names, by its id
        Assert.DoesNotContain("二年级家长群", alert, StringComparison.Ordinal);
        Assert.Contains($"- [严重] 11-26 18:00:00 二年级（3）班家长群（123456） 20002：撤回失败", followUp, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_follow_up_that_cannot_be_stored_past_its_bound_is_counted_for_healthz_until_it_goes_out()
    {
        await using var rig = await AlertRig.StartAsync();
        FailingOutbox? failing = null;
        rig.Outbox = outbox => failing = new FailingOutbox(outbox) { Leader = "alert-followup:office", FailuresLeft = int.MaxValue };
        var alerts = await rig.InstanceAsync();
        var t0 = rig.Clock.GetUtcNow();
        var ids = await rig.AddAsync(Incident("m1", t0, Severity.High) with { ActionStatus = ActionStatus.Pending });
        var sent = t0.AddSeconds(60) + AlertService.ActionsSettleLimit;
        await rig.LookAtAsync(alerts, sent);
        await rig.Store.UpdateActionAsync(ids, ActionStatus.Failed, "bot is not an admin", ActionErrorKind.NotPermitted, CancellationToken.None);

        await rig.LookAtAsync(alerts, sent.AddMinutes(1)); // due, not stored: within its bound
        Assert.Empty(alerts.OverdueFollowUps);

        await rig.LookAtAsync(alerts, sent + AlertService.FollowUpLimit);
        Assert.Equal(1, alerts.OverdueFollowUps["office"]);
        Assert.Equal(
            ["alert office: 1 follow-up(s) not sent 15 minutes after their alert; see the log"],
            GroupGuard.Host.Health.HealthEndpoint.Problems(new GroupGuard.Core.Rules.RuleSetStatus("rules", sent, [], []), [], [], sent, overdueFollowUps: alerts.OverdueFollowUps));

        failing!.FailuresLeft = 0;
        await rig.LookAtAsync(alerts, sent + AlertService.FollowUpLimit + AlertService.PollInterval);
        Assert.Empty(alerts.OverdueFollowUps);
        Assert.StartsWith("### 跟进：", rig.Alerts[^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_a_quiet_period_a_lone_incident_goes_out_once_the_pause_has_passed_not_a_minute_later()
    {
        await using var rig = await AlertRig.StartAsync(new() { ["GroupGuard:Alerts:0:QuietSeconds"] = "10" });
        var alerts = await rig.InstanceAsync();
        var t0 = rig.Clock.GetUtcNow();
        await rig.AddAsync(Incident("m1", t0, Severity.High));

        await rig.LookAtAsync(alerts, t0.AddSeconds(9));
        Assert.Empty(rig.Alerts);
        await rig.LookAtAsync(alerts, t0.AddSeconds(10));
        await rig.LookAtAsync(alerts, t0.AddSeconds(70));

        Assert.Contains("群管告警：1 条违规消息", Assert.Single(rig.Alerts), StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_a_quiet_period_a_burst_is_one_message_and_an_incident_after_a_pause_is_the_next()
    {
        await using var rig = await AlertRig.StartAsync(new() { ["GroupGuard:Alerts:0:QuietSeconds"] = "10" });
        var alerts = await rig.InstanceAsync();
        var t0 = rig.Clock.GetUtcNow();

        await rig.AddAsync(Incident("m1", t0, Severity.High));
        await rig.LookAtAsync(alerts, t0.AddSeconds(4));
        await rig.AddAsync(Incident("m2", t0.AddSeconds(4), Severity.High));
        await rig.LookAtAsync(alerts, t0.AddSeconds(8));
        await rig.AddAsync(Incident("m3", t0.AddSeconds(8), Severity.Critical));
        await rig.LookAtAsync(alerts, t0.AddSeconds(17));
        Assert.Empty(rig.Alerts); // 9 s after the last: the burst may go on

        await rig.LookAtAsync(alerts, t0.AddSeconds(18));
        Assert.Contains("群管告警：3 条违规消息", Assert.Single(rig.Alerts), StringComparison.Ordinal);

        await rig.AddAsync(Incident("m4", t0.AddSeconds(30), Severity.High));
        await rig.LookAtAsync(alerts, t0.AddSeconds(40));
        await rig.LookAtAsync(alerts, t0.AddSeconds(100));

        Assert.Equal(2, rig.Alerts.Count);
        Assert.Contains("群管告警：1 条违规消息", rig.Alerts[1], StringComparison.Ordinal);
        Assert.Equal([3, 1], (await rig.OutboxAsync()).Select(r => r.IncidentIds.Count));
    }

    [Fact]
    public async Task A_message_with_several_hits_is_listed_once_with_every_hit_masked_and_counted_once()
    {
        await using var rig = await AlertRig.StartAsync();
        var alerts = await rig.InstanceAsync();
        var t0 = rig.Clock.GetUtcNow();
        const string text = "低息贷款当天放款联系13812345678";
        // A loan advert with a phone number: two hits at the rule's severity and one below it (not alerted on, still masked).
        await rig.AddAsync(
            Incident("m1", t0, Severity.High, rule: "fraud.loan", category: "fraud") with { MessageText = text, Spans = [new EvidenceSpan(0, 4)] },
            Incident("m1", t0, Severity.High, rule: "ads.contact") with { MessageText = text, Spans = [new EvidenceSpan(8, 2)] },
            Incident("m1", t0, Severity.Medium, rule: "fraud.fast-loan", category: "fraud") with { MessageText = text, Spans = [new EvidenceSpan(6, 2)] },
            Incident("m2", t0.AddSeconds(1), Severity.High));

        await rig.LookAtAsync(alerts, t0.AddSeconds(60));

        var alert = Assert.Single(rig.Alerts);
        Assert.Contains("群管告警：2 条违规消息（office）", alert, StringComparison.Ordinal);
        Assert.Contains("发现 2 条严重程度为「高」及以上的违规消息（3 次命中）", alert, StringComparison.Ordinal);
        var line = Assert.Single(alert.Split('\n'), l => l.Contains("当天", StringComparison.Ordinal));
        // An advert's words read, its contact masked, the hit below the rule's severity (放款) as the
        // others (the robot's Markdown shows * as ＊).
        Assert.Contains("「低息贷款当天放款联系＊＊＊＊＊＊＊＊＊＊＊」", line, StringComparison.Ordinal);
        Assert.Contains("fraud.loan", line, StringComparison.Ordinal);
        Assert.Contains("ads.contact", line, StringComparison.Ordinal);
        Assert.DoesNotContain("fraud.fast-loan", alert, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Three_incidents_within_the_window_arrive_as_one_message()
    {
        await using var rig = await AlertRig.StartAsync();
        var alerts = await rig.InstanceAsync();
        var t0 = rig.Clock.GetUtcNow();

        await rig.AddAsync(Incident("m1", t0, Severity.High));
        await rig.LookAtAsync(alerts, t0.AddSeconds(20));
        await rig.AddAsync(Incident("m2", t0.AddSeconds(20), Severity.Critical, rule: "fraud.transfer", category: "fraud"));
        await rig.LookAtAsync(alerts, t0.AddSeconds(59));
        await rig.AddAsync(Incident("m3", t0.AddSeconds(59), Severity.High, group: "654321"));
        await rig.LookAtAsync(alerts, t0.AddSeconds(60));
        await rig.LookAtAsync(alerts, t0.AddSeconds(90));

        var alert = Assert.Single(rig.Alerts);
        Assert.Contains("群管告警：3 条违规消息", alert, StringComparison.Ordinal);
        Assert.Contains("[严重]", alert, StringComparison.Ordinal);
        Assert.Contains("诈骗", alert, StringComparison.Ordinal);
        Assert.Contains("群 654321", alert, StringComparison.Ordinal);
        Assert.True(alert.IndexOf("[严重]", StringComparison.Ordinal) < alert.IndexOf("[高]", StringComparison.Ordinal), "the most severe first");
        var record = Assert.Single(await rig.OutboxAsync());
        Assert.Equal(3, record.IncidentIds.Count);
        Assert.Equal(DigestStatus.Sent, record.Status);
    }

    [Fact]
    public async Task An_incident_after_the_window_is_a_second_message()
    {
        await using var rig = await AlertRig.StartAsync();
        var alerts = await rig.InstanceAsync();
        var t0 = rig.Clock.GetUtcNow();

        await rig.AddAsync(Incident("m1", t0, Severity.High));
        await rig.LookAtAsync(alerts, t0.AddSeconds(60));
        await rig.AddAsync(Incident("m2", t0.AddSeconds(61), Severity.High) with { SenderName = "第二位" });
        await rig.LookAtAsync(alerts, t0.AddSeconds(90));
        Assert.Single(rig.Alerts); // the second one's window is open until 121 s

        await rig.LookAtAsync(alerts, t0.AddSeconds(121));

        Assert.Equal(2, rig.Alerts.Count);
        Assert.DoesNotContain("第二位", rig.Alerts[0], StringComparison.Ordinal);
        Assert.Contains("第二位", rig.Alerts[1], StringComparison.Ordinal);
        var records = await rig.OutboxAsync();
        Assert.Equal(2, records.Count);
        Assert.Equal(records[0].PeriodTo, records[1].PeriodFrom); // the second starts where the first ended
    }

    [Fact]
    public async Task An_incident_detected_in_the_window_but_stored_after_it_closed_is_in_that_alert()
    {
        await using var rig = await AlertRig.StartAsync();
        var alerts = await rig.InstanceAsync();
        var inFlight = rig.LastProvider!.GetRequiredService<GroupGuard.Host.Pipeline.IncidentsInFlight>();
        var t0 = rig.Clock.GetUtcNow();
        await rig.AddAsync(Incident("m1", t0, Severity.High));

        // The worker has decided a second incident at 30 s; its write is slow.
        rig.Clock.SetUtcNow(t0.AddSeconds(30));
        var flight = inFlight.Begin();
        await rig.LookAtAsync(alerts, t0.AddSeconds(60));
        await rig.LookAtAsync(alerts, t0.AddSeconds(62));
        Assert.Empty(rig.Alerts); // waiting for the write

        await rig.AddAsync(Incident("m2", flight.Now, Severity.High) with { SenderName = "慢一步" });
        flight.Dispose();
        await rig.LookAtAsync(alerts, t0.AddSeconds(64));

        var alert = Assert.Single(rig.Alerts);
        Assert.Contains("群管告警：2 条违规消息", alert, StringComparison.Ordinal);
        Assert.Contains("慢一步", alert, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_incident_another_instance_stores_after_the_alert_of_its_window_goes_out_in_the_next_alert()
    {
        await using var rig = await AlertRig.StartAsync();
        var t0 = rig.Clock.GetUtcNow();
        await using var first = await rig.InstanceScopeAsync();
        await rig.AddAsync(Incident("m1", t0, Severity.High));

        // The alert of m1's window goes out at 60 s; another instance detected m2 at 30 s but its
        // write commits only at 65 s (this instance cannot know of it: it is not its own in flight).
        await rig.LookAtAsync(first.Alerts, t0.AddSeconds(60));
        Assert.Single(rig.Alerts);
        rig.Clock.SetUtcNow(t0.AddSeconds(65));
        await rig.AddAsync(Incident("m2", t0.AddSeconds(30), Severity.High) with { SenderName = "晚到一步" });

        // Its window opens where the last alert ended, so it goes out a window later, once.
        await rig.LookAtAsync(first.Alerts, t0.AddSeconds(66));
        Assert.Single(rig.Alerts);
        await rig.LookAtAsync(first.Alerts, t0.AddSeconds(121));
        await rig.LookAtAsync(first.Alerts, t0.AddMinutes(5));

        Assert.Equal(2, rig.Alerts.Count);
        Assert.DoesNotContain("晚到一步", rig.Alerts[0], StringComparison.Ordinal);
        Assert.Contains("晚到一步", rig.Alerts[1], StringComparison.Ordinal);
        Assert.Contains("群管告警：1 条违规消息", rig.Alerts[1], StringComparison.Ordinal);
        var records = await rig.OutboxAsync();
        Assert.Equal(records[0].PeriodTo, records[1].PeriodFrom);
        Assert.Single(records[1].IncidentIds);
    }

    [Fact]
    public async Task A_late_incident_after_one_instance_sent_the_alert_goes_out_next_from_the_other()
    {
        await using var rig = await AlertRig.StartAsync(new() { ["GroupGuard:Alerts:0:QuietSeconds"] = "10" });
        var t0 = rig.Clock.GetUtcNow();
        await using var first = await rig.InstanceScopeAsync();
        await using var second = await rig.InstanceScopeAsync();
        await rig.AddAsync(Incident("m1", t0, Severity.High));

        // The first closes the window after a 10 s pause and sends it; then an incident detected at
        // 5 s commits late. The second, which sent nothing yet, continues after the first's alert.
        await rig.LookAtAsync(first.Alerts, t0.AddSeconds(11));
        await rig.AddAsync(Incident("m2", t0.AddSeconds(5), Severity.High) with { SenderName = "晚到一步" });
        await rig.LookAtAsync(second.Alerts, t0.AddSeconds(16));
        await rig.LookAtAsync(second.Alerts, t0.AddSeconds(40));
        await rig.LookAtAsync(first.Alerts, t0.AddSeconds(42));

        var records = await rig.OutboxAsync();
        Assert.Equal(2, records.Count);
        Assert.Equal(records[0].PeriodTo, records[1].PeriodFrom);
        Assert.Equal(2, rig.Alerts.Count);
        Assert.Contains("晚到一步", rig.Alerts[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_low_incident_does_not_alert()
    {
        await using var rig = await AlertRig.StartAsync();
        var alerts = await rig.InstanceAsync();
        var t0 = rig.Clock.GetUtcNow();

        await rig.AddAsync(Incident("m1", t0, Severity.Low), Incident("m2", t0.AddSeconds(1), Severity.Medium));
        await rig.LookAtAsync(alerts, t0.AddSeconds(60));
        await rig.LookAtAsync(alerts, t0.AddMinutes(5));

        Assert.Empty(rig.Alerts);
        Assert.Empty(await rig.OutboxAsync());
    }

    [Fact]
    public async Task An_incident_in_a_group_the_rule_does_not_list_does_not_alert()
    {
        await using var rig = await AlertRig.StartAsync(new() { ["GroupGuard:Alerts:0:Groups:0"] = "123456" });
        var alerts = await rig.InstanceAsync();
        var t0 = rig.Clock.GetUtcNow();

        await rig.AddAsync(Incident("m1", t0, Severity.Critical, group: "999999"));
        await rig.LookAtAsync(alerts, t0.AddSeconds(60));
        await rig.LookAtAsync(alerts, t0.AddMinutes(5));
        Assert.Empty(rig.Alerts);

        // The listed group does alert, whatever the platform.
        await rig.AddAsync(Incident("m2", t0.AddMinutes(5), Severity.High) with { Platform = "wechat", Protocol = Protocol.OneBotV12 });
        await rig.LookAtAsync(alerts, t0.AddMinutes(6));
        Assert.Single(rig.Alerts);
    }

    [Fact]
    public async Task A_restarted_service_does_not_send_the_alert_again_and_alerts_on_what_comes_next()
    {
        await using var rig = await AlertRig.StartAsync();
        var t0 = rig.Clock.GetUtcNow();
        await using (var first = await rig.InstanceScopeAsync())
        {
            await rig.AddAsync(Incident("m1", t0, Severity.High));
            await rig.LookAtAsync(first.Alerts, t0.AddSeconds(60));
            Assert.Single(rig.Alerts);
        }

        // A new instance over the same database, with nothing in memory.
        await using var second = await rig.InstanceScopeAsync();
        await rig.LookAtAsync(second.Alerts, t0.AddSeconds(62));
        await rig.LookAtAsync(second.Alerts, t0.AddMinutes(3));
        Assert.Single(rig.Alerts);

        await rig.AddAsync(Incident("m2", t0.AddMinutes(3), Severity.High));
        await rig.LookAtAsync(second.Alerts, t0.AddMinutes(4));
        Assert.Equal(2, rig.Alerts.Count);
    }

    [Fact]
    public async Task Inserting_a_rule_before_rules_without_a_name_sends_none_of_their_alerts_again()
    {
        await using var rig = await AlertRig.StartAsync(new()
        {
            ["GroupGuard:Alerts:0:Name"] = "",
            ["GroupGuard:Alerts:0:Groups:0"] = "111111",
            ["GroupGuard:Alerts:1:Groups:0"] = "222222",
            ["GroupGuard:Alerts:1:Channels:0"] = "office-robot",
            ["GroupGuard:Alerts:1:QuietSeconds"] = "0",
        });
        var t0 = rig.Clock.GetUtcNow();
        await using (var before = await rig.InstanceScopeAsync())
        {
            await rig.AddAsync(Incident("m1", t0, Severity.High, group: "222222") with { SenderName = "第一位" });
            await rig.LookAtAsync(before.Alerts, t0.AddSeconds(60));
            Assert.Contains("第一位", Assert.Single(rig.Alerts), StringComparison.Ordinal);
        }

        // The operator puts a rule for another group first: each rule after it moves down one place.
        rig.Set("GroupGuard:Alerts:0:Groups:0", "333333");
        rig.Set("GroupGuard:Alerts:1:Groups:0", "111111");
        rig.Set("GroupGuard:Alerts:2:Groups:0", "222222");
        rig.Set("GroupGuard:Alerts:2:Channels:0", "office-robot");
        rig.Set("GroupGuard:Alerts:2:QuietSeconds", "0");
        await using var after = await rig.InstanceScopeAsync();
        await rig.LookAtAsync(after.Alerts, t0.AddMinutes(3));
        await rig.LookAtAsync(after.Alerts, t0.AddMinutes(5));
        Assert.Single(rig.Alerts);

        await rig.AddAsync(Incident("m2", t0.AddMinutes(5), Severity.High, group: "222222") with { SenderName = "第二位" });
        await rig.LookAtAsync(after.Alerts, t0.AddMinutes(7));
        Assert.Equal(2, rig.Alerts.Count);
        Assert.Contains("第二位", rig.Alerts[1], StringComparison.Ordinal);
        Assert.DoesNotContain("第一位", rig.Alerts[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task After_an_upgrade_a_rule_without_a_name_does_not_send_what_it_sent_under_its_old_name()
    {
        await using var rig = await AlertRig.StartAsync(new() { ["GroupGuard:Alerts:0:Name"] = "" });
        var t0 = rig.Clock.GetUtcNow();
        await using var instance = await rig.InstanceScopeAsync();
        var first = Incident("m1", t0, Severity.High) with { SenderName = "第一位" };
        await rig.AddAsync(first);

        // The alert an earlier version sent for it, under the name it gave the first rule then.
        var outbox = instance.Services.GetRequiredService<IDigestOutbox>();
        var sent = await outbox.CreateAsync(new DigestRecord
        {
            Leader = "alert:alert-0",
            PeriodFrom = t0.AddMinutes(-1),
            PeriodTo = t0.AddSeconds(60),
            Status = DigestStatus.Sent,
            CreatedAt = t0.AddSeconds(60),
            Title = "群管告警",
            Markdown = "",
            Text = "",
            Html = "",
            IncidentIds = [first.Id],
            Channels = new Dictionary<string, ChannelOutcome> { ["office-robot"] = new ChannelOutcome(ChannelStatus.Pending, 0, null, null) },
        }, CancellationToken.None);
        await outbox.UpdateChannelAsync(sent.Id, "office-robot", new ChannelOutcome(ChannelStatus.Sent, 1, null, t0.AddSeconds(60)), CancellationToken.None);

        await rig.LookAtAsync(instance.Alerts, t0.AddMinutes(2));
        await rig.LookAtAsync(instance.Alerts, t0.AddMinutes(4));
        Assert.Empty(rig.Alerts);

        await rig.AddAsync(Incident("m2", t0.AddMinutes(4), Severity.High) with { SenderName = "第二位" });
        await rig.LookAtAsync(instance.Alerts, t0.AddMinutes(6));
        var alert = Assert.Single(rig.Alerts);
        Assert.Contains("第二位", alert, StringComparison.Ordinal);
        Assert.DoesNotContain("第一位", alert, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Two_rules_without_a_name_that_take_the_same_incidents_stop_the_start()
    {
        await using var rig = await AlertRig.StartAsync(new()
        {
            ["GroupGuard:Alerts:0:Name"] = "",
            ["GroupGuard:Alerts:1:Groups:0"] = "*",
            ["GroupGuard:Alerts:1:Channels:0"] = "OFFICE-ROBOT",
            ["GroupGuard:Alerts:1:MinSeverity"] = "High",
        });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(rig.InstanceAsync);

        Assert.Contains("GroupGuard:Alerts:1 takes what another rule without a name takes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Two_instances_on_one_database_send_an_alert_once()
    {
        await using var rig = await AlertRig.StartAsync();
        var t0 = rig.Clock.GetUtcNow();
        await using var first = await rig.InstanceScopeAsync();
        await using var second = await rig.InstanceScopeAsync();

        await rig.AddAsync(Incident("m1", t0, Severity.High));
        rig.Clock.SetUtcNow(t0.AddSeconds(60));
        await Task.WhenAll(first.Alerts.TickAsync(CancellationToken.None), second.Alerts.TickAsync(CancellationToken.None));
        await rig.LookAtAsync(first.Alerts, t0.AddSeconds(62));
        await rig.LookAtAsync(second.Alerts, t0.AddSeconds(64));

        Assert.Single(rig.Alerts);
        Assert.Single(await rig.OutboxAsync());
    }

    [Fact]
    public async Task A_channel_that_fails_is_tried_again_and_the_alert_arrives_once()
    {
        await using var rig = await AlertRig.StartAsync();
        var alerts = await rig.InstanceAsync();
        var t0 = rig.Clock.GetUtcNow();
        rig.Robot.Respond(_ => HttpAnswer.Json("""{"errcode":45009,"errmsg":"api freq out of limit"}"""));

        await rig.AddAsync(Incident("m1", t0, Severity.High));
        await rig.LookAtAsync(alerts, t0.AddSeconds(60));
        Assert.Single(rig.Robot.Requests);
        var failed = Assert.Single(await rig.OutboxAsync());
        Assert.Equal(DigestStatus.Pending, failed.Status);
        Assert.Contains("45009", failed.Channels["office-robot"].Error, StringComparison.Ordinal);

        rig.Robot.Respond(_ => HttpAnswer.Json("""{"errcode":0,"errmsg":"ok"}"""));
        await rig.LookAtAsync(alerts, t0.AddSeconds(62)); // backing off: not yet
        Assert.Single(rig.Robot.Requests);
        await rig.LookAtAsync(alerts, t0.AddSeconds(121)); // a minute after the failure
        await rig.LookAtAsync(alerts, t0.AddMinutes(5));
        await rig.LookAtAsync(alerts, t0.AddMinutes(20));

        Assert.Equal(2, rig.Robot.Requests.Count);
        Assert.Equal(rig.Alerts[0], rig.Alerts[1]); // the same message
        var sent = Assert.Single(await rig.OutboxAsync());
        Assert.Equal(DigestStatus.Sent, sent.Status);
        Assert.Equal(2, sent.Channels["office-robot"].Attempts);
    }

    [Fact]
    public async Task An_alert_a_retry_delivers_minutes_after_it_was_due_says_it_is_late_and_when_it_was_due()
    {
        await using var rig = await AlertRig.StartAsync();
        var alerts = await rig.InstanceAsync();
        var t0 = rig.Clock.GetUtcNow();
        rig.Robot.Respond(_ => HttpAnswer.Json("""{"errcode":45009,"errmsg":"api freq out of limit"}"""));
        await rig.AddAsync(Incident("m1", t0, Severity.High));

        await rig.LookAtAsync(alerts, t0.AddSeconds(60)); // due at 18:01, refused
        await rig.LookAtAsync(alerts, t0.AddSeconds(121)); // refused again a minute on: not late yet
        rig.Robot.Respond(_ => HttpAnswer.Json("""{"errcode":0,"errmsg":"ok"}"""));
        await rig.LookAtAsync(alerts, t0.AddMinutes(8)); // the next retry finds the robot back, seven minutes after it was due

        var sent = rig.Alerts;
        Assert.Equal(3, sent.Count);
        Assert.StartsWith("### 群管告警：1 条违规消息（office）\n", sent[1], StringComparison.Ordinal);
        Assert.StartsWith("### 群管告警（延迟送达：应于 18:01 发出）：1 条违规消息（office）\n", sent[2], StringComparison.Ordinal);
        Assert.Equal(sent[0][sent[0].IndexOf('\n', StringComparison.Ordinal)..], sent[2][sent[2].IndexOf('\n', StringComparison.Ordinal)..]); // otherwise the same message
        Assert.Equal(DigestStatus.Sent, Assert.Single(await rig.OutboxAsync()).Status);
        Assert.DoesNotContain("延迟送达", Assert.Single(await rig.OutboxAsync()).Markdown, StringComparison.Ordinal); // as it was made
    }

    [Fact]
    public async Task A_rule_whose_alert_cannot_be_stored_holds_back_no_other_rule_and_is_tried_again()
    {
        await using var rig = await AlertRig.StartAsync(new()
        {
            ["GroupGuard:Alerts:1:Name"] = "school",
            ["GroupGuard:Alerts:1:Groups:0"] = "*",
            ["GroupGuard:Alerts:1:Channels:0"] = "office-robot",
            ["GroupGuard:Alerts:1:QuietSeconds"] = "0",
        });
        FailingOutbox? failing = null;
        rig.Outbox = outbox => failing = new FailingOutbox(outbox) { Leader = "alert:office", FailuresLeft = int.MaxValue };
        var alerts = await rig.InstanceAsync();
        var t0 = rig.Clock.GetUtcNow();

        // The first rule's alert cannot be stored (a text the database refuses, a failover): the
        // look went no further, and no rule after it alerted again.
        await rig.AddAsync(Incident("m1", t0, Severity.High));
        await rig.LookAtAsync(alerts, t0.AddSeconds(60));
        await rig.LookAtAsync(alerts, t0.AddSeconds(62));
        Assert.Contains("群管告警：1 条违规消息（school）", Assert.Single(rig.Alerts), StringComparison.Ordinal);

        // Once it can be stored, the first rule's alert goes out too, once.
        failing!.FailuresLeft = 0;
        await rig.LookAtAsync(alerts, t0.AddSeconds(64));
        await rig.LookAtAsync(alerts, t0.AddSeconds(66));
        Assert.Equal(2, rig.Alerts.Count);
        Assert.Contains("群管告警：1 条违规消息（office）", rig.Alerts[1], StringComparison.Ordinal);
        Assert.Equal(["alert:office", "alert:school"], (await rig.OutboxAsync()).Select(r => r.Leader).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_part_the_robot_refused_is_sent_again_alone_and_the_leader_sees_each_part_once()
    {
        await using var rig = await AlertRig.StartAsync();
        var alerts = await rig.InstanceAsync();
        var t0 = rig.Clock.GetUtcNow();
        var answered = 0;
        rig.Robot.Respond(_ => Interlocked.Increment(ref answered) == 2
            ? HttpAnswer.Json("""{"errcode":45009,"errmsg":"api freq out of limit"}""")
            : HttpAnswer.Json("""{"errcode":0,"errmsg":"ok"}"""));
        await rig.AddAsync(LongAlert(t0));

        await rig.LookAtAsync(alerts, t0.AddSeconds(60));
        Assert.Equal(2, rig.Robot.Requests.Count);
        var failed = Assert.Single(await rig.OutboxAsync());
        Assert.Contains("part 2 of 2", failed.Channels["office-robot"].Error, StringComparison.Ordinal);
        Assert.Equal(1, failed.Channels["office-robot"].PartsDelivered);

        await rig.LookAtAsync(alerts, t0.AddSeconds(121)); // a minute after the failure
        await rig.LookAtAsync(alerts, t0.AddMinutes(20));

        // The retry posts part 2 alone: the group sees part 1 once, then part 2.
        Assert.Equal(3, rig.Robot.Requests.Count);
        Assert.Equal(rig.Alerts[1], rig.Alerts[2]);
        var sent = Assert.Single(await rig.OutboxAsync());
        Assert.Equal(DigestStatus.Sent, sent.Status);
        Assert.Equal(sent.Markdown, rig.Alerts[0] + rig.Alerts[2]);
        Assert.Equal(2, sent.Channels["office-robot"].Attempts);
    }

    [Fact]
    public async Task After_a_stop_between_two_parts_the_next_instance_posts_only_the_part_that_had_not_arrived()
    {
        await using var rig = await AlertRig.StartAsync();
        var t0 = rig.Clock.GetUtcNow();
        var answered = 0;
        rig.Robot.Handler = (_, stopping) => Interlocked.Increment(ref answered) == 2
            ? new TaskCompletionSource<HttpAnswer>().Task.WaitAsync(stopping) // part 2 never answered
            : Task.FromResult(HttpAnswer.Json("""{"errcode":0,"errmsg":"ok"}"""));

        // The process stops (or dies) while the robot holds part 2: no outcome is recorded, and the
        // claim stays until it runs out.
        await using (var first = await rig.InstanceScopeAsync())
        {
            await rig.AddAsync(LongAlert(t0));
            using var stopping = new CancellationTokenSource();
            rig.Clock.SetUtcNow(t0.AddSeconds(60));
            var look = first.Alerts.TickAsync(stopping.Token);
            await rig.Robot.WaitForRequestsAsync(2);
            await stopping.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => look);
        }

        await using var second = await rig.InstanceScopeAsync();
        await rig.LookAtAsync(second.Alerts, t0.AddSeconds(60) + DigestService.ClaimFor + TimeSpan.FromSeconds(1));
        await rig.LookAtAsync(second.Alerts, t0.AddMinutes(30));

        Assert.Equal(3, rig.Robot.Requests.Count);
        Assert.Equal(rig.Alerts[1], rig.Alerts[2]); // part 2 again, and part 1 not
        var sent = Assert.Single(await rig.OutboxAsync());
        Assert.Equal(DigestStatus.Sent, sent.Status);
        Assert.Equal(sent.Markdown, rig.Alerts[0] + rig.Alerts[2]);
    }

    [Fact]
    public async Task A_send_starts_after_the_parts_delivered_since_its_record_was_read()
    {
        // Another instance delivered part 1 after this one read the unfinished alerts, and failed
        // on part 2: this one's record says nothing was delivered, the outbox says one part was.
        await using var rig = await AlertRig.StartAsync();
        _ = await rig.InstanceAsync();
        var digests = rig.LastProvider!.GetRequiredService<DigestService>();
        var t0 = rig.Clock.GetUtcNow();
        var twoParts = string.Concat(Enumerable.Range(1, 80).Select(i => $"- 第 {i} 条：测试群成员发布违规广告，已撤回并禁言十分钟。\n"));
        var record = await digests.Outbox.CreateAsync(new DigestRecord
        {
            Leader = "alert:office", PeriodFrom = t0, PeriodTo = t0.AddSeconds(60), Status = DigestStatus.Pending, CreatedAt = t0,
            Title = "群管告警", Markdown = twoParts, Text = "群管告警", Html = "<p>群管告警</p>", IncidentIds = [],
            Channels = new Dictionary<string, ChannelOutcome> { ["office-robot"] = new(ChannelStatus.Pending, 0, null, null) },
        }, CancellationToken.None);
        var read = Assert.Single(await digests.Outbox.UnfinishedAsync(DigestService.MaxAttempts, CancellationToken.None));
        await digests.Outbox.RecordPartsDeliveredAsync(record.Id, "office-robot", 1, CancellationToken.None);
        await digests.Outbox.UpdateChannelAsync(record.Id, "office-robot", new ChannelOutcome(ChannelStatus.Pending, 1, "errcode 45009", null), CancellationToken.None);

        await digests.SendAsync(read, CancellationToken.None);

        var part = Assert.Single(rig.Alerts);
        Assert.EndsWith(part, record.Markdown, StringComparison.Ordinal);
        Assert.NotEqual(record.Markdown, part);
        Assert.Equal(DigestStatus.Sent, Assert.Single(await rig.OutboxAsync()).Status);
    }

    [Fact]
    public async Task A_message_of_more_parts_than_the_robot_takes_a_minute_arrives_whole_over_its_retries()
    {
        // WeCom takes 20 messages a minute from a robot and refuses the 21st (45009). A retry that
        // started from part 1 again would post parts 1 to 20 on every try and never part 21.
        await using var rig = await AlertRig.StartAsync();
        _ = await rig.InstanceAsync();
        var digests = rig.LastProvider!.GetRequiredService<DigestService>();
        var perMinute = new Dictionary<long, int>();
        rig.Robot.Respond(_ =>
        {
            lock (perMinute)
            {
                var minute = rig.Clock.GetUtcNow().ToUnixTimeSeconds() / 60;
                perMinute[minute] = perMinute.GetValueOrDefault(minute) + 1;
                return perMinute[minute] > 20
                    ? HttpAnswer.Json("""{"errcode":45009,"errmsg":"api freq out of limit"}""")
                    : HttpAnswer.Json("""{"errcode":0,"errmsg":"ok"}""");
            }
        });
        var t0 = rig.Clock.GetUtcNow();
        var markdown = string.Concat(Enumerable.Range(1, 1000).Select(i => $"- 第 {i} 条：测试群成员发布违规广告，已撤回并禁言十分钟。\n")); // about 25 parts
        var record = await digests.Outbox.CreateAsync(new DigestRecord
        {
            Leader = "王主任", PeriodFrom = t0.AddDays(-1), PeriodTo = t0, Status = DigestStatus.Pending, CreatedAt = t0,
            Title = "群管日报", Markdown = markdown, Text = "群管日报", Html = "<p>群管日报</p>", IncidentIds = [],
            Channels = new Dictionary<string, ChannelOutcome> { ["office-robot"] = new(ChannelStatus.Pending, 0, null, null) },
        }, CancellationToken.None);

        await digests.SendAsync(record, CancellationToken.None);
        foreach (var minutes in new[] { 1, 3, 7, 15 }) // the retries' backoff: 1, 2, 4, 8 minutes
        {
            rig.Clock.SetUtcNow(t0.AddMinutes(minutes));
            await digests.RetryAsync(CancellationToken.None);
        }

        var accepted = rig.Robot.Requests.Select(Content).Where((_, i) => i != 20).ToList(); // the 21st was refused
        Assert.True(accepted.Count > 20, $"{accepted.Count} parts");
        Assert.Equal(accepted.Count + 1, rig.Robot.Requests.Count);
        Assert.Equal(markdown, string.Concat(accepted)); // each part once, in order
        var stored = Assert.Single(await rig.OutboxAsync());
        Assert.Equal(DigestStatus.Sent, stored.Status);
        Assert.Equal(2, stored.Channels["office-robot"].Attempts);
    }

    [Fact]
    public async Task A_leader_naming_one_channel_twice_in_different_case_gets_the_digest_once()
    {
        await using var rig = await AlertRig.StartAsync(new()
        {
            ["GroupGuard:Leaders:0:Name"] = "王主任",
            ["GroupGuard:Leaders:0:Groups:0"] = "*",
            ["GroupGuard:Leaders:0:Channels:0"] = "office-robot",
            ["GroupGuard:Leaders:0:Channels:1"] = "Office-Robot",
        });
        _ = await rig.InstanceAsync();
        var digests = rig.LastProvider!.GetRequiredService<DigestService>();
        var leader = Assert.Single(digests.Leaders);

        var record = await digests.RunAsync(leader, rig.Clock.GetUtcNow(), CancellationToken.None);

        Assert.NotNull(record);
        Assert.Equal(["office-robot"], record.Channels.Keys);
        Assert.Contains("群管报告", Assert.Single(rig.Alerts), StringComparison.Ordinal); // made at 18:00, between fires of the daily 08:00 schedule
        Assert.Equal(DigestStatus.Sent, Assert.Single(await rig.OutboxAsync()).Status);
    }

    [Fact]
    public async Task Two_alerts_300_ms_apart_to_the_file_channel_are_two_files()
    {
        using var folder = new TempFolder();
        await using var rig = await AlertRig.StartAsync(new()
        {
            ["GroupGuard:Channels:archive:Type"] = "file",
            ["GroupGuard:Channels:archive:Path"] = folder.Path,
            ["GroupGuard:Alerts:0:Channels:0"] = "archive",
            ["GroupGuard:Alerts:0:CoalesceSeconds"] = "0",
        });
        var alerts = await rig.InstanceAsync();
        var t0 = rig.Clock.GetUtcNow();

        await rig.AddAsync(Incident("m1", t0, Severity.High) with { SenderName = "第一位" });
        await rig.LookAtAsync(alerts, t0.AddMilliseconds(200));
        await rig.AddAsync(Incident("m2", t0.AddMilliseconds(300), Severity.High) with { SenderName = "第二位" });
        await rig.LookAtAsync(alerts, t0.AddMilliseconds(500));

        var records = await rig.OutboxAsync();
        Assert.Equal(2, records.Count);
        Assert.All(records, r => Assert.Equal(DigestStatus.Sent, r.Status));
        var files = Directory.GetFiles(folder.Path).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(2, files.Count);
        Assert.Contains("第一位", await File.ReadAllTextAsync(files[0]), StringComparison.Ordinal);
        Assert.Contains("第二位", await File.ReadAllTextAsync(files[1]), StringComparison.Ordinal);
    }

    /// <summary>Twenty incidents with long messages: an alert WeCom takes in two parts.</summary>
    private static Incident[] LongAlert(DateTimeOffset t0) =>
        [.. Enumerable.Range(0, 20).Select(i => Incident($"l{i}", t0.AddSeconds(i), Severity.High) with { SenderName = "发广告的人" + new string('甲', 20) + i, MessageText = new string('广', 300) + i })];

    [Fact]
    public async Task A_flood_is_one_message_that_lists_twenty_and_counts_the_rest_within_the_robots_limit()
    {
        await using var rig = await AlertRig.StartAsync();
        var alerts = await rig.InstanceAsync();
        var t0 = rig.Clock.GetUtcNow();
        var flood = Enumerable.Range(0, 45)
            .Select(i => Incident($"f{i}", t0.AddSeconds(i), Severity.High) with { MessageText = new string('广', 300) + i })
            .ToArray();
        await rig.AddAsync(flood);

        await rig.LookAtAsync(alerts, t0.AddSeconds(60));

        var record = Assert.Single(await rig.OutboxAsync());
        Assert.Equal(45, record.IncidentIds.Count);
        Assert.Contains("群管告警：45 条违规消息", record.Markdown, StringComparison.Ordinal);
        Assert.Contains("还有 25 条", record.Markdown, StringComparison.Ordinal);
        Assert.Equal(20, record.Markdown.Split('\n').Count(l => l.StartsWith("- [高]", StringComparison.Ordinal)));
        Assert.All(rig.Robot.Requests, r => Assert.True(Encoding.UTF8.GetByteCount(Content(r)) <= 4096));
        Assert.Equal(record.Markdown, string.Concat(rig.Robot.Requests.Select(Content))); // in parts, all of it
    }

    [Fact]
    public async Task A_flood_of_hundreds_lists_its_most_severe_twenty_wherever_they_came_in_it()
    {
        // Past four screens of incidents the service keeps only the twenty it may show as it reads:
        // the critical ones near the end must survive that.
        await using var rig = await AlertRig.StartAsync();
        var alerts = await rig.InstanceAsync();
        var t0 = rig.Clock.GetUtcNow();
        var flood = Enumerable.Range(0, 300)
            .Select(i => i % 100 == 97
                ? Incident($"f{i}", t0.AddMilliseconds(150 * i), Severity.Critical, rule: "fraud.transfer", category: "fraud") with { SenderName = "骗子" + "甲乙丙"[i / 100] }
                : Incident($"f{i}", t0.AddMilliseconds(150 * i), Severity.High))
            .ToArray();
        await rig.AddAsync(flood);

        await rig.LookAtAsync(alerts, t0.AddSeconds(60));

        var record = Assert.Single(await rig.OutboxAsync());
        Assert.Equal(300, record.IncidentIds.Count);
        Assert.Contains("群管告警：300 条违规消息", record.Markdown, StringComparison.Ordinal);
        Assert.Contains("还有 280 条", record.Markdown, StringComparison.Ordinal);
        var listed = record.Markdown.Split('\n').Where(l => l.StartsWith("- [", StringComparison.Ordinal)).ToList();
        Assert.Equal(20, listed.Count);
        Assert.All(listed.Take(3), l => Assert.StartsWith("- [严重]", l, StringComparison.Ordinal));
        foreach (var sender in new[] { "骗子甲", "骗子乙", "骗子丙" })
        {
            Assert.Single(listed.Take(3), l => l.Contains(sender, StringComparison.Ordinal));
        }

        Assert.All(listed.Skip(3), l => Assert.StartsWith("- [高]", l, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Mistakes_in_the_alert_rules_stop_the_start_naming_each_setting()
    {
        await using var rig = await AlertRig.StartAsync(new()
        {
            ["GroupGuard:Alerts:0:Channels:0"] = "no-such-channel",
            ["GroupGuard:Alerts:0:CoalesceSeconds"] = "4000",
            ["GroupGuard:Alerts:0:QuietSeconds"] = "-1",
            ["GroupGuard:Alerts:0:MinSeverity"] = "urgent",
            ["GroupGuard:Alerts:1:Name"] = "office",
            ["GroupGuard:Alerts:1:Channels:0"] = "office-robot",
            ["GroupGuard:Alerts:2:Channels:0"] = "office-robot",
            ["GroupGuard:Alerts:3:Name"] = "grade2",
            ["GroupGuard:Alerts:3:Groups:0"] = "123456 ",
            ["GroupGuard:Alerts:3:Channels:0"] = "office-robot",
            ["GroupGuard:Leaders:0:Name"] = "alert:office",
            ["GroupGuard:Leaders:0:Groups:0"] = "*",
            ["GroupGuard:Leaders:0:Channels:0"] = "office-robot",
            ["GroupGuard:Leaders:1:Name"] = "alert-followup:office",
            ["GroupGuard:Leaders:1:Groups:0"] = "*",
            ["GroupGuard:Leaders:1:Channels:0"] = "office-robot",
        });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(rig.InstanceAsync);
        var leaders = Assert.Throws<OptionsValidationException>(() => rig.LastProvider!.GetRequiredService<IOptions<List<LeaderOptions>>>().Value);

        Assert.Contains("GroupGuard:Alerts:0:Channels names 'no-such-channel'", error.Message, StringComparison.Ordinal);
        Assert.Contains("GroupGuard:Alerts:0:CoalesceSeconds must be between 0 and 3600, got 4000", error.Message, StringComparison.Ordinal);
        Assert.Contains("GroupGuard:Alerts:0:QuietSeconds must be between 0 and 3600, got -1", error.Message, StringComparison.Ordinal);
        Assert.Contains("GroupGuard:Alerts:0:MinSeverity 'urgent'", error.Message, StringComparison.Ordinal);
        Assert.Contains("GroupGuard:Alerts:1:Name 'office' is used by another alert rule", error.Message, StringComparison.Ordinal);
        Assert.Contains("GroupGuard:Alerts:2:Groups must list group ids", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("GroupGuard:Alerts:2:Name", error.Message, StringComparison.Ordinal); // alert-2 by default
        Assert.Contains("GroupGuard:Alerts:3:Groups has '123456 ', which is no group id", error.Message, StringComparison.Ordinal);
        Assert.Contains("GroupGuard:Leaders:0:Name 'alert:office'", leaders.Message, StringComparison.Ordinal);
        Assert.Contains("GroupGuard:Leaders:1:Name 'alert-followup:office' starts with 'alert-followup:', which the outbox keeps for GroupGuard:Alerts", leaders.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_high_severity_message_through_the_webhook_makes_the_robot_receive_exactly_one_alert()
    {
        await using var robot = LoopbackHttpServer.Start();
        robot.Respond(_ => HttpAnswer.Json("""{"errcode":0,"errmsg":"ok"}"""));
        using var service = new GroupGuardFactory(new Dictionary<string, string?>
        {
            ["GroupGuard:Channels:office-robot:Type"] = "wecom",
            ["GroupGuard:Channels:office-robot:Url"] = robot.Url("/cgi-bin/webhook/send?key=e2e-key"),
            ["GroupGuard:Alerts:0:Name"] = "office",
            ["GroupGuard:Alerts:0:Groups:0"] = "*",
            ["GroupGuard:Alerts:0:Channels:0"] = "office-robot",
            ["GroupGuard:Alerts:0:CoalesceSeconds"] = "1", // not a minute of the test's time
        });

        await service.PostV11Async(GroupGuardFactory.GroupEvent(701, "加微信 了解一下")); // medium: in the digest only
        await service.PostV11Async(GroupGuardFactory.GroupEvent(702, "看看 https://win.xyz 有惊喜")); // high
        var high = Assert.Single(await service.IncidentsAfterAsync(2), i => i.Severity == Severity.High);

        // The alert's outcome recorded, then the alert service's next look: nothing more goes out.
        // Its own channel's outcome: the default leader's digest (08:00 Shanghai, 00:00 UTC, to a
        // file) records one too when the test runs across midnight UTC.
        await service.OutboxCalls.WaitForAsync(
            c => c.Method == nameof(IDigestOutbox.UpdateChannelAsync) && Equals(c.Arguments[1], "office-robot") && c.Failure is null,
            "the alert to be sent");
        var seen = service.OutboxCalls.Count;
        await service.OutboxCalls.WaitUntilAsync(
            calls => calls.Skip(seen).Any(c => c.Method == nameof(IDigestOutbox.LastPeriodAsync) && Equals(c.Arguments[0], "alert:office")),
            "the alert service's next look");

        var alert = Content(Assert.Single(robot.Requests));
        Assert.Contains("群管告警：1 条违规消息（office）", alert, StringComparison.Ordinal);
        Assert.Contains("二年级家长群（123456）", alert, StringComparison.Ordinal);
        Assert.Contains("ads.site", alert, StringComparison.Ordinal);
        Assert.DoesNotContain("ads.contact", alert, StringComparison.Ordinal);
        var record = Assert.Single(await ListAsync(service.Services.GetRequiredService<IDigestOutbox>()), r => r.Leader == "alert:office");
        Assert.Equal([high.Id], record.IncidentIds);
        Assert.Equal(DigestStatus.Sent, record.Status);
        var health = JsonNode.Parse(await service.CreateClient().GetStringAsync("/healthz"))!;
        var shown = Assert.Single(health["alerts"]!.AsArray());
        Assert.Equal("office", shown!["rule"]!.GetValue<string>());
        Assert.Equal("sent", shown["status"]!.GetValue<string>());
        Assert.DoesNotContain(health["digests"]!.AsArray(), d => d!["leader"]!.GetValue<string>() == "alert:office"); // an alert, not a digest
    }

    /// <summary>
    /// A fresh install (no leader, no alert configured) shows what an alert is: a high incident is
    /// written within seconds to a Markdown file of its own beside the digests (data/alerts), once.
    /// </summary>
    [Fact]
    public async Task With_nothing_configured_a_high_incident_is_written_at_once_to_the_default_alert_file()
    {
        using var service = new GroupGuardFactory();
        var rule = Assert.Single(service.Services.GetRequiredService<IOptionsMonitor<List<AlertRuleOptions>>>().CurrentValue);
        Assert.Equal("default", rule.Name);

        await service.PostV11Async(GroupGuardFactory.GroupEvent(711, "加微信 了解一下")); // medium: in the digest only
        await service.PostV11Async(GroupGuardFactory.GroupEvent(712, "看看 https://win.xyz 有惊喜")); // high
        var high = Assert.Single(await service.IncidentsAfterAsync(2), i => i.Severity == Severity.High);

        // The default rule waits QuietSeconds (10) after a lone incident, on the service's own clock.
        await service.OutboxCalls.WaitForAsync(
            c => c.Method == nameof(IDigestOutbox.UpdateChannelAsync) && Equals(c.Arguments[1], DigestRegistration.DefaultAlertChannel) && c.Failure is null,
            "the default alert to be written",
            TimeSpan.FromMinutes(2));

        var file = Assert.Single(Directory.GetFiles(Path.Combine(service.Folder, "data", "alerts"), "*.md"));
        Assert.StartsWith("alert_default-", Path.GetFileName(file), StringComparison.Ordinal);
        var text = await File.ReadAllTextAsync(file);
        Assert.Contains("群管告警：1 条违规消息（default）", text, StringComparison.Ordinal);
        Assert.Contains("ads.site", text, StringComparison.Ordinal);
        Assert.DoesNotContain("ads.contact", text, StringComparison.Ordinal);
        var record = Assert.Single(await ListAsync(service.Services.GetRequiredService<IDigestOutbox>()), r => r.Leader == "alert:default");
        Assert.Equal([high.Id], record.IncidentIds);
    }

    /// <summary>
    /// The default alert stands only while nothing names a leader or an alert, looked at on every read:
    /// an alert or a leader added to the settings file of a running service replaces it entirely (no
    /// "default" name, "*" group or file channel merged into theirs), and it comes back without them.
    /// </summary>
    [Fact]
    public void An_alert_or_a_leader_added_to_the_settings_file_replaces_the_default_alert_entirely()
    {
        const string nothing = """{ "GroupGuard": { "Channels": { "office-robot": { "Type": "file", "Path": "office" } } } }""";
        using var folder = new TempFolder();
        var file = folder.Write("appsettings.json", nothing);
        using var configuration = new ConfigurationManager();
        configuration.AddJsonFile(file, optional: false, reloadOnChange: false);
        DigestRegistration.AddDefaults(configuration);
        List<AlertRuleOptions> Alerts() => configuration.GetSection(AlertRuleOptions.Section).Get<List<AlertRuleOptions>>() ?? [];
        bool DefaultChannel() => configuration.GetSection($"GroupGuard:Channels:{DigestRegistration.DefaultAlertChannel}").Exists();

        var standing = Assert.Single(Alerts());
        Assert.Equal(("default", "high"), (standing.Name, standing.MinSeverity));
        Assert.Equal(["*"], standing.Groups);
        Assert.Equal([DigestRegistration.DefaultAlertChannel], standing.Channels);
        Assert.Equal("data/alerts", configuration[$"GroupGuard:Channels:{DigestRegistration.DefaultAlertChannel}:Path"]);

        File.WriteAllText(file, """
            { "GroupGuard": {
                "Alerts": [ { "Name": "office", "MinSeverity": "critical", "Groups": ["123456"], "Channels": ["office-robot"] } ],
                "Channels": { "office-robot": { "Type": "file", "Path": "office" } } } }
            """);
        ((IConfigurationRoot)configuration).Reload();
        var office = Assert.Single(Alerts());
        Assert.Equal(("office", "critical"), (office.Name, office.MinSeverity));
        Assert.Equal(["123456"], office.Groups);
        Assert.Equal(["office-robot"], office.Channels);
        Assert.False(DefaultChannel());
        Assert.Equal("default", Assert.Single(DigestRegistration.ReadLeaders(configuration)).Name); // the default digest stays

        // A leader of their own and no alert: no alert at all, as they configured it.
        File.WriteAllText(file, """
            { "GroupGuard": {
                "Leaders": [ { "Name": "王主任", "Groups": ["123456"], "Schedule": "0 30 7 * * ?", "Channels": ["office-robot"] } ],
                "Channels": { "office-robot": { "Type": "file", "Path": "office" } } } }
            """);
        ((IConfigurationRoot)configuration).Reload();
        Assert.Empty(Alerts());
        Assert.False(DefaultChannel());

        File.WriteAllText(file, nothing);
        ((IConfigurationRoot)configuration).Reload();
        Assert.Equal("default", Assert.Single(Alerts()).Name);
        Assert.True(DefaultChannel());
    }

    private static async Task<List<DigestRecord>> ListAsync(IDigestOutbox outbox)
    {
        var list = new List<DigestRecord>();
        await foreach (var record in outbox.ListAsync(null, CancellationToken.None))
        {
            list.Add(record);
        }

        return list;
    }

    [Fact]
    public void The_example_production_settings_carry_an_alert_rule_that_validates()
    {
        var configuration = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(RepoPaths.Root, "deploy", "appsettings.Production.example.json"))
            .Build();
        var rules = configuration.GetSection(AlertRuleOptions.Section).Get<List<AlertRuleOptions>>()!;

        var result = new AlertRulesValidator(configuration).Validate(null, rules);

        Assert.True(result.Succeeded, result.FailureMessage);
        var rule = Assert.Single(rules);
        Assert.Equal(Severity.High, rule.Threshold);
        Assert.Equal(60, rule.CoalesceSeconds);
    }

    [Fact]
    public void The_example_production_settings_robot_is_refused_until_its_key_is_filled_in()
    {
        var example = Path.Combine(RepoPaths.Root, "deploy", "appsettings.Production.example.json");
        const string Url = "GroupGuard:Channels:office-robot:Url";
        var shipped = new ConfigurationBuilder().AddJsonFile(example).Build();
        var filled = new ConfigurationBuilder()
            .AddJsonFile(example)
            .AddInMemoryCollection(new Dictionary<string, string?> { [Url] = shipped[Url]!.Replace("<the robot's key>", "693a91f6-4cbd-4f2a-8f2c-2b3c8d1e7f00", StringComparison.Ordinal) })
            .Build();

        var failure = Assert.Throws<OptionsValidationException>(() => ChannelNames(shipped));
        Assert.StartsWith(Url + " is still the placeholder of the example settings", Assert.Single(failure.Failures), StringComparison.Ordinal);
        Assert.Equal(["office-robot"], ChannelNames(filled));

        static List<string> ChannelNames(IConfiguration configuration)
        {
            using var provider = new ServiceCollection().AddGroupGuardChannels(configuration).BuildServiceProvider();
            _ = provider.GetRequiredService<IOptions<DigestChannelsOptions>>().Value;
            return [.. provider.GetRequiredService<IDigestChannels>().Names];
        }
    }

    private static Incident Incident(string messageId, DateTimeOffset at, Severity severity, string group = "123456", string rule = "ads.site", string category = "ads") =>
        Incidents.Of(messageId, time: at, severity: severity, group: group, groupName: group == "123456" ? "二年级家长群" : null, rule: rule, category: category);

    private static string Content(RecordedRequest request) =>
        JsonNode.Parse(request.Body)!["markdown"]!["content"]!.GetValue<string>();

    /// <summary>A database, a fake WeCom robot, a fake clock, and alert services built over them as the service builds them.</summary>
    private sealed class AlertRig : IAsyncDisposable
    {
        private readonly TempFolder _folder = new(SqliteConnection.ClearAllPools);
        private readonly Dictionary<string, string?> _settings;
        private readonly List<ServiceProvider> _providers = [];

        private AlertRig(Dictionary<string, string?> settings)
        {
            Robot.Respond(_ => HttpAnswer.Json("""{"errcode":0,"errmsg":"ok"}"""));
            _settings = new Dictionary<string, string?>
            {
                ["GroupGuard:Storage:ConnectionString"] = $"Data Source={Path.Combine(_folder.Path, "groupguard.db")}",
                ["GroupGuard:Channels:office-robot:Type"] = "wecom",
                ["GroupGuard:Channels:office-robot:Url"] = Robot.Url("/cgi-bin/webhook/send?key=alert-test-key"),
                ["GroupGuard:Alerts:0:Name"] = "office",
                ["GroupGuard:Alerts:0:Groups:0"] = "*",
                ["GroupGuard:Alerts:0:Channels:0"] = "office-robot",

                // Fixed windows unless a test says otherwise: the closing after a pause has tests of its own.
                ["GroupGuard:Alerts:0:QuietSeconds"] = "0",
            };
            foreach (var (key, value) in settings)
            {
                _settings[key] = value;
            }
        }

        /// <summary>18:00 in Shanghai.</summary>
        public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2025, 11, 26, 10, 0, 0, TimeSpan.Zero));

        public LoopbackHttpServer Robot { get; } = LoopbackHttpServer.Start();

        public ServiceProvider? LastProvider => _providers.LastOrDefault();

        /// <summary>Changes a setting for the instances built from now on (a restart with the edited file).</summary>
        public void Set(string key, string? value) => _settings[key] = value;

        /// <summary>What the instances built from now on put around their digest outbox.</summary>
        public Func<IDigestOutbox, IDigestOutbox>? Outbox { get; set; }

        /// <summary>What the robot was sent, one entry per request.</summary>
        public IReadOnlyList<string> Alerts => [.. Robot.Requests.Select(Content)];

        public static async Task<AlertRig> StartAsync(Dictionary<string, string?>? settings = null)
        {
            var rig = new AlertRig(settings ?? []);
            await using var setup = await rig.BuildAsync(validate: false);
            await setup.Services.GetRequiredService<IIncidentStore>().InitializeAsync(CancellationToken.None);
            return rig;
        }

        /// <summary>An alert service kept until the rig is disposed.</summary>
        public async Task<AlertService> InstanceAsync()
        {
            var scope = await BuildAsync(validate: true);
            _providers.Add(scope.Services);
            return scope.Alerts;
        }

        /// <summary>An alert service that ends (as a stopped process) when the scope is disposed.</summary>
        public Task<Instance> InstanceScopeAsync() => BuildAsync(validate: true);

        private Task<Instance> BuildAsync(bool validate)
        {
            var configuration = new ConfigurationBuilder().AddInMemoryCollection(_settings).Build();
            var services = new ServiceCollection();
            services.AddLogging();
            services.AddSingleton<TimeProvider>(Clock);
            services.AddGroupGuardStorage(configuration)
                .AddGroupGuardChannels(configuration)
                .AddGroupGuardDigests(configuration)
                .AddGroupGuardAlerts(configuration);
            services.AddSingleton<AlertService>();
            if (Outbox is { } wrap)
            {
                GroupGuardFactory.Decorate(services, wrap);
            }

            var provider = services.BuildServiceProvider();
            _providers.Add(provider);
            if (validate)
            {
                // As ValidateOnStart does at the service's start.
                _ = provider.GetRequiredService<IOptions<List<AlertRuleOptions>>>().Value;
            }

            return Task.FromResult(new Instance(provider, validate ? provider.GetRequiredService<AlertService>() : null!));
        }

        public async Task<IReadOnlyList<long>> AddAsync(params Incident[] incidents) =>
            await Store.AddAsync(incidents, CancellationToken.None);

        public IIncidentStore Store => LastProvider!.GetRequiredService<IIncidentStore>();

        /// <summary>Moves the clock to <paramref name="at"/> and lets the alert service look once.</summary>
        public async Task LookAtAsync(AlertService alerts, DateTimeOffset at)
        {
            Clock.SetUtcNow(at);
            await alerts.TickAsync(CancellationToken.None);
        }

        public Task<List<DigestRecord>> OutboxAsync() => ListAsync(LastProvider!.GetRequiredService<IDigestOutbox>());

        public async ValueTask DisposeAsync()
        {
            foreach (var provider in _providers)
            {
                await provider.DisposeAsync();
            }

            await Robot.DisposeAsync();
            _folder.Dispose();
        }
    }

    private sealed record Instance(ServiceProvider Services, AlertService Alerts) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => Services.DisposeAsync();
    }
}
