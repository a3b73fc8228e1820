using GroupGuard.Core;

namespace GroupGuard.Storage.Sqlite;

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
    public string RuleSetVersion { get; set; } = "";

    public static IncidentRow From(Incident incident) => new()
    {
        Time = SqliteTime.ToText(incident.Time),
        DetectedAt = SqliteTime.ToText(incident.DetectedAt),
        Platform = incident.Platform,
        BotId = incident.BotId,
        GroupId = incident.GroupId,
        UserId = incident.UserId,
        SenderName = incident.SenderName,
        SenderRole = EnumText<SenderRole>.ToText(incident.SenderRole),
        MessageId = incident.MessageId,
        Pack = incident.Pack,
        Rule = incident.Rule,
        Category = incident.Category,
        Severity = EnumText<Severity>.ToText(incident.Severity),
        MatchedTerm = incident.MatchedTerm,
        MessageText = incident.MessageText,
        DecidedAction = EnumText<ModerationAction>.ToText(incident.DecidedAction),
        ActionStatus = incident.ActionStatus,
        ActionError = incident.ActionError,
        RuleSetVersion = incident.RuleSetVersion,
    };

    public Incident ToIncident() => new()
    {
        Id = Id,
        Time = SqliteTime.Parse(Time, "time", Id),
        DetectedAt = SqliteTime.Parse(DetectedAt, "detected_at", Id),
        Platform = Platform,
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
        ActionStatus = ActionStatus,
        ActionError = ActionError,
        RuleSetVersion = RuleSetVersion,
    };
}
