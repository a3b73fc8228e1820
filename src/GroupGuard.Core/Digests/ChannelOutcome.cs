namespace GroupGuard.Core.Digests;

/// <summary>What became of one channel of one digest: its status, the attempts so far, the last error, when it arrived.</summary>
public sealed record ChannelOutcome(ChannelStatus Status, int Attempts, string? Error, DateTimeOffset? SentAt);
