using GroupGuard.Core;
using GroupGuard.Core.Moderation;
using GroupGuard.Core.Rules;

namespace GroupGuard.Host.Pipeline;

/// <summary>
/// At start: actions decided before a crash but never carried out (incidents still <c>pending</c>)
/// are queued again when they are recent, or marked failed when they are too old to matter.
/// </summary>
internal sealed partial class PendingActionRecovery(
    IIncidentStore store,
    IRuleSetProvider rules,
    ActionQueue queue,
    TimeProvider time,
    ILogger<PendingActionRecovery> logger) : BackgroundService
{
    /// <summary>A recall or mute that comes later than this after the message does more harm than good.</summary>
    internal static readonly TimeSpan StillWorthIt = TimeSpan.FromMinutes(10);

    private static readonly TimeSpan LookBack = TimeSpan.FromDays(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await RecoverAsync(stoppingToken);
        }
        catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
        {
            LogFailed(ex);
        }
    }

    internal async Task RecoverAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var pending = new List<Incident>();
        await foreach (var incident in store.QueryAsync(new IncidentQuery(now - LookBack, null, null, ByDetectionTime: true), cancellationToken))
        {
            // Only what was decided before this start: the worker, running beside, stores pending
            // incidents of its own (the journal's replay too) and queues their actions itself.
            if (incident.ActionStatus == ActionStatus.Pending && incident.DetectedAt < now)
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

    [LoggerMessage(Level = LogLevel.Error, Message = "Recovering pending actions failed; they stay pending")]
    private partial void LogFailed(Exception ex);
}
