using System.Threading.Channels;
using GroupGuard.Core;
using GroupGuard.Core.Detection;
using GroupGuard.Core.Moderation;
using GroupGuard.Core.Rules;
using GroupGuard.Core.Text;

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
    PipelineStats stats,
    TimeProvider time,
    ILogger<ModerationWorker> logger,
    IWordSegmenter? segmenter = null) : BackgroundService
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
            }
        }

        journal.Flush();
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

    /// <summary>Detects, decides and stores; false when the result could not be stored and must be replayed.</summary>
    internal async Task<bool> ProcessAsync(ChatMessage message, CancellationToken stoppingToken)
    {
        IReadOnlyList<Incident> incidents;
        try
        {
            var verdict = MessageDetector.Detect(rules.Current, message, segmenter);
            incidents = ModerationPolicy.Decide(message, verdict, time.GetUtcNow());
        }
        catch (Exception ex)
        {
            // One message that trips the detector must not stop moderation of the rest.
            LogDetectionFailed(ex, message.Protocol, message.GroupId, message.MessageId);
            stats.Failed();
            return true;
        }

        if (incidents.Count > 0)
        {
            if (!await StoreAsync(incidents, stoppingToken))
            {
                return false;
            }

            foreach (var incident in incidents)
            {
                LogIncident(incident.Rule, incident.Platform, incident.GroupId, incident.UserId, incident.MessageId, incident.DecidedAction, incident.ActionStatus);
            }
        }

        stats.Processed(incidents.Count);
        return true;
    }

    private async Task<bool> StoreAsync(IReadOnlyList<Incident> incidents, CancellationToken stoppingToken)
    {
        var delay = TimeSpan.FromMilliseconds(250);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await store.AddAsync(incidents, CancellationToken.None);
                stats.StorageRecovered();
                return true;
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
                return false;
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
