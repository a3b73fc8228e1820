using System.Text.Json.Serialization;
using GroupGuard.Core.Moderation;

namespace GroupGuard.Core.Members;

/// <summary>
/// What makes a <see cref="ChatMessage"/> a request to join its group rather than a message: the
/// applicant is <see cref="ChatMessage.UserId"/>, the request's comment is
/// <see cref="ChatMessage.Text"/>, the applicant's nickname (when known) is
/// <see cref="ChatMessage.SenderName"/>. Carried on the message so that a request is verified,
/// journaled, deduplicated and replayed exactly as a message is.
/// </summary>
/// <param name="Flag">What the platform needs to answer it: OneBot v11 <c>flag</c>, Milky <c>notification_seq</c>.</param>
/// <param name="IsFiltered">Milky: the platform filtered it as from a risky account (answered through the filtered list).</param>
public sealed record JoinRequestInfo(string Flag, bool IsFiltered = false);

/// <summary>GroupGuard's answer to a join request, for the adapter to carry out.</summary>
public sealed record JoinAnswer
{
    public required Protocol Protocol { get; init; }
    public required string Platform { get; init; }
    public required string BotId { get; init; }
    public required string GroupId { get; init; }
    public required string UserId { get; init; }
    public required JoinRequestInfo Request { get; init; }

    /// <summary>True to let the applicant in, false to turn them away.</summary>
    public required bool Approve { get; init; }

    /// <summary>What the applicant is told when turned away (the platform may shorten it).</summary>
    public string? Reason { get; init; }
}

/// <summary>
/// One adapter's join-request calls: OneBot v11 <c>set_group_add_request</c>, Milky
/// <c>accept_group_request</c>/<c>reject_group_request</c>. Registered with
/// <c>TryAddEnumerable</c> for the protocols it speaks. Failure contract as
/// <see cref="IPlatformActions.ExecuteAsync"/>: a platform failure or refusal is a result, never
/// an exception; only <see cref="OperationCanceledException"/> is thrown.
/// </summary>
public interface IJoinRequestActions
{
    IReadOnlyCollection<Protocol> Protocols { get; }

    Task<ActionResult> AnswerAsync(JoinAnswer answer, CancellationToken cancellationToken);

    /// <summary>The applicant's nickname as the platform gives it (not a member yet: their profile), or null.</summary>
    Task<string?> GetNicknameAsync(Protocol protocol, string botId, string userId, CancellationToken cancellationToken);
}

/// <summary>What GroupGuard did with a join request.</summary>
public enum JoinOutcome
{
    /// <summary>Turned away: the applicant is blocked, or the comment or nickname hit a rule of a category the group rejects on.</summary>
    [JsonStringEnumMemberName("rejected")]
    Rejected,

    /// <summary>Let in: nothing hit and the group approves clean requests itself (<c>AutoApprove</c>).</summary>
    [JsonStringEnumMemberName("approved")]
    Approved,

    /// <summary>Left to the group's admins, with the hits they should know of, or because it could not be screened in full.</summary>
    [JsonStringEnumMemberName("left")]
    Left,
}

/// <summary>Why a join request was answered the way it was.</summary>
public enum JoinReason
{
    /// <summary>The applicant is on the block list (kicked by GroupGuard, or <c>groupguard users block</c>).</summary>
    [JsonStringEnumMemberName("blocked")]
    Blocked,

    /// <summary>A rule hit the comment or the nickname.</summary>
    [JsonStringEnumMemberName("rule")]
    Rule,

    /// <summary>Nothing against the applicant.</summary>
    [JsonStringEnumMemberName("clean")]
    Clean,

    /// <summary>
    /// The request could not be screened in full (the detector failed on the comment or nickname,
    /// or the block list could not be read), and nothing found turns it away: left to the admins,
    /// never let in by <c>AutoApprove</c>. <see cref="JoinDecision.ActionError"/> says what failed.
    /// </summary>
    [JsonStringEnumMemberName("unscreened")]
    Unscreened,
}

/// <summary>A join request and what was decided, as stored: the incident of a request.</summary>
public sealed record JoinDecision
{
    /// <summary>Assigned by the store; 0 before.</summary>
    public long Id { get; init; }

    /// <summary>When the platform says the request was made.</summary>
    public required DateTimeOffset Time { get; init; }

    public required DateTimeOffset DecidedAt { get; init; }
    public required string Platform { get; init; }
    public required Protocol Protocol { get; init; }
    public required string BotId { get; init; }
    public required string GroupId { get; init; }
    public string? GroupName { get; init; }
    public required string UserId { get; init; }
    public string? Nickname { get; init; }

    /// <summary>The request's comment as kept (per <c>GroupGuard:Privacy:StoreText</c>).</summary>
    public required string Comment { get; init; }

    public required string Flag { get; init; }
    public required JoinOutcome Outcome { get; init; }
    public required JoinReason Reason { get; init; }

    /// <summary>The rule that decided (or, when left, the strongest that hit); null when none did.</summary>
    public string? Rule { get; init; }

    public string? Category { get; init; }
    public string? MatchedTerm { get; init; }

    /// <summary>Whether the answer reached the platform: done, failed, unsupported, dry_run, or pending before the call (skipped when nothing was to be called).</summary>
    public required ActionStatus ActionStatus { get; init; }

    /// <summary>Why the answer was not carried out; for a request left <see cref="JoinReason.Unscreened"/>, what could not be done in screening it.</summary>
    public string? ActionError { get; init; }

    /// <summary>What kind of failure <see cref="ActionError"/> is when the answer was not carried out (the digest says it in a few words); null otherwise, and for answers recorded before it was kept.</summary>
    public ActionErrorKind? ActionErrorKind { get; init; }

    /// <summary>For a blocked applicant: the block's own note (which kick, or who added it).</summary>
    public string? BlockNote { get; init; }

    /// <summary>The <see cref="ActionError"/> of a request left <see cref="JoinReason.Unscreened"/> because a detector failed on its comment or nickname.</summary>
    public const string DetectionFailed = "detection failed on the comment or nickname";

    /// <summary>The <see cref="ActionError"/> of a request left <see cref="JoinReason.Unscreened"/> because the block list could not be read.</summary>
    public const string BlockListUnread = "the block list could not be read";
}

/// <summary>
/// Join decisions as stored. Failure contract: storage errors propagate (the caller keeps the
/// request in the journal and tries again); a decision stored twice (a replay) is kept once.
/// </summary>
public interface IJoinDecisions
{
    /// <summary>Stores the decision; returns its id, or the id of the same request's earlier decision with false.</summary>
    Task<(long Id, bool Added)> AddAsync(JoinDecision decision, CancellationToken cancellationToken);

    /// <summary>Records what the platform did with the answer: its status, and when it was not carried out its words and their kind.</summary>
    Task UpdateStatusAsync(long id, ActionStatus status, string? error, ActionErrorKind? errorKind, CancellationToken cancellationToken);

    /// <summary>Decisions made in [from, to), of the groups named (all when null), oldest first, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<JoinDecision>> ListAsync(DateTimeOffset from, DateTimeOffset to, IReadOnlyCollection<string>? groupIds, int limit, CancellationToken cancellationToken);
}

/// <summary>A user turned away from every group of the platform.</summary>
/// <param name="Note">Why: <c>kick</c> and the incident, or what the operator wrote.</param>
/// <param name="IncidentId">The incident whose kick added it, when one did.</param>
public sealed record UserBlock(string Platform, string UserId, DateTimeOffset At, string? Note, long? IncidentId);

/// <summary>
/// The applicants GroupGuard rejects in every group. Failure contract: storage errors propagate to
/// the caller, which decides whether to go on without the list.
/// </summary>
public interface IUserBlocks
{
    /// <summary>Adds a block (or keeps the existing one); returns false when the user was already blocked.</summary>
    Task<bool> BlockAsync(UserBlock block, CancellationToken cancellationToken);

    /// <summary>Lifts a block; false when there was none.</summary>
    Task<bool> UnblockAsync(string platform, string userId, CancellationToken cancellationToken);

    Task<UserBlock?> FindAsync(string platform, string userId, CancellationToken cancellationToken);

    Task<IReadOnlyList<UserBlock>> ListAsync(CancellationToken cancellationToken);
}
