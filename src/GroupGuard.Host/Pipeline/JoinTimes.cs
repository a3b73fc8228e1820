using GroupGuard.Core;
using GroupGuard.Core.Members;

namespace GroupGuard.Host.Pipeline;

/// <summary>
/// When members joined their groups, for <c>newcomer_hours:</c> rules: a join the service saw (v11
/// <c>group_increase</c>, Milky <c>group_member_increase</c> or the <c>join_time</c> a Milky message
/// carries; of two, the later, since a member who left and came back is new again), else the
/// platform's answer (<see cref="IMemberJoinTimes"/>, within 5 s on the injected clock), remembered. Bounded: the <see cref="Capacity"/> members asked about
/// or seen joining most recently (the least recent is forgotten first). A platform that could not say is asked again
/// after <see cref="UnknownLifetime"/> on the injected clock, not on every message. In memory only:
/// a restart forgets the notices, and the platform is asked again.
/// </summary>
internal sealed class JoinTimes(IEnumerable<IMemberJoinTimes> adapters, TimeProvider time) : IJoinTimes
{
    public const int Capacity = 100_000;
    public static readonly TimeSpan UnknownLifetime = TimeSpan.FromMinutes(10);
    public static readonly TimeSpan LookupTimeout = TimeSpan.FromSeconds(5);

    private readonly Dictionary<Protocol, IMemberJoinTimes> _adapters = ProtocolAdapters.ByProtocol(adapters, a => a.Protocols);
    private readonly RecentlyUsed<MemberKey, Entry> _entries = new(Capacity);

    public void Joined(string platform, string groupId, string userId, DateTimeOffset at) =>
        Remember(new MemberKey(platform, groupId, userId), at, DateTimeOffset.MaxValue, keepLater: true);

    public async Task<DateTimeOffset?> JoinedAtAsync(Protocol protocol, string platform, string botId, string groupId, string userId, CancellationToken cancellationToken)
    {
        var key = new MemberKey(platform, groupId, userId);
        if (_entries.TryGet(key, out var known) && (known.At is not null || known.Expires > time.GetUtcNow()))
        {
            return known.At;
        }

        if (!_adapters.TryGetValue(protocol, out var adapter))
        {
            return null;
        }

        DateTimeOffset? at;
        using (var timeout = new Deadline(LookupTimeout, time, cancellationToken))
        {
            try
            {
                at = await adapter.GetJoinTimeAsync(protocol, botId, groupId, userId, timeout.Token);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                at = null;
            }
        }

        // A notice that came in meanwhile is the better answer: the platform's is kept only where there is none.
        return Remember(key, at, at is null ? time.GetUtcNow() + UnknownLifetime : DateTimeOffset.MaxValue, keepKnown: true);
    }

    /// <param name="keepKnown">A join time known already stays (the platform's answer is second to a join seen).</param>
    /// <param name="keepLater">A later join time known already stays (a stale cache must not make a rejoined member old).</param>
    private DateTimeOffset? Remember(MemberKey key, DateTimeOffset? at, DateTimeOffset expires, bool keepKnown = false, bool keepLater = false) =>
        _entries.Remember(key, new Entry(at, expires), old => (keepKnown && old.At is not null) || (keepLater && old.At > at)).At;

    private readonly record struct MemberKey(string Platform, string GroupId, string UserId);

    /// <summary>A member's join time, or null (the platform could not say) until <see cref="Expires"/>.</summary>
    private sealed record Entry(DateTimeOffset? At, DateTimeOffset Expires);
}
