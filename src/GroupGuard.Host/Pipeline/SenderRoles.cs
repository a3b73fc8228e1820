using GroupGuard.Core;
using GroupGuard.Core.Moderation;

namespace GroupGuard.Host.Pipeline;

/// <summary>
/// A sender's role as exemptions and commands in the group take it: the event's, else the
/// platform's answer (<c>get_group_member_info</c>, cached by the adapter) within 5 s on the
/// injected clock; unknown when neither says, which counts as a member.
/// </summary>
internal static class SenderRoles
{
    public static readonly TimeSpan LookupTimeout = TimeSpan.FromSeconds(5);

    public static async Task<SenderRole> OfAsync(IPlatformActions? platform, ChatMessage message, TimeProvider time, CancellationToken stoppingToken)
    {
        if (message.SenderRole != SenderRole.Unknown || platform is null)
        {
            return message.SenderRole;
        }

        return await LookUpAsync(platform, message.Protocol, message.BotId, message.GroupId, message.UserId, time, stoppingToken);
    }

    /// <summary>The member's role as the platform says it now, within <see cref="LookupTimeout"/>; <see cref="SenderRole.Unknown"/> when it cannot say.</summary>
    public static async Task<SenderRole> LookUpAsync(IPlatformActions platform, Protocol protocol, string botId, string groupId, string userId, TimeProvider time, CancellationToken stoppingToken)
    {
        using var timeout = new Deadline(LookupTimeout, time, stoppingToken);
        try
        {
            return await platform.GetRoleAsync(protocol, botId, groupId, userId, timeout.Token) ?? SenderRole.Unknown;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
        {
            return SenderRole.Unknown; // moderate as a member
        }
    }

    /// <summary>Owners and admins: spared by moderation, and the only ones whose commands are carried out.</summary>
    public static bool IsOwnerOrAdmin(SenderRole role) => role is SenderRole.Owner or SenderRole.Admin;
}
