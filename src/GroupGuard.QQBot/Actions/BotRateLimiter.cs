using System.Collections.Concurrent;

namespace GroupGuard.QQBot.Actions;

/// <summary>
/// Spaces the OpenAPI calls of one bot at least 1/rate apart, in order of asking, on monotonic
/// timestamps of the injected clock. Even spacing rather than a burst: the platform limits each
/// bot's calls, and the caller is a background queue that can wait.
/// </summary>
internal sealed class BotRateLimiter(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, Slot> _bots = new(StringComparer.Ordinal);

    public Task WaitAsync(string bot, double perSecond, CancellationToken cancellationToken)
    {
        var interval = (long)Math.Ceiling(time.TimestampFrequency / perSecond);
        var slot = _bots.GetOrAdd(bot, static _ => new Slot());
        var now = time.GetTimestamp();
        long start;
        lock (slot)
        {
            start = slot.Used && slot.NextFree > now ? slot.NextFree : now;
            slot.NextFree = start + interval;
            slot.Used = true;
        }

        // A slot given up by a cancelled caller stays taken: erring on the slow side is the point.
        return start <= now ? Task.CompletedTask : Task.Delay(time.GetElapsedTime(now, start), time, cancellationToken);
    }

    private sealed class Slot
    {
        public bool Used { get; set; }

        public long NextFree { get; set; }
    }
}
