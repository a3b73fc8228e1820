using System.Threading.Channels;
using GroupGuard.Core;
using GroupGuard.Core.Detection;
using GroupGuard.Core.Moderation;
using GroupGuard.Core.Rules;
using GroupGuard.Core.Text;
using Microsoft.Extensions.Options;

namespace GroupGuard.Host.Pipeline;

/// <summary>
/// Takes messages off the queue one at a time: detect, decide, store, then mark it done in the
/// inbox journal. A storage failure is retried with backoff until it succeeds or the service stops;
/// on a graceful stop the queue is drained first, and what could not be stored is replayed at start.
/// </summary>
internal sealed partial class ModerationWorker(
    Channel<QueuedMessage> queue,
    InboxJournal journal,
    IRuleSetProvider rules,
    IIncidentStore store,
    StreamTracker streams,
    MessageCounter counter,
    ActionQueue actionQueue,
    IOptionsMonitor<ModerationOptions> moderation,
    IOptionsMonitor<PrivacyOptions> privacy,
    IOptionsMonitor<Dictionary<string, GroupOverride>> groups,
    PipelineStats stats,
    IncidentsInFlight inFlight,
    TimeProvider time,
    ILogger<ModerationWorker> logger,
    IWordSegmenter? segmenter = null,
    IPlatformActions? platform = null) : BackgroundService
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Read without the stopping token: StopAsync completes the writer, and the loop ends
        // once everything already accepted has been handled.
        await foreach (var queued in queue.Reader.ReadAllAsync(CancellationToken.None))
        {
            if (await ProcessAsync(queued.Message, stoppingToken))
            {
                journal.MarkProcessed(queued.Position);

                // Caught up: save the checkpoint now rather than at the next message, which may be
                // hours away; otherwise a crash meanwhile would moderate (and count) the tail again.
                // The moderated segments go too, and the chat text in them.
                if (queue.Reader.Count == 0)
                {
                    journal.Release();
                }
            }
        }

        journal.Release();
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        queue.Writer.TryComplete();
        var pending = queue.Reader.Count;
        if (pending > 0)
        {
            LogDraining(pending);
        }

        await base.StopAsync(cancellationToken);
    }

    /// <summary>Detects, decides, stores and queues the actions; false when the result could not be stored and must be replayed.</summary>
    internal async Task<bool> ProcessAsync(ChatMessage message, CancellationToken stoppingToken)
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
            return true;
        }

        if (hits.Count == 0)
        {
            stats.Processed(0);
            return true;
        }

        var options = moderation.CurrentValue;
        groups.CurrentValue.TryGetValue(message.GroupId, out var group);
        var role = message.SenderRole;
        var offences = 0;
        if (ModerationPolicy.Actionable(hits, group))
        {
            if (role == SenderRole.Unknown && platform is not null)
            {
                role = await RoleAsync(message, stoppingToken) ?? SenderRole.Unknown;
            }

            offences = await CountOffencesAsync(message, options, stoppingToken);
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
                options,
                group,
                privacy.CurrentValue,
                action => platform?.CanDo(message.Protocol, message.Platform, action) ?? false);
            decision = ModerationPolicy.Decide(message, hits, ruleSet.Version, context, ruleSet.Fold(message.Text));
            ids = await StoreAsync(decision.Incidents, stoppingToken);
        }

        if (ids is null)
        {
            return false;
        }

        foreach (var incident in decision.Incidents)
        {
            LogIncident(incident.Rule, incident.Platform, incident.GroupId, incident.UserId, incident.MessageId, incident.DecidedAction, incident.ActionStatus);
        }

        // Act only on incidents stored now: a redelivered message was acted on the first time.
        var pending = decision.Incidents.Select((incident, i) => (incident, id: ids[i]))
            .Where(x => x.id != 0 && x.incident.ActionStatus == ActionStatus.Pending)
            .Select(x => x.id)
            .ToList();
        var degraded = decision.Incidents.Select(i => i.ActionError).FirstOrDefault(e => e is not null);
        if (decision.Actions.Count > 0 && pending.Count > 0 && !actionQueue.TryEnqueue(new ActionJob(pending, decision.Actions, degraded)))
        {
            await store.UpdateActionAsync(pending, ActionStatus.Failed, "the action queue is full", CancellationToken.None);
        }

        stats.Processed(decision.Incidents.Count);
        return true;
    }

    private async Task<SenderRole?> RoleAsync(ChatMessage message, CancellationToken stoppingToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(5));
        try
        {
            return await platform!.GetRoleAsync(message.Protocol, message.BotId, message.GroupId, message.UserId, timeout.Token);
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

    /// <summary>Stores with retries; null when stopping with storage still down (the journal replays the message).</summary>
    private async Task<IReadOnlyList<long>?> StoreAsync(IReadOnlyList<Incident> incidents, CancellationToken stoppingToken)
    {
        var delay = TimeSpan.FromMilliseconds(250);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var ids = await store.AddAsync(incidents, CancellationToken.None);
                stats.StorageRecovered();
                return ids;
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                stats.StorageFailed(ex.Message);
                LogStoreFailed(ex, attempt, delay.TotalSeconds);
                try
                {
                    await Task.Delay(delay, time, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    // Stopping: one last try below.
                }

                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxBackoff.Ticks));
            }
            catch (Exception ex)
            {
                stats.StorageFailed(ex.Message);
                LogNotStored(ex, incidents.Count, incidents[0].GroupId, incidents[0].MessageId);
                return null;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Draining {Pending} queued messages before stopping")]
    private partial void LogDraining(int pending);

    [LoggerMessage(Level = LogLevel.Error, Message = "Detection failed on {Protocol} group {GroupId} message {MessageId}; skipped")]
    private partial void LogDetectionFailed(Exception ex, string protocol, string groupId, string messageId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Incident {Rule}: {Platform} group {GroupId} user {UserId} message {MessageId}, action {Action} ({Status})")]
    private partial void LogIncident(string rule, string platform, string groupId, string userId, string messageId, ModerationAction action, string status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Storing incidents failed (attempt {Attempt}); retrying in {Seconds:0.##} s")]
    private partial void LogStoreFailed(Exception ex, int attempt, double seconds);

    [LoggerMessage(Level = LogLevel.Error, Message = "Stopping with storage down: {Count} incidents of group {GroupId} message {MessageId} are not stored yet; the inbox journal replays them at the next start")]
    private partial void LogNotStored(Exception ex, int count, string groupId, string messageId);
}
