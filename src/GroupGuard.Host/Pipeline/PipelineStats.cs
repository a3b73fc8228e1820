using GroupGuard.Core;

namespace GroupGuard.Host.Pipeline;

/// <summary>Counters the health endpoint reports.</summary>
internal sealed class PipelineStats
{
    private long _processed;
    private long _incidents;
    private long _failed;
    private volatile string? _storageError;

    public long ProcessedCount => Interlocked.Read(ref _processed);
    public long IncidentCount => Interlocked.Read(ref _incidents);
    public long FailedCount => Interlocked.Read(ref _failed);

    /// <summary>The last storage error while writes are failing (a message's records, else the message counts); null once they succeed.</summary>
    public string? StorageError => _storageError ?? _countError;

    public void Processed(int incidents)
    {
        Interlocked.Increment(ref _processed);
        Interlocked.Add(ref _incidents, incidents);
    }

    public void Failed() => Interlocked.Increment(ref _failed);

    private long _actionsFailed;
    private volatile string? _lastActionError;
    private int _unableInRow;
    private int _unableKind;

    public long ActionsFailed => Interlocked.Read(ref _actionsFailed);

    /// <summary>The platform's words on the last failed action.</summary>
    public string? LastActionError => _lastActionError;

    /// <summary>
    /// Actions (a message's calls, a join request's answer) failed in a row because the bot cannot act
    /// at all (<see cref="CannotAct"/>), since the last one carried out; and the kind of the last of
    /// them. A message gone or a member who left (refused) neither counts nor breaks the row.
    /// </summary>
    public (int Count, ActionErrorKind Kind) UnableInRow => (Volatile.Read(ref _unableInRow), (ActionErrorKind)Volatile.Read(ref _unableKind));

    public void ActionFailed(string error, ActionErrorKind? kind)
    {
        Interlocked.Increment(ref _actionsFailed);
        _lastActionError = error;
        if (kind is { } k && CannotAct(k))
        {
            Volatile.Write(ref _unableKind, (int)k);
            Interlocked.Increment(ref _unableInRow);
        }
    }

    /// <summary>An action carried out: the bot can act, whatever failed before.</summary>
    public void ActionDone() => Volatile.Write(ref _unableInRow, 0);

    /// <summary>
    /// Failures that say the bot cannot act in the group at all, not that this one call met a
    /// message already gone: not set up, not an admin, no answer, the queue full.
    /// </summary>
    internal static bool CannotAct(ActionErrorKind kind) =>
        kind is ActionErrorKind.NotConfigured or ActionErrorKind.NotPermitted or ActionErrorKind.Unreachable or ActionErrorKind.QueueFull;

    private int _storageFailures;
    private int _countFailures;
    private volatile string? _countError;
    private long _refused;

    /// <summary>
    /// Failures in a row from which storage counts as failing, not blinking: a write retried that
    /// many times (under a second of backoff), or the message counts failing as many seconds. One
    /// lost connection, tried again at once, is not a problem to report.
    /// </summary>
    public const int FailingAfter = 3;

    /// <summary>
    /// Failures in a row of the writes that hold moderation up: a message's records since the last
    /// that was stored, the message counts since they were last written. Each is counted apart, so
    /// the counts going through every second do not hide incidents that cannot be stored.
    /// </summary>
    public int StorageFailures => Math.Max(Volatile.Read(ref _storageFailures), Volatile.Read(ref _countFailures));

    /// <summary>Whether storage keeps failing (<see cref="FailingAfter"/> failures without a write that succeeded).</summary>
    public bool StorageFailing => StorageFailures >= FailingAfter;

    /// <summary>
    /// Records (a message's incidents, a join decision, a message's count) the database refused for
    /// what they hold (<see cref="Storage.StorageErrors.IsUncurable"/>) and that were given up on.
    /// </summary>
    public long RefusedCount => Interlocked.Read(ref _refused);

    public void StorageFailed(string error)
    {
        _storageError = error;
        Interlocked.Increment(ref _storageFailures);
    }

    public void StorageRecovered()
    {
        _storageError = null;
        Volatile.Write(ref _storageFailures, 0);
    }

    /// <summary>Writing the message counts failed; they are kept and tried again.</summary>
    public void CountsFailed(string error)
    {
        _countError = error;
        Interlocked.Increment(ref _countFailures);
    }

    public void CountsWritten()
    {
        _countError = null;
        Volatile.Write(ref _countFailures, 0);
    }

    /// <summary>A record the database refuses was given up on: the pipeline goes on without it.</summary>
    public void Refused() => Interlocked.Increment(ref _refused);
}
