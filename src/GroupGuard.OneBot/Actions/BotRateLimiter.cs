using System.Collections.Concurrent;

namespace GroupGuard.OneBot.Actions;

/// <summary>
/// Spaces the calls of one bot account at least 1/rate apart, each bot on its own. Even spacing
/// rather than a bucket with a burst: QQ reacts to bursts, and the caller is a background queue
/// that can wait. Slots are handed out in order of asking, so waiting callers are served FIFO.
/// Monotonic timestamps, so a wall-clock step cannot stall a bot.
/// </summary>
internal sealed class BotRateLimiter(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, Slot> _bots = new(StringComparer.Ordinal);

    /// <summary>Waits until <paramref name="bot"/> may make its next call, and takes that slot.</summary>
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

        // A slot given up by a cancelled caller stays used: erring on the slow side is the point.
        return start <= now ? Task.CompletedTask : Task.Delay(time.GetElapsedTime(now, start), time, cancellationToken);
    }

    private sealed class Slot
    {
        public bool Used { get; set; }

        public long NextFree { get; set; }
    }
}
