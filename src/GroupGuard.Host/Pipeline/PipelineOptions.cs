namespace GroupGuard.Host.Pipeline;

/// <summary><c>GroupGuard:Pipeline</c>: the queue between the webhooks and moderation.</summary>
public sealed class PipelineOptions
{
    public const string Section = "GroupGuard:Pipeline";

    /// <summary>Messages waiting for moderation in memory at most; past it they wait in the inbox journal (<see cref="BacklogBytes"/>).</summary>
    public int QueueCapacity { get; set; } = 10_000;

    /// <summary>
    /// Bytes of messages that may wait in the inbox journal once the queue is full (a flood
    /// moderation cannot keep up with), read back in order as it catches up; past it the webhook
    /// answers 503. 0: none, a full queue answers 503 at once.
    /// </summary>
    public long BacklogBytes { get; set; } = 512L * 1024 * 1024;

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

    /// <summary>
    /// Minutes after the start within which some bridge should have been heard from (any event, a
    /// heartbeat included): past them with nothing, a warning says where bridges should connect and
    /// what commonly keeps them away, and <c>/healthz</c> says so until the first event. 0: off.
    /// Default 5.
    /// </summary>
    public int NoBridgeWarningMinutes { get; set; } = 5;
}
