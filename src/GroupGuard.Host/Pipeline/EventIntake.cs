using System.Threading.Channels;
using GroupGuard.Core;

namespace GroupGuard.Host.Pipeline;

internal enum IntakeOutcome
{
    Accepted,
    Queued,
    Duplicate,
    QueueFull,
}

/// <summary>
/// Where a verified, parsed event enters the service: the adapter's last-seen time, de-duplication
/// and the bounded queue to the moderation worker. It never waits: the webhook answers at once.
/// </summary>
internal sealed class EventIntake(Deduplicator deduplicator, AdapterHealth health, Channel<ChatMessage> queue)
{
    public IntakeOutcome Accept(InboundEvent inbound)
    {
        health.Seen(inbound.Protocol, inbound.BotId);
        if (inbound.Kind != InboundEventKind.GroupMessage || inbound.Message is null)
        {
            return IntakeOutcome.Accepted;
        }

        var key = inbound.Message.DedupeKey;
        if (!deduplicator.TryAdd(key))
        {
            return IntakeOutcome.Duplicate;
        }

        if (queue.Writer.TryWrite(inbound.Message))
        {
            return IntakeOutcome.Queued;
        }

        // Not taken: forget it, so the sender's retry is not mistaken for a duplicate.
        deduplicator.Forget(key);
        return IntakeOutcome.QueueFull;
    }

    public int Pending => queue.Reader.CanCount ? queue.Reader.Count : -1;
}
