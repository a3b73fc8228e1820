namespace GroupGuard.Host.Pipeline;

/// <summary><c>GroupGuard:Pipeline</c>: the queue between the webhooks and moderation.</summary>
public sealed class PipelineOptions
{
    public const string Section = "GroupGuard:Pipeline";

    /// <summary>Messages waiting for moderation at most; past it the webhook answers 503 so nothing is silently dropped.</summary>
    public int QueueCapacity { get; set; } = 10_000;

    /// <summary>Event keys remembered for de-duplication.</summary>
    public int DedupeCapacity { get; set; } = 100_000;
}
