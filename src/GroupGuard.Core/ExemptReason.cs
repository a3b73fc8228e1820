using System.Text.Json.Serialization;

namespace GroupGuard.Core;

/// <summary>
/// Why an incident's sender was spared (<see cref="ActionStatus.Exempt"/>), so a digest and the
/// console can say 群内信任 apart from 管理员豁免. Stored and exported as its text (<c>group</c>).
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<ExemptReason>))]
public enum ExemptReason
{
    /// <summary>The sender is the group's owner or an admin.</summary>
    [JsonStringEnumMemberName("admin")]
    Admin,

    /// <summary>The sender is the bot itself.</summary>
    [JsonStringEnumMemberName("bot")]
    Bot,

    /// <summary>The sender is in <c>GroupGuard:Moderation:ExemptUsers</c>: spared in every group (全局免处置).</summary>
    [JsonStringEnumMemberName("service")]
    Service,

    /// <summary>
    /// The sender is trusted in this group only (群内信任): by the group's admins (<c>/gg 信任</c>,
    /// the console) or in <c>GroupGuard:Groups:&lt;group id&gt;:ExemptUsers</c>.
    /// </summary>
    [JsonStringEnumMemberName("group")]
    Group,
}
