using GroupGuard.Core;
using GroupGuard.Core.Moderation;
using GroupGuard.Core.Rules;

namespace GroupGuard.Host.Pipeline;

/// <summary>
/// At start: actions decided before a crash but never carried out (incidents still <c>pending</c>)
/// are queued again when they are recent, or marked failed when they are too old to matter. On a
/// database that several instances share (PostgreSQL), a pending incident may be another live
/// instance's, whose job is under way (its warning waits out the coalescing window): the recovery
/// first waits <see cref="SharedWait"/>, long enough for any live instance's job to record its
/// outcome, and takes only what is pending still.
/// </summary>
internal sealed partial class PendingActionRecovery(
    IIncidentStore store,
    IRuleSetProvider rules,
    ActionQueue queue,
    TimeProvider time,
    ILogger<PendingActionRecovery> logger,
    Microsoft.Extensions.Options.IOptions<GroupGuard.Storage.StorageOptions>? storage = null) : BackgroundService
{
    /// <summary>
    /// How long a job may take on a live instance: a recall, a mute and a kick each within their
    /// action budget (20 s), the warning's coalescing window (10 s) and its own budget.
    /// </summary>
    internal static readonly TimeSpan SharedWait = TimeSpan.FromMinutes(2);

    /// <summary>A recall or mute that comes later than this after the message does more harm than good.</summary>
    internal static readonly TimeSpan StillWorthIt = TimeSpan.FromMinutes(10);

    private static readonly TimeSpan LookBack = TimeSpan.FromDays(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            var started = time.GetUtcNow();
            if (storage?.Value.IsPostgres == true)
            {
                var wait = Task.Delay(SharedWait, time, stoppingToken);
                LogWaiting(SharedWait.TotalSeconds);
                await wait;
            }

            await RecoverAsync(started, stoppingToken);
        }
        catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
        {
            LogFailed(ex);
        }
    }

    internal Task RecoverAsync(CancellationToken cancellationToken) => RecoverAsync(time.GetUtcNow(), cancellationToken);

    /// <summary>Queues again (or marks failed) what was left pending by a process before <paramref name="started"/>.</summary>
    internal async Task RecoverAsync(DateTimeOffset started, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var pending = new List<Incident>();
        await foreach (var incident in store.QueryAsync(new IncidentQuery(started - LookBack, null, null, ByDetectionTime: true), cancellationToken))
        {
            // Only what was decided before this start: the worker, running beside, stores pending
            // incidents of its own (the journal's replay too) and queues their actions itself.
            if (incident.ActionStatus == ActionStatus.Pending && incident.DetectedAt < started)
            {
                pending.Add(incident);
            }
        }

        foreach (var message in pending.GroupBy(i => (i.Protocol, i.Platform, i.BotId, i.GroupId, i.UserId, i.MessageId)))
        {
            var ids = message.Select(i => i.Id).ToList();
            if (now - message.Max(i => i.DetectedAt) > StillWorthIt)
            {
                await store.UpdateActionAsync(ids, ActionStatus.Failed, "interrupted by a restart before it was carried out", ActionErrorKind.Interrupted, cancellationToken);
                continue;
            }

            var strongest = message.MaxBy(i => i.DecidedAction)!;
            var actions = ActionPlan.Build(
                ActionTarget.Of(strongest),
                Planned(message),
                message.Max(i => i.MuteSeconds),
                Warning(strongest));
            // A platform that could not do part of it (a warning stands in) is noted on the incidents: keep saying so.
            var degraded = message.Select(i => i.ActionError).FirstOrDefault(e => e is not null);
            if (actions.Count > 0 && queue.TryEnqueue(new ActionJob(ids, actions, degraded)))
            {
                LogRequeued(actions.Count, strongest.GroupId, strongest.MessageId);
            }
        }
    }

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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Queued again {Count} actions on group {GroupId} message {MessageId}, decided before the last stop but not carried out")]
    private partial void LogRequeued(int count, string groupId, string messageId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Pending actions left by a stop are looked at in {Seconds} s, once other instances on the shared database have carried out theirs")]
    private partial void LogWaiting(double seconds);

    [LoggerMessage(Level = LogLevel.Error, Message = "Recovering pending actions failed; they stay pending")]
    private partial void LogFailed(Exception ex);
}
