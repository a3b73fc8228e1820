using System.Text.Json.Serialization;

namespace GroupGuard.Core;

/// <summary>What became of an incident's action. Stored and exported as its text (<c>dry_run</c>).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ActionStatus>))]
public enum ActionStatus
{
    /// <summary>Waiting for the platform call.</summary>
    [JsonStringEnumMemberName("pending")]
    Pending,

    /// <summary>Carried out; for a <c>log</c> action, recorded.</summary>
    [JsonStringEnumMemberName("done")]
    Done,

    /// <summary>Tried and not carried out: <see cref="Incident.ActionError"/> says why, <see cref="Incident.ActionErrorKind"/> what kind of why.</summary>
    [JsonStringEnumMemberName("failed")]
    Failed,

    /// <summary>Nothing was called: the action needs no call, or is not carried out yet.</summary>
    [JsonStringEnumMemberName("skipped")]
    Skipped,

    [JsonStringEnumMemberName("dry_run")]
    DryRun,

    /// <summary>The sender is an owner, an admin, the bot, an exempt user or one trusted in the group: <see cref="Incident.ExemptBy"/> says which.</summary>
    [JsonStringEnumMemberName("exempt")]
    Exempt,

    /// <summary>The platform cannot do it, or GroupGuard is not set up to call it.</summary>
    [JsonStringEnumMemberName("unsupported")]
    Unsupported,
}
