namespace GroupGuard.Core.Digests;

/// <summary>One digest in the outbox: keyed by leader and period end, so it is sent at most once.</summary>
public sealed record DigestRecord
{
    /// <summary>A failing channel is tried this many times in all, with backoff (1, 2, 4, 8 minutes).</summary>
    public const int MaxSendAttempts = 5;

    public long Id { get; init; }

    /// <summary>
    /// A new digest, alert or follow-up to store and send: <paramref name="document"/> for
    /// <paramref name="leader"/>'s outbox key over the period, every channel still to send. Channel
    /// names ignore case, as the settings and the channels do: "wang-mail" and "Wang-Mail" are one
    /// channel, sent once.
    /// </summary>
    public static DigestRecord ToSend(string leader, DigestDocument document, DateTimeOffset from, DateTimeOffset to, DateTimeOffset createdAt, IEnumerable<string> channels)
    {
        ArgumentNullException.ThrowIfNull(document);
        return new DigestRecord
        {
            Leader = leader,
            PeriodFrom = from,
            PeriodTo = to,
            Status = DigestStatus.Pending,
            CreatedAt = createdAt,
            Title = document.Title,
            Markdown = document.Markdown,
            Text = document.Text,
            Html = document.Html,
            IncidentIds = document.IncidentIds,
            Messages = document.Messages,
            ChartPng = document.ChartPng, // stored, so that a retry sends this picture and not a newer one
            Channels = channels.Distinct(StringComparer.OrdinalIgnoreCase).ToDictionary(c => c, _ => new ChannelOutcome(ChannelStatus.Pending, 0, null, null)),
        };
    }
    public required string Leader { get; init; }
    public required DateTimeOffset PeriodFrom { get; init; }
    public required DateTimeOffset PeriodTo { get; init; }

    /// <summary><c>pending</c> (a channel still to send), <c>sent</c> (all channels), <c>partial</c>, or <c>failed</c> (no channel, retries exhausted).</summary>
    public required DigestStatus Status { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }
    public required string Title { get; init; }
    public required string Markdown { get; init; }
    public required string Text { get; init; }
    public required string Html { get; init; }
    public IReadOnlyList<long> IncidentIds { get; init; } = [];

    /// <summary>
    /// An alert's: the incidents whose messages it said 待处置 (the platform had not yet answered
    /// their recall, mute or kick when it went out), one per message, which its follow-up reports on
    /// once they settle (<see cref="AlertRuleOptions.FollowUpKey"/>). Empty for a digest, for an
    /// alert that waited for nothing, and for one made before they were kept.
    /// </summary>
    public IReadOnlyList<long> PendingIds { get; init; } = [];

    /// <summary>
    /// The highest incident commit number the digest covered (<see cref="IIncidentStore.CommitHighAsync"/>):
    /// the next digest takes what was committed after it. Null for digests made before it was kept.
    /// </summary>
    public long? HighSeq { get; init; }

    /// <summary>
    /// How many offending messages the digest counted, as its headline says them (发现 8 条违规消息:
    /// a message of several hits once, those marked false positive left out); <see cref="IncidentIds"/>
    /// are its hits, false positives among them. Null for digests made before it was kept.
    /// </summary>
    public int? Messages { get; init; }

    /// <summary>The digest's chart as made when it was created, so that a retry sends the very same picture.</summary>
    public byte[]? ChartPng { get; init; }

    /// <summary>Per channel name: its outcome so far.</summary>
    public IReadOnlyDictionary<string, ChannelOutcome> Channels { get; init; } = new Dictionary<string, ChannelOutcome>();

    public DigestDocument ToDocument() => new(Leader, PeriodFrom, PeriodTo, Title, Markdown, Text, Html, IncidentIds) { ChartPng = ChartPng, Messages = Messages ?? 0 };
}
