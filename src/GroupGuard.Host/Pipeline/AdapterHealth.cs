using GroupGuard.Core;
using System.Collections.Concurrent;
using System.Text;

namespace GroupGuard.Host.Pipeline;

/// <summary>
/// Per adapter and bot: when it was last heard from, what it sent, what was turned away. At most
/// <see cref="MaxBots"/> bots are remembered (the least recently heard is forgotten first), so
/// events naming ever new bot ids cannot grow it or <c>/healthz</c> without bound.
/// </summary>
internal sealed partial class AdapterHealth : IDisposable
{
    public const int MaxBots = 64;

    // Characters of a reason's template at most: enough to tell the adapters' reasons apart.
    private const int MaxTemplateLength = 120;

    private readonly ConcurrentDictionary<(string Protocol, string BotId), Counters> _adapters = new();
    private readonly ConcurrentDictionary<string, long> _rejected = new(StringComparer.Ordinal);
    private readonly Lock _evictLock = new();
    private readonly TimeProvider _time;
    private readonly LogThrottle _rejectionLines;

    /// <param name="time">The clock events are stamped with and rejection lines are timed on.</param>
    /// <param name="logs">
    /// Where a window's count of rejections not logged one by one is told when it ends (the
    /// webhooks' category); without it, the count waits for the next line of its kind.
    /// </param>
    public AdapterHealth(TimeProvider time, ILoggerFactory? logs = null)
    {
        _time = time;
        var logger = logs?.CreateLogger("GroupGuard.Webhooks");
        _rejectionLines = logger is null
            ? new LogThrottle(time)
            : new LogThrottle(time, (kind, count) => LogRejectedUntold(logger, count, kind, LogThrottle.MaxReasons));
    }

    /// <summary>
    /// An event of <paramref name="protocol"/>'s bot <paramref name="botId"/> arrived; a message's
    /// <paramref name="messageTime"/> more than clock drift ahead of this machine's clock
    /// (<see cref="MessageLimits.AheadOfClock"/>) is noted as how far ahead it was, until a message
    /// of that bot on time clears it. Returns how far ahead it was, or null.
    /// </summary>
    public TimeSpan? Seen(Protocol protocol, string? botId, DateTimeOffset? messageTime = null)
    {
        var key = (WireNames<Protocol>.ToText(protocol), botId ?? "");
        if (!_adapters.TryGetValue(key, out var counters))
        {
            lock (_evictLock)
            {
                while (_adapters.Count >= MaxBots && !_adapters.ContainsKey(key))
                {
                    var stalest = _adapters.MinBy(a => Interlocked.Read(ref a.Value.LastEventUnixMs)).Key;
                    _adapters.TryRemove(stalest, out _);
                }

                counters = _adapters.GetOrAdd(key, _ => new Counters());
            }
        }

        var now = _time.GetUtcNow();
        Interlocked.Exchange(ref counters.LastEventUnixMs, now.ToUnixTimeMilliseconds());
        Interlocked.Increment(ref counters.Events);
        if (messageTime is not { } sent)
        {
            return null;
        }

        var ahead = MessageLimits.AheadOfClock(sent, now) ? sent - now : (TimeSpan?)null;
        Interlocked.Exchange(ref counters.AheadMs, ahead is { } by ? (long)by.TotalMilliseconds : 0);
        return ahead;
    }

    /// <summary>
    /// Counts a request rejected for <paramref name="reason"/>. Returns how many of its protocol and
    /// status were rejected since the last log line about them when a line is due, else 0: the first
    /// in ten seconds, and the first of each reason that differs from those logged in those ten
    /// seconds (at most <see cref="LogThrottle.MaxReasons"/>), told apart by their template (the
    /// reason without its numbers, a parse error without where it stopped), so a sender hammering
    /// with a wrong secret or ever different bodies cannot write a line per request. The rest are
    /// counted in a line when the ten seconds end.
    /// </summary>
    public long Rejected(Protocol protocol, int statusCode, string reason = "")
    {
        var kind = $"{WireNames<Protocol>.ToText(protocol)}:{statusCode}";
        _rejected.AddOrUpdate(kind, 1, (_, n) => n + 1);
        return _rejectionLines.Occurred(kind, Template(reason));
    }

    /// <summary>Tells a window's count not logged yet: a stop must not lose it.</summary>
    public void Dispose() => _rejectionLines.Dispose();

    /// <summary>
    /// What tells a reason apart from another: its words, with each run of digits as one '#' (a
    /// time, a size, a position) and a malformed body's parse error as one reason (its words quote
    /// the byte it stopped at).
    /// </summary>
    internal static string Template(string reason)
    {
        if (reason.StartsWith("malformed JSON", StringComparison.Ordinal))
        {
            return "malformed JSON";
        }

        var template = new StringBuilder(Math.Min(reason.Length, MaxTemplateLength));
        foreach (var c in reason)
        {
            if (template.Length >= MaxTemplateLength)
            {
                break;
            }

            if (!char.IsAsciiDigit(c))
            {
                template.Append(c);
            }
            else if (template.Length == 0 || template[^1] != '#')
            {
                template.Append('#');
            }
        }

        return template.ToString();
    }

    /// <summary>Whether any event has arrived since the start (a bot once heard stays counted, though it may be forgotten for newer ones).</summary>
    public bool AnyHeard => !_adapters.IsEmpty;

    public IReadOnlyList<AdapterSnapshot> Snapshot() =>
        _adapters
            .OrderBy(a => a.Key.Protocol, StringComparer.Ordinal).ThenBy(a => a.Key.BotId, StringComparer.Ordinal)
            .Select(a => new AdapterSnapshot(
                a.Key.Protocol,
                a.Key.BotId,
                DateTimeOffset.FromUnixTimeMilliseconds(Interlocked.Read(ref a.Value.LastEventUnixMs)),
                Interlocked.Read(ref a.Value.Events))
            {
                AheadOfClock = Interlocked.Read(ref a.Value.AheadMs) is > 0 and var ms ? TimeSpan.FromMilliseconds(ms) : null,
            })
            .ToArray();

    public IReadOnlyDictionary<string, long> RejectedSnapshot() =>
        new SortedDictionary<string, long>(_rejected, StringComparer.Ordinal);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rejected {Count} more {Kind} requests since the last such line, for reasons logged already or past the {MaxReasons} told apart in 10 s (all counted on /healthz rejected_webhooks)")]
    private static partial void LogRejectedUntold(ILogger logger, long count, string kind, int maxReasons);

    private sealed class Counters
    {
        public long LastEventUnixMs;
        public long Events;

        // How far the bot's last message was ahead of this machine's clock past drift; 0 when it was not.
        public long AheadMs;
    }
}

internal sealed record AdapterSnapshot(string Protocol, string BotId, DateTimeOffset LastEventAt, long Events)
{
    /// <summary>How far the bot's last message was ahead of this machine's clock, past drift; null when on time.</summary>
    public TimeSpan? AheadOfClock { get; init; }
}
