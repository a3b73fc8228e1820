using GroupGuard.Core;
using GroupGuard.Core.Detection;
using GroupGuard.Core.Moderation;
using GroupGuard.Core.Rules;
using GroupGuard.Core.Text;

namespace GroupGuard.Host.Pipeline;

/// <summary>What became of one message.</summary>
internal enum ModerationOutcome
{
    /// <summary>Moderated: nothing fired, or its incidents are stored and their actions queued.</summary>
    Done,

    /// <summary>The detector failed on it; logged and counted, never tried again.</summary>
    DetectionFailed,

    /// <summary>Its incidents could not be stored before the service stopped: the journal must replay it.</summary>
    NotStored,
}

/// <summary>
/// One message's way from the queue to the platform: count it, detect, look up the sender's role
/// and earlier offences (only when a hit calls for action), decide, store, and queue the actions
/// of the incidents stored now. The worker calls it for each queued message, replays included.
/// </summary>
internal sealed partial class Moderator(
    IRuleSetProvider rules,
    StreamTracker streams,
    MessageCounter counter,
    ModerationSettings settings,
    IncidentsInFlight inFlight,
    IncidentWriter writer,
    IIncidentStore store,
    ActionQueue actions,
    PipelineStats stats,
    ILogger<Moderator> logger,
    IWordSegmenter? segmenter = null,
    IPlatformActions? platform = null)
{
    private static readonly TimeSpan RoleLookupTimeout = TimeSpan.FromSeconds(5);

    public async Task<ModerationOutcome> ModerateAsync(ChatMessage message, CancellationToken stoppingToken)
    {
        counter.Count(message);
        var ruleSet = rules.Current;
        List<RuleHit> hits;
        try
        {
            hits = [.. MessageDetector.Detect(ruleSet, message, segmenter).Hits, .. streams.Observe(ruleSet, message)];
        }
        catch (Exception ex)
        {
            // One message that trips the detector must not stop moderation of the rest.
            LogDetectionFailed(ex, message.Protocol, message.GroupId, message.MessageId);
            stats.Failed();
            return ModerationOutcome.DetectionFailed;
        }

        if (hits.Count == 0)
        {
            stats.Processed(0);
            return ModerationOutcome.Done;
        }

        var group = settings.For(message.GroupId);
        var role = message.SenderRole;
        var offences = 0;
        if (ModerationPolicy.Actionable(hits, group.Group))
        {
            if (role == SenderRole.Unknown && platform is not null)
            {
                role = await RoleAsync(platform, message, stoppingToken) ?? SenderRole.Unknown;
            }

            offences = await CountOffencesAsync(message, group.Options, stoppingToken);
        }

        Decision decision;
        IReadOnlyList<long>? ids;

        // The detection time stays open until the write commits, so a digest due meanwhile waits for it.
        using (var flight = inFlight.Begin())
        {
            var context = new PolicyContext(
                offences,
                role,
                flight.Now,
                group.Options,
                group.Group,
                group.Privacy,
                action => platform?.CanDo(message.Protocol, message.Platform, action) ?? false);
            decision = ModerationPolicy.Decide(message, hits, ruleSet.Version, context, ruleSet.Fold(message.Text));
            ids = await writer.WriteAsync(decision.Incidents, stoppingToken);
        }

        if (ids is null)
        {
            return ModerationOutcome.NotStored;
        }

        foreach (var incident in decision.Incidents)
        {
            LogIncident(incident.Rule, incident.Platform, incident.GroupId, incident.UserId, incident.MessageId, incident.DecidedAction, incident.ActionStatus);
        }

        await QueueActionsAsync(decision, ids);
        stats.Processed(decision.Incidents.Count);
        return ModerationOutcome.Done;
    }

    /// <summary>Acts only on incidents stored now: a redelivered message was acted on the first time.</summary>
    private async Task QueueActionsAsync(Decision decision, IReadOnlyList<long> ids)
    {
        var pending = decision.Incidents.Select((incident, i) => (incident, id: ids[i]))
            .Where(x => x.id != 0 && x.incident.ActionStatus == ActionStatus.Pending)
            .Select(x => x.id)
            .ToList();
        var degraded = decision.Incidents.Select(i => i.ActionError).FirstOrDefault(e => e is not null);
        if (decision.Actions.Count > 0 && pending.Count > 0 && !actions.TryEnqueue(new ActionJob(pending, decision.Actions, degraded)))
        {
            await store.UpdateActionAsync(pending, ActionStatus.Failed, "the action queue is full", ActionErrorKind.QueueFull, CancellationToken.None);
        }
    }

    private static async Task<SenderRole?> RoleAsync(IPlatformActions platform, ChatMessage message, CancellationToken stoppingToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        timeout.CancelAfter(RoleLookupTimeout);
        try
        {
            return await platform.GetRoleAsync(message.Protocol, message.BotId, message.GroupId, message.UserId, timeout.Token);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
        {
            return null; // unknown: moderate as a member
        }
    }

    private async Task<int> CountOffencesAsync(ChatMessage message, ModerationOptions options, CancellationToken stoppingToken)
    {
        try
        {
            // The window ends at this message, on the platform's clock, so a bot that was down
            // and catches up (or a replay) escalates the way it would have live.
            var since = message.Time.AddHours(-options.EscalationWindowHours);
            return await store.CountOffencesAsync(message.Platform, message.GroupId, message.UserId, since, stoppingToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            stats.StorageFailed(ex.Message);
            return 0; // no escalation rather than no moderation
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Detection failed on {Protocol} group {GroupId} message {MessageId}; skipped")]
    private partial void LogDetectionFailed(Exception ex, Protocol protocol, string groupId, string messageId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Incident {Rule}: {Platform} group {GroupId} user {UserId} message {MessageId}, action {Action} ({Status})")]
    private partial void LogIncident(string rule, string platform, string groupId, string userId, string messageId, ModerationAction action, ActionStatus status);
}
