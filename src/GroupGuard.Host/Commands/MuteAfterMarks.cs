using GroupGuard.Core;
using GroupGuard.Core.Moderation;

namespace GroupGuard.Host.Commands;

/// <summary>What to do about a member's mute once some of their incidents are marked false positive.</summary>
internal enum MuteFix
{
    /// <summary>No mute of a marked incident is in force: none set one, or it has run out, or a later one replaced it and ran out.</summary>
    None,

    /// <summary>
    /// A genuine offence's mute is the one in force: set after the marked incidents' mutes (which it
    /// replaced), or theirs were never carried out or have run out.
    /// </summary>
    KeptForAnother,

    /// <summary>The mute in force is a marked incident's, and no genuine offence's mute would still run: lift it.</summary>
    Lift,

    /// <summary>The mute in force is a marked incident's, and a genuine offence's mute before it would still run: set it again for what it has left.</summary>
    Shorten,
}

/// <summary>
/// What <see cref="MuteAfterMarks.Decide"/> found: the fix, and for <see cref="MuteFix.Shorten"/>
/// the genuine incident whose mute is set again and the whole seconds it has left; for
/// <see cref="MuteFix.KeptForAnother"/>, the genuine incident whose mute is in force.
/// </summary>
internal sealed record MuteAfterMark(MuteFix Fix, Incident? Genuine = null, int Seconds = 0)
{
    public static MuteAfterMark Nothing { get; } = new(MuteFix.None);
}

/// <summary>
/// A member's mute after some of their incidents are marked false positive. QQ (and Milky, and the
/// official platform) keep only the last mute set: a second mute replaces the first, whichever is
/// longer. So the mute in force is the one set last (the latest incident that muted, by the time
/// GroupGuard decided it, then its id), running from its incident's <see cref="Incident.DetectedAt"/>
/// for its <see cref="Incident.MuteSeconds"/>. When that one is a false positive's, what the member
/// would be under without it is the mute of the genuine offence set last before it: lifted when that
/// has run out (or there is none), else set again for what it has left. A false positive's mute a
/// genuine one replaced is left alone: the genuine one is in force.
/// </summary>
internal static class MuteAfterMarks
{
    /// <summary>An incident that decided a mute, not known never to have been carried out (a failed job may have muted before its warning failed).</summary>
    public static bool Muted(Incident incident) =>
        incident.MuteSeconds > 0 && incident.ActionStatus is ActionStatus.Done or ActionStatus.Pending or ActionStatus.Failed;

    /// <summary>When the incident's mute, as set, ends.</summary>
    public static DateTimeOffset MuteEnds(Incident incident) => incident.DetectedAt.AddSeconds(incident.MuteSeconds);

    /// <summary>A mute the incident set that would not have run out by <paramref name="now"/>.</summary>
    public static bool MayStillBeMuted(Incident incident, DateTimeOffset now) => Muted(incident) && MuteEnds(incident) > now;

    /// <summary>The member's latest incidents read for the mutes that may be in force (a mute runs a day at most).</summary>
    public const int Latest = 50;

    /// <summary>
    /// For one member in one group: <paramref name="marked"/>, their incidents whose mute is to go
    /// (just marked false positive, or the message's whose mute an admin lifts in the console);
    /// <paramref name="genuine"/>, their other incidents there not marked (any order; those that did
    /// not mute are passed over). A genuine mute in force is kept whether or not a marked one's
    /// would still run.
    /// </summary>
    public static MuteAfterMark Decide(IEnumerable<Incident> marked, IEnumerable<Incident> genuine, DateTimeOffset now)
    {
        var wrong = marked.Where(Muted).ToList();
        var markedIds = wrong.Select(i => i.Id).ToHashSet();
        var right = genuine.Where(i => Muted(i) && !markedIds.Contains(i.Id)).ToList();
        var inForce = wrong.Concat(right).MaxBy(i => (i.DetectedAt, i.Id));
        if (inForce is null || MuteEnds(inForce) <= now)
        {
            return MuteAfterMark.Nothing;
        }

        if (!markedIds.Contains(inForce.Id))
        {
            return new MuteAfterMark(MuteFix.KeptForAnother, inForce);
        }

        // Every genuine mute was set before the one in force; the last of them is what it replaced.
        var replaced = right.MaxBy(i => (i.DetectedAt, i.Id));
        if (replaced is null || MuteEnds(replaced) <= now)
        {
            return new MuteAfterMark(MuteFix.Lift);
        }

        var left = (int)Math.Ceiling((MuteEnds(replaced) - now).TotalSeconds);
        return new MuteAfterMark(MuteFix.Shorten, replaced, left);
    }

    /// <summary>
    /// The member's latest incidents in the group on <paramref name="platform"/> not marked false
    /// positive (newest first, of the last <see cref="Latest"/>): the genuine mutes that may be in
    /// force are among them.
    /// </summary>
    public static async Task<IReadOnlyList<Incident>> GenuineAsync(IIncidentBrowser browser, string platform, string groupId, string userId, CancellationToken cancellationToken)
    {
        var latest = await browser.BrowseAsync(new IncidentFilter { GroupId = groupId, UserId = userId, FalsePositive = false }, null, Latest, cancellationToken);
        return [.. latest.Where(i => i.Platform == platform)];
    }

    /// <summary>
    /// Asks the platform for <paramref name="change"/>: a lift, or the mute set again for its seconds
    /// in one call, not a lift and a new mute (the platform keeps the last mute set, and a failed
    /// second call would leave the member free of the genuine offence's mute).
    /// </summary>
    public static Task<ActionResult> CarryOutAsync(IPlatformActions platform, MuteChange change, Protocol protocol, string platformName, string botId, string groupId, string messageId, CancellationToken cancellationToken) =>
        change.Seconds > 0
            ? platform.ExecuteAsync(
                new PlatformAction
                {
                    Protocol = protocol,
                    Platform = platformName,
                    BotId = botId,
                    GroupId = groupId,
                    UserId = change.UserId,
                    MessageId = messageId,
                    Action = ModerationAction.Mute,
                    MuteSeconds = change.Seconds,
                },
                cancellationToken)
            : platform.UnmuteAsync(protocol, platformName, botId, groupId, change.UserId, cancellationToken);
}
