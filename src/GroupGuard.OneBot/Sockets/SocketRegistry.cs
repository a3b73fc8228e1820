using GroupGuard.Core;

namespace GroupGuard.OneBot.Sockets;

/// <summary>
/// The OneBot v11 WebSockets of every bot, reverse and forward: which live socket carries a bot's
/// actions (the one that came up last), who waits for a bot to come back, and what <c>/healthz</c>
/// shows of each connection, dropped ones included. Reverse connections are remembered per bot and
/// role, at most <see cref="MaxRemembered"/> of them (the longest gone is forgotten first), so peers
/// naming ever new bot ids cannot grow it without bound.
/// </summary>
internal sealed class SocketRegistry(TimeProvider time) : IConnectionStatus
{
    public const int MaxRemembered = 64;

    /// <summary>Oversized messages of one connection are logged once, then at most once per this.</summary>
    public static readonly TimeSpan OversizedLogInterval = TimeSpan.FromSeconds(10);

    private readonly Lock _gate = new();
    private readonly LogThrottle _lines = new(time);
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<SocketSession>> _live = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<TaskCompletionSource<SocketSession>>> _waiting = new(StringComparer.Ordinal);
    private long _order;
    private volatile bool _acceptsReverse;
    private long _acceptedReverseAt;

    /// <summary>
    /// How long after the start a bot not seen yet is waited for (<see cref="ExpectsReverse"/>):
    /// NapCat and LuckyLilliaBot try again every 3 to 5 s, so one that has not come back by then
    /// is not coming soon, and a bot that sends its events over HTTP without an API to act
    /// through (a setup that cannot act) is told so at once again, rather than have each action
    /// hold a worker for its budget.
    /// </summary>
    public static readonly TimeSpan ReverseGrace = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Whether a bot not seen since the start may yet connect to the reverse WebSocket endpoint and
    /// is to be waited for: the host serves the endpoint (<see cref="AcceptReverse"/>) and the start
    /// was less than <see cref="ReverseGrace"/> ago. After a restart the journal's replay and the
    /// recovery of pending actions run before the host listens, so before any bot could reconnect.
    /// </summary>
    public bool ExpectsReverse => _acceptsReverse && time.GetElapsedTime(Interlocked.Read(ref _acceptedReverseAt)) < ReverseGrace;

    /// <summary>Whether forward connections are configured: a bot may then come up at any time.</summary>
    public bool ExpectsForward
    {
        get
        {
            lock (_gate)
            {
                return _entries.Values.Any(e => e.Kind == SocketKind.Forward);
            }
        }
    }

    public IReadOnlyList<ConnectionState> Connections
    {
        get
        {
            lock (_gate)
            {
                return [.. _entries.Values
                    .OrderBy(e => e.Kind)
                    .ThenBy(e => e.Order)
                    .Select(e => new ConnectionState(Protocol.OneBotV11, e.Name, e.BotId, e.Connected, e.Since, e.LastEventAt, e.LastError) { OversizedSkipped = e.Oversized, LastErrorKind = e.LastError is null ? null : e.LastErrorKind })];
            }
        }
    }

    /// <summary>The host serves the reverse WebSocket endpoint; said once, before the service starts (the start of <see cref="ReverseGrace"/>).</summary>
    public void AcceptReverse()
    {
        Interlocked.Exchange(ref _acceptedReverseAt, time.GetTimestamp());
        _acceptsReverse = true;
    }

    /// <summary>A forward connection is listed from the start, down until it first comes up.</summary>
    public void Declare(string name)
    {
        lock (_gate)
        {
            _entries.TryAdd(ForwardKey(name), new Entry(SocketKind.Forward, name, ++_order) { LastError = "not connected yet", LastErrorKind = ConnectionErrorKind.NotYet });
        }
    }

    /// <summary>A forward connection attempt failed before any socket was up, for a reason of <paramref name="kind"/>.</summary>
    public void ConnectFailed(string name, string error, ConnectionErrorKind kind)
    {
        lock (_gate)
        {
            if (_entries.TryGetValue(ForwardKey(name), out var entry))
            {
                if (entry.Connected || entry.Since is null)
                {
                    entry.Since = time.GetUtcNow();
                }

                entry.Connected = false;
                entry.Session = null;
                entry.LastError = error;
                entry.LastErrorKind = kind;
            }
        }
    }

    /// <summary>A socket is up; it carries the bot's actions from <see cref="Identified"/> on.</summary>
    public void Opened(SocketSession session)
    {
        lock (_gate)
        {
            var key = KeyOf(session);
            if (!_entries.TryGetValue(key, out var entry))
            {
                ForgetOldestReverse();
                entry = new Entry(session.Kind, session.Name, ++_order);
                _entries[key] = entry;
            }

            entry.Name = session.Name;
            entry.Session = session;
            entry.Connected = true;
            entry.Since = time.GetUtcNow();
            entry.LastError = null;
            entry.BotId = session.BotId ?? entry.BotId;
        }
    }

    /// <summary>The socket's bot is known (from <c>X-Self-ID</c>, or the first event of a forward connection).</summary>
    public void Identified(SocketSession session)
    {
        var botId = session.BotId ?? throw new InvalidOperationException("the session has no bot id yet");
        List<TaskCompletionSource<SocketSession>>? released = null;
        lock (_gate)
        {
            if (_entries.TryGetValue(KeyOf(session), out var entry) && entry.Session == session)
            {
                entry.BotId = botId;
            }

            if (session.CarriesActions && !session.IsClosed)
            {
                if (!_live.TryGetValue(botId, out var sessions))
                {
                    _live[botId] = sessions = [];
                }

                sessions.Remove(session);
                sessions.Add(session);
                if (_waiting.Remove(botId, out var waiters))
                {
                    released = waiters;
                }
            }
        }

        foreach (var waiter in released ?? [])
        {
            waiter.TrySetResult(session);
        }
    }

    public void EventSeen(SocketSession session)
    {
        lock (_gate)
        {
            if (_entries.TryGetValue(KeyOf(session), out var entry) && entry.Session == session)
            {
                entry.LastEventAt = time.GetUtcNow();
            }
        }
    }

    /// <summary>
    /// The socket skipped a message over <see cref="OneBotLimits.MaxFrameBytes"/>: counted for
    /// <c>/healthz</c>. Returns how many it skipped since the last log line (this one included)
    /// when a line is due, the first at once and then one per <see cref="OversizedLogInterval"/>; else 0.
    /// </summary>
    public long Oversized(SocketSession session)
    {
        var now = time.GetTimestamp();
        lock (_gate)
        {
            if (!_entries.TryGetValue(KeyOf(session), out var entry) || entry.Session != session)
            {
                return 1;
            }

            entry.Oversized++;
            entry.OversizedUnlogged++;
            if (entry.OversizedLoggedAt is { } last && time.GetElapsedTime(last, now) < OversizedLogInterval)
            {
                return 0;
            }

            var count = entry.OversizedUnlogged;
            (entry.OversizedLoggedAt, entry.OversizedUnlogged) = (now, 0);
            return count;
        }
    }

    /// <summary>
    /// Counts one line of <paramref name="kind"/> that a peer can repeat at will (a message skipped,
    /// an event lost, a connection refused) and returns how many occurred since the last such line
    /// when one is due, the first at once and then one every 10 s at most (<see cref="LogThrottle"/>),
    /// else 0. With <paramref name="session"/>, kinds are told apart per connection (its bot and role,
    /// or its URL), so one noisy socket does not hide another's first line.
    /// </summary>
    public long LineDue(string kind, SocketSession? session = null) =>
        _lines.Occurred(session is null ? kind : $"{KeyOf(session)}: {kind}");

    /// <summary>The socket is gone: it carries nothing more, and <c>/healthz</c> shows why (the console, by <paramref name="kind"/> first).</summary>
    public void Closed(SocketSession session, string reason, ConnectionErrorKind kind)
    {
        lock (_gate)
        {
            if (session.BotId is { } botId && _live.TryGetValue(botId, out var sessions))
            {
                sessions.Remove(session);
                if (sessions.Count == 0)
                {
                    _live.Remove(botId);
                }
            }

            // A newer socket of the same bot (a reconnect that came before this one's close was seen) keeps its entry.
            if (_entries.TryGetValue(KeyOf(session), out var entry) && entry.Session == session)
            {
                entry.Session = null;
                entry.Connected = false;
                entry.Since = time.GetUtcNow();
                entry.LastError = reason;
                entry.LastErrorKind = kind;
            }
        }
    }

    /// <summary>The live socket that carries <paramref name="botId"/>'s actions now, or null.</summary>
    public SocketSession? Find(string botId)
    {
        lock (_gate)
        {
            return _live.TryGetValue(botId, out var sessions) ? sessions[^1] : null;
        }
    }

    /// <summary>A bot with a live socket that carries actions, the one up longest; null when none is.</summary>
    public string? AnyConnectedBot()
    {
        lock (_gate)
        {
            return _live.Count == 0 ? null : _live.MinBy(l => l.Value[0].Number).Key;
        }
    }

    /// <summary>Whether <paramref name="botId"/> has had a socket since the start (it may come back).</summary>
    public bool HasSeen(string botId)
    {
        lock (_gate)
        {
            return _live.ContainsKey(botId) || _entries.Values.Any(e => e.BotId == botId);
        }
    }

    /// <summary>The bot's socket once it is up, or null when <paramref name="timeout"/> passes first.</summary>
    public async Task<SocketSession?> WaitForAsync(string botId, TimeSpan timeout, CancellationToken cancellationToken)
    {
        TaskCompletionSource<SocketSession> waiter;
        lock (_gate)
        {
            if (_live.TryGetValue(botId, out var sessions))
            {
                return sessions[^1];
            }

            if (timeout <= TimeSpan.Zero)
            {
                return null;
            }

            waiter = new TaskCompletionSource<SocketSession>(TaskCreationOptions.RunContinuationsAsynchronously);
            if (!_waiting.TryGetValue(botId, out var waiters))
            {
                _waiting[botId] = waiters = [];
            }

            waiters.Add(waiter);
        }

        try
        {
            return await waiter.Task.WaitAsync(timeout, time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            return null;
        }
        finally
        {
            lock (_gate)
            {
                if (_waiting.TryGetValue(botId, out var waiters))
                {
                    waiters.Remove(waiter);
                    if (waiters.Count == 0)
                    {
                        _waiting.Remove(botId);
                    }
                }
            }
        }
    }

    private static string ForwardKey(string name) => "forward " + name;

    private static string KeyOf(SocketSession session) => session.Kind == SocketKind.Forward
        ? ForwardKey(session.Name)
        : $"reverse {session.BotId} {session.Role}";

    /// <summary>Makes room for one more reverse entry: the one gone longest goes first; live ones stay.</summary>
    private void ForgetOldestReverse()
    {
        var reverse = _entries.Where(e => e.Value.Kind == SocketKind.Reverse).ToList();
        if (reverse.Count < MaxRemembered)
        {
            return;
        }

        var stalest = reverse.Where(e => !e.Value.Connected).MinBy(e => e.Value.Since);
        if (stalest.Key is not null)
        {
            _entries.Remove(stalest.Key);
        }
    }

    private sealed class Entry(SocketKind kind, string name, long order)
    {
        public SocketKind Kind { get; } = kind;

        public long Order { get; } = order;

        public string Name { get; set; } = name;

        public string? BotId { get; set; }

        public bool Connected { get; set; }

        public DateTimeOffset? Since { get; set; }

        public DateTimeOffset? LastEventAt { get; set; }

        public string? LastError { get; set; }

        public ConnectionErrorKind? LastErrorKind { get; set; }

        public SocketSession? Session { get; set; }

        /// <summary>Messages over the size limit skipped, by every socket of this entry since the start.</summary>
        public long Oversized { get; set; }

        public long OversizedUnlogged { get; set; }

        public long? OversizedLoggedAt { get; set; }
    }
}
