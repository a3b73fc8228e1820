namespace GroupGuard.Core.Digests;

/// <summary>
/// The digest outbox. Failure contract: methods throw on storage failure. Creating a digest whose
/// period overlaps one stored for the leader (the same period end, or another instance's alert that
/// ended elsewhere) returns the stored one unchanged: a restart, a misfire, a retry or a second
/// instance never makes a second digest for the same time.
/// </summary>
public interface IDigestOutbox
{
    /// <summary>The end of the leader's latest digest period, or null before the first (<see cref="LastPeriodAsync"/> without the mark).</summary>
    Task<DateTimeOffset?> LastPeriodEndAsync(string leader, CancellationToken cancellationToken);

    /// <summary>The end of the leader's latest period and the commit mark it covered (no contents), or null before the first.</summary>
    Task<DigestPeriod?> LastPeriodAsync(string leader, CancellationToken cancellationToken);

    /// <summary>
    /// The start of the leader's earliest digest period still stored, or null before the first: a
    /// leader's periods join end to start, so its digests cover the time from there to the end of its
    /// latest one.
    /// </summary>
    Task<DateTimeOffset?> FirstPeriodStartAsync(string leader, CancellationToken cancellationToken);

    /// <summary>Stores the digest with every channel pending, or returns the earliest one stored for that leader whose period overlaps its own.</summary>
    Task<DigestRecord> CreateAsync(DigestRecord record, CancellationToken cancellationToken);

    /// <summary>
    /// Claims a pending (or failed, retryable) channel for <paramref name="holder"/> (a process) to
    /// send until <paramref name="until"/>:
    /// true for the one caller that gets it; false when it is sent, or claimed by someone else and
    /// that claim has not run out at <paramref name="now"/>. Recording the outcome ends the claim
    /// (or, with <see cref="ChannelOutcome.RetryNotBefore"/>, leaves it claimed by nobody until then).
    /// </summary>
    Task<bool> ClaimChannelAsync(long id, string channel, string holder, DateTimeOffset now, DateTimeOffset until, CancellationToken cancellationToken);

    /// <summary>Ends every claim whose holder <paramref name="isGone"/> says no longer runs; returns how many.</summary>
    Task<int> ReleaseClaimsAsync(Func<string, bool> isGone, CancellationToken cancellationToken);

    /// <summary>
    /// How many parts of the digest's message in parts the channel has delivered so far (0 before
    /// the first, and for a channel that sends one message): a try starts after them.
    /// </summary>
    Task<int> PartsDeliveredAsync(long id, string channel, CancellationToken cancellationToken);

    /// <summary>
    /// Records that the channel has delivered the first <paramref name="parts"/> parts, as each one
    /// arrives, so that a retry after a refusal or a crash does not post them again. Never lowers
    /// the count and leaves a sent channel as it is; the outcome (<see cref="UpdateChannelAsync"/>)
    /// leaves the count as it is.
    /// </summary>
    Task RecordPartsDeliveredAsync(long id, string channel, int parts, CancellationToken cancellationToken);

    /// <summary>Records one channel's outcome, ends its claim and recomputes the digest's status.</summary>
    Task UpdateChannelAsync(long id, string channel, ChannelOutcome outcome, CancellationToken cancellationToken);

    /// <summary>Digests with a channel still pending, or failed with fewer than <paramref name="maxAttempts"/> attempts.</summary>
    Task<IReadOnlyList<DigestRecord>> UnfinishedAsync(int maxAttempts, CancellationToken cancellationToken);

    /// <summary>The leader's latest digest (by period end) with its channels, or null before the first.</summary>
    Task<DigestRecord?> LatestAsync(string leader, CancellationToken cancellationToken);

    /// <summary>
    /// The latest digest (by period end) of each of <paramref name="leaders"/> (leader names, or alert
    /// rules' <c>alert:&lt;name&gt;</c>) that has one, with its channels' outcomes but without its
    /// contents (its title, text, chart and incident ids are empty): what <c>/healthz</c> shows,
    /// whichever process sent it. One indexed look per name.
    /// </summary>
    Task<IReadOnlyList<DigestRecord>> LatestDeliveriesAsync(IReadOnlyCollection<string> leaders, CancellationToken cancellationToken);

    /// <summary>
    /// The alerts of <paramref name="leader"/> (an alert rule's <c>alert:&lt;name&gt;</c>) whose period
    /// ends after <paramref name="endedAfter"/>, that said 待处置 (<see cref="DigestRecord.PendingIds"/>)
    /// and have nothing stored yet under <paramref name="followUps"/> (the rule's
    /// <c>alert-followup:&lt;name&gt;</c>) for the same period end: those still owed their follow-up,
    /// with their channels, oldest first. Whoever stores the follow-up first, with the alert's
    /// period, takes the alert off this list for every instance.
    /// </summary>
    Task<IReadOnlyList<DigestRecord>> AwaitingFollowUpAsync(string leader, string followUps, DateTimeOffset endedAfter, CancellationToken cancellationToken);

    /// <summary>
    /// The entry stored under <paramref name="leader"/> (a leader's name, or an alert rule's key)
    /// whose period ends at <paramref name="periodTo"/>, with its contents and channels; null when
    /// there is none (never stored, or removed since). One indexed look.
    /// </summary>
    Task<DigestRecord?> GetAsync(string leader, DateTimeOffset periodTo, CancellationToken cancellationToken);

    /// <summary>The outbox, newest last; one leader's or all.</summary>
    IAsyncEnumerable<DigestRecord> ListAsync(string? leader, CancellationToken cancellationToken);

    /// <summary>The <paramref name="count"/> digests and alerts whose periods end last, newest first (the console's list).</summary>
    Task<IReadOnlyList<DigestRecord>> NewestAsync(int count, CancellationToken cancellationToken);
}

/// <summary>Where a stored digest's or alert's period ends, and the highest commit number it covered (<see cref="DigestRecord.HighSeq"/>).</summary>
public sealed record DigestPeriod(DateTimeOffset To, long? HighSeq);
