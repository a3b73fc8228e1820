using GroupGuard.Core;
using GroupGuard.OneBot.V11;
using GroupGuard.OneBot.V12;

namespace GroupGuard.OneBot.Actions;

/// <summary>
/// What each (protocol, platform) can carry out (docs/protocols.md): OneBot v11 (QQ) can do all four;
/// the WeChat bridge over v12 (ComWeChat) has no <c>delete_message</c> and no mute but kicks with
/// <c>wx.delete_groupmember</c>; any other v12 platform has the standard actions only (send, delete).
/// </summary>
internal static class ActionCapabilities
{
    public const string WeChat = "wechat";

    /// <summary>Null when the platform can do <paramref name="action"/>; otherwise why not, for the incident.</summary>
    public static string? Lacks(Protocol protocol, string platform, ModerationAction action)
    {
        if (action == ModerationAction.Log)
        {
            return "log is recorded only: it is not a platform action";
        }

        if (!Enum.IsDefined(action))
        {
            return $"unknown action {action}";
        }

        return protocol switch
        {
            V11EventReader.Protocol => null,
            V12EventReader.Protocol when IsWeChat(platform) => action switch
            {
                ModerationAction.Recall => "WeChat (OneBot v12 bridge) cannot recall messages: the bridge does not implement delete_message",
                ModerationAction.Mute => "WeChat (OneBot v12 bridge) cannot mute members",
                _ => null,
            },
            V12EventReader.Protocol => action switch
            {
                ModerationAction.Mute => $"platform '{platform}' over OneBot v12 cannot mute: v12 has no standard mute action",
                ModerationAction.Kick => $"platform '{platform}' over OneBot v12 cannot kick: v12 has no standard kick action",
                _ => null,
            },
            _ => $"unknown protocol '{protocol}'",
        };
    }

    public static bool IsWeChat(string platform) => string.Equals(platform, WeChat, StringComparison.OrdinalIgnoreCase);
}
