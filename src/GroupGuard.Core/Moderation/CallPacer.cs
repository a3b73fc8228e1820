using System.Collections.Concurrent;

namespace GroupGuard.Core.Moderation;

/// <summary>
/// Spaces the platform calls of one bot account at least 1/rate apart, each bot on its own, in the
/// order they ask. Even spacing rather than a bucket with a burst: QQ freezes accounts that act in
/// bursts, platforms limit each bot's calls, and the callers are background queues that can wait.
/// Monotonic timestamps of the injected clock, so a wall-clock step cannot stall a bot. Every
/// adapter paces its calls with one.
/// </summary>
public sealed class CallPacer(TimeProvider time)
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
