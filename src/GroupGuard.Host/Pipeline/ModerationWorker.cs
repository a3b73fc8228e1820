using System.Threading.Channels;
using GroupGuard.Core;
using GroupGuard.Core.Detection;
using GroupGuard.Core.Moderation;
using GroupGuard.Core.Rules;

namespace GroupGuard.Host.Pipeline;

/// <summary>
/// Takes messages off the queue one at a time: detect, decide, store. A storage failure is retried
/// with backoff until it succeeds or the service stops; on a graceful stop the queue is drained first.
/// </summary>
internal sealed partial class ModerationWorker(
    Channel<ChatMessage> queue,
    IRuleSetProvider rules,
    IIncidentStore store,
    PipelineStats stats,
    TimeProvider time,
    ILogger<ModerationWorker> logger) : BackgroundService
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Read without the stopping token: StopAsync completes the writer, and the loop ends
        // once everything already accepted has been handled.
        await foreach (var message in queue.Reader.ReadAllAsync(CancellationToken.None))
        {
            await ProcessAsync(message, stoppingToken);
        }
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

    internal async Task ProcessAsync(ChatMessage message, CancellationToken stoppingToken)
    {
        IReadOnlyList<Incident> incidents;
        try
        {
            var verdict = MessageDetector.Detect(rules.Current, message);
            incidents = ModerationPolicy.Decide(message, verdict, time.GetUtcNow());
        }
        catch (Exception ex)
        {
            // One message that trips the detector must not stop moderation of the rest.
            LogDetectionFailed(ex, message.Protocol, message.GroupId, message.MessageId);
            stats.Failed();
            return;
        }

        if (incidents.Count > 0)
        {
            await StoreAsync(incidents, stoppingToken);
            foreach (var incident in incidents)
            {
                LogIncident(incident.Rule, incident.Platform, incident.GroupId, incident.UserId, incident.MessageId, incident.DecidedAction, incident.ActionStatus);
            }
        }

        stats.Processed(incidents.Count);
    }

    private async Task StoreAsync(IReadOnlyList<Incident> incidents, CancellationToken stoppingToken)
    {
        var delay = TimeSpan.FromMilliseconds(250);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await store.AddAsync(incidents, CancellationToken.None);
                stats.StorageRecovered();
                return;
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
                LogLost(ex, incidents.Count, incidents[0].GroupId, incidents[0].MessageId);
                return;
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

    [LoggerMessage(Level = LogLevel.Critical, Message = "Stopping with storage down: {Count} incidents of group {GroupId} message {MessageId} were not stored")]
    private partial void LogLost(Exception ex, int count, string groupId, string messageId);
}
