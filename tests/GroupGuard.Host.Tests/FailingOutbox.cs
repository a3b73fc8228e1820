using GroupGuard.Core.Digests;

namespace GroupGuard.Host.Tests;

/// <summary>
/// The digest outbox with storing made to fail, as a database does that is failing over, busy, or
/// refuses a text: <see cref="CreateAsync"/> throws <see cref="FailuresLeft"/> more times for the
/// records of <see cref="Leader"/> (null: any); everything else goes to the real outbox.
/// </summary>
internal sealed class FailingOutbox(IDigestOutbox inner) : IDigestOutbox
{
    private int _failuresLeft;

    /// <summary>Whose records fail to be stored (a leader, or an alert rule's <c>alert:name</c>); null: anyone's.</summary>
    public string? Leader { get; init; }

    /// <summary>How many more times storing fails.</summary>
    public int FailuresLeft
    {
        get => Volatile.Read(ref _failuresLeft);
        set => Volatile.Write(ref _failuresLeft, value);
    }

    public Task<DigestRecord> CreateAsync(DigestRecord record, CancellationToken cancellationToken)
    {
        if ((Leader is null || record.Leader == Leader) && Interlocked.Decrement(ref _failuresLeft) >= 0)
        {
            return Task.FromException<DigestRecord>(new InvalidOperationException($"the database could not store {record.Leader}'s record (a failover)"));
        }

        return inner.CreateAsync(record, cancellationToken);
    }

    public Task<DateTimeOffset?> LastPeriodEndAsync(string leader, CancellationToken cancellationToken) => inner.LastPeriodEndAsync(leader, cancellationToken);

    public Task<DigestPeriod?> LastPeriodAsync(string leader, CancellationToken cancellationToken) => inner.LastPeriodAsync(leader, cancellationToken);

    public Task<DateTimeOffset?> FirstPeriodStartAsync(string leader, CancellationToken cancellationToken) => inner.FirstPeriodStartAsync(leader, cancellationToken);

    public Task<bool> ClaimChannelAsync(long id, string channel, string holder, DateTimeOffset now, DateTimeOffset until, CancellationToken cancellationToken) =>
        inner.ClaimChannelAsync(id, channel, holder, now, until, cancellationToken);

    public Task<int> ReleaseClaimsAsync(Func<string, bool> isGone, CancellationToken cancellationToken) => inner.ReleaseClaimsAsync(isGone, cancellationToken);

    public Task<int> PartsDeliveredAsync(long id, string channel, CancellationToken cancellationToken) => inner.PartsDeliveredAsync(id, channel, cancellationToken);

    public Task RecordPartsDeliveredAsync(long id, string channel, int parts, CancellationToken cancellationToken) =>
        inner.RecordPartsDeliveredAsync(id, channel, parts, cancellationToken);

    public Task UpdateChannelAsync(long id, string channel, ChannelOutcome outcome, CancellationToken cancellationToken) =>
        inner.UpdateChannelAsync(id, channel, outcome, cancellationToken);

    public Task<IReadOnlyList<DigestRecord>> UnfinishedAsync(int maxAttempts, CancellationToken cancellationToken) => inner.UnfinishedAsync(maxAttempts, cancellationToken);

    public Task<DigestRecord?> LatestAsync(string leader, CancellationToken cancellationToken) => inner.LatestAsync(leader, cancellationToken);

    public Task<IReadOnlyList<DigestRecord>> LatestDeliveriesAsync(IReadOnlyCollection<string> leaders, CancellationToken cancellationToken) =>
        inner.LatestDeliveriesAsync(leaders, cancellationToken);

    public Task<IReadOnlyList<DigestRecord>> AwaitingFollowUpAsync(string leader, string followUps, DateTimeOffset endedAfter, CancellationToken cancellationToken) =>
        inner.AwaitingFollowUpAsync(leader, followUps, endedAfter, cancellationToken);

    public Task<DigestRecord?> GetAsync(string leader, DateTimeOffset periodTo, CancellationToken cancellationToken) => inner.GetAsync(leader, periodTo, cancellationToken);

    public IAsyncEnumerable<DigestRecord> ListAsync(string? leader, CancellationToken cancellationToken) => inner.ListAsync(leader, cancellationToken);

    public Task<IReadOnlyList<DigestRecord>> NewestAsync(int count, CancellationToken cancellationToken) => inner.NewestAsync(count, cancellationToken);
}
