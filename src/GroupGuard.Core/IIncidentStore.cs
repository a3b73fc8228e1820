namespace GroupGuard.Core;

/// <summary>
/// Where incidents are kept. Failure contract: every method throws on a storage failure
/// (the caller decides whether to retry); adding an incident that is already stored
/// (same platform, bot, group, message id, message time and rule) is not a failure and does not store it twice.
/// </summary>
public interface IIncidentStore
{
    /// <summary>
    /// Creates the schema of a new database, or upgrades an older one (unless the store was set up
    /// for a command, which refuses an older database rather than upgrade it). Refuses a database
    /// newer than this build. Safe to call at every start.
    /// </summary>
    Task InitializeAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Stores the incidents in one transaction. Returns, for each incident in order, its new id,
    /// or 0 when it was already stored (a redelivery: the caller must not act on it again).
    /// </summary>
    Task<IReadOnlyList<long>> AddAsync(IReadOnlyList<Incident> incidents, CancellationToken cancellationToken);

    /// <summary>Incidents in id order.</summary>
    IAsyncEnumerable<Incident> QueryAsync(IncidentQuery query, CancellationToken cancellationToken);

    /// <summary>One incident, or null.</summary>
    Task<Incident?> GetAsync(long id, CancellationToken cancellationToken);

    /// <summary>
    /// The incidents of these ids that are stored, in id order, each once: an id with none (never
    /// stored, or removed by retention since) is left out. One query through the key on their ids
    /// (one per 500 ids beyond), however many there are.
    /// </summary>
    Task<IReadOnlyList<Incident>> GetManyAsync(IReadOnlyCollection<long> ids, CancellationToken cancellationToken);

    /// <summary>
    /// The incidents of one message, in id order: of the latest message with that id when there
    /// were several (OneBot implementations reuse short message ids after a restart); empty when
    /// nothing fired on it.
    /// </summary>
    Task<IReadOnlyList<Incident>> FindByMessageAsync(Moderation.GroupMessageRef message, CancellationToken cancellationToken);

    /// <summary>Records what became of the action of these incidents, and why when it was not done.</summary>
    Task UpdateActionAsync(IReadOnlyList<long> incidentIds, ActionStatus status, string? error, ActionErrorKind? errorKind, CancellationToken cancellationToken);

    /// <summary>
    /// Records on the incidents of a kick that, after it, <paramref name="recalled"/> of the
    /// member's other recent messages in the group were recalled and <paramref name="failed"/>
    /// could not be (the counts replace earlier ones). Leaves the kick's own outcome as it is.
    /// </summary>
    Task RecordClearedAsync(IReadOnlyList<long> incidentIds, int recalled, int failed, CancellationToken cancellationToken);

    /// <summary>
    /// How many distinct messages of <paramref name="userId"/> in the group, sent from
    /// <paramref name="since"/> up to and including <paramref name="until"/> (to the millisecond,
    /// as times are stored), made incidents that count as offences
    /// (<see cref="Incident.CountsAsOffence"/>), leaving out incidents marked false positive. A
    /// message's offences are counted up to its own time, so one moderated late (a picture read
    /// after the sender's next message, a delivery out of order) is not escalated by later ones.
    /// </summary>
    /// <param name="dryRun">
    /// Whether the decision the count is for is a dry run (the group's): then dry-run incidents of
    /// rules that act and are not in shadow mode count too (<see cref="Incident.CountsInDryRun"/>),
    /// so the trial records the escalation it would have applied. An enforced decision never
    /// counts a dry run.
    /// </param>
    Task<int> CountOffencesAsync(string platform, string groupId, string userId, DateTimeOffset since, DateTimeOffset until, bool dryRun, CancellationToken cancellationToken);

    /// <summary>Adds to the hourly message counters (upsert: counts add up).</summary>
    Task AddMessageCountsAsync(IReadOnlyList<MessageCount> counts, CancellationToken cancellationToken);

    /// <summary>
    /// Counts each message once in the hourly counters: a message whose key (that of its incidents,
    /// less the rule) was counted before (a redelivery, another instance's copy, a replay after a
    /// crash) adds nothing while its key is kept (a day). Returns how many were new.
    /// </summary>
    Task<int> CountMessagesAsync(IReadOnlyList<CountedMessage> messages, CancellationToken cancellationToken);

    /// <summary>Message counters per platform, group and hour with <c>from &lt;= hour &lt; to</c>.</summary>
    Task<IReadOnlyList<MessageCount>> GetMessageCountsAsync(DateTimeOffset from, DateTimeOffset to, IReadOnlyCollection<string>? groupIds, CancellationToken cancellationToken);

    /// <summary>
    /// The message counters with <c>from &lt;= hour &lt; to</c> summed per platform and group (by
    /// the database: a month of a thousand groups is 720,000 hourly rows, one row each here),
    /// ordered by platform and group id.
    /// </summary>
    Task<IReadOnlyList<MessageTotal>> GetMessageTotalsAsync(DateTimeOffset from, DateTimeOffset to, IReadOnlyCollection<string>? groupIds, CancellationToken cancellationToken);

    /// <summary>
    /// Marks an incident false positive (or not) with a note and who said so (a console account,
    /// <c>cli:</c> and the operating-system user, or a group admin); false when there is no such incident.
    /// </summary>
    Task<bool> MarkFalsePositiveAsync(long id, bool falsePositive, string? note, DateTimeOffset at, string? reviewer, CancellationToken cancellationToken);

    /// <summary>Deletes, or blanks the evidence of, incidents whose message time is before <paramref name="before"/>; returns how many.</summary>
    Task<int> ApplyRetentionAsync(DateTimeOffset before, RetentionMode mode, CancellationToken cancellationToken);

    /// <summary>
    /// Proves the store answers a read and a write; throws when it does not. Cheap (no scan of
    /// the incidents), but it writes: callers such as <c>/healthz</c> cache its answer.
    /// </summary>
    Task<StorageStatus> CheckAsync(CancellationToken cancellationToken);

    /// <summary>
    /// The highest commit number of the incidents stored (0 for none). Every incident numbered up to
    /// it is committed and visible: the numbers are taken in commit order.
    /// </summary>
    Task<long> CommitHighAsync(CancellationToken cancellationToken);
}
