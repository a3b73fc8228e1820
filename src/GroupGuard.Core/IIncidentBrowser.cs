using System.Text.Json.Serialization;

namespace GroupGuard.Core;

/// <summary>
/// What became of an incident as the console counts and filters it: its <see cref="ActionStatus"/>,
/// except that a <c>log</c> rule's incident, <see cref="ActionStatus.Done"/> once it is recorded, is
/// <see cref="Logged"/>, so that <see cref="Done"/> is only what was done to a message or a member
/// (as the digest's 已处置 and 仅记录 count them). Its text is the status's (<c>dry_run</c>), and <c>logged</c>.
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<IncidentOutcome>))]
public enum IncidentOutcome
{
    [JsonStringEnumMemberName("pending")]
    Pending,

    /// <summary>A recall, mute, kick or warning carried out.</summary>
    [JsonStringEnumMemberName("done")]
    Done,

    /// <summary>A <c>log</c> rule's incident, recorded: nothing else was to be done.</summary>
    [JsonStringEnumMemberName("logged")]
    Logged,

    [JsonStringEnumMemberName("failed")]
    Failed,

    [JsonStringEnumMemberName("skipped")]
    Skipped,

    [JsonStringEnumMemberName("dry_run")]
    DryRun,

    [JsonStringEnumMemberName("exempt")]
    Exempt,

    [JsonStringEnumMemberName("unsupported")]
    Unsupported,
}

/// <summary>
/// The <see cref="IncidentOutcome"/> of an incident: of an incident whose recall, mute or kick were
/// carried out and whose warning alone still waits, what came of those, as the digest reads it
/// (<see cref="Digests.DigestBuilder.SettledStatus"/>).
/// </summary>
public static class IncidentOutcomes
{
    public static IncidentOutcome Of(ModerationAction decided, ActionStatus status) => status switch
    {
        ActionStatus.Done when decided == ModerationAction.Log => IncidentOutcome.Logged,
        ActionStatus.Done => IncidentOutcome.Done,
        ActionStatus.Pending => IncidentOutcome.Pending,
        ActionStatus.Failed => IncidentOutcome.Failed,
        ActionStatus.Skipped => IncidentOutcome.Skipped,
        ActionStatus.DryRun => IncidentOutcome.DryRun,
        ActionStatus.Exempt => IncidentOutcome.Exempt,
        _ => IncidentOutcome.Unsupported,
    };

    public static IncidentOutcome Of(Incident incident)
    {
        ArgumentNullException.ThrowIfNull(incident);
        return Of(incident.DecidedAction, Digests.DigestBuilder.SettledStatus(incident));
    }
}

/// <summary>Filters of the console's incident list. Null means no filter.</summary>
public sealed record IncidentFilter
{
    /// <summary>The groups the reader may see (a leader's); null for all.</summary>
    public IReadOnlyCollection<string>? Scope { get; init; }

    public string? GroupId { get; init; }
    public string? UserId { get; init; }
    public string? Pack { get; init; }
    public string? Rule { get; init; }
    public Severity? Severity { get; init; }

    /// <summary>
    /// The outcome as the overview counts it (<see cref="IncidentOverview.Outcomes"/>) and each row
    /// reads it (<see cref="IncidentOutcomes.Of(Incident)"/>, by the settled status): <see cref="IncidentOutcome.Done"/>
    /// only what was carried out, <see cref="IncidentOutcome.Logged"/> a <c>log</c> rule's recorded incidents.
    /// </summary>
    public IncidentOutcome? Outcome { get; init; }

    /// <summary>True: only incidents marked false positive; false: only those not marked.</summary>
    public bool? FalsePositive { get; init; }

    /// <summary>Message time at or after.</summary>
    public DateTimeOffset? From { get; init; }

    /// <summary>Message time before.</summary>
    public DateTimeOffset? To { get; init; }

    /// <summary>Text the message contains (as written, case-insensitive for Latin letters).</summary>
    public string? Text { get; init; }
}

/// <summary>Offending messages per day and category, for the overview chart (a message once in each category it hit).</summary>
public sealed record DayCount(DateOnly Day, string Category, int Count);

/// <summary>
/// A name with a count (an action outcome, a rule, a group), and what people know it by where the
/// store holds it: a group's name, as its incidents carry it (<see cref="Incident.GroupName"/>; the
/// newest of the period), null where none does. A group's <see cref="Name"/> is its id, on its
/// <see cref="Platform"/> (two platforms' groups may share an id: they are two groups).
/// </summary>
public sealed record NamedCount(string Name, int Count, string? Title = null, string? Platform = null);

/// <summary>
/// What the console's overview shows for a period. As the digest counts, incidents marked false
/// positive are left out of every count but <see cref="FalsePositives"/>, which counts them; and as
/// the digest counts, by message: <see cref="OffendingMessages"/>, <see cref="PerDay"/>,
/// <see cref="TopRules"/> and <see cref="TopGroups"/> count a message of several hits once (once in
/// each category, rule and group it hit), <see cref="Incidents"/> its hits. <see cref="Outcomes"/>
/// and <see cref="FalsePositives"/> count incidents (hits), as the incident list shows them: a
/// message's hits may differ in outcome and mark. Outcomes are by action status as it has settled
/// (<see cref="IncidentOutcomes.Of(Incident)"/>: a mute carried out whose warning still waits is
/// <c>done</c>, as the digest and the incident's row read it), except that a <c>log</c> rule's
/// incident, <c>done</c> once recorded, is <see cref="Logged"/>: <c>done</c> counts only what was
/// done to a message or a member.
/// </summary>
public sealed record IncidentOverview(
    IReadOnlyList<DayCount> PerDay,
    IReadOnlyList<NamedCount> Outcomes,
    IReadOnlyList<NamedCount> TopRules,
    IReadOnlyList<NamedCount> TopGroups,
    int OffendingMessages,
    int Incidents,
    int FalsePositives,
    long MessagesChecked)
{
    /// <summary>The outcome of a <c>log</c> rule's incident: recorded, nothing else done (<see cref="IncidentOutcome.Logged"/>).</summary>
    public const string Logged = "logged";
}

/// <summary>Reading incidents for people: pages, filters and summaries (the console).</summary>
public interface IIncidentBrowser
{
    /// <summary>
    /// Newest first, at most <paramref name="limit"/>, with ids below <paramref name="beforeId"/>
    /// when given (keyset paging: the next page starts below the last id shown).
    /// </summary>
    Task<IReadOnlyList<Incident>> BrowseAsync(IncidentFilter filter, long? beforeId, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// Counts (by message where <see cref="IncidentOverview"/> says so) for incidents whose message time is in [from, to), days cut at
    /// <paramref name="utcOffset"/>, limited to <paramref name="scope"/> when given; those marked
    /// false positive counted only apart (<see cref="IncidentOverview.FalsePositives"/>).
    /// </summary>
    Task<IncidentOverview> OverviewAsync(DateTimeOffset from, DateTimeOffset to, TimeSpan utcOffset, IReadOnlyCollection<string>? scope, int top, CancellationToken cancellationToken);
}
