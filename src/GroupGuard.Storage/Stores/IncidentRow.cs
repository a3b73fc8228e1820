using GroupGuard.Core;
using GroupGuard.Core.Moderation;

namespace GroupGuard.Storage.Stores;

/// <summary>
/// An <c>incidents</c> row as SQLite holds it (all text): Dapper maps it both ways and the
/// conversion to <see cref="Incident"/> (times and enums) is done here by hand.
/// </summary>
internal sealed class IncidentRow
{
    public long Id { get; set; }
    public string Time { get; set; } = "";
    public string DetectedAt { get; set; } = "";
    public string Platform { get; set; } = "";
    public string Protocol { get; set; } = "";
    public string BotId { get; set; } = "";
    public string GroupId { get; set; } = "";
    public string UserId { get; set; } = "";
    public string? SenderName { get; set; }
    public string SenderRole { get; set; } = "";
    public string MessageId { get; set; } = "";
    public string Pack { get; set; } = "";
    public string Rule { get; set; } = "";
    public string Category { get; set; } = "";
    public string Severity { get; set; } = "";
    public string MatchedTerm { get; set; } = "";
    public string MessageText { get; set; } = "";
    public string DecidedAction { get; set; } = "";
    public string ActionStatus { get; set; } = "";
    public string? ActionError { get; set; }
    public string? ActionErrorKind { get; set; }
    public string? ExemptBy { get; set; }
    public string PlannedActions { get; set; } = "";
    public string? ActionOwner { get; set; }
    public string? ActsOutcome { get; set; }
    public string RuleSetVersion { get; set; } = "";
    public string? GroupName { get; set; }
    public string? NormalizedText { get; set; }
    public string Spans { get; set; } = SpanText.Empty;
    public long MuteSeconds { get; set; }
    public long EscalationStep { get; set; }
    public long FalsePositive { get; set; }
    public string? ReviewNote { get; set; }
    public string? ReviewedAt { get; set; }
    public string? ReviewedBy { get; set; }
    public long ForwardDepth { get; set; }
    public string? ForwardedFrom { get; set; }
    public long ClearedMessages { get; set; }
    public long ClearFailed { get; set; }
    public long? Shadow { get; set; }

    // Free text from chat and platforms as PostgreSQL takes it (StoredText.Clean): a NUL or a lone
    // surrogate in a sender's name or a platform's error failed the incident's write for ever.
    public static IncidentRow From(Incident incident) => new()
    {
        Time = StoredTime.ToText(incident.Time),
        DetectedAt = StoredTime.ToText(incident.DetectedAt),
        Platform = incident.Platform,
        Protocol = EnumText<Protocol>.ToText(incident.Protocol),
        BotId = incident.BotId,
        GroupId = incident.GroupId,
        UserId = incident.UserId,
        SenderName = StoredText.Clean(incident.SenderName),
        SenderRole = EnumText<SenderRole>.ToText(incident.SenderRole),
        MessageId = incident.MessageId,
        Pack = incident.Pack,
        Rule = incident.Rule,
        Category = incident.Category,
        Severity = EnumText<Severity>.ToText(incident.Severity),
        MatchedTerm = StoredText.Clean(incident.MatchedTerm),
        MessageText = StoredText.Clean(incident.MessageText),
        DecidedAction = EnumText<ModerationAction>.ToText(incident.DecidedAction),
        ActionStatus = EnumText<ActionStatus>.ToText(incident.ActionStatus),
        ActionError = StoredText.Clean(incident.ActionError),
        ActionErrorKind = EnumText<ActionErrorKind>.ToText(incident.ActionErrorKind),
        ExemptBy = EnumText<ExemptReason>.ToText(incident.ExemptBy),
        PlannedActions = EnumText<ModerationAction>.ListToText(incident.PlannedActions),
        ActionOwner = incident.ActionOwner,
        ActsOutcome = EnumText<ActionStatus>.ToText(incident.ActsOutcome),
        RuleSetVersion = incident.RuleSetVersion,
        GroupName = StoredText.Clean(incident.GroupName),
        NormalizedText = StoredText.Clean(incident.NormalizedText),
        Spans = SpanText.ToText(incident.Spans),
        MuteSeconds = incident.MuteSeconds >= 0
            ? incident.MuteSeconds
            : throw new ArgumentOutOfRangeException(nameof(incident), incident.MuteSeconds, "MuteSeconds cannot be negative."),
        EscalationStep = incident.EscalationStep >= 0
            ? incident.EscalationStep
            : throw new ArgumentOutOfRangeException(nameof(incident), incident.EscalationStep, "EscalationStep cannot be negative."),
        FalsePositive = incident.FalsePositive ? 1 : 0,
        ReviewNote = StoredText.Clean(incident.ReviewNote),
        ReviewedAt = incident.ReviewedAt is { } reviewedAt ? StoredTime.ToText(reviewedAt) : null,
        ReviewedBy = incident.ReviewedBy,
        ForwardDepth = incident.ForwardDepth >= 0
            ? incident.ForwardDepth
            : throw new ArgumentOutOfRangeException(nameof(incident), incident.ForwardDepth, "ForwardDepth cannot be negative."),
        ForwardedFrom = StoredText.Clean(incident.ForwardedFrom),
        ClearedMessages = Math.Max(0, incident.ClearedMessages),
        ClearFailed = Math.Max(0, incident.ClearFailed),
        Shadow = incident.Shadow is { } shadow ? (shadow ? 1 : 0) : null,
    };


    public Incident ToIncident() => new()
    {
        Id = Id,
        Time = StoredTime.Parse(Time, "time", Id),
        DetectedAt = StoredTime.Parse(DetectedAt, "detected_at", Id),
        Platform = Platform,
        Protocol = EnumText<Protocol>.Parse(Protocol, "protocol", Id),
        BotId = BotId,
        GroupId = GroupId,
        UserId = UserId,
        SenderName = SenderName,
        SenderRole = EnumText<SenderRole>.Parse(SenderRole, "sender_role", Id),
        MessageId = MessageId,
        Pack = Pack,
        Rule = Rule,
        Category = Category,
        Severity = EnumText<Severity>.Parse(Severity, "severity", Id),
        MatchedTerm = MatchedTerm,
        MessageText = MessageText,
        DecidedAction = EnumText<ModerationAction>.Parse(DecidedAction, "decided_action", Id),
        ActionStatus = EnumText<ActionStatus>.Parse(ActionStatus, "action_status", Id),
        ActionError = ActionError,
        ActionErrorKind = EnumText<ActionErrorKind>.ParseOptional(ActionErrorKind, "action_error_kind", Id),
        ExemptBy = EnumText<ExemptReason>.ParseOptional(ExemptBy, "exempt_by", Id),
        PlannedActions = EnumText<ModerationAction>.ParseList(PlannedActions, "planned_actions", Id),
        ActionOwner = ActionOwner,
        ActsOutcome = EnumText<ActionStatus>.ParseOptional(ActsOutcome, "acts_outcome", Id),
        RuleSetVersion = RuleSetVersion,
        GroupName = GroupName,
        NormalizedText = NormalizedText,
        Spans = SpanText.Parse(Spans, Id),
        MuteSeconds = ToInt(MuteSeconds, "mute_seconds"),
        EscalationStep = ToInt(EscalationStep, "escalation_step"),
        FalsePositive = FalsePositive != 0,
        ReviewNote = ReviewNote,
        ReviewedAt = ReviewedAt is null ? null : StoredTime.Parse(ReviewedAt, "reviewed_at", Id),
        ReviewedBy = ReviewedBy,
        ForwardDepth = ToInt(ForwardDepth, "forward_depth"),
        ForwardedFrom = ForwardedFrom,
        ClearedMessages = ToInt(ClearedMessages, "cleared_messages"),
        ClearFailed = ToInt(ClearFailed, "clear_failed"),
        Shadow = Shadow is { } shadow ? shadow != 0 : null,
    };

    private int ToInt(long value, string column) =>
        value is >= 0 and <= int.MaxValue
            ? (int)value
            : throw new InvalidDataException($"Incident {Id} has {column} {value}, which is not a number from 0 to {int.MaxValue}.");
}
