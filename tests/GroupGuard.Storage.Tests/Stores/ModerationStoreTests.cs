using Dapper;
using GroupGuard.Core;

namespace GroupGuard.Storage.Tests.Stores;

/// <summary>What the moderation stage asks of the store: ids, evidence, action outcomes, offences, review.</summary>
public abstract class ModerationStoreTests : StoreTests
{
    private static readonly DateTimeOffset T0 = new(2025, 3, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>An upper bound past every incident the tests store.</summary>
    private static readonly DateTimeOffset Until = T0.AddDays(1);

    private IIncidentStore Store => Harness.Store;

    [Fact]
    public async Task Add_returns_each_new_id_in_order_and_0_for_a_redelivery_in_a_later_batch()
    {
        var first = await Store.AddAsync([Samples.Incident(messageId: "1"), Samples.Incident(messageId: "2")], CancellationToken.None);
        var second = await Store.AddAsync([Samples.Incident(messageId: "3"), Samples.Incident(messageId: "1")], CancellationToken.None);

        var stored = await Harness.QueryAllAsync();
        Assert.Equal(["1", "2", "3"], stored.Select(x => x.MessageId));
        Assert.Equal([stored[0].Id, stored[1].Id], first);
        Assert.Equal([stored[2].Id, 0], second);
        Assert.Equal("1", (await Store.GetAsync(first[0], CancellationToken.None))!.MessageId);
    }

    [Fact]
    public async Task Pending_actions_are_listed_oldest_first_and_each_is_claimed_from_its_owner_once()
    {
        var pending = (IPendingActions)Store;
        var ids = await Store.AddAsync(
        [
            Samples.Incident(messageId: "1", time: T0.AddMinutes(2)) with { ActionOwner = "gamma" },
            Samples.Incident(messageId: "2", time: T0.AddMinutes(1)),
            Samples.Incident(messageId: "3", time: T0.AddMinutes(3)) with { ActionOwner = "gamma", ActionStatus = ActionStatus.Done },
            Samples.Incident(messageId: "4", time: T0.AddDays(-1)) with { ActionOwner = "beta" },
        ], CancellationToken.None);

        var listed = await pending.ListPendingAsync(T0, 10, CancellationToken.None);

        // Pending only, from the time given, oldest first, with their owners (none for an incident stored before owners were).
        Assert.Equal(["2", "1"], listed.Select(i => i.MessageId));
        Assert.Equal([null, "gamma"], listed.Select(i => i.ActionOwner));
        Assert.Equal(["2"], (await pending.ListPendingAsync(T0, 1, CancellationToken.None)).Select(i => i.MessageId));

        Assert.Empty(await pending.ClaimAsync([ids[0]], "beta", "alpha", CancellationToken.None)); // not beta's
        Assert.Equal([ids[0]], await pending.ClaimAsync([ids[0]], "gamma", "alpha", CancellationToken.None));
        Assert.Empty(await pending.ClaimAsync([ids[0]], "gamma", "beta", CancellationToken.None)); // alpha's already
        Assert.Empty(await pending.ClaimAsync([ids[1]], "gamma", "alpha", CancellationToken.None)); // it has no owner
        Assert.Equal([ids[1]], await pending.ClaimAsync([ids[1]], null, "alpha", CancellationToken.None));
        Assert.Empty(await pending.ClaimAsync([ids[2]], "gamma", "alpha", CancellationToken.None)); // done, nothing to take over

        Assert.Equal("alpha", (await Store.GetAsync(ids[0], CancellationToken.None))!.ActionOwner);
        Assert.Equal("alpha", (await Store.GetAsync(ids[1], CancellationToken.None))!.ActionOwner);
        Assert.Equal("gamma", (await Store.GetAsync(ids[2], CancellationToken.None))!.ActionOwner);
        Assert.Equal("beta", (await Store.GetAsync(ids[3], CancellationToken.None))!.ActionOwner);
    }

    /// <summary>
    /// An instance records its outcome only on the incidents still pending and still its own (or
    /// naming no owner): one another instance claimed meanwhile keeps that one's outcome.
    /// </summary>
    [Fact]
    public async Task An_outcome_is_recorded_only_on_the_pending_incidents_the_instance_still_owns()
    {
        var pending = (IPendingActions)Store;
        var ids = await Store.AddAsync(
        [
            Samples.Incident(messageId: "1", time: T0) with { ActionOwner = "alpha" },
            Samples.Incident(messageId: "2", time: T0) with { ActionOwner = "alpha" },
            Samples.Incident(messageId: "3", time: T0),
            Samples.Incident(messageId: "4", time: T0) with { ActionOwner = "alpha", ActionStatus = ActionStatus.Done },
        ], CancellationToken.None);
        Assert.Equal([ids[1]], await pending.ClaimAsync([ids[1]], "alpha", "beta", CancellationToken.None));
        Assert.Equal([ids[1]], await pending.FinishAsync([ids[1]], "beta", ActionStatus.Done, null, null, CancellationToken.None));

        var recorded = await pending.FinishAsync([.. ids, ids[0]], "alpha", ActionStatus.Failed, "delete_msg: no answer within 5 s", ActionErrorKind.Unreachable, CancellationToken.None);

        Assert.Equal([ids[0], ids[2]], recorded.Order());
        var after = await Task.WhenAll(ids.Select(id => Store.GetAsync(id, CancellationToken.None)));
        Assert.Equal(
            [(ActionStatus.Failed, "alpha"), (ActionStatus.Done, "beta"), (ActionStatus.Failed, null), (ActionStatus.Done, "alpha")],
            after.Select(i => (i!.ActionStatus, i.ActionOwner)));
        Assert.Equal(("delete_msg: no answer within 5 s", ActionErrorKind.Unreachable), (after[0]!.ActionError, after[0]!.ActionErrorKind));
        Assert.Null(after[1]!.ActionError);
    }

    [Fact]
    public async Task Acts_carried_out_are_recorded_on_pending_incidents_which_stay_pending_with_their_plan()
    {
        var pending = (IPendingActions)Store;
        ModerationAction[] planned = [ModerationAction.Recall, ModerationAction.Mute, ModerationAction.Warn];
        var ids = await Store.AddAsync(
        [
            Samples.Incident(messageId: "1", time: T0) with { PlannedActions = planned, ActionError = "qq cannot kick; warned in the group instead", ActionErrorKind = ActionErrorKind.PlatformCannot },
            Samples.Incident(messageId: "2", time: T0) with { PlannedActions = planned },
            Samples.Incident(messageId: "3", time: T0) with { ActionStatus = ActionStatus.Done },
        ], CancellationToken.None);

        await pending.RecordActsAsync([ids[0], ids[2]], ActionStatus.Done, null, null, CancellationToken.None);
        await pending.RecordActsAsync([ids[1]], ActionStatus.Failed, "mute: 权限不足", ActionErrorKind.NotPermitted, CancellationToken.None);

        var listed = await pending.ListPendingAsync(T0, 10, CancellationToken.None);
        Assert.Equal(["1", "2"], listed.Select(i => i.MessageId));
        Assert.All(listed, i => Assert.Equal(ActionStatus.Pending, i.ActionStatus));
        Assert.All(listed, i => Assert.Equal(planned, i.PlannedActions));
        // Done keeps the note that a warning stands in for what the platform cannot do; a failure puts its own words there.
        Assert.Equal(
            (ActionStatus.Done, "qq cannot kick; warned in the group instead", ActionErrorKind.PlatformCannot),
            (listed[0].ActsOutcome, listed[0].ActionError, listed[0].ActionErrorKind));
        Assert.Equal((ActionStatus.Failed, "mute: 权限不足", ActionErrorKind.NotPermitted), (listed[1].ActsOutcome, listed[1].ActionError, listed[1].ActionErrorKind));

        // An incident settled already is left as it is.
        var settled = (await Store.GetAsync(ids[2], CancellationToken.None))!;
        Assert.Equal((ActionStatus.Done, (ActionStatus?)null), (settled.ActionStatus, settled.ActsOutcome));

        // The outcome recorded later settles them.
        await Store.UpdateActionAsync([ids[0], ids[1]], ActionStatus.Done, null, null, CancellationToken.None);
        Assert.Empty(await pending.ListPendingAsync(T0, 10, CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => pending.RecordActsAsync([ids[0]], ActionStatus.Pending, null, null, CancellationToken.None));
    }

    [Fact]
    public async Task New_fields_round_trip_with_Chinese_emoji_and_spans()
    {
        var text = "日赚💰500，加 V：abc123 😀";
        var incident = Samples.Incident() with
        {
            MessageText = text,
            GroupName = "🌸 宝妈交流群（二群）",
            NormalizedText = "日赚500加vabc123",
            // UTF-16 offsets: the emoji before them is two code units.
            Spans = [new EvidenceSpan(8, 1), new EvidenceSpan(12, 6)],
            MuteSeconds = 600,
            EscalationStep = 2,
            FalsePositive = true,
            ReviewNote = "群主确认：误报 ✅",
            ReviewedAt = new DateTimeOffset(2025, 3, 2, 9, 30, 0, 500, TimeSpan.FromHours(8)),
        };

        var id = Assert.Single(await Store.AddAsync([incident], CancellationToken.None));
        var stored = await Store.GetAsync(id, CancellationToken.None);

        Assert.NotNull(stored);
        Assert.Equal(incident.Spans, stored.Spans);
        Assert.Equal(incident.PlannedActions, stored.PlannedActions);
        Assert.Equal(incident with { Id = id, Spans = stored.Spans, PlannedActions = stored.PlannedActions }, stored);
        Assert.Equal("加", text.Substring(stored.Spans[0].Start, stored.Spans[0].Length));
        Assert.Equal("abc123", text.Substring(stored.Spans[1].Start, stored.Spans[1].Length));
        using var db = Harness.OpenRaw();
        Assert.Equal("""[{"start":8,"length":1},{"start":12,"length":6}]""", db.ExecuteScalar<string>("SELECT spans FROM incidents"));
        Assert.Equal("2025-03-02T01:30:00.500Z", db.ExecuteScalar<string>("SELECT reviewed_at FROM incidents"));
    }

    [Fact]
    public async Task An_incident_without_spans_reads_back_with_an_empty_list()
    {
        var id = Assert.Single(await Store.AddAsync([Samples.Incident() with { Spans = null! }], CancellationToken.None));

        var stored = await Store.GetAsync(id, CancellationToken.None);

        Assert.NotNull(stored);
        Assert.Empty(stored.Spans);
    }

    [Fact]
    public async Task A_negative_span_is_refused_before_anything_is_stored()
    {
        var bad = Samples.Incident(messageId: "bad") with { Spans = [new EvidenceSpan(-1, 2)] };

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(
            () => Store.AddAsync([Samples.Incident(messageId: "good"), bad], CancellationToken.None));

        Assert.Empty(await Harness.QueryAllAsync());
    }

    [Fact]
    public async Task Corrupt_spans_fail_the_read_naming_the_incident()
    {
        var id = Assert.Single(await Store.AddAsync([Samples.Incident()], CancellationToken.None));
        using (var db = Harness.OpenRaw())
        {
            db.Execute("UPDATE incidents SET spans = '[{\"start\":3}]'");
        }

        var ex = await Assert.ThrowsAsync<InvalidDataException>(() => Store.GetAsync(id, CancellationToken.None));

        Assert.Contains($"Incident {id}", ex.Message, StringComparison.Ordinal);
        Assert.Contains("spans", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_of_an_unknown_id_is_null()
    {
        await Store.AddAsync([Samples.Incident()], CancellationToken.None);

        Assert.Null(await Store.GetAsync(12345, CancellationToken.None));
        Assert.Null(await Store.GetAsync(0, CancellationToken.None));
    }

    [Fact]
    public async Task Query_by_group_ids_returns_only_those_groups_and_an_empty_list_means_all()
    {
        await Store.AddAsync(
        [
            Samples.Incident(messageId: "a", groupId: "111"),
            Samples.Incident(messageId: "b", groupId: "222"),
            Samples.Incident(messageId: "c", groupId: "333", time: T0.AddDays(1)),
            Samples.Incident(messageId: "d", groupId: "333", time: T0.AddDays(-1)),
        ], CancellationToken.None);

        var two = await Harness.QueryAllAsync(new IncidentQuery(GroupIds: ["333", "111", "999"]));
        var one = await Harness.QueryAllAsync(new IncidentQuery(GroupIds: ["222"]));
        var withTime = await Harness.QueryAllAsync(new IncidentQuery(Since: T0, GroupIds: ["333"]));
        var empty = await Harness.QueryAllAsync(new IncidentQuery(GroupIds: []));

        Assert.Equal(["a", "c", "d"], two.Select(x => x.MessageId));
        Assert.Equal(["b"], one.Select(x => x.MessageId));
        Assert.Equal(["c"], withTime.Select(x => x.MessageId));
        Assert.Equal(["a", "b", "c", "d"], empty.Select(x => x.MessageId));
    }

    [Fact]
    public async Task Update_action_records_status_and_error_for_the_given_incidents_only()
    {
        var ids = await Store.AddAsync(
            [Samples.Incident(messageId: "1"), Samples.Incident(messageId: "1", rule: "other"), Samples.Incident(messageId: "2")],
            CancellationToken.None);

        await Store.UpdateActionAsync([ids[0], ids[1]], ActionStatus.Failed, "机器人不是管理员 (retcode 1200)", ActionErrorKind.NotPermitted, CancellationToken.None);

        var stored = await Harness.QueryAllAsync();
        Assert.Equal([ActionStatus.Failed, ActionStatus.Failed, ActionStatus.Pending], stored.Select(x => x.ActionStatus));
        Assert.Equal(["机器人不是管理员 (retcode 1200)", "机器人不是管理员 (retcode 1200)", null], stored.Select(x => x.ActionError));
        Assert.Equal([ActionErrorKind.NotPermitted, ActionErrorKind.NotPermitted, null], stored.Select(x => x.ActionErrorKind));

        // A retry that succeeds clears the error.
        await Store.UpdateActionAsync([ids[0], ids[1]], ActionStatus.Done, null, null, CancellationToken.None);

        var after = await Store.GetAsync(ids[0], CancellationToken.None);
        Assert.Equal((ActionStatus.Done, (string?)null, (ActionErrorKind?)null), (after!.ActionStatus, after.ActionError, after.ActionErrorKind));
    }

    [Fact]
    public async Task A_forwarded_hit_keeps_its_depth_and_inner_sender()
    {
        var incident = Samples.Incident() with { MessageText = "加微信领资料", ForwardDepth = 2, ForwardedFrom = "资料分享君" };

        var ids = await Store.AddAsync([incident, Samples.Incident(messageId: "2")], CancellationToken.None);
        var stored = await Store.GetAsync(ids[0], CancellationToken.None);
        var own = (await Harness.QueryAllAsync()).Single(i => i.MessageId == "2");

        Assert.Equal((2, "资料分享君"), (stored!.ForwardDepth, stored.ForwardedFrom));
        Assert.Equal((0, (string?)null), (own.ForwardDepth, own.ForwardedFrom));
    }

    [Fact]
    public async Task Record_cleared_counts_the_recalls_after_a_kick_and_leaves_its_outcome()
    {
        var ids = await Store.AddAsync([Samples.Incident(messageId: "1"), Samples.Incident(messageId: "2")], CancellationToken.None);
        await Store.UpdateActionAsync([ids[0]], ActionStatus.Done, null, null, CancellationToken.None);

        await Store.RecordClearedAsync([ids[0]], recalled: 3, failed: 1, CancellationToken.None);

        var kicked = await Store.GetAsync(ids[0], CancellationToken.None);
        var other = await Store.GetAsync(ids[1], CancellationToken.None);
        Assert.Equal((3, 1, ActionStatus.Done), (kicked!.ClearedMessages, kicked.ClearFailed, kicked.ActionStatus));
        Assert.Equal((0, 0), (other!.ClearedMessages, other.ClearFailed));
    }

    [Fact]
    public async Task Update_action_over_many_ids_updates_them_all()
    {
        var ids = await Store.AddAsync(
            [.. Enumerable.Range(0, 1200).Select(i => Samples.Incident(messageId: $"m{i}"))],
            CancellationToken.None);

        await Store.UpdateActionAsync(ids, ActionStatus.Done, null, null, CancellationToken.None);

        Assert.All(await Harness.QueryAllAsync(), x => Assert.Equal(ActionStatus.Done, x.ActionStatus));
    }

    [Fact]
    public async Task Update_action_with_no_ids_or_unknown_ids_changes_nothing()
    {
        var ids = await Store.AddAsync([Samples.Incident()], CancellationToken.None);

        await Store.UpdateActionAsync([], ActionStatus.Done, null, null, CancellationToken.None);
        await Store.UpdateActionAsync([ids[0] + 100], ActionStatus.Done, null, null, CancellationToken.None);

        Assert.Equal(ActionStatus.Pending, Assert.Single(await Harness.QueryAllAsync()).ActionStatus);
    }

    [Fact]
    public async Task Only_enforced_incidents_of_rules_that_act_count_as_offences()
    {
        await Store.AddAsync(
        [
            Samples.Incident(messageId: "1", time: T0), // a recall, pending: an offence
            Samples.Incident(messageId: "2", time: T0.AddMinutes(1)) with { DecidedAction = ModerationAction.Log, ActionStatus = ActionStatus.Done }, // only logged
            Samples.Incident(messageId: "3", time: T0.AddMinutes(2)) with { ActionStatus = ActionStatus.DryRun }, // dry run or a shadow rule
            Samples.Incident(messageId: "4", time: T0.AddMinutes(3)) with { ActionStatus = ActionStatus.Exempt },
            Samples.Incident(messageId: "5", time: T0.AddMinutes(4)) with { ActionStatus = ActionStatus.Failed }, // acted on, the platform refused: still an offence
            Samples.Incident(messageId: "6", time: T0.AddMinutes(5)) with { DecidedAction = ModerationAction.Warn, ActionStatus = ActionStatus.Unsupported },
        ], CancellationToken.None);

        var counted = await Store.CountOffencesAsync("qq", "123456", "424242", T0, Until, dryRun: false, CancellationToken.None);

        Assert.Equal(3, counted); // 1, 5 and 6
    }

    /// <summary>
    /// For a decision that is a dry run, the group's earlier dry runs count as they would have
    /// enforced, so the trial records the escalation it would have applied; a shadow rule's dry
    /// run, a logged word, an exempt sender and a false positive still do not, and an enforced
    /// decision still counts none of the dry runs.
    /// </summary>
    [Fact]
    public async Task A_dry_runs_count_takes_in_the_groups_dry_runs_but_never_a_shadow_rules()
    {
        var ids = await Store.AddAsync(
        [
            Samples.Incident(messageId: "1", time: T0), // enforced: counts either way
            Samples.Incident(messageId: "2", time: T0.AddMinutes(1)) with { ActionStatus = ActionStatus.DryRun, PlannedActions = [], Shadow = false }, // the group's dry run
            Samples.Incident(messageId: "3", time: T0.AddMinutes(2)) with { ActionStatus = ActionStatus.DryRun, PlannedActions = [], Shadow = true }, // a shadow rule's
            Samples.Incident(messageId: "4", time: T0.AddMinutes(3)) with { ActionStatus = ActionStatus.DryRun, PlannedActions = [] }, // recorded before shadow was kept
            Samples.Incident(messageId: "5", time: T0.AddMinutes(4)) with { DecidedAction = ModerationAction.Log, ActionStatus = ActionStatus.Done, Shadow = false },
            Samples.Incident(messageId: "6", time: T0.AddMinutes(5)) with { ActionStatus = ActionStatus.Exempt, Shadow = false },
            Samples.Incident(messageId: "7", time: T0.AddMinutes(6)) with { ActionStatus = ActionStatus.DryRun, PlannedActions = [], Shadow = false }, // to be marked wrong
            // One message with a shadow rule's hit and the group's dry run of another rule: one offence.
            Samples.Incident(messageId: "8", rule: "promo.offer", time: T0.AddMinutes(7)) with { ActionStatus = ActionStatus.DryRun, PlannedActions = [], Shadow = true },
            Samples.Incident(messageId: "8", time: T0.AddMinutes(7)) with { ActionStatus = ActionStatus.DryRun, PlannedActions = [], Shadow = false },
        ], CancellationToken.None);
        await Store.MarkFalsePositiveAsync(ids[6], true, null, T0.AddHours(1), null, CancellationToken.None);

        Assert.Equal(3, await Store.CountOffencesAsync("qq", "123456", "424242", T0, Until, dryRun: true, CancellationToken.None)); // 1, 2 and 8
        Assert.Equal(1, await Store.CountOffencesAsync("qq", "123456", "424242", T0, Until, dryRun: false, CancellationToken.None)); // 1

        var read = await Harness.QueryAllAsync();
        Assert.Equal([null, false, true, null, false, false, false, true, false], read.Select(i => i.Shadow));
        // The moderator's own test, for a message's incidents read back, agrees with the count.
        Assert.Equal([true, true, false, false, false, false, false, false, true], read.Select(i => i.CountsInDryRun && !i.FalsePositive));
    }

    [Fact]
    public async Task Offences_count_distinct_messages_of_the_user_in_the_group_since_the_bound()
    {
        await Store.AddAsync(
        [
            // Two rules on one message are one offence.
            Samples.Incident(messageId: "1", rule: "ads.qr-code", time: T0),
            Samples.Incident(messageId: "1", rule: "ads.wechat-id", time: T0),
            Samples.Incident(messageId: "2", time: T0.AddMinutes(5)),
            // Older than the window.
            Samples.Incident(messageId: "0", time: T0.AddMilliseconds(-1)),
            // Someone else, another group, another platform.
            Samples.Incident(messageId: "3", time: T0.AddMinutes(6), userId: "777"),
            Samples.Incident(messageId: "4", time: T0.AddMinutes(7), groupId: "999"),
            Samples.Incident(messageId: "5", time: T0.AddMinutes(8), platform: "wechat"),
        ], CancellationToken.None);

        Assert.Equal(2, await Store.CountOffencesAsync("qq", "123456", "424242", T0, Until, dryRun: false, CancellationToken.None));
        Assert.Equal(3, await Store.CountOffencesAsync("qq", "123456", "424242", T0.AddHours(-1), Until, dryRun: false, CancellationToken.None));
        // The same bound in China time.
        Assert.Equal(2, await Store.CountOffencesAsync("qq", "123456", "424242", T0.ToOffset(TimeSpan.FromHours(8)), Until, dryRun: false, CancellationToken.None));
        Assert.Equal(1, await Store.CountOffencesAsync("qq", "123456", "777", T0, Until, dryRun: false, CancellationToken.None));
        Assert.Equal(0, await Store.CountOffencesAsync("qq", "123456", "nobody", T0, Until, dryRun: false, CancellationToken.None));
    }

    /// <summary>
    /// The count ends at the message being weighed: its own offence and one in the same second
    /// count (the platforms' clocks give seconds), a later message's do not, so a message moderated
    /// after the sender's next one (its picture read later, a delivery out of order) is weighed
    /// as it was sent.
    /// </summary>
    [Fact]
    public async Task Offences_after_the_upper_bound_are_not_counted()
    {
        await Store.AddAsync(
        [
            Samples.Incident(messageId: "1", time: T0),
            Samples.Incident(messageId: "2", time: T0.AddSeconds(5)),
            Samples.Incident(messageId: "3", time: T0.AddSeconds(5).AddMilliseconds(1)),
            Samples.Incident(messageId: "4", time: T0.AddMinutes(1)),
        ], CancellationToken.None);

        Assert.Equal(1, await Store.CountOffencesAsync("qq", "123456", "424242", T0.AddHours(-1), T0, dryRun: false, CancellationToken.None));
        Assert.Equal(2, await Store.CountOffencesAsync("qq", "123456", "424242", T0.AddHours(-1), T0.AddSeconds(5), dryRun: false, CancellationToken.None));
        // A bound with more than milliseconds is cut to them, as the times are stored.
        Assert.Equal(2, await Store.CountOffencesAsync("qq", "123456", "424242", T0.AddHours(-1), T0.AddSeconds(5).AddTicks(9_999), dryRun: false, CancellationToken.None));
        Assert.Equal(4, await Store.CountOffencesAsync("qq", "123456", "424242", T0.AddHours(-1), T0.AddMinutes(1), dryRun: false, CancellationToken.None));
    }

    [Fact]
    public async Task A_reused_message_id_at_another_time_is_another_offence()
    {
        // OneBot implementations hand out short message ids again after a restart.
        await Store.AddAsync(
            [Samples.Incident(messageId: "17", time: T0), Samples.Incident(messageId: "17", time: T0.AddHours(3))],
            CancellationToken.None);

        Assert.Equal(2, await Store.CountOffencesAsync("qq", "123456", "424242", T0, Until, dryRun: false, CancellationToken.None));
    }

    [Fact]
    public async Task A_false_positive_does_not_count_as_an_offence_until_it_is_unmarked()
    {
        var ids = await Store.AddAsync(
        [
            Samples.Incident(messageId: "1", rule: "ads.qr-code", time: T0),
            Samples.Incident(messageId: "1", rule: "ads.wechat-id", time: T0),
            Samples.Incident(messageId: "2", time: T0.AddMinutes(1)),
        ], CancellationToken.None);

        await Store.MarkFalsePositiveAsync(ids[2], true, "是药名", T0.AddHours(1), null, CancellationToken.None);
        Assert.Equal(1, await Store.CountOffencesAsync("qq", "123456", "424242", T0, Until, dryRun: false, CancellationToken.None));

        // One of two hits on message 1 is wrong; the other still makes it an offence.
        await Store.MarkFalsePositiveAsync(ids[0], true, null, T0.AddHours(1), null, CancellationToken.None);
        Assert.Equal(1, await Store.CountOffencesAsync("qq", "123456", "424242", T0, Until, dryRun: false, CancellationToken.None));

        await Store.MarkFalsePositiveAsync(ids[1], true, null, T0.AddHours(1), null, CancellationToken.None);
        Assert.Equal(0, await Store.CountOffencesAsync("qq", "123456", "424242", T0, Until, dryRun: false, CancellationToken.None));

        await Store.MarkFalsePositiveAsync(ids[2], false, "复核：确实是广告", T0.AddHours(2), null, CancellationToken.None);
        Assert.Equal(1, await Store.CountOffencesAsync("qq", "123456", "424242", T0, Until, dryRun: false, CancellationToken.None));
    }

    [Fact]
    public async Task Marking_a_false_positive_records_the_note_and_time_and_unmarking_keeps_the_new_note()
    {
        var id = Assert.Single(await Store.AddAsync([Samples.Incident()], CancellationToken.None));
        var at = new DateTimeOffset(2025, 3, 2, 18, 0, 0, TimeSpan.FromHours(8));

        Assert.True(await Store.MarkFalsePositiveAsync(id, true, "“加微信”是群公告里的", at, null, CancellationToken.None));
        var marked = await Store.GetAsync(id, CancellationToken.None);
        Assert.True(marked!.FalsePositive);
        Assert.Equal("“加微信”是群公告里的", marked.ReviewNote);
        Assert.Equal(at, marked.ReviewedAt);

        Assert.True(await Store.MarkFalsePositiveAsync(id, false, null, at.AddHours(1), null, CancellationToken.None));
        var unmarked = await Store.GetAsync(id, CancellationToken.None);
        Assert.False(unmarked!.FalsePositive);
        Assert.Null(unmarked.ReviewNote);
        Assert.Equal(at.AddHours(1), unmarked.ReviewedAt);
        // Review leaves the evidence and the action as they were.
        Assert.Equal(marked with { FalsePositive = false, ReviewNote = null, ReviewedAt = at.AddHours(1), PlannedActions = unmarked.PlannedActions }, unmarked);
    }

    [Fact]
    public async Task Marking_an_unknown_incident_says_so_and_changes_nothing()
    {
        var id = Assert.Single(await Store.AddAsync([Samples.Incident()], CancellationToken.None));

        Assert.False(await Store.MarkFalsePositiveAsync(id + 1, true, "?", T0, null, CancellationToken.None));

        Assert.False((await Store.GetAsync(id, CancellationToken.None))!.FalsePositive);
    }
}
