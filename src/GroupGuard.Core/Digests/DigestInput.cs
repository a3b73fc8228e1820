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

    /// <summary>
    /// What the period is as the leader's schedule gives it, which the title names (群管日报, 群管周报,
    /// 群管月报); <see cref="DigestCadence.None"/> (群管报告) for any other period: one the schedule
    /// does not give (a <c>digest send</c>, a preview, a catch-up over several fires), or one of a
    /// schedule that is not daily, weekly or monthly.
    /// </summary>
    public DigestCadence Cadence { get; init; }

    /// <summary>
    /// The address people reach the web console at (<c>GroupGuard:Console:PublicUrl</c>); set, each
    /// message the digest lists links to its incident's page there (<see cref="ConsoleLinks"/>).
    /// </summary>
    public string? ConsoleUrl { get; init; }

    /// <summary>
    /// The name a leader reads for a rule, by the rule id its incidents and join requests store: the
    /// rule's <c>name:</c> in the rules in force when the digest is made (<see cref="Rules.Rule.Name"/>);
    /// null, or null for an id (a rule without one, or since removed): the id.
    /// </summary>
    public Func<string, string?>? RuleNames { get; init; }
}

/// <summary>How often the leader's digest comes, when its period is one step of the schedule.</summary>
public enum DigestCadence
{
    /// <summary>Not one of these: a period of any other length, or not the schedule's.</summary>
    None,

    /// <summary>One day: the same time on the next day, in the leader's zone.</summary>
    Daily,

    /// <summary>One week: the same time seven days on.</summary>
    Weekly,

    /// <summary>One month: the same time on the next month's day of the same number.</summary>
    Monthly,
}
