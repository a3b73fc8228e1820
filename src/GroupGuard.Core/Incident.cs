namespace GroupGuard.Core;

public enum Severity
{
    Low,
    Medium,
    High,
    Critical,
}

public enum ModerationAction
{
    Log,
    Warn,
    Recall,
    Mute,
    Kick,
}

/// <summary>What became of an incident's action. Stored and exported as the lowercase name.</summary>
public static class ActionStatus
{
    /// <summary>Waiting for the platform call.</summary>
    public const string Pending = "pending";
    public const string Done = "done";
    public const string Failed = "failed";
    /// <summary>Nothing was called: the action needs no call (log) or is not carried out yet.</summary>
    public const string Skipped = "skipped";
    public const string DryRun = "dry_run";
    public const string Exempt = "exempt";
    public const string Unsupported = "unsupported";
}

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
    public required ModerationAction DecidedAction { get; init; }
    public required string ActionStatus { get; init; }
    public string? ActionError { get; init; }
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
}

/// <summary>A span of evidence in the stored message text.</summary>
public readonly record struct EvidenceSpan(int Start, int Length);

/// <summary>Filters for reading incidents back. Null means no filter.</summary>
/// <param name="ByDetectionTime">
/// Since/Until apply to when GroupGuard recorded the incident, not when the message was sent:
/// digests use it, so an incident reported late (a replay, a platform's wrong clock) still falls
/// into exactly one digest period.
/// </param>
public sealed record IncidentQuery(
    DateTimeOffset? Since = null,
    DateTimeOffset? Until = null,
    IReadOnlyCollection<string>? GroupIds = null,
    bool ByDetectionTime = false);

/// <summary>Messages seen in one group in one hour (UTC, the hour's start).</summary>
public sealed record MessageCount(string Platform, string GroupId, DateTimeOffset Hour, long Count);

/// <summary>What retention does to evidence past its age.</summary>
public enum RetentionMode
{
    /// <summary>Delete the incidents.</summary>
    Delete,

    /// <summary>Keep the incidents, blank their message text and normalized text.</summary>
    Mask,
}
