using GroupGuard.Core;
using GroupGuard.Core.Moderation;

namespace GroupGuard.Host.Tests.Pipeline;

/// <summary>
/// An incident store of which a test uses a part: every member throws until a fake derived from
/// it overrides what the test needs.
/// </summary>
internal abstract class UnusedIncidentStore : IIncidentStore
{
    public virtual Task InitializeAsync(CancellationToken cancellationToken) => throw new NotSupportedException();

    public virtual Task<IReadOnlyList<long>> AddAsync(IReadOnlyList<Incident> incidents, CancellationToken cancellationToken) => throw new NotSupportedException();

    public virtual IAsyncEnumerable<Incident> QueryAsync(IncidentQuery query, CancellationToken cancellationToken) => throw new NotSupportedException();

    public virtual Task<Incident?> GetAsync(long id, CancellationToken cancellationToken) => throw new NotSupportedException();

    public virtual Task<IReadOnlyList<Incident>> GetManyAsync(IReadOnlyCollection<long> ids, CancellationToken cancellationToken) => throw new NotSupportedException();

    public virtual Task<IReadOnlyList<Incident>> FindByMessageAsync(GroupMessageRef message, CancellationToken cancellationToken) => throw new NotSupportedException();

    public virtual Task UpdateActionAsync(IReadOnlyList<long> incidentIds, ActionStatus status, string? error, ActionErrorKind? errorKind, CancellationToken cancellationToken) => throw new NotSupportedException();

    public virtual Task RecordClearedAsync(IReadOnlyList<long> incidentIds, int recalled, int failed, CancellationToken cancellationToken) => throw new NotSupportedException();

    public virtual Task<int> CountOffencesAsync(string platform, string groupId, string userId, DateTimeOffset since, DateTimeOffset until, bool dryRun, CancellationToken cancellationToken) => throw new NotSupportedException();

    public virtual Task AddMessageCountsAsync(IReadOnlyList<MessageCount> counts, CancellationToken cancellationToken) => throw new NotSupportedException();

    public virtual Task<int> CountMessagesAsync(IReadOnlyList<CountedMessage> messages, CancellationToken cancellationToken) => throw new NotSupportedException();

    public virtual Task<IReadOnlyList<MessageCount>> GetMessageCountsAsync(DateTimeOffset from, DateTimeOffset to, IReadOnlyCollection<string>? groupIds, CancellationToken cancellationToken) => throw new NotSupportedException();

    public virtual Task<IReadOnlyList<MessageTotal>> GetMessageTotalsAsync(DateTimeOffset from, DateTimeOffset to, IReadOnlyCollection<string>? groupIds, CancellationToken cancellationToken) => throw new NotSupportedException();

    public virtual Task<bool> MarkFalsePositiveAsync(long id, bool falsePositive, string? note, DateTimeOffset at, string? reviewer, CancellationToken cancellationToken) => throw new NotSupportedException();

    public virtual Task<int> ApplyRetentionAsync(DateTimeOffset before, RetentionMode mode, CancellationToken cancellationToken) => throw new NotSupportedException();

    public virtual Task<StorageStatus> CheckAsync(CancellationToken cancellationToken) => throw new NotSupportedException();

    public virtual Task<long> CommitHighAsync(CancellationToken cancellationToken) => throw new NotSupportedException();
}
