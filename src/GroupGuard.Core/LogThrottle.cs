namespace GroupGuard.Core;

/// <summary>
/// Keeps a flood from writing a log line per request (a full queue refusing thousands a second, a
/// sender hammering with a wrong secret): the first occurrence of a kind is logged, then at most
/// one line per <see cref="Interval"/> with how many occurred since the last line. Thread-safe;
/// at most <see cref="MaxKinds"/> kinds are told apart (past that, every kind shares one).
/// In Core so that the adapters' floods (a WebSocket peer's bad frames, refused connections) are
/// logged as the host's are.
/// </summary>
public sealed class LogThrottle(TimeProvider time)
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);

    public const int MaxKinds = 256;

    private readonly Dictionary<string, Kind> _kinds = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    /// <summary>
    /// Counts one occurrence of <paramref name="kind"/>. Returns how many occurred since the last
    /// line (this one included) when a line is due now, else 0.
    /// </summary>
    public long Occurred(string kind)
    {
        var now = time.GetTimestamp();
        lock (_lock)
        {
            if (!_kinds.TryGetValue(kind, out var state))
            {
                kind = _kinds.Count < MaxKinds ? kind : "";
                state = _kinds.TryGetValue(kind, out var shared) ? shared : _kinds[kind] = new Kind();
            }

            state.Count++;
            if (state.Logged && time.GetElapsedTime(state.LastLine, now) < Interval)
            {
                return 0;
            }

            var count = state.Count;
            (state.Logged, state.LastLine, state.Count) = (true, now, 0);
            return count;
        }
    }

    private sealed class Kind
    {
        public bool Logged;
        public long LastLine;
        public long Count;
    }
}
