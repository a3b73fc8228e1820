using System.Threading.Channels;
using GroupGuard.Core;
using Microsoft.Extensions.Options;

namespace GroupGuard.Host.Pipeline;

internal enum IntakeOutcome
{
    Accepted,
    Queued,
    Duplicate,
    QueueFull,

    /// <summary>The inbox journal could not be written (a full disk): not taken, the sender must retry.</summary>
    JournalFailed,
}

/// <summary>
/// Where a verified, parsed event enters the service: the adapter's last-seen time, de-duplication,
/// the inbox journal and the bounded queue to the moderation worker. It never waits on storage or
/// the platform: the webhook answers as soon as the message is journaled.
/// </summary>
internal sealed partial class EventIntake(
    Deduplicator deduplicator,
    AdapterHealth health,
    InboxJournal journal,
    Channel<QueuedMessage> queue,
    IOptions<PipelineOptions> options,
    ILogger<EventIntake> logger,
    TimeProvider time,
    Core.Members.IJoinTimes? joinTimes = null,
    Telemetry.GroupGuardMetrics? metrics = null) : IEventSink
{
    private readonly int _capacity = options.Value.QueueCapacity;
    private readonly Lock _lock = new();

    // A full queue refuses every request past it, thousands a second under a flood: a line per
    // refusal cost more than the refusal itself and buried every other line.
    private readonly LogThrottle _refusals = new(time);

    public IntakeOutcome Accept(InboundEvent inbound)
    {
        health.Seen(inbound.Protocol, inbound.BotId);
        if (inbound.Joined is { } joined)
        {
            // Noted at once, ahead of the queue: the newcomer's first message comes after it.
            joinTimes?.Joined(joined.Platform, joined.GroupId, joined.UserId, joined.At);
        }

        if (inbound.Kind is not (InboundEventKind.GroupMessage or InboundEventKind.JoinRequest) || inbound.Message is null)
        {
            return IntakeOutcome.Accepted;
        }

        var key = inbound.Message.DedupeKey;
        if (!deduplicator.TryAdd(key))
        {
            return IntakeOutcome.Duplicate;
        }

        var outcome = IntakeOutcome.QueueFull;
        lock (_lock)
        {
            // Only the worker takes from the queue, so a count under the limit here stays under it.
            if (queue.Reader.Count < _capacity)
            {
                try
                {
                    var position = journal.Append(inbound.Message);
                    if (queue.Writer.TryWrite(new QueuedMessage(inbound.Message, position)))
                    {
                        metrics?.Received(inbound.Protocol);
                        return IntakeOutcome.Queued;
                    }
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidOperationException)
                {
                    LogJournalFailed(ex, journal.Folder);
                    outcome = IntakeOutcome.JournalFailed;
                }
            }
        }

        // Not taken: forget it, so the sender's retry is not mistaken for a duplicate.
        deduplicator.Forget(key);
        if (outcome == IntakeOutcome.QueueFull)
        {
            ReportRefusal(inbound.Protocol);
        }

        return outcome;
    }

    private void ReportRefusal(Protocol protocol)
    {
        if (_refusals.Occurred("queue full") is > 0 and var refused)
        {
            LogQueueFull(protocol, _capacity, refused);
        }
    }

    EventAcceptance IEventSink.Accept(InboundEvent inbound) => Accept(inbound) switch
    {
        IntakeOutcome.Duplicate => EventAcceptance.Duplicate,
        IntakeOutcome.QueueFull or IntakeOutcome.JournalFailed => EventAcceptance.RetryLater,
        _ => EventAcceptance.Accepted,
    };

    /// <summary>Puts back what the journal holds from before a crash, ahead of new traffic.</summary>
    public int Replay()
    {
        var pending = journal.Open();
        foreach (var queued in pending)
        {
            deduplicator.TryAdd(queued.Message.DedupeKey);
            queue.Writer.TryWrite(queued);
        }

        return pending.Count;
    }

    public int Pending => queue.Reader.Count;

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not write the inbox journal in {Folder}; the event is refused with 503 so that its sender retries")]
    private partial void LogJournalFailed(Exception ex, string folder);

    [LoggerMessage(Level = LogLevel.Error,
        Message = "Moderation queue full ({Capacity} messages waiting): {Refused} event(s) refused with 503 since the last report, the latest over {Protocol}; senders retry. Moderation is slower than the traffic")]
    private partial void LogQueueFull(Protocol protocol, int capacity, long refused);
}
