using System.Text.Json.Serialization;

namespace GroupGuard.Core;

/// <summary>
/// Why an action was not carried out, as a kind a digest or a console can tell apart without
/// reading the platform's words. Stored and exported as its text (<c>not_permitted</c>).
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<ActionErrorKind>))]
public enum ActionErrorKind
{
    /// <summary>GroupGuard is not set up to call the platform (no API address, a token the platform refuses).</summary>
    [JsonStringEnumMemberName("not_configured")]
    NotConfigured,

    /// <summary>The platform has no such action (WeChat cannot recall; OneBot v12 has no mute).</summary>
    [JsonStringEnumMemberName("platform_cannot")]
    PlatformCannot,

    /// <summary>The platform refused for lack of rights: the bot is not an admin, or the target is.</summary>
    [JsonStringEnumMemberName("not_permitted")]
    NotPermitted,

    /// <summary>The platform refused for another reason (a message already gone, an unknown group).</summary>
    [JsonStringEnumMemberName("refused")]
    Refused,

    /// <summary>No answer: timeouts, broken connections or server errors until the retries ran out.</summary>
    [JsonStringEnumMemberName("unreachable")]
    Unreachable,

    /// <summary>The decision itself cannot be sent (a mute of no length).</summary>
    [JsonStringEnumMemberName("invalid")]
    Invalid,

    /// <summary>The action queue was full.</summary>
    [JsonStringEnumMemberName("queue_full")]
    QueueFull,

    /// <summary>A restart came between the decision and the call, too long ago to act now.</summary>
    [JsonStringEnumMemberName("interrupted")]
    Interrupted,
}
