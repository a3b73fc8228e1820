using System.Collections.Concurrent;

namespace GroupGuard.Host.Commands;

/// <summary>What the limiter says of one command.</summary>
internal enum CommandAllowance
{
    /// <summary>Carry it out.</summary>
    Allowed,

    /// <summary>Over the limit: not carried out, and this once the sender is told so.</summary>
    LimitedTell,

    /// <summary>Over the limit, and told so already in this window: not carried out, no answer.</summary>
    LimitedQuiet,
}

/// <summary>What the limiter says of one command, and, over the limit, how long until it would be carried out.</summary>
/// <param name="RetryAfter">Over the limit: until the oldest command counted leaves the window (of the member's count, the group's, or both when both are full); else zero.</param>
/// <param name="Group">Over the limit: whether the group's count is the one full, not (only) the member's.</param>
internal readonly record struct CommandLimit(CommandAllowance Allowance, TimeSpan RetryAfter = default, bool Group = false)
{
    /// <summary><see cref="RetryAfter"/> in whole seconds, rounded up, at least 1: what the refusal tells the sender.</summary>
    public int RetrySeconds => Math.Max(1, (int)Math.Ceiling(RetryAfter.TotalSeconds));
}

/// <summary>
/// At most <see cref="PerUser"/> commands a minute from one member of a group and
/// <see cref="PerGroup"/> from a whole group, counted over the last minute of the injected clock.
/// The member's allowance leaves room for an admin trying the commands the first time (帮助, 状态,
/// 检查 a few times); the group's keeps the bot's answers to commands in one group to 20 a minute
/// however many admins type, since QQ restricts bots that send too much.
/// A command over either limit is not carried out; the first one over in a window gets one line
/// saying so and when to try again, the rest nothing, so the limit cannot be used to make the bot talk.
/// </summary>
internal sealed class CommandLimiter(TimeProvider time)
{
    public const int PerUser = 10;
    public const int PerGroup = 20;
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    // Only owners' and admins' commands get here: few keys. Swept all the same past this many.
    private const int SweepThreshold = 10_000;

    private readonly ConcurrentDictionary<string, Counter> _counters = new(StringComparer.Ordinal);

    public CommandLimit Take(string platform, string groupId, string userId)
    {
        var now = time.GetUtcNow();
        if (_counters.Count > SweepThreshold)
        {
            Sweep(now);
        }

        var user = _counters.GetOrAdd($"{platform}|{groupId}|{userId}", static _ => new Counter());
        var group = _counters.GetOrAdd($"{platform}|{groupId}", static _ => new Counter());

        // One lock for the pair, so two commands at once never both take the last place.
        lock (group)
        {
            lock (user)
            {
                var userFull = user.Count(now) >= PerUser;
                var groupFull = group.Count(now) >= PerGroup;
                if (!userFull && !groupFull)
                {
                    user.Add(now);
                    group.Add(now);
                    return new CommandLimit(CommandAllowance.Allowed);
                }

                // Carried out once every full count has a place again: when its oldest command leaves the window.
                var userFree = userFull ? user.FreeAt - now : TimeSpan.Zero;
                var groupFree = groupFull ? group.FreeAt - now : TimeSpan.Zero;
                var retryAfter = userFree > groupFree ? userFree : groupFree;
                var counter = userFull ? user : group;
                if (counter.ToldUntil > now)
                {
                    return new CommandLimit(CommandAllowance.LimitedQuiet, retryAfter, groupFull);
                }

                counter.ToldUntil = now + Window;
                return new CommandLimit(CommandAllowance.LimitedTell, retryAfter, groupFull);
            }
        }
    }

    private void Sweep(DateTimeOffset now)
    {
        foreach (var (key, counter) in _counters)
        {
            lock (counter)
            {
                if (counter.Count(now) == 0 && counter.ToldUntil <= now)
                {
                    _counters.TryRemove(key, out _);
                }
            }
        }
    }

    private sealed class Counter
    {
        private readonly Queue<DateTimeOffset> _times = new();

        public DateTimeOffset ToldUntil { get; set; }

        /// <summary>Commands within the window before <paramref name="now"/>; older ones are let go.</summary>
        public int Count(DateTimeOffset now)
        {
            while (_times.Count > 0 && _times.Peek() <= now - Window)
            {
                _times.Dequeue();
            }

            return _times.Count;
        }

        public void Add(DateTimeOffset at) => _times.Enqueue(at);

        /// <summary>When the oldest command counted leaves the window (after <see cref="Count"/> has let older ones go).</summary>
        public DateTimeOffset FreeAt => _times.Peek() + Window;
    }
}
