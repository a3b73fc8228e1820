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

    /// <summary>The last storage error while writes are failing; null once a write succeeds.</summary>
    public string? StorageError => _storageError;

    public void Processed(int incidents)
    {
        Interlocked.Increment(ref _processed);
        Interlocked.Add(ref _incidents, incidents);
    }

    public void Failed() => Interlocked.Increment(ref _failed);

    private long _actionsFailed;
    private volatile string? _lastActionError;

    public long ActionsFailed => Interlocked.Read(ref _actionsFailed);

    /// <summary>The platform's words on the last failed action.</summary>
    public string? LastActionError => _lastActionError;

    public void ActionFailed(string error)
    {
        Interlocked.Increment(ref _actionsFailed);
        _lastActionError = error;
    }

    public void StorageFailed(string error) => _storageError = error;

    public void StorageRecovered() => _storageError = null;
}
