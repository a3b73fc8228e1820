namespace GroupGuard.Core.Digests;

/// <summary>Everything one digest is made of.</summary>
public sealed record DigestInput(
    LeaderOptions Leader,
    DateTimeOffset From,
    DateTimeOffset To,
    TimeZoneInfo TimeZone,
    IReadOnlyList<Incident> Incidents,
    long MessagesSeen,
    int? PreviousIncidents,
    DigestHealth Health)
{
    /// <summary>The join requests decided in the period, in the leader's groups.</summary>
    public IReadOnlyList<Members.JoinDecision> JoinDecisions { get; init; } = [];
}
