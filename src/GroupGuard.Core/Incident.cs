namespace GroupGuard.Core;

/// <summary>One rule hit on one message, as recorded.</summary>
public sealed record Incident
{
    /// <summary>Assigned by the store; 0 before it is stored.</summary>
    public long Id { get; init; }

    /// <summary>When the message was sent (the platform's time).</summary>
    public required DateTimeOffset Time { get; init; }

    /// <summary>When GroupGuard recorded it.</summary>
    public required DateTimeOffset DetectedAt { get; init; }

    public required string Platform { get; init; }

    /// <summary>The protocol the message came in on, and so the API its actions go out through.</summary>
    public required Protocol Protocol { get; init; }

    public required string BotId { get; init; }
    public required string GroupId { get; init; }
    public required string UserId { get; init; }
    public string? SenderName { get; init; }
    public SenderRole SenderRole { get; init; }
    public required string MessageId { get; init; }
    public required string Pack { get; init; }
    public required string Rule { get; init; }
    public required string Category { get; init; }
    public required Severity Severity { get; init; }
    public required string MatchedTerm { get; init; }
    public required string MessageText { get; init; }
    /// <summary>The action of the rule that fired (escalation may add to what is done: see <see cref="PlannedActions"/>).</summary>
    public required ModerationAction DecidedAction { get; init; }

    public required ActionStatus ActionStatus { get; init; }

    /// <summary>
    /// For an <see cref="ActionStatus.Exempt"/> incident: why its sender was spared (an admin, trusted
    /// in the group, exempt in every group); null otherwise, and for incidents recorded before GroupGuard kept it.
    /// </summary>
    public ExemptReason? ExemptBy { get; init; }

    /// <summary>
    /// Whether this incident makes its message an offence that escalation counts for a decision
    /// that is enforced: its rule acts (more than <c>log</c>) and it was enforced, not a dry run, a
    /// shadow rule's or an exempt sender's. A word that is only logged (the abuse pack's) or a dry
    /// run never turns a member's later first warning into a mute. The store's count
    /// (<see cref="IIncidentStore.CountOffencesAsync"/>) applies the same test.
    /// </summary>
    public bool CountsAsOffence => DecidedAction != ModerationAction.Log && ActionStatus is not (ActionStatus.DryRun or ActionStatus.Exempt);

    /// <summary>
    /// Whether this incident makes its message an offence that escalation counts for a decision
    /// that is a dry run (the group's dry run): as <see cref="CountsAsOffence"/>, and also a dry run
    /// of a rule that acts and is not in shadow mode, so a trial records the escalation enforcing
    /// the group would have applied. A shadow rule's hit never counts: enforced, it would not
    /// either. An incident recorded before <see cref="Shadow"/> was kept does not count when a dry run.
    /// The store's count with <c>dryRun</c> applies the same test.
    /// </summary>
    public bool CountsInDryRun => CountsAsOffence
        || (DecidedAction != ModerationAction.Log && ActionStatus == ActionStatus.DryRun && Shadow == false);

    /// <summary>
    /// Whether its rule was in shadow mode (<c>mode: shadow</c>: record, never act) when it hit;
    /// null for an incident recorded before GroupGuard kept this. A shadow rule's incident says
    /// <see cref="ActionStatus.DryRun"/> in any group, as a dry-run group's incidents do; this tells them apart.
    /// </summary>
    public bool? Shadow { get; init; }

    /// <summary>The message this incident is of, as digests and alerts count offending messages: platform, group and message id.</summary>
    public (string Platform, string GroupId, string MessageId) MessageKey => (Platform, GroupId, MessageId);

    /// <summary>The platform's or GroupGuard's words when the action was not carried out.</summary>
    public string? ActionError { get; init; }

    /// <summary>What kind of failure <see cref="ActionError"/> is, when there is one.</summary>
    public ActionErrorKind? ActionErrorKind { get; init; }

    /// <summary>
    /// The platform actions decided for the message (a mute also recalls, escalation may add a mute
    /// or kick), so that a restart between the decision and the call carries out exactly those;
    /// kept once they are carried out or failed, as what was tried. Empty when nothing is to be called.
    /// </summary>
    public IReadOnlyList<ModerationAction> PlannedActions { get; init; } = [];

    /// <summary>
    /// While the action is pending: the instance that carries it out (<c>GroupGuard:InstanceId</c>).
    /// On a database several instances share, another instance takes it over only once this one has
    /// stopped checking in (<see cref="IPendingActions"/>). Null for incidents stored before owners were recorded.
    /// </summary>
    public string? ActionOwner { get; init; }

    /// <summary>
    /// While the action is pending: what became of its recall, mute and kick once they were carried
    /// out and only the warning is left to go out (<see cref="ActionStatus.Done"/>, or
    /// <see cref="ActionStatus.Failed"/> or <see cref="ActionStatus.Unsupported"/> with their words in
    /// <see cref="ActionError"/>); null before then. A restart sends only the warning, never those
    /// again, and the incident's outcome counts them as the platform answered then
    /// (<see cref="IPendingActions.RecordActsAsync"/>).
    /// </summary>
    public ActionStatus? ActsOutcome { get; init; }

    public required string RuleSetVersion { get; init; }

    /// <summary>The group's name when the platform told it.</summary>
    public string? GroupName { get; init; }

    /// <summary>The message as the rules saw it (folded), for evidence; null when text is not stored.</summary>
    public string? NormalizedText { get; init; }

    /// <summary>Where the hit stands in <see cref="MessageText"/> (UTF-16 offsets).</summary>
    public IReadOnlyList<EvidenceSpan> Spans { get; init; } = [];

    /// <summary>The mute length decided (rule or escalation), in seconds; 0 when there is no mute.</summary>
    public int MuteSeconds { get; init; }

    /// <summary>The escalation step that applied (1 for the first step), or 0.</summary>
    public int EscalationStep { get; init; }

    /// <summary>A human said this hit was wrong; it does not count towards escalation.</summary>
    public bool FalsePositive { get; init; }

    public string? ReviewNote { get; init; }

    public DateTimeOffset? ReviewedAt { get; init; }

    /// <summary>Who marked it (a console account, <c>cli:</c> and a user, a group admin); null when nobody has.</summary>
    public string? ReviewedBy { get; init; }

    /// <summary>
    /// 0 when the hit is in the message's own text; else how deep in forwarded bundles the message
    /// it quotes lies (1: in a bundle the message forwards). The incident is still the outer
    /// message's (its id, so a recall removes the bundle; its sender, who forwarded it), and
    /// <see cref="MessageText"/> is the inner message's.
    /// </summary>
    public int ForwardDepth { get; init; }

    /// <summary>For a forwarded hit: the inner message's sender as the bundle names them (name, else id); null otherwise or when unnamed.</summary>
    public string? ForwardedFrom { get; init; }

    /// <summary>After a kick the platform confirmed: the sender's other recent messages in the group recalled with it.</summary>
    public int ClearedMessages { get; init; }

    /// <summary>After such a kick: those of the sender's recent messages whose recall failed.</summary>
    public int ClearFailed { get; init; }
}
