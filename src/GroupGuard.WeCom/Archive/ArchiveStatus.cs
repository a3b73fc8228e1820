using GroupGuard.Core;

namespace GroupGuard.WeCom.Archive;

/// <summary>What the archive puller has done since start, for <c>/healthz</c>. Thread-safe.</summary>
internal sealed class ArchiveStatus : IPulledSourceStatus, IConnectionStatus
{
    /// <summary>Positions of undecryptable records kept for <c>/healthz</c>.</summary>
    public const int KeptSeqs = 20;

    private readonly Lock _lock = new();
    private readonly Queue<long> _undecryptableSeqs = new();
    private string? _source;
    private string? _corpId;
    private long? _cursor;
    private DateTimeOffset? _lastPullAt;
    private DateTimeOffset? _since;
    private DateTimeOffset? _lastMessageAt;
    private bool _up;
    private long _records;
    private long _messages;
    private long _skipped;
    private long _undecryptable;
    private long _unreadable;
    private string? _lastError;

    public IReadOnlyList<PulledSourceState> Sources
    {
        get
        {
            lock (_lock)
            {
                return _source is null
                    ? []
                    : [new PulledSourceState(Protocol.WeComArchive, _source, _cursor, _lastPullAt, _records, _messages, _skipped, _undecryptable, [.. _undecryptableSeqs], _unreadable, _lastError)];
            }
        }
    }

    public IReadOnlyList<ConnectionState> Connections
    {
        get
        {
            lock (_lock)
            {
                return _source is null
                    ? []
                    : [new ConnectionState(Protocol.WeComArchive, "chat archive of " + _corpId, _corpId, _up, _since, _lastMessageAt, _up ? null : _lastError)
                    {
                        LastErrorKind = _up || _lastError is null ? null : ConnectionErrorKind.PullFailed,
                    }];
            }
        }
    }

    public void Started(string corpId, string source, long? cursor)
    {
        lock (_lock)
        {
            (_corpId, _source, _cursor) = (corpId, source, cursor);
        }
    }

    public void Pulled(DateTimeOffset at, int records)
    {
        lock (_lock)
        {
            if (!_up)
            {
                (_up, _since) = (true, at);
            }

            _lastPullAt = at;
            _records += records;
        }
    }

    public void PullFailed(DateTimeOffset at, string error)
    {
        lock (_lock)
        {
            if (_up || _since is null)
            {
                (_up, _since) = (false, at);
            }

            _lastError = error;
        }
    }

    public void Message(long seq, DateTimeOffset at)
    {
        lock (_lock)
        {
            _messages++;
            _lastMessageAt = at;
            Reached(seq);
        }
    }

    public void Skipped(long seq)
    {
        lock (_lock)
        {
            _skipped++;
            Reached(seq);
        }
    }

    public void Undecryptable(long seq, string error)
    {
        lock (_lock)
        {
            _undecryptable++;
            _undecryptableSeqs.Enqueue(seq);
            while (_undecryptableSeqs.Count > KeptSeqs)
            {
                _undecryptableSeqs.Dequeue();
            }

            _lastError = error;
            Reached(seq);
        }
    }

    public void Unreadable(long seq, string error)
    {
        lock (_lock)
        {
            _unreadable++;
            _lastError = error;
            Reached(seq);
        }
    }

    // Called under the lock: the cursor only moves forward.
    private void Reached(long seq) => _cursor = Math.Max(_cursor ?? 0, seq);
}
