using System.Collections.Concurrent;

namespace GroupGuard.Milky.Actions;

/// <summary>
/// Spaces one bot account's calls at least 1/rate apart, each bot on its own, first come first
/// served. Even spacing rather than bursts: QQ freezes accounts that act in bursts, and the
/// caller is a background queue that can wait. Monotonic timestamps, so a clock step cannot stall it.
/// </summary>
internal sealed class BotPacer(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, Next> _bots = new(StringComparer.Ordinal);

    public Task WaitTurnAsync(string bot, double perSecond, CancellationToken cancellationToken)
    {
        var spacing = (long)Math.Ceiling(time.TimestampFrequency / perSecond);
        var next = _bots.GetOrAdd(bot, static _ => new Next());
        var now = time.GetTimestamp();
        long turn;
        lock (next)
        {
            turn = next.Taken && next.At > now ? next.At : now;
            next.At = turn + spacing;
            next.Taken = true;
        }

        // A turn given up by a cancelled caller stays taken: erring on the slow side is the point.
        return turn <= now ? Task.CompletedTask : Task.Delay(time.GetElapsedTime(now, turn), time, cancellationToken);
    }

    private sealed class Next
    {
        public bool Taken { get; set; }

        public long At { get; set; }
    }
}
