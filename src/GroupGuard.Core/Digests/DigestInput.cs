namespace GroupGuard.Core.Digests;

/// <summary>Everything one digest is made of.</summary>
/// <param name="PreviousIncidents">
/// The offending messages (incidents grouped by message) of the period before, for the comparison; null when there is none to compare
/// with (the leader's digests did not cover it), and the digest then says nothing of one.
/// </param>
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
