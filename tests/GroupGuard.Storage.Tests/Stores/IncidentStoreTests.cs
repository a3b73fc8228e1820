using System.Data.Common;
using GroupGuard.Core;

namespace GroupGuard.Storage.Tests.Stores;

/// <summary>Incidents as the moderation stage and the digests store and read them.</summary>
public abstract class IncidentStoreTests : StoreTests
{
    [Fact]
    public async Task Every_field_comes_back_as_stored_including_Chinese_and_emoji()
    {
        var withNulls = Samples.Incident(messageId: "1001") with { SenderName = null, ActionError = null };
        var withValues = Samples.Incident(messageId: "1002") with
        {
            Platform = "wechat",
            BotId = "wxid_bot",
            GroupId = "12345@chatroom",
            UserId = "wxid_abc",
            SenderName = "群主大人👑",
            SenderRole = SenderRole.Owner,
            Pack = "诈骗",
            Rule = "scam.兼职刷单",
            Category = "fraud",
            Severity = Severity.Critical,
            MatchedTerm = "刷单",
            MessageText = "日赚💰500，兼职刷单\n详情私聊 😀👍🏽",
            DecidedAction = ModerationAction.Kick,
            ActionStatus = ActionStatus.Failed,
            ActionError = "机器人不是管理员 (retcode 1200)",
            RuleSetVersion = "v7",
        };

        var added = await Harness.Store.AddAsync([withNulls, withValues], CancellationToken.None);
        var stored = await Harness.QueryAllAsync();

        Assert.Equal(2, stored.Count);
        Assert.Equal(stored.Select(x => x.Id), added);
        Assert.True(stored[0].Id > 0);
        Assert.True(stored[1].Id > stored[0].Id);
        Assert.Equal(withNulls.PlannedActions, stored[0].PlannedActions);
        Assert.Equal(withValues.PlannedActions, stored[1].PlannedActions);
        Assert.Equal(withNulls with { Id = stored[0].Id, PlannedActions = stored[0].PlannedActions }, stored[0]);
        Assert.Equal(withValues with { Id = stored[1].Id, PlannedActions = stored[1].PlannedActions }, stored[1]);
        Assert.Null(stored[0].SenderName);
        Assert.Null(stored[0].ActionError);
        // The instant survives; it comes back in UTC.
        Assert.Equal(TimeSpan.Zero, stored[0].Time.Offset);
        Assert.Equal(Samples.MessageTime.UtcDateTime, stored[0].Time.UtcDateTime);
    }

    [Fact]
    public async Task Every_enum_value_round_trips()
    {
        var incidents = new List<Incident>();
        var i = 0;
        foreach (var severity in Enum.GetValues<Severity>())
        {
            foreach (var action in Enum.GetValues<ModerationAction>())
            {
                foreach (var role in Enum.GetValues<SenderRole>())
                {
                    incidents.Add(Samples.Incident(messageId: $"m{i++}") with { Severity = severity, DecidedAction = action, SenderRole = role });
                }
            }
        }

        await Harness.Store.AddAsync(incidents, CancellationToken.None);
        var stored = await Harness.QueryAllAsync();

        Assert.Equal(
            incidents.Select(x => (x.Severity, x.DecidedAction, x.SenderRole)),
            stored.Select(x => (x.Severity, x.DecidedAction, x.SenderRole)));
    }

    [Fact]
    public async Task A_redelivered_message_is_stored_once_and_reports_nothing_new()
    {
        var first = await Harness.Store.AddAsync([Samples.Incident()], CancellationToken.None);
        // The redelivery is detected later, but it is the same message and rule.
        var again = await Harness.Store.AddAsync(
            [Samples.Incident() with { DetectedAt = Samples.MessageTime.AddMinutes(5), ActionStatus = ActionStatus.Done }],
            CancellationToken.None);

        var stored = Assert.Single(await Harness.QueryAllAsync());
        Assert.Equal([stored.Id], first);
        Assert.Equal([0L], again);
        Assert.Equal(ActionStatus.Pending, stored.ActionStatus);
    }

    [Fact]
    public async Task Two_groups_messages_with_the_same_number_and_second_are_two_messages()
    {
        // Milky numbers messages per group: message 42 of one group is not message 42 of another.
        var added = await Harness.Store.AddAsync([Samples.Incident(messageId: "42", groupId: "100"), Samples.Incident(messageId: "42", groupId: "200")], CancellationToken.None);

        Assert.All(added, id => Assert.NotEqual(0, id));
        Assert.Equal(["100", "200"], (await Harness.QueryAllAsync()).Select(i => i.GroupId));
    }

    [Fact]
    public async Task A_duplicate_within_one_batch_counts_once()
    {
        var added = await Harness.Store.AddAsync([Samples.Incident(), Samples.Incident(), Samples.Incident(rule: "other")], CancellationToken.None);

        var stored = await Harness.QueryAllAsync();
        Assert.Equal(2, stored.Count);
        // The repeat in the batch reads 0 so the caller acts once; the other rule gets its own id.
        Assert.Equal([stored[0].Id, 0, stored[1].Id], added);
    }

    [Fact]
    public async Task Two_rules_hit_on_one_message_make_two_incidents()
    {
        var added = await Harness.Store.AddAsync(
            [Samples.Incident(rule: "ads.qr-code"), Samples.Incident(rule: "ads.wechat-id")],
            CancellationToken.None);

        Assert.Equal(2, added.Distinct().Count(id => id > 0));
        Assert.Equal(["ads.qr-code", "ads.wechat-id"], (await Harness.QueryAllAsync()).Select(x => x.Rule));
    }

    [Fact]
    public async Task The_same_message_id_on_another_bot_or_platform_is_a_different_incident()
    {
        var added = await Harness.Store.AddAsync(
            [Samples.Incident(), Samples.Incident(botId: "20000"), Samples.Incident(platform: "wechat")],
            CancellationToken.None);

        Assert.Equal(3, added.Distinct().Count(id => id > 0));
    }

    [Fact]
    public async Task Since_is_inclusive_and_until_exclusive_on_the_message_time()
    {
        var t0 = new DateTimeOffset(2025, 3, 1, 0, 0, 0, TimeSpan.Zero);
        await Harness.Store.AddAsync(
        [
            Samples.Incident(messageId: "before", time: t0.AddMilliseconds(-1)),
            Samples.Incident(messageId: "at-since", time: t0),
            Samples.Incident(messageId: "inside", time: t0.AddHours(12)),
            Samples.Incident(messageId: "at-until", time: t0.AddDays(1)),
        ], CancellationToken.None);

        var day = await Harness.QueryAllAsync(new IncidentQuery(Since: t0, Until: t0.AddDays(1)));
        var fromSince = await Harness.QueryAllAsync(new IncidentQuery(Since: t0));
        var toUntil = await Harness.QueryAllAsync(new IncidentQuery(Until: t0));
        // The same bounds given in China time select the same incidents.
        var dayInChina = await Harness.QueryAllAsync(new IncidentQuery(
            Since: t0.ToOffset(TimeSpan.FromHours(8)), Until: t0.AddDays(1).ToOffset(TimeSpan.FromHours(8))));

        Assert.Equal(["at-since", "inside"], day.Select(x => x.MessageId));
        Assert.Equal(["at-since", "inside", "at-until"], fromSince.Select(x => x.MessageId));
        Assert.Equal(["before"], toUntil.Select(x => x.MessageId));
        Assert.Equal(["at-since", "inside"], dayInChina.Select(x => x.MessageId));
    }

    [Fact]
    public async Task Incidents_read_at_once_by_their_ids_come_back_as_each_does_alone_in_id_order_and_those_not_stored_left_out()
    {
        // An alert's follow-up reads what became of the incidents it said 待处置 for in one query.
        var ids = await Harness.Store.AddAsync(
            [
                Samples.Incident(messageId: "a"),
                Samples.Incident(messageId: "b") with { ActionStatus = ActionStatus.Pending },
                Samples.Incident(messageId: "c") with { ActionStatus = ActionStatus.Pending },
            ],
            CancellationToken.None);
        await Harness.Store.UpdateActionAsync([ids[1]], ActionStatus.Failed, "bot is not an admin", ActionErrorKind.NotPermitted, CancellationToken.None);
        Assert.True(await Harness.Store.MarkFalsePositiveAsync(ids[2], true, "家长转发的通知", Samples.MessageTime, "admin", CancellationToken.None));
        var alone = new List<Incident>();
        foreach (var id in ids)
        {
            alone.Add((await Harness.Store.GetAsync(id, CancellationToken.None))!);
        }

        var atOnce = await Harness.Store.GetManyAsync([ids[2], ids[0], ids[2] + 1000, ids[1], ids[0]], CancellationToken.None);
        // More ids than one statement takes: the same, however many ask for nothing.
        var among = await Harness.Store.GetManyAsync([.. Enumerable.Range(1, 1200).Select(n => ids[2] + n).Concat(ids)], CancellationToken.None);

        Assert.Equivalent(alone, atOnce, strict: true);
        Assert.Equivalent(alone, among, strict: true);
        Assert.Equal(ids, atOnce.Select(i => i.Id));
        Assert.Equal((ActionStatus.Failed, ActionErrorKind.NotPermitted, true), (atOnce[1].ActionStatus, atOnce[1].ActionErrorKind, atOnce[2].FalsePositive));
        Assert.Empty(await Harness.Store.GetManyAsync([], CancellationToken.None));
        Assert.Empty(await Harness.Store.GetManyAsync([ids[2] + 1], CancellationToken.None));
    }

    [Fact]
    public async Task Query_returns_incidents_in_the_order_they_were_stored()
    {
        var t0 = new DateTimeOffset(2025, 3, 1, 0, 0, 0, TimeSpan.Zero);
        // Stored out of message-time order: a late redelivery of an older message.
        await Harness.Store.AddAsync([Samples.Incident(messageId: "b", time: t0.AddMinutes(2))], CancellationToken.None);
        await Harness.Store.AddAsync([Samples.Incident(messageId: "a", time: t0.AddMinutes(1))], CancellationToken.None);

        var stored = await Harness.QueryAllAsync();

        Assert.Equal(["b", "a"], stored.Select(x => x.MessageId));
    }

    [Fact]
    public async Task Twenty_concurrent_adds_all_land()
    {
        var adds = Enumerable.Range(0, 20)
            .Select(i => Task.Run(() => Harness.Store.AddAsync([Samples.Incident(messageId: $"c{i}")], CancellationToken.None)))
            .ToList();

        var results = await Task.WhenAll(adds);

        var stored = await Harness.QueryAllAsync();
        Assert.Equal(20, stored.Count);
        Assert.Equal(stored.Select(x => x.Id).Order(), results.Select(r => Assert.Single(r)).Order());
        Assert.Equal(20, stored.Select(x => x.MessageId).Distinct().Count());
    }

    [Fact]
    public async Task Reads_run_while_writes_go_on()
    {
        await Harness.Store.AddAsync([Samples.Incident(messageId: "seed")], CancellationToken.None);

        var writes = Enumerable.Range(0, 10)
            .Select(i => Task.Run(() => Harness.Store.AddAsync([Samples.Incident(messageId: $"w{i}")], CancellationToken.None)));
        var reads = Enumerable.Range(0, 10).Select(_ => Task.Run(() => Harness.QueryAllAsync()));
        await Task.WhenAll(writes);
        var seen = await Task.WhenAll(reads);

        Assert.All(seen, list => Assert.Contains(list, x => x.MessageId == "seed"));
        Assert.Equal(11, (await Harness.QueryAllAsync()).Count);
    }

    [Fact]
    public async Task An_empty_batch_adds_nothing()
    {
        Assert.Empty(await Harness.Store.AddAsync([], CancellationToken.None));
        Assert.Empty(await Harness.QueryAllAsync());
    }

    [Fact]
    public async Task An_incident_with_a_missing_required_field_fails_and_stores_nothing_of_its_batch()
    {
        var bad = Samples.Incident(messageId: "bad") with { Rule = null! };

        // The database refuses it (a NOT NULL column): its own exception, whichever the provider.
        await Assert.ThrowsAnyAsync<DbException>(() => Harness.Store.AddAsync([Samples.Incident(messageId: "good"), bad], CancellationToken.None));

        Assert.Empty(await Harness.QueryAllAsync());
    }

    [Fact]
    public async Task By_detection_time_a_late_reported_incident_falls_into_the_period_it_was_recorded_in()
    {
        var periodStart = new DateTimeOffset(2025, 3, 2, 0, 0, 0, TimeSpan.FromHours(8));
        var periodEnd = periodStart.AddDays(1);
        // A replay after an outage: the messages are two days old, GroupGuard saw them today.
        var replayed = Samples.Incident(messageId: "old-1", time: periodStart.AddDays(-2)) with { DetectedAt = periodStart.AddHours(9) };
        var onTime = Samples.Incident(messageId: "new-1", time: periodStart.AddHours(10)) with { DetectedAt = periodStart.AddHours(10).AddSeconds(1) };
        // Sent just before the period ends and recorded just after: it belongs to the next digest.
        var straddling = Samples.Incident(messageId: "edge-1", time: periodEnd.AddMilliseconds(-5)) with { DetectedAt = periodEnd };
        var atStart = Samples.Incident(messageId: "edge-0", time: periodStart.AddMilliseconds(-5)) with { DetectedAt = periodStart };
        await Harness.Store.AddAsync([replayed, onTime, straddling, atStart], CancellationToken.None);

        var byDetection = await Harness.QueryAllAsync(new IncidentQuery(periodStart, periodEnd, ByDetectionTime: true));
        var byMessage = await Harness.QueryAllAsync(new IncidentQuery(periodStart, periodEnd));
        var nextPeriod = await Harness.QueryAllAsync(new IncidentQuery(periodEnd, periodEnd.AddDays(1), ByDetectionTime: true));

        Assert.Equal(["old-1", "new-1", "edge-0"], byDetection.Select(i => i.MessageId));
        Assert.Equal(["new-1", "edge-1"], byMessage.Select(i => i.MessageId));
        Assert.Equal(["edge-1"], nextPeriod.Select(i => i.MessageId));
    }

    [Fact]
    public async Task In_commit_order_an_incident_committed_after_a_digest_goes_into_the_next_and_none_into_two()
    {
        var first = new DateTimeOffset(2025, 3, 2, 8, 0, 0, TimeSpan.FromHours(8));
        var second = first.AddDays(1);
        Assert.Equal(0, await Harness.Store.CommitHighAsync(CancellationToken.None));

        // Before the first digest: two incidents of its period, one detected after it.
        await Harness.Store.AddAsync([Samples.Incident(messageId: "a") with { DetectedAt = first.AddHours(-2) }], CancellationToken.None);
        await Harness.Store.AddAsync([Samples.Incident(messageId: "b") with { DetectedAt = first.AddHours(-1) }], CancellationToken.None);
        await Harness.Store.AddAsync([Samples.Incident(messageId: "early") with { DetectedAt = first.AddMinutes(1) }], CancellationToken.None);
        var high1 = await Harness.Store.CommitHighAsync(CancellationToken.None);
        var digest1 = await Harness.QueryAllAsync(new IncidentQuery(first.AddDays(-1), first, ByDetectionTime: true, Commit: new CommitWindow(high1, null)));

        // Committed after the first digest read its mark, though detected in its period (another
        // instance's write in flight), and one of the second period.
        await Harness.Store.AddAsync([Samples.Incident(messageId: "late") with { DetectedAt = first.AddSeconds(-1) }], CancellationToken.None);
        await Harness.Store.AddAsync([Samples.Incident(messageId: "c") with { DetectedAt = first.AddHours(3) }], CancellationToken.None);
        var high2 = await Harness.Store.CommitHighAsync(CancellationToken.None);
        var digest2 = await Harness.QueryAllAsync(new IncidentQuery(first, second, ByDetectionTime: true, Commit: new CommitWindow(high2, high1)));

        Assert.Equal(["a", "b"], digest1.Select(i => i.MessageId));
        Assert.Equal(["early", "late", "c"], digest2.Select(i => i.MessageId));
        Assert.True(high2 > high1);

        // By detection time alone, the late one would have been in neither digest's query once
        // the first was built (it was not there yet) nor in the second's (detected before it).
        Assert.DoesNotContain("late", (await Harness.QueryAllAsync(new IncidentQuery(first, second, ByDetectionTime: true))).Select(i => i.MessageId));
    }

    [Fact]
    public async Task A_redelivered_incident_takes_no_commit_number()
    {
        await Harness.Store.AddAsync([Samples.Incident(messageId: "a")], CancellationToken.None);
        var high = await Harness.Store.CommitHighAsync(CancellationToken.None);

        var again = await Harness.Store.AddAsync([Samples.Incident(messageId: "a")], CancellationToken.None);

        Assert.Equal([0L], again);
        Assert.Equal(high, await Harness.Store.CommitHighAsync(CancellationToken.None));
    }

    [Fact]
    public async Task By_detection_time_still_filters_by_group_and_keeps_id_order()
    {
        var since = new DateTimeOffset(2025, 3, 2, 0, 0, 0, TimeSpan.Zero);
        await Harness.Store.AddAsync(
        [
            Samples.Incident(messageId: "a", groupId: "g1") with { DetectedAt = since.AddHours(3) },
            Samples.Incident(messageId: "b", groupId: "g2") with { DetectedAt = since.AddHours(1) },
            Samples.Incident(messageId: "c", groupId: "g1") with { DetectedAt = since.AddHours(2) },
            Samples.Incident(messageId: "d", groupId: "g1") with { DetectedAt = since.AddHours(-1) },
        ],
        CancellationToken.None);

        var found = await Harness.QueryAllAsync(new IncidentQuery(Since: since, GroupIds: ["g1"], ByDetectionTime: true));

        Assert.Equal(["a", "c"], found.Select(i => i.MessageId));
    }
}
