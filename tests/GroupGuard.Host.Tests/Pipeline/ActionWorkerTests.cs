using GroupGuard.Core;
using GroupGuard.Core.Moderation;
using GroupGuard.Host.Pipeline;
using Microsoft.Extensions.Time.Testing;

namespace GroupGuard.Host.Tests.Pipeline;

/// <summary>
/// The action worker against a platform whose warnings wait out a coalescing window on a fake clock
/// (as OneBot's do): a job's recall, mute and kick are carried out at once, its warning after them
/// without holding a slot or the member's turn, and its outcome recorded when the warning has gone
/// out. The clock only moves when a test moves it, so "before the window ended" is exact.
/// </summary>
public sealed class ActionWorkerTests : IAsyncLifetime
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(10);

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 2, 8, 0, 0, TimeSpan.Zero));
    private readonly WatchedClock _clock;
    private readonly WindowedPlatform _platform;
    private readonly Store _store = new();
    private readonly Acts _acts = new();
    private readonly SentWarnings _sent = new();
    private readonly Switches _switches = new();
    private readonly ActionQueue _queue = new();
    private readonly LogCollector<ActionWorker> _logs = new();
    private ActionWorker? _worker;

    public ActionWorkerTests()
    {
        _acts.Store = _store;
        _clock = new WatchedClock(_time);
        _platform = new WindowedPlatform(_clock);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_worker is not null)
        {
            await _worker.StopAsync(CancellationToken.None);
            _worker.Dispose();
        }
    }

    private async Task<ActionWorker> StartAsync(int warningsWaitingLimit = ActionWorker.MaxWarningsWaiting)
    {
        var settings = new ModerationSettings(
            new SettableOptions<ModerationOptions>(new ModerationOptions()),
            new SettableOptions<PrivacyOptions>(new PrivacyOptions()),
            new SettableOptions<Dictionary<string, GroupOverride>>([]));
        var stats = new PipelineStats();
        _worker = new ActionWorker(
            _queue,
            _platform,
            _store,
            stats,
            _clock,
            _logs,
            _sent,
            dryRunSwitches: new DryRunSwitches(stats, new LogCollector<DryRunSwitches>(), _switches),
            settings: settings,
            pendingActions: _acts,
            instance: new InstanceIdentity(Store.Me))
        {
            WarningsWaitingLimit = warningsWaitingLimit,
        };
        await _worker.StartAsync(CancellationToken.None);
        return _worker;
    }

    /// <summary>A message's job as the policy plans it: <paramref name="decided"/> and an escalation step's action, in the order they are carried out.</summary>
    private static ActionJob Job(long incident, ModerationAction decided, ModerationAction? escalation = null, string group = "111", string user = "20002", int muteSeconds = 600) =>
        new(
            [incident],
            ActionPlan.Build(
                new ActionTarget(Protocol.OneBotV11, "qq", "10001", group, user, incident.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                ActionPlan.Wanted(decided, escalation),
                muteSeconds,
                "请勿刷屏"));

    private void Enqueue(ActionJob job) => Assert.True(_queue.TryEnqueue(job));

    /// <summary>
    /// A bot that is not admin of a group fails every recall there alike: the log has one warning
    /// naming the action, the group and the platform's reason, the same failures in a row are
    /// counted into a line when the 10 s end, and another group's failure has a line of its own.
    /// Before, each failure wrote its lines unthrottled.
    /// </summary>
    [Fact]
    public async Task Failures_alike_in_a_row_are_one_warning_then_a_count()
    {
        _platform.RecallResult = ActionResult.Failed(ActionErrorKind.NotPermitted, "delete_msg refused: retcode 200, 权限不足");
        await StartAsync();
        for (var i = 1; i <= 3; i++)
        {
            Enqueue(Job(i, ModerationAction.Recall));
        }

        var outcomes = await _store.Outcomes.WaitForCountAsync(3, "the three recalls' outcomes");

        Assert.All(outcomes, o => Assert.Equal((ActionStatus.Failed, ActionErrorKind.NotPermitted), (o.Status, o.Kind))); // the record as before
        var warning = Assert.Single(_logs.Entries, e => e.Level >= Microsoft.Extensions.Logging.LogLevel.Warning);
        Assert.StartsWith("Recall failed in qq group 111 (user 20002, message ", warning.Message, StringComparison.Ordinal);
        Assert.Contains("): delete_msg refused: retcode 200, 权限不足 (1 failed in this group", warning.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(_logs.Entries, e => e.Message.StartsWith("Action Recall", StringComparison.Ordinal));

        _time.Advance(GroupGuard.Core.LogThrottle.Interval);
        var told = await _logs.WaitFor(e => e.Message.StartsWith("2 more action(s) failed in qq group 111 since its last such line", StringComparison.Ordinal), "the count of the failures not logged one by one");
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Warning, told.Level);

        Enqueue(Job(4, ModerationAction.Recall, group: "222"));
        await _logs.WaitFor(e => e.Message.StartsWith("Recall failed in qq group 222 ", StringComparison.Ordinal), "the other group's failure");
    }

    /// <summary>A done action's line ends with its status: it ended in "Done (null)" or a space, with no error to add.</summary>
    [Fact]
    public async Task A_done_actions_line_ends_with_its_status()
    {
        await StartAsync();

        Enqueue(Job(7, ModerationAction.Recall));

        var line = await _logs.WaitFor(e => e.Message.StartsWith("Action Recall", StringComparison.Ordinal), "the recall's line");
        Assert.Equal("Action Recall on qq group 111 user 20002 message 7: Done", line.Message);
    }

    /// <summary>
    /// The auditor's case: a member floods group 111 (every message a warning and an escalation
    /// mute), then an advert in group 222 is to be recalled. The recall, and every one of the
    /// flooder's mutes, is carried out while all the flood's warnings still wait for their window.
    /// </summary>
    [Fact]
    public async Task Another_groups_recall_is_not_held_behind_a_floods_warnings()
    {
        await StartAsync();
        for (var i = 1; i <= 12; i++)
        {
            Enqueue(Job(i, ModerationAction.Warn, ModerationAction.Mute));
        }

        Enqueue(Job(99, ModerationAction.Recall, group: "222", user: "30003"));

        await _platform.Calls.WaitForAsync(c => c.Action == ModerationAction.Recall && c.GroupId == "222", "the recall in the other group");
        var recalled = await _store.Outcomes.WaitForAsync(o => o.Ids.Contains(99), "the recall's outcome");
        Assert.Equal(ActionStatus.Done, recalled.Status);
        await _platform.Calls.WaitUntilAsync(calls => calls.Count(c => c.Action == ModerationAction.Mute) == 12, "the flooder's twelve mutes");
        await _platform.Calls.WaitUntilAsync(calls => calls.Count(c => c.Action == ModerationAction.Warn) == 12, "the flood's twelve warnings handed off");

        // All of it before any window ended: the clock has not moved, and no warning has gone out.
        Assert.Equal(0, _platform.WarningsSent);
        Assert.All(_store.Outcomes.Items, o => Assert.Equal([99L], o.Ids));
        Assert.Equal(12, _worker!.WarningsWaiting);

        _time.Advance(Window);

        var outcomes = await _store.Outcomes.WaitForCountAsync(13, "every job's outcome");
        Assert.All(outcomes, o => Assert.Equal(ActionStatus.Done, o.Status));
        Assert.Equal(12, _platform.WarningsSent);
    }

    /// <summary>
    /// A warning that escalates to a mute: the mute reaches the platform first and at once, the
    /// warning after it; the member's next job (a longer mute) goes ahead while the first warning
    /// still waits; each job's outcome is recorded once its warning has gone out, with which
    /// incidents the warning was about.
    /// </summary>
    [Fact]
    public async Task Warn_and_mute_carries_out_the_mute_before_the_warning_window_ends()
    {
        await StartAsync();

        Enqueue(Job(1, ModerationAction.Warn, ModerationAction.Mute));

        var calls = await _platform.Calls.WaitForCountAsync(2, "the mute, then the warning");
        Assert.Equal([ModerationAction.Mute, ModerationAction.Warn], calls.Select(c => c.Action));
        var window = await _clock.TimerAsync(1);
        Assert.Equal(Window, window.DueTime);

        Enqueue(Job(2, ModerationAction.Warn, ModerationAction.Mute, muteSeconds: 3600));
        var next = await _platform.Calls.WaitForAsync(c => c.Action == ModerationAction.Mute && c.MessageId == "2", "the member's next mute");
        Assert.Equal(3600, next.MuteSeconds);
        Assert.True(window.IsPending);
        Assert.Equal(0, _store.Outcomes.Count); // pending until the warning has gone out, as before

        _time.Advance(Window);

        var outcomes = await _store.Outcomes.WaitForCountAsync(2, "both outcomes");
        Assert.All(outcomes, o => Assert.Equal(ActionStatus.Done, o.Status));
        var recorded = await _sent.Recorded.WaitForCountAsync(2, "which incidents each warning was about");
        Assert.Equal(["w1 about 1", "w2 about 2"], recorded.Select(r => $"{r.Warning.MessageId} about {string.Join(',', r.Ids)}").Order());
    }

    /// <summary>
    /// A mute announced in the group (GroupGuard:Moderation:Announce): the warning says what the
    /// platform did, after doing it, and leaves out what it refused.
    /// </summary>
    [Fact]
    public async Task An_announced_mute_says_what_was_done_and_not_what_the_platform_refused()
    {
        await StartAsync();
        var target = new ActionTarget(Protocol.OneBotV11, "qq", "10001", "111", "20002", "1");
        ModerationAction[] announced = [ModerationAction.Recall, ModerationAction.Mute, ModerationAction.Warn];

        Enqueue(new ActionJob([1], ActionPlan.Build(target, announced, 3600, "请勿刷屏")));
        var done = await _platform.Calls.WaitForAsync(c => c.Action == ModerationAction.Warn, "the first warning");
        _time.Advance(Window);
        await _store.Outcomes.WaitForCountAsync(1, "the first outcome");
        _platform.MuteResult = ActionResult.Failed(ActionErrorKind.NotPermitted, "set_group_ban failed: 权限不足");
        Enqueue(new ActionJob([2], ActionPlan.Build(target with { MessageId = "2" }, announced, 600, "请勿刷屏")));
        var refused = await _platform.Calls.WaitForAsync(c => c.Action == ModerationAction.Warn && c.MessageId == "2", "the second warning");

        Assert.Equal("请勿刷屏（已撤回，禁言 1 小时）", done.WarningText);
        Assert.Equal("请勿刷屏（已撤回）", refused.WarningText);
    }

    /// <summary>The warning's outcome still counts: a warning the platform refused fails the job, with its words, once the window has ended.</summary>
    [Fact]
    public async Task A_refused_warning_after_a_done_mute_fails_the_incident_with_the_platforms_words()
    {
        _platform.WarningResult = ActionResult.Failed(ActionErrorKind.Refused, "send_group_msg failed: 发送失败");
        await StartAsync();

        Enqueue(Job(1, ModerationAction.Warn, ModerationAction.Mute));
        await _clock.TimerAsync(1);
        _time.Advance(Window);

        var outcome = await _store.Outcomes.WaitForAsync(o => o.Ids.Contains(1), "the outcome");
        Assert.Equal(ActionStatus.Failed, outcome.Status);
        Assert.Equal("warn: send_group_msg failed: 发送失败", outcome.Error);
        Assert.Equal(ActionErrorKind.Refused, outcome.Kind);
        Assert.Contains(_platform.Calls.Items, c => c.Action == ModerationAction.Mute);
    }

    /// <summary>
    /// What waits is bounded: past the limit a warning is not sent, its incidents say so (queue
    /// full) at once, and the log has a line; the warnings within the limit still go out.
    /// </summary>
    [Fact]
    public async Task Past_the_limit_of_warnings_waiting_a_warning_is_not_sent_and_the_log_says_so()
    {
        await StartAsync(warningsWaitingLimit: 2);

        Enqueue(Job(1, ModerationAction.Warn));
        Enqueue(Job(2, ModerationAction.Warn, user: "20003"));
        await _clock.TimerAsync(2);
        Enqueue(Job(3, ModerationAction.Warn, user: "20004"));

        var dropped = await _store.Outcomes.WaitForAsync(o => o.Ids.Contains(3), "the third warning's outcome");
        Assert.Equal(ActionStatus.Failed, dropped.Status);
        Assert.Equal(ActionErrorKind.QueueFull, dropped.Kind);
        Assert.Equal("warn: not sent: 2 warnings were waiting to go out already", dropped.Error);
        var line = Assert.Single(_logs.Entries, e => e.Level == Microsoft.Extensions.Logging.LogLevel.Warning);
        Assert.Contains("1 warning(s) not sent since the last report: 2 were waiting to go out already", line.Message, StringComparison.Ordinal);
        Assert.Equal(2, _platform.Calls.Count);

        _time.Advance(Window);

        var outcomes = await _store.Outcomes.WaitForCountAsync(3, "every outcome");
        Assert.Equal([ActionStatus.Done, ActionStatus.Done], outcomes.Where(o => o.Ids[0] != 3).Select(o => o.Status));
        Assert.Equal(0, _worker!.WarningsWaiting);
    }

    /// <summary>
    /// A job queued before the group was switched to dry run (<c>/gg 试运行 开</c>) is not carried
    /// out when its turn comes: the answer "本群只记录，不处理" holds, and the incident says dry run.
    /// </summary>
    [Fact]
    public async Task A_job_queued_before_dry_run_was_switched_on_is_recorded_as_a_dry_run_and_calls_nothing()
    {
        _switches.DryRun["111"] = true;
        await StartAsync();

        Enqueue(Job(1, ModerationAction.Warn, ModerationAction.Mute));
        Enqueue(Job(2, ModerationAction.Recall, group: "222"));

        var outcomes = await _store.Outcomes.WaitForCountAsync(2, "both outcomes");
        var dryRun = Assert.Single(outcomes, o => o.Ids[0] == 1);
        Assert.Equal((ActionStatus.DryRun, ActionWorker.DryRunSince, (ActionErrorKind?)null), (dryRun.Status, dryRun.Error, dryRun.Kind));
        Assert.Equal(ActionStatus.Done, Assert.Single(outcomes, o => o.Ids[0] == 2).Status);
        Assert.Equal([("222", ModerationAction.Recall)], _platform.Calls.Items.Select(c => (c.GroupId, c.Action)));
    }

    /// <summary>
    /// A job whose incidents were all marked false positive while it was queued (<c>/gg 误判</c>)
    /// is skipped: no mute lands after the answer "已解除禁言". One with an incident still standing
    /// is carried out.
    /// </summary>
    [Fact]
    public async Task A_job_whose_incidents_were_marked_false_positive_while_queued_is_skipped()
    {
        _store.FalsePositives.UnionWith([1, 2, 3]);
        await StartAsync();

        Enqueue(Job(1, ModerationAction.Warn, ModerationAction.Mute) with { IncidentIds = [1, 2] });
        Enqueue(Job(3, ModerationAction.Recall) with { IncidentIds = [3, 4] });

        var outcomes = await _store.Outcomes.WaitForCountAsync(2, "both outcomes");
        var skipped = Assert.Single(outcomes, o => o.Ids[0] == 1);
        Assert.Equal((ActionStatus.Skipped, ActionWorker.MarkedSince), (skipped.Status, skipped.Error));
        Assert.Equal(ActionStatus.Done, Assert.Single(outcomes, o => o.Ids[0] == 3).Status);
        Assert.Equal([ModerationAction.Recall], _platform.Calls.Items.Select(c => c.Action));
    }

    /// <summary>
    /// Several instances on one database: this one was judged gone (it stopped checking in) while
    /// its jobs waited, and another instance claimed their incidents and carries them out. When
    /// their turn comes here, nothing is called (the member is not muted twice, nor recalled
    /// twice) and no outcome is written over the other instance's. A job whose incidents have an
    /// outcome already is not carried out again either; this instance's own job still is.
    /// </summary>
    [Fact]
    public async Task A_job_another_instance_took_over_or_finished_while_it_waited_is_neither_carried_out_nor_recorded()
    {
        _store.Owners[1] = "host-b-0000000b";
        _store.Settled[2] = ActionStatus.Done;
        _switches.DryRun["111"] = true; // switched on since: the other instance's to record, not this one's
        await StartAsync();

        Enqueue(Job(1, ModerationAction.Warn, ModerationAction.Mute));
        Enqueue(Job(2, ModerationAction.Recall));
        Enqueue(Job(3, ModerationAction.Recall, group: "222"));

        var outcome = await _store.Outcomes.WaitForAsync(o => o.Ids.Contains(3), "this instance's own job's outcome");
        Assert.Equal(ActionStatus.Done, outcome.Status);
        await _logs.WaitFor(l => l.Message.Contains("host-b-0000000b took them over", StringComparison.Ordinal), "the taken-over job's line");
        await _logs.WaitFor(l => l.Message.Contains("its outcome is recorded already", StringComparison.Ordinal), "the finished job's line");

        Assert.Equal([("222", ModerationAction.Recall)], _platform.Calls.Items.Select(c => (c.GroupId, c.Action)));
        Assert.Equal([3L], Assert.Single(_store.Outcomes.Items).Ids);
        Assert.Empty(_acts.Recorded.Items);
    }

    /// <summary>
    /// Taken over while it ran: the job's mute was carried out and its warning waited when another
    /// instance claimed its incident (this one paused past the cluster's check-in). The warning's
    /// outcome is not written over the taker's; the log says so.
    /// </summary>
    [Fact]
    public async Task An_outcome_is_not_recorded_on_incidents_another_instance_took_over_while_the_job_ran()
    {
        await StartAsync();

        Enqueue(Job(1, ModerationAction.Warn, ModerationAction.Mute));
        await _clock.TimerAsync(1);
        _store.Owners[1] = "host-b-0000000b";
        _time.Advance(Window);

        await _logs.WaitFor(l => l.Message.StartsWith("Outcome Done not recorded on incidents 1", StringComparison.Ordinal), "the outcome left to the taker");
        Assert.Equal(1, _platform.WarningsSent);
        Assert.Equal(0, _store.Outcomes.Count);
    }

    /// <summary>
    /// A stop (a deploy, <c>systemctl restart</c>) while a warning waits out its window: the job's
    /// mute was recorded as carried out before the warning was handed off, and no outcome is: the
    /// incident stays pending with only its warning left for the next start to send.
    /// </summary>
    [Fact]
    public async Task A_jobs_mute_is_recorded_as_carried_out_before_its_warning_waits_and_a_stop_leaves_only_the_warning()
    {
        await StartAsync();

        Enqueue(Job(1, ModerationAction.Warn, ModerationAction.Mute));
        await _clock.TimerAsync(1);

        var acts = Assert.Single(_acts.Recorded.Items);
        Assert.Equal((1L, ActionStatus.Done, (string?)null), (Assert.Single(acts.Ids), acts.Status, acts.Error));
        await _worker!.StopAsync(CancellationToken.None);

        Assert.Equal(0, _store.Outcomes.Count);
        Assert.Equal(0, _platform.WarningsSent);
        Assert.Equal([ModerationAction.Mute, ModerationAction.Warn], _platform.Calls.Items.Select(c => c.Action));
    }

    /// <summary>
    /// Jobs queued again after a restart whose acts were carried out before it: only the warnings
    /// are sent, and each outcome counts the acts as the platform answered then (a mute refused
    /// then still fails the incident). One whose group is in dry run now sends nothing and says
    /// what became of its acts.
    /// </summary>
    [Fact]
    public async Task A_job_queued_again_with_its_mute_carried_out_sends_only_the_warning_and_its_outcome_counts_the_mute()
    {
        _switches.DryRun["222"] = true;
        await StartAsync();
        static ActionJob WarningLeft(long incident, ActionResult acted, string group = "111") =>
            new([incident], [.. Job(incident, ModerationAction.Warn, ModerationAction.Mute, group: group).Actions.Where(a => a.Action == ModerationAction.Warn)]) { Acted = acted };

        Enqueue(WarningLeft(1, ActionResult.Failed(ActionErrorKind.NotPermitted, "mute: 权限不足")));
        Enqueue(WarningLeft(2, ActionResult.Done));
        Enqueue(WarningLeft(3, ActionResult.Done, group: "222"));
        await _clock.TimerAsync(2);
        _time.Advance(Window);

        var outcomes = await _store.Outcomes.WaitForCountAsync(3, "every outcome");
        Assert.Equal(
            [(1L, ActionStatus.Failed, "mute: 权限不足", ActionErrorKind.NotPermitted), (2L, ActionStatus.Done, null, null), (3L, ActionStatus.Done, null, null)],
            outcomes.Select(o => (o.Ids[0], o.Status, o.Error, o.Kind)).Order());
        Assert.Equal([("111", ModerationAction.Warn), ("111", ModerationAction.Warn)], _platform.Calls.Items.Select(c => (c.GroupId, c.Action)));
        Assert.Empty(_acts.Recorded.Items);
    }

    /// <summary>
    /// A platform whose recalls, mutes and kicks answer at once and whose warnings wait out a window
    /// on the clock before they answer, as OneBot's coalesced ones do; each call is recorded as it
    /// is made.
    /// </summary>
    private sealed class WindowedPlatform(TimeProvider clock) : IPlatformActions
    {
        private int _warningsSent;

        public Recording<PlatformAction> Calls { get; } = new();

        public ActionResult WarningResult { get; set; } = ActionResult.Done;

        public ActionResult MuteResult { get; set; } = ActionResult.Done;

        public ActionResult RecallResult { get; set; } = ActionResult.Done;

        public int WarningsSent => Volatile.Read(ref _warningsSent);

        public bool CanDo(Protocol protocol, string platform, ModerationAction action) => true;

        public async Task<ActionResult> ExecuteAsync(PlatformAction action, CancellationToken cancellationToken)
        {
            Calls.Add(action);
            if (action.Action != ModerationAction.Warn)
            {
                return action.Action switch
                {
                    ModerationAction.Mute => MuteResult,
                    ModerationAction.Recall => RecallResult,
                    _ => ActionResult.Done,
                };
            }

            await Task.Delay(Window, clock, cancellationToken);
            Interlocked.Increment(ref _warningsSent);
            return WarningResult with { SentMessageId = WarningResult.Status == ActionStatus.Done ? "w" + action.MessageId : null };
        }

        public Task<SenderRole?> GetRoleAsync(Protocol protocol, string botId, string groupId, string userId, CancellationToken cancellationToken) =>
            Task.FromResult<SenderRole?>(null);

        public Task<ActionResult> UnmuteAsync(Protocol protocol, string platform, string botId, string groupId, string userId, CancellationToken cancellationToken) =>
            Task.FromResult(ActionResult.Done);
    }

    private sealed record Outcome(IReadOnlyList<long> Ids, ActionStatus Status, string? Error, ActionErrorKind? Kind);

    /// <summary>Records each outcome; answers which incidents are marked false positive.</summary>
    private sealed class Store : UnusedIncidentStore
    {
        public Recording<Outcome> Outcomes { get; } = new();

        /// <summary>This worker's instance, the owner of every incident not named in <see cref="Owners"/>.</summary>
        public const string Me = "host-a-0000000a";

        public HashSet<long> FalsePositives { get; } = [];

        /// <summary>Incidents another instance has claimed.</summary>
        public Dictionary<long, string> Owners { get; } = [];

        /// <summary>Incidents whose outcome is recorded already.</summary>
        public Dictionary<long, ActionStatus> Settled { get; } = [];

        public override Task UpdateActionAsync(IReadOnlyList<long> incidentIds, ActionStatus status, string? error, ActionErrorKind? errorKind, CancellationToken cancellationToken)
        {
            Outcomes.Add(new Outcome([.. incidentIds], status, error, errorKind));
            return Task.CompletedTask;
        }

        public override Task<Incident?> GetAsync(long id, CancellationToken cancellationToken) =>
            Task.FromResult<Incident?>(Incidents.Of() with
            {
                Id = id,
                FalsePositive = FalsePositives.Contains(id),
                ActionStatus = Settled.GetValueOrDefault(id, ActionStatus.Pending),
                ActionOwner = Owners.GetValueOrDefault(id, Me),
            });
    }

    /// <summary>Records each job's acts recorded as carried out.</summary>
    private sealed class Acts : IPendingActions
    {
        public Recording<Outcome> Recorded { get; } = new();

        public Task RecordActsAsync(IReadOnlyList<long> incidentIds, ActionStatus outcome, string? error, ActionErrorKind? errorKind, CancellationToken cancellationToken)
        {
            Recorded.Add(new Outcome([.. incidentIds], outcome, error, errorKind));
            return Task.CompletedTask;
        }

        /// <summary>The store whose incidents these are: an outcome goes to it unless another instance owns them or one is recorded.</summary>
        public Store? Store { get; set; }

        public Task<IReadOnlyList<long>> FinishAsync(IReadOnlyList<long> incidentIds, string owner, ActionStatus status, string? error, ActionErrorKind? errorKind, CancellationToken cancellationToken)
        {
            IReadOnlyList<long> ours = [.. incidentIds.Where(id => Store!.Owners.GetValueOrDefault(id, owner) == owner && !Store.Settled.ContainsKey(id))];
            if (ours.Count > 0)
            {
                Store!.Outcomes.Add(new Outcome(ours, status, error, errorKind));
            }

            return Task.FromResult(ours);
        }

        public Task<IReadOnlyList<Incident>> ListPendingAsync(DateTimeOffset since, int limit, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<IReadOnlyList<long>> ClaimAsync(IReadOnlyList<long> incidentIds, string? owner, string claimant, CancellationToken cancellationToken) => throw new NotSupportedException();
    }

    private sealed class SentWarnings : ISentWarnings
    {
        public Recording<(GroupMessageRef Warning, IReadOnlyList<long> Ids)> Recorded { get; } = new();

        public Task RecordAsync(GroupMessageRef warning, IReadOnlyList<long> incidentIds, DateTimeOffset at, CancellationToken cancellationToken)
        {
            Recorded.Add((warning, [.. incidentIds]));
            return Task.CompletedTask;
        }

        public Task<IReadOnlyList<long>> IncidentsOfAsync(GroupMessageRef warning, CancellationToken cancellationToken) => throw new NotSupportedException();
    }

    private sealed class Switches : IGroupSwitches
    {
        public Dictionary<string, bool> DryRun { get; } = [];

        public Task<bool?> GetDryRunAsync(string platform, string groupId, CancellationToken cancellationToken) =>
            Task.FromResult<bool?>(DryRun.TryGetValue(groupId, out var on) ? on : null);

        public Task SetDryRunAsync(string platform, string groupId, bool? dryRun, DateTimeOffset at, string? changedBy, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<IReadOnlyList<GroupSwitch>> ListAsync(CancellationToken cancellationToken) => throw new NotSupportedException();
    }
}
