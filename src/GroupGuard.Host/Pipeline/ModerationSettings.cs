using GroupGuard.Core.Moderation;
using Microsoft.Extensions.Options;

namespace GroupGuard.Host.Pipeline;

/// <summary>The moderation settings in force for one group, read once per message: a reload applies from the next one.</summary>
internal sealed class ModerationSettings(
    IOptionsMonitor<ModerationOptions> moderation,
    IOptionsMonitor<PrivacyOptions> privacy,
    IOptionsMonitor<Dictionary<string, GroupOverride>> groups)
{
    public GroupSettings For(string groupId) =>
        new(moderation.CurrentValue, groups.CurrentValue.GetValueOrDefault(groupId), privacy.CurrentValue);
}

/// <summary>The service-wide moderation settings, the group's own where it has them, and what incidents keep.</summary>
internal sealed record GroupSettings(ModerationOptions Options, GroupOverride? Group, PrivacyOptions Privacy);
