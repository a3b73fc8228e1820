namespace GroupGuard.Core;

/// <summary>
/// Keeps a flood from writing a log line per request (a full queue refusing thousands a second, a
/// sender hammering with a wrong secret): the first occurrence of a kind opens a window of
/// <see cref="Interval"/> and is logged; within the window, the first occurrence of each reason not
/// logged yet in it is logged too (at most <see cref="MaxReasons"/> reasons a window), and the rest
/// are counted. Without a <c>windowClosed</c> callback the count is told by the next line of the
/// kind (the first after the window); with one, it is told when the window ends, by a timer on the
/// injected clock, even when nothing more comes (and at <see cref="Dispose"/>, for a window still
/// open at shutdown). Thread-safe; at most <see cref="MaxKinds"/> kinds are told apart (past that,
/// every kind shares one). In Core so that the adapters' floods (a WebSocket peer's bad frames,
/// refused connections) are logged as the host's are.
/// </summary>
public sealed class LogThrottle : IDisposable
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);

    public const int MaxKinds = 256;

    /// <summary>Reasons of one kind told apart (each logged once) within a window; past them, only counted.</summary>
    public const int MaxReasons = 8;

    private readonly TimeProvider _time;
    private readonly Action<string, long>? _windowClosed;
    private readonly Dictionary<string, Kind> _kinds = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private bool _disposed;

    /// <summary>A throttle whose counts are told by the kind's next line.</summary>
    public LogThrottle(TimeProvider time)
        : this(time, null)
    {
    }

    /// <param name="time">The clock windows are measured and timed on.</param>
    /// <param name="windowClosed">
    /// Called with the kind and how many of it were not logged since its last line, when a window
    /// ends with some (on a timer of <paramref name="time"/>, outside the throttle's lock), so the
    /// count is logged even when the flood stops; null to leave the count to the kind's next line.
    /// </param>
    public LogThrottle(TimeProvider time, Action<string, long>? windowClosed)
    {
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
        _windowClosed = windowClosed;
    }

    /// <summary>
    /// Counts one occurrence of <paramref name="kind"/>. Returns how many occurred since the last
    /// line (this one included) when a line is due now, else 0.
    /// </summary>
    public long Occurred(string kind) => Occurred(kind, "");

    /// <summary>
    /// Counts one occurrence of <paramref name="kind"/> for <paramref name="reason"/> (a fixed text,
    /// such as a message template: never what a sender wrote, or each request would be a reason of
    /// its own). Returns how many of the kind occurred since its last line (this one included) when
    /// a line is due now: the window's first, or the first of a reason not logged yet in the window
    /// while fewer than <see cref="MaxReasons"/> were; else 0.
    /// </summary>
    public long Occurred(string kind, string reason)
    {
        ArgumentNullException.ThrowIfNull(kind);
        ArgumentNullException.ThrowIfNull(reason);
        var now = _time.GetTimestamp();
        ITimer? replaced = null;
        try
        {
            lock (_lock)
            {
                if (!_kinds.TryGetValue(kind, out var state))
                {
                    kind = _kinds.Count < MaxKinds ? kind : "";
                    state = _kinds.TryGetValue(kind, out var shared) ? shared : _kinds[kind] = new Kind(kind);
                }

                state.Count++;
                if (state.Open && _time.GetElapsedTime(state.WindowStart, now) < Interval)
                {
                    if (state.Reasons.Count >= MaxReasons || !state.Reasons.Add(reason))
                    {
                        return 0;
                    }
                }
                else
                {
                    // A new window; a count the last one's timer has not told yet is told by this line.
                    (state.Open, state.WindowStart, state.Window) = (true, now, state.Window + 1);
                    state.Reasons.Clear();
                    state.Reasons.Add(reason);
                    replaced = state.Timer;
                    state.Timer = _windowClosed is null || _disposed
                        ? null
                        : _time.CreateTimer(Close, (state, state.Window), Interval, Timeout.InfiniteTimeSpan);
                }

                var count = state.Count;
                state.Count = 0;
                return count;
            }
        }
        finally
        {
            replaced?.Dispose();
        }
    }

    /// <summary>Tells the counts of windows still open (a stop must not lose them) and stops their timers.</summary>
    public void Dispose()
    {
        List<(string Kind, long Count)> untold = [];
        List<ITimer> timers = [];
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            foreach (var state in _kinds.Values)
            {
                if (state.Timer is { } timer)
                {
                    timers.Add(timer);
                    state.Timer = null;
                }

                if (_windowClosed is not null && state.Open && state.Count > 0)
                {
                    untold.Add((state.Name, state.Count));
                    state.Count = 0;
                }

                state.Open = false;
            }
        }

        timers.ForEach(t => t.Dispose());
        untold.ForEach(u => _windowClosed!(u.Kind, u.Count));
    }

    private void Close(object? argument)
    {
        var (state, window) = ((Kind, long))argument!;
        long count;
        ITimer? timer;
        lock (_lock)
        {
            // A line of a newer window told this one's count already.
            if (state.Window != window || !state.Open || _disposed)
            {
                return;
            }

            (count, state.Count, state.Open, timer, state.Timer) = (state.Count, 0, false, state.Timer, null);
        }

        timer?.Dispose();
        if (count > 0)
        {
            _windowClosed!(state.Name, count);
        }
    }

    private sealed class Kind(string name)
    {
        public readonly string Name = name;
        public readonly HashSet<string> Reasons = new(StringComparer.Ordinal);
        public bool Open;
        public long WindowStart;
        public long Window;
        public long Count;
        public ITimer? Timer;
    }
}
