namespace GroupGuard.Core.Digests;

/// <summary>What became of one channel of one digest: its status, the attempts so far, the last error, when it arrived.</summary>
public sealed record ChannelOutcome(ChannelStatus Status, int Attempts, string? Error, DateTimeOffset? SentAt)
{
    /// <summary>
    /// The parts of a message sent in parts (a robot's) that arrived, kept as each arrives
    /// (<see cref="IDigestOutbox.RecordPartsDeliveredAsync"/>): a retry starts after them.
    /// </summary>
    public int PartsDelivered { get; init; }

    /// <summary>
    /// For a try that failed and is to be tried again: not before this time, by any instance sharing
    /// the outbox (recording the outcome leaves the channel claimed by nobody until then).
    /// </summary>
    public DateTimeOffset? RetryNotBefore { get; init; }

    /// <summary>What kind of failure <see cref="Error"/> is (<see cref="DigestChannelException.Kind"/>); null without an error, or for one recorded before kinds were kept.</summary>
    public ChannelErrorKind? ErrorKind { get; init; }
}
