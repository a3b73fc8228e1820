using GroupGuard.Core;
using System.Collections.Concurrent;

namespace GroupGuard.Host.Pipeline;

/// <summary>
/// Per adapter and bot: when it was last heard from, what it sent, what was turned away. At most
/// <see cref="MaxBots"/> bots are remembered (the least recently heard is forgotten first), so
/// events naming ever new bot ids cannot grow it or <c>/healthz</c> without bound.
/// </summary>
internal sealed class AdapterHealth(TimeProvider time)
{
    public const int MaxBots = 64;

    private readonly ConcurrentDictionary<(string Protocol, string BotId), Counters> _adapters = new();
    private readonly ConcurrentDictionary<string, long> _rejected = new(StringComparer.Ordinal);
    private readonly Lock _evictLock = new();
    private readonly LogThrottle _rejectionLines = new(time);

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

        var now = time.GetUtcNow();
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
    /// Counts a rejected request. Returns how many of its protocol and status were rejected since
    /// the last log line about them when a line is due (the first, then one every ten seconds at
    /// most: a sender hammering with a wrong secret must not write a line per request), else 0.
    /// </summary>
    public long Rejected(Protocol protocol, int statusCode)
    {
        var kind = $"{WireNames<Protocol>.ToText(protocol)}:{statusCode}";
        _rejected.AddOrUpdate(kind, 1, (_, n) => n + 1);
        return _rejectionLines.Occurred(kind);
    }

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
