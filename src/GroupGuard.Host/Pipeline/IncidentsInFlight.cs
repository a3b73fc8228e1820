namespace GroupGuard.Host.Pipeline;

/// <summary>
/// Detection times handed out to incidents that are not stored yet. An incident is stamped when it
/// is decided and becomes visible only when its write commits, a moment (or, while storage is
/// failing, much longer) later. A digest that covers detection times up to its fire time waits here
/// until every incident stamped before that time is stored; otherwise one stamped just before the
/// fire and committed just after it would fall between two digests and never be reported.
/// </summary>
internal sealed class IncidentsInFlight(TimeProvider time)
{
    private readonly Lock _lock = new();
    private readonly List<DateTimeOffset> _stamps = [];
    private TaskCompletionSource _changed = NewSignal();

    /// <summary>Takes a detection time and holds it open until the returned flight is disposed (after the write).</summary>
    public Flight Begin()
    {
        lock (_lock)
        {
            // Taken under the lock: a waiter that found nothing open before T can rely on every
            // later stamp being T or after.
            var now = time.GetUtcNow();
            _stamps.Add(now);
            return new Flight(this, now);
        }
    }

    /// <summary>The earliest detection time still being written, if any is earlier than <paramref name="before"/>.</summary>
    public DateTimeOffset? OldestBefore(DateTimeOffset before)
    {
        lock (_lock)
        {
            DateTimeOffset? oldest = null;
            foreach (var stamp in _stamps)
            {
                if (stamp < before && (oldest is null || stamp < oldest))
                {
                    oldest = stamp;
                }
            }

            return oldest;
        }
    }

    /// <summary>
    /// Waits until no incident stamped before <paramref name="before"/> is still being written, or
    /// <paramref name="limit"/> has passed. Returns the earliest stamp still open then (null: all settled).
    /// </summary>
    public async Task<DateTimeOffset?> WaitSettledAsync(DateTimeOffset before, TimeSpan limit, CancellationToken cancellationToken)
    {
        var deadline = time.GetUtcNow() + limit;
        while (true)
        {
            Task changed;
            lock (_lock)
            {
                changed = _changed.Task;
            }

            if (OldestBefore(before) is not { } oldest)
            {
                return null;
            }

            var remaining = deadline - time.GetUtcNow();
            if (remaining <= TimeSpan.Zero)
            {
                return oldest;
            }

            try
            {
                await changed.WaitAsync(remaining, time, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                return OldestBefore(before);
            }
        }
    }

    private void End(DateTimeOffset stamp)
    {
        TaskCompletionSource signal;
        lock (_lock)
        {
            _stamps.Remove(stamp);
            signal = _changed;
            _changed = NewSignal();
        }

        signal.TrySetResult();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>One incident batch between its detection time and its write.</summary>
    internal sealed class Flight(IncidentsInFlight owner, DateTimeOffset now) : IDisposable
    {
        private int _ended;

        /// <summary>The detection time of the batch.</summary>
        public DateTimeOffset Now { get; } = now;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _ended, 1) == 0)
            {
                owner.End(Now);
            }
        }
    }
}
