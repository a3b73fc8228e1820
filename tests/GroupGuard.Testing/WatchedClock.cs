namespace GroupGuard.Testing;

/// <summary>
/// A clock that lets a test see the code under test start waiting on it. It tells the time of the
/// clock it wraps (a <c>FakeTimeProvider</c> the test advances, or the system clock) and records
/// every timer created through it — <c>Task.Delay</c>, <c>WaitAsync</c>, a <c>CancellationTokenSource</c>
/// timeout, a <c>PeriodicTimer</c> — so that "the code is now waiting for 0.5 s" is a signal a test
/// can await before it advances a fake clock, instead of sleeping and hoping.
/// </summary>
public sealed class WatchedClock(TimeProvider inner) : TimeProvider
{
    private readonly Lock _lock = new();
    private int _created;

    /// <summary>Every timer created so far, in order.</summary>
    public Recording<ClockTimer> Timers { get; } = new();

    public override DateTimeOffset GetUtcNow() => inner.GetUtcNow();

    public override long GetTimestamp() => inner.GetTimestamp();

    public override long TimestampFrequency => inner.TimestampFrequency;

    public override TimeZoneInfo LocalTimeZone => inner.LocalTimeZone;

    /// <summary>Timers still waiting to fire, soonest first.</summary>
    public IReadOnlyList<ClockTimer> Pending => [.. Timers.Items.Where(t => t.IsPending).OrderBy(t => t.DueAt)];

    /// <summary>
    /// The <paramref name="nth"/> timer created (1 for the first), once it has been: e.g. after a test
    /// has seen two timers, <c>TimerAsync(3)</c> is the next one.
    /// </summary>
    public async Task<ClockTimer> TimerAsync(int nth, TimeSpan? safety = null) =>
        (await Timers.WaitForCountAsync(nth, $"timer #{nth} on the clock", safety).ConfigureAwait(false))[nth - 1];

    /// <summary>The first timer created after the first <paramref name="skip"/> that <paramref name="match"/> accepts.</summary>
    public Task<ClockTimer> TimerAsync(Func<ClockTimer, bool> match, int skip = 0, string what = "a matching timer", TimeSpan? safety = null) =>
        Timers.WaitForAsync(t => t.Number > skip && match(t), what, safety);

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(callback);
        var timer = new ClockTimer(GetUtcNow, dueTime, period);
        timer.Inner = inner.CreateTimer(
            s =>
            {
                timer.Fire();
                callback(s);
            },
            state,
            dueTime,
            period);
        lock (_lock)
        {
            // Numbered and recorded under one lock, so the order of the list is the order of the numbers.
            timer.Number = ++_created;
            Timers.Add(timer);
        }

        return timer;
    }
}

/// <summary>One timer created through a <see cref="WatchedClock"/>.</summary>
public sealed class ClockTimer : ITimer
{
    private readonly Lock _lock = new();
    private readonly Func<DateTimeOffset> _now;
    private DateTimeOffset _armedAt;
    private TimeSpan _dueTime;
    private TimeSpan _period;
    private bool _fired;
    private bool _disposed;

    internal ClockTimer(Func<DateTimeOffset> now, TimeSpan dueTime, TimeSpan period)
    {
        _now = now;
        _armedAt = now();
        _dueTime = dueTime;
        _period = period;
    }

    /// <summary>1 for the first timer of the clock, 2 for the next…</summary>
    public int Number { get; internal set; }

    /// <summary>How long after it was (last) armed it fires; <see cref="Timeout.InfiniteTimeSpan"/> when it does not.</summary>
    public TimeSpan DueTime
    {
        get
        {
            lock (_lock)
            {
                return _dueTime;
            }
        }
    }

    public TimeSpan Period
    {
        get
        {
            lock (_lock)
            {
                return _period;
            }
        }
    }

    /// <summary>When it fires next on the clock's time, or null when it is not armed.</summary>
    public DateTimeOffset? DueAt
    {
        get
        {
            lock (_lock)
            {
                return _dueTime == Timeout.InfiniteTimeSpan ? null : _armedAt + _dueTime;
            }
        }
    }

    /// <summary>Armed and not fired (a periodic timer stays pending), not changed to never, not disposed.</summary>
    public bool IsPending
    {
        get
        {
            lock (_lock)
            {
                return !_disposed && _dueTime != Timeout.InfiniteTimeSpan && (!_fired || _period != Timeout.InfiniteTimeSpan);
            }
        }
    }

    internal ITimer Inner { get; set; } = null!;

    public bool Change(TimeSpan dueTime, TimeSpan period)
    {
        lock (_lock)
        {
            _armedAt = _now();
            _dueTime = dueTime;
            _period = period;
            _fired = false;
        }

        return Inner.Change(dueTime, period);
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
        }

        Inner.Dispose();
    }

    public ValueTask DisposeAsync()
    {
        lock (_lock)
        {
            _disposed = true;
        }

        return Inner.DisposeAsync();
    }

    public override string ToString() => $"timer #{Number}: due {DueTime} after {_armedAt:O}{(IsPending ? "" : " (done)")}";

    internal void Fire()
    {
        lock (_lock)
        {
            _fired = true;
            if (_period != Timeout.InfiniteTimeSpan && _period > TimeSpan.Zero)
            {
                _armedAt += _dueTime;
                _dueTime = _period;
            }
        }
    }
}
