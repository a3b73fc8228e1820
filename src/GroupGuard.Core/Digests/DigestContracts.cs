namespace GroupGuard.Core.Digests;

/// <summary>One digest as it is sent: the same content rendered for each kind of channel.</summary>
/// <param name="Leader">The leader's name, as configured.</param>
/// <param name="From">Start of the period covered (inclusive, by detection time).</param>
/// <param name="To">End of the period covered (exclusive).</param>
/// <param name="Title">A one-line title (email subject, DingTalk title).</param>
/// <param name="Markdown">Markdown (WeCom, DingTalk, the file channel). Lines are short; channels may split on line breaks. What members and platforms wrote is defused (<see cref="DigestMarkup.Escape"/>).</param>
/// <param name="Text">Plain text (Feishu, QQ private message, the plain part of an email). What members and platforms wrote stays as written, but its line breaks become spaces.</param>
/// <param name="Html">HTML (the HTML part of an email).</param>
/// <param name="IncidentIds">The incidents this digest reports.</param>
public sealed record DigestDocument(
    string Leader,
    DateTimeOffset From,
    DateTimeOffset To,
    string Title,
    string Markdown,
    string Text,
    string Html,
    IReadOnlyList<long> IncidentIds);

/// <summary>
/// A way to reach a leader (WeCom robot, DingTalk robot, Feishu bot, email, QQ private message,
/// file). Failure contract: <see cref="SendAsync"/> throws <see cref="DigestChannelException"/>
/// when the digest did not arrive (an HTTP 200 with a non-zero errcode included); the caller
/// records it per channel and goes on with the others.
/// </summary>
public interface IDigestChannel
{
    /// <summary>The channel's configured name (the key under <c>GroupGuard:Channels</c>).</summary>
    string Name { get; }

    /// <summary><c>wecom</c>, <c>dingtalk</c>, <c>feishu</c>, <c>email</c>, <c>onebot</c> or <c>file</c>.</summary>
    string Type { get; }

    Task SendAsync(DigestDocument digest, CancellationToken cancellationToken);
}

/// <summary>The configured channels by name.</summary>
public interface IDigestChannels
{
    IReadOnlyCollection<string> Names { get; }

    /// <summary>The channel, or null when no channel of that name is configured.</summary>
    IDigestChannel? Get(string name);
}

/// <summary>A channel's failure, in words a leader's operator can act on (never a secret).</summary>
public sealed class DigestChannelException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Sends a QQ private message through the bot (OneBot <c>send_private_msg</c>), rate-limited with
/// every other platform call. Failure contract: returns failed with the platform's words; throws
/// only when cancelled.
/// </summary>
public interface IPrivateMessenger
{
    Task<Moderation.ActionResult> SendPrivateAsync(string userId, string text, CancellationToken cancellationToken);
}

/// <summary>
/// What became of one channel of one digest. <c>pending</c>: to be sent, or failed and to be tried
/// again (with the error and the attempts so far); <c>sent</c>: it arrived (and stays sent);
/// <c>failed</c>: the sender gave up.
/// </summary>
public sealed record ChannelOutcome(string Status, int Attempts, string? Error, DateTimeOffset? SentAt)
{
    public const string Pending = "pending";
    public const string Sent = "sent";
    public const string Failed = "failed";
}

/// <summary>One digest in the outbox: keyed by leader and period end, so it is sent at most once.</summary>
public sealed record DigestRecord
{
    public long Id { get; init; }
    public required string Leader { get; init; }
    public required DateTimeOffset PeriodFrom { get; init; }
    public required DateTimeOffset PeriodTo { get; init; }

    /// <summary><c>pending</c> (a channel still to send), <c>sent</c> (all channels), <c>partial</c>, or <c>failed</c> (no channel, retries exhausted).</summary>
    public required string Status { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }
    public required string Title { get; init; }
    public required string Markdown { get; init; }
    public required string Text { get; init; }
    public required string Html { get; init; }
    public IReadOnlyList<long> IncidentIds { get; init; } = [];

    /// <summary>Per channel name: its outcome so far.</summary>
    public IReadOnlyDictionary<string, ChannelOutcome> Channels { get; init; } = new Dictionary<string, ChannelOutcome>();

    public DigestDocument ToDocument() => new(Leader, PeriodFrom, PeriodTo, Title, Markdown, Text, Html, IncidentIds);
}

/// <summary>
/// The digest outbox. Failure contract: methods throw on storage failure. Creating a digest that
/// exists (same leader and period end) returns the stored one unchanged: a restart, a misfire, a
/// retry or a second instance never makes a second digest for the same period.
/// </summary>
public interface IDigestOutbox
{
    /// <summary>The end of the leader's latest digest period, or null before the first.</summary>
    Task<DateTimeOffset?> LastPeriodEndAsync(string leader, CancellationToken cancellationToken);

    /// <summary>Stores the digest with every channel pending, or returns the one already stored for that leader and period end.</summary>
    Task<DigestRecord> CreateAsync(DigestRecord record, CancellationToken cancellationToken);

    /// <summary>
    /// Claims a pending (or failed, retryable) channel for <paramref name="holder"/> (a process) to
    /// send until <paramref name="until"/>:
    /// true for the one caller that gets it; false when it is sent, or claimed by someone else and
    /// that claim has not run out at <paramref name="now"/>. Recording the outcome ends the claim.
    /// </summary>
    Task<bool> ClaimChannelAsync(long id, string channel, string holder, DateTimeOffset now, DateTimeOffset until, CancellationToken cancellationToken);

    /// <summary>Ends every claim whose holder <paramref name="isGone"/> says no longer runs; returns how many.</summary>
    Task<int> ReleaseClaimsAsync(Func<string, bool> isGone, CancellationToken cancellationToken);

    /// <summary>Records one channel's outcome, ends its claim and recomputes the digest's status.</summary>
    Task UpdateChannelAsync(long id, string channel, ChannelOutcome outcome, CancellationToken cancellationToken);

    /// <summary>Digests with a channel still pending, or failed with fewer than <paramref name="maxAttempts"/> attempts.</summary>
    Task<IReadOnlyList<DigestRecord>> UnfinishedAsync(int maxAttempts, CancellationToken cancellationToken);

    /// <summary>The leader's latest digest (by period end) with its channels, or null before the first.</summary>
    Task<DigestRecord?> LatestAsync(string leader, CancellationToken cancellationToken);

    /// <summary>The outbox, newest last; one leader's or all.</summary>
    IAsyncEnumerable<DigestRecord> ListAsync(string? leader, CancellationToken cancellationToken);
}
