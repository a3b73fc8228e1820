namespace GroupGuard.Host.Pipeline;

/// <summary><c>GroupGuard:Pipeline</c>: the queue between the webhooks and moderation.</summary>
public sealed class PipelineOptions
{
    public const string Section = "GroupGuard:Pipeline";

    /// <summary>Messages waiting for moderation at most; past it the webhook answers 503 so nothing is silently dropped.</summary>
    public int QueueCapacity { get; set; } = 10_000;

    /// <summary>Event keys remembered for de-duplication.</summary>
    public int DedupeCapacity { get; set; } = 100_000;

    /// <summary>
    /// The folder of the inbox journal: every accepted message is appended here before the webhook
    /// answers, and replayed at start if the service stopped before moderating it. Default:
    /// <c>inbox</c> beside the SQLite database.
    /// </summary>
    public string? InboxPath { get; set; }

    /// <summary>Size at which the journal starts a new file; moderated files are deleted.</summary>
    public long InboxSegmentBytes { get; set; } = 16 * 1024 * 1024;
}
