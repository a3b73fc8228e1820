using GroupGuard.Core;
using GroupGuard.Core.Moderation;
using GroupGuard.Core.Rules;

namespace GroupGuard.Host.Pipeline;

/// <summary>
/// Actions decided but never carried out (incidents still <c>pending</c>) are queued again when
/// they are recent, or marked failed when they are too old to matter. Of a message whose recall,
/// mute and kick were carried out before the stop and whose warning was still waiting to go out
/// (<see cref="Incident.ActsOutcome"/>), only the warning is queued again, never those.
/// <para>
/// Alone on its database (SQLite) the instance looks once, at start, at what was left by the
/// process before it. On a database several instances share (PostgreSQL) every pending incident
/// names the instance that carries it out (<see cref="Incident.ActionOwner"/>): the recovery looks
/// every <see cref="SweepEvery"/> and takes over only what is its own from before this start, or
/// an owner's that the cluster no longer trusts (it stopped checking in; <see cref="IClusterMembers"/>),
/// claiming it first so that of two instances only one acts. A live instance's action is never
/// taken, however long its queue. Incidents stored before owners were recorded (by an earlier
/// version) are taken once <see cref="SharedWait"/> old while no other instance is alive; with
/// others alive, one of which may be of that version and still at work on them, they are only
/// marked failed once past <see cref="StillWorthIt"/>.
/// </para>
/// </summary>
internal sealed partial class PendingActionRecovery(
    IIncidentStore store,
    IPendingActions pendingActions,
    IRuleSetProvider rules,
    ActionQueue queue,
    InstanceIdentity instance,
    TimeProvider time,
    ILogger<PendingActionRecovery> logger,
    Microsoft.Extensions.Options.IOptions<GroupGuard.Storage.StorageOptions>? storage = null,
    IClusterMembers? members = null) : BackgroundService
{
    /// <summary>
    /// How long a job may take on a live instance: a recall, a mute and a kick each within their
    /// action budget (20 s), the warning's coalescing window (10 s) and its own budget. What has no
    /// owner recorded (stored by an earlier version) is taken once it is this old.
    /// </summary>
    internal static readonly TimeSpan SharedWait = TimeSpan.FromMinutes(2);

    /// <summary>
    /// A pending action whose owner the cluster does not list is left this long after its decision:
    /// an instance just started may store one before its first check-in.
    /// </summary>
    internal static readonly TimeSpan UnlistedGrace = TimeSpan.FromSeconds(30);

    /// <summary>How often, on a shared database, pending actions are looked at.</summary>
    internal static readonly TimeSpan SweepEvery = TimeSpan.FromSeconds(20);

    /// <summary>A recall or mute that comes later than this after the message does more harm than good.</summary>
    internal static readonly TimeSpan StillWorthIt = TimeSpan.FromMinutes(10);

    /// <summary>At most this many pending incidents are looked at in one pass (the oldest first); the next pass takes the rest.</summary>
    internal const int PerPass = 2_000;

    private static readonly TimeSpan LookBack = TimeSpan.FromDays(2);

    // What this instance has taken over and queued: still pending until its outcome is recorded, and
    // not to be queued again at the next pass. Only ids that are still pending are kept.
    private readonly HashSet<long> _taken = [];

    private bool Shared => storage?.Value.IsPostgres == true;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var started = time.GetUtcNow();
        if (Shared)
        {
            LogSweeping(SweepEvery.TotalSeconds);
        }

        try
        {
            // Alone on the database, one pass; shared, a pass every SweepEvery.
            while (true)
            {
                try
                {
                    await RecoverAsync(started, stoppingToken);
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    LogFailed(ex);
                }

                if (!Shared)
                {
                    return;
                }

                await Task.Delay(SweepEvery, time, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping, or a start that failed (the host cancels and logs what escapes as a fault).
        }
    }

    internal Task RecoverAsync(CancellationToken cancellationToken) => RecoverAsync(time.GetUtcNow(), cancellationToken);

    /// <summary>
    /// One pass: queues again (or marks failed) what was left pending by a process before
    /// <paramref name="started"/>, and on a shared database what an instance the cluster no longer
    /// trusts left.
    /// </summary>
    internal async Task RecoverAsync(DateTimeOffset started, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var pending = await pendingActions.ListPendingAsync(now - LookBack, PerPass, cancellationToken);
        if (pending.Count < PerPass)
        {
            // All that is pending was listed: what this instance queued and is no longer pending has its outcome.
            _taken.IntersectWith(pending.Select(i => i.Id));
        }

        var trusted = Shared && members is not null ? await members.TrustedAsync(cancellationToken) : null;
        // Each message is logged at Debug; a pass says once how many (a crash under a flood leaves thousands).
        var requeued = (Messages: 0, Actions: 0);
        var takenOver = new SortedDictionary<string, (int Messages, int Actions)>(StringComparer.Ordinal);

        foreach (var message in pending
            .Where(i => !_taken.Contains(i.Id))
            .GroupBy(i => (i.Protocol, i.Platform, i.BotId, i.GroupId, i.UserId, i.MessageId, i.ActionOwner, Acted: Acted(i))))
        {
            var owner = message.Key.ActionOwner;
            var last = message.Max(i => i.DetectedAt);
            if (!Left(owner, last, started, now, trusted))
            {
                continue;
            }

            var ids = owner == instance.Id
                ? [.. message.Select(i => i.Id)]
                : await pendingActions.ClaimAsync([.. message.Select(i => i.Id).Take(IPendingActions.MaxClaim)], owner, instance.Id, cancellationToken);
            if (ids.Count == 0)
            {
                continue; // another instance claimed it first, or its outcome came in meanwhile
            }

            var claimed = message.Where(i => ids.Contains(i.Id)).ToList();
            var acted = message.Key.Acted;
            var strongest = claimed.MaxBy(i => i.DecidedAction)!;
            var actions = ActionPlan.Build(
                ActionTarget.Of(strongest),
                acted is null ? Planned(claimed) : Planned(claimed).Where(a => a == ModerationAction.Warn),
                claimed.Max(i => i.MuteSeconds),
                Warning(strongest));
            if (now - last > StillWorthIt)
            {
                await RecordAsync(ids, NotCarriedOut(acted, actions, "interrupted by a restart before it was carried out", ActionErrorKind.Interrupted), cancellationToken);
                continue;
            }

            // A platform that could not do part of it (a warning stands in) is noted on the incidents:
            // keep saying so. Unless acts that did not come out done put their own words there.
            var degraded = acted is null or { Status: ActionStatus.Done } ? claimed.Select(i => i.ActionError).FirstOrDefault(e => e is not null) : null;
            _taken.UnionWith(ids);
            if (actions.Count == 0 && acted is null)
            {
                continue;
            }

            // A job whose acts were carried out and that has no warning left still records what became of them.
            if (!queue.TryEnqueue(new ActionJob(ids, actions, degraded) { Acted = acted }))
            {
                // As the worker does with a decision of its own: said, not left pending for ever.
                await RecordAsync(ids, NotCarriedOut(acted, actions, "the action queue is full", ActionErrorKind.QueueFull), cancellationToken);
            }
            else if (owner is null || owner == instance.Id || !Shared)
            {
                // Alone on the database, the owner is the process before this one (its id made up at its start).
                LogRequeued(actions.Count, strongest.GroupId, strongest.MessageId);
                requeued = (requeued.Messages + 1, requeued.Actions + actions.Count);
            }
            else
            {
                LogTakenOver(actions.Count, strongest.GroupId, strongest.MessageId, owner);
                var (messages, count) = takenOver.GetValueOrDefault(owner);
                takenOver[owner] = (messages + 1, count + actions.Count);
            }
        }

        if (requeued.Messages > 0)
        {
            LogRequeuedTotal(requeued.Actions, requeued.Messages);
        }

        foreach (var (owner, (messages, count)) in takenOver)
        {
            LogTakenOverTotal(count, messages, owner);
        }
    }

    /// <summary>Whether a message's pending action, owned by <paramref name="owner"/> and decided last at <paramref name="last"/>, is left for this instance to carry out.</summary>
    private bool Left(string? owner, DateTimeOffset last, DateTimeOffset started, DateTimeOffset now, IReadOnlySet<string>? trusted)
    {
        if (owner == instance.Id && (instance.Generated || last >= started))
        {
            // This instance's worker stores pending incidents of its own (the journal's replay too)
            // and queues their actions itself. A made-up id is new at each start, so it alone tells
            // them from what the process before left: by the time alone, a clock set back between
            // the two made all the earlier process's actions look like this one's, never carried out.
            // A configured GroupGuard:InstanceId was the earlier process's too: only the time tells.
            return false;
        }

        if (!Shared || owner == instance.Id)
        {
            return true;
        }

        if (owner is null)
        {
            // Stored by a version before owners were recorded. During a rolling upgrade an instance
            // of that version may still be alive and carrying it out (its queue, paced per bot, can
            // run minutes behind), and nothing tells it from this version's instances: taken while
            // this instance is the only one alive, and with others only once too old to act on
            // (StillWorthIt), to be marked failed, so that no recall or mute is done twice.
            return now - last >= SharedWait
                && (trusted is null || trusted.All(id => id == instance.Id) || now - last > StillWorthIt);
        }

        return trusted is not null && !trusted.Contains(owner) && now - last >= UnlistedGrace;
    }

    /// <summary>
    /// What the recall, mute and kick of an incident carried out before its warning came to, as
    /// recorded (<see cref="IPendingActions.RecordActsAsync"/>), or null when they were not.
    /// </summary>
    private static ActionResult? Acted(Incident incident) => incident.ActsOutcome switch
    {
        null => null,
        ActionStatus.Done => ActionResult.Done,
        { } status => new ActionResult(status, incident.ActionError, incident.ActionErrorKind),
    };

    /// <summary>
    /// The outcome of actions left that are not carried out (<paramref name="why"/>): failed; for a
    /// message whose acts were carried out before (<paramref name="acted"/>), what became of those,
    /// and that what was left (the warning) was not sent.
    /// </summary>
    private static ActionResult NotCarriedOut(ActionResult? acted, IReadOnlyList<PlatformAction> left, string why, ActionErrorKind kind) =>
        acted is null
            ? ActionResult.Failed(kind, why)
            : ActionWorker.Summarize([.. left.Select(action => (action, ActionResult.Failed(kind, why)))], acted);

    private Task RecordAsync(IReadOnlyList<long> ids, ActionResult outcome, CancellationToken cancellationToken) =>
        store.UpdateActionAsync(ids, outcome.Status, outcome.Error, outcome.ErrorKind, cancellationToken);

    /// <summary>
    /// What the decision planned, as its incidents recorded it. Incidents stored before plans were
    /// recorded say only their rule's action and a mute length: rebuilt from those as then.
    /// </summary>
    private static IEnumerable<ModerationAction> Planned(IEnumerable<Incident> incidents)
    {
        var planned = incidents.SelectMany(i => i.PlannedActions).ToHashSet();
        return planned.Count > 0
            ? planned.Order()
            : ActionPlan.Wanted(incidents.Max(i => i.DecidedAction), incidents.Max(i => i.MuteSeconds) > 0 ? ModerationAction.Mute : null);
    }

    /// <summary>The rule's warning as the rules in force word it; the default one when the rule is gone.</summary>
    private string Warning(Incident incident) =>
        rules.Current.Rules.FirstOrDefault(r => r.Id == incident.Rule) is { } rule
            ? ModerationPolicy.Warning(rule)
            : ModerationPolicy.DefaultWarning.Replace("{pack}", incident.Pack, StringComparison.Ordinal);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Queued again {Count} actions on group {GroupId} message {MessageId}, decided before the last stop but not carried out")]
    private partial void LogRequeued(int count, string groupId, string messageId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Took over {Count} actions on group {GroupId} message {MessageId} from instance {Owner}, which stopped before carrying them out")]
    private partial void LogTakenOver(int count, string groupId, string messageId, string owner);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pending actions of {Messages} message(s), decided before the last stop but not carried out, queued again ({Count} actions)")]
    private partial void LogRequeuedTotal(int count, int messages);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pending actions of {Messages} message(s) taken over from instance {Owner}, which stopped before carrying them out ({Count} actions)")]
    private partial void LogTakenOverTotal(int count, int messages, string owner);

    [LoggerMessage(Level = LogLevel.Information, Message = "Pending actions are looked at every {Seconds} s: this instance's from before its start, and those of instances that stopped checking in")]
    private partial void LogSweeping(double seconds);

    [LoggerMessage(Level = LogLevel.Error, Message = "Recovering pending actions failed; they stay pending")]
    private partial void LogFailed(Exception ex);
}
