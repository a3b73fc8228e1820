namespace GroupGuard.Core;

/// <summary>What became of an event handed to the service.</summary>
public enum EventAcceptance
{
    /// <summary>Taken: journaled and queued for moderation (or nothing to moderate).</summary>
    Accepted,

    /// <summary>A redelivery of an event already taken.</summary>
    Duplicate,

    /// <summary>Not taken (the queue is full, the journal cannot be written): the sender should deliver it again later.</summary>
    RetryLater,
}

/// <summary>
/// Where an adapter that receives events on its own (a WebSocket it holds, an event stream it
/// reads) hands each verified, parsed event: the same journal, dedupe and moderation as a webhook.
/// Failure contract: never throws for a refused event; says so instead.
/// </summary>
public interface IEventSink
{
    EventAcceptance Accept(InboundEvent inbound);
}
