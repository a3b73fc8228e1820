namespace GroupGuard.Core.Moderation;

/// <summary>A message in a group, as a reply names it: the platform, the bot that saw it, the group and its id.</summary>
public readonly record struct GroupMessageRef(string Platform, string BotId, string GroupId, string MessageId);

/// <summary>
/// Which incidents each warning GroupGuard sent was about, so that an admin's reply to a warning
/// (<c>/gg 误判</c>) finds them. Every method throws on a storage failure.
/// </summary>
public interface ISentWarnings
{
    /// <summary>Records that the warning <paramref name="warning"/> was about <paramref name="incidentIds"/>; recording the same again changes nothing.</summary>
    Task RecordAsync(GroupMessageRef warning, IReadOnlyList<long> incidentIds, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>The incidents the warning was about, in id order; empty when it is no warning GroupGuard recorded.</summary>
    Task<IReadOnlyList<long>> IncidentsOfAsync(GroupMessageRef warning, CancellationToken cancellationToken);
}
