using System.Collections.Concurrent;
using GroupGuard.Core;
using GroupGuard.Core.Digests;
using Microsoft.Extensions.Options;

namespace GroupGuard.Host.Digests;

/// <summary>
/// The groups moderation hears that no leader lists under <c>GroupGuard:Leaders</c> (and no leader
/// covers with <c>*</c>): whatever happens in them is in nobody's digest, and nothing else would say
/// so. The moderator tells each group it hears (<see cref="Seen"/>); the first time a group no leader
/// lists is heard a warning names it and the setting, and <c>/healthz</c> lists such groups
/// (<see cref="Snapshot"/>). Read against the leaders in force at each look, so a leader added for
/// the group (appsettings.json edited while the service runs) takes it off the list, and one taken
/// away again has it warned of again the next time it is heard. The warnings are throttled
/// (<see cref="LogThrottle"/>): a bot in hundreds of groups, started with one leader, writes a line
/// for each of the first few groups in 10 s and one line with the count of the rest.
/// </summary>
internal sealed partial class LeaderCoverage : IDisposable
{
    /// <summary>Groups remembered at most: more than one bot is in; past them a group is neither warned of nor listed.</summary>
    internal const int MaxGroups = 10_000;

    /// <summary>The groups <c>/healthz</c> lists at most, the first heard first; its count says how many there are.</summary>
    internal const int MaxListed = 20;

    private const string LogKind = "uncovered";

    private readonly IOptionsMonitor<List<LeaderOptions>> _leaders;
    private readonly TimeProvider _time;
    private readonly ILogger<LeaderCoverage> _logger;
    private readonly LogThrottle _lines;
    private readonly ConcurrentDictionary<string, UncoveredGroup> _uncovered = new(StringComparer.Ordinal);

    // The groups the leaders in force list (null: one of them covers every group), and the list they were read from.
    private volatile Covered? _covered;

    public LeaderCoverage(IOptionsMonitor<List<LeaderOptions>> leaders, TimeProvider time, ILogger<LeaderCoverage> logger)
    {
        _leaders = leaders;
        _time = time;
        _logger = logger;
        _lines = new LogThrottle(time, (_, count) => LogMore(count));
    }

    /// <summary>A group heard on <paramref name="platform"/> that no leader lists, and when it was first heard so.</summary>
    internal sealed record UncoveredGroup(string Platform, string GroupId, DateTimeOffset Since);

    private sealed record Covered(List<LeaderOptions> Source, HashSet<string>? Groups);

    /// <summary>Moderation heard <paramref name="groupId"/> on <paramref name="platform"/>: warned of the first time when no leader lists it.</summary>
    public void Seen(string platform, string groupId)
    {
        if (Covers(groupId))
        {
            // Listed now: warned of again should a later edit of the leaders leave it out once more.
            _uncovered.TryRemove(groupId, out _);
            return;
        }

        if (_uncovered.ContainsKey(groupId) || _uncovered.Count >= MaxGroups
            || !_uncovered.TryAdd(groupId, new UncoveredGroup(platform, groupId, _time.GetUtcNow())))
        {
            return;
        }

        if (_lines.Occurred(LogKind, groupId) > 0)
        {
            LogUncovered(platform, groupId);
        }
    }

    /// <summary>The groups heard that no leader in force lists: how many, and the first <see cref="MaxListed"/> heard.</summary>
    public (int Count, IReadOnlyList<UncoveredGroup> Groups) Snapshot()
    {
        var uncovered = _uncovered.Values.Where(g => !Covers(g.GroupId)).ToList();
        return (uncovered.Count, [.. uncovered.OrderBy(g => g.Since).ThenBy(g => g.GroupId, StringComparer.Ordinal).Take(MaxListed)]);
    }

    public void Dispose() => _lines.Dispose();

    private bool Covers(string groupId)
    {
        var leaders = _leaders.CurrentValue;
        var covered = _covered;
        if (covered is null || !ReferenceEquals(covered.Source, leaders))
        {
            // The options monitor hands out the same list until the settings change.
            covered = _covered = new Covered(
                leaders,
                leaders.Any(l => l.CoversAll) ? null : leaders.SelectMany(l => l.Groups).ToHashSet(StringComparer.Ordinal));
        }

        return covered.Groups is null || covered.Groups.Contains(groupId);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Platform} group {GroupId} is listed by no leader (GroupGuard:Leaders): what happens in it is in no digest. Add it to a leader's Groups, or \"*\" for every group; /healthz lists such groups under uncovered_groups")]
    private partial void LogUncovered(string platform, string groupId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} more groups listed by no leader (GroupGuard:Leaders) were heard in 10 s: what happens in them is in no digest; /healthz lists such groups under uncovered_groups")]
    private partial void LogMore(long count);
}
