using GroupGuard.Core;

namespace GroupGuard.Testing;

/// <summary>
/// Incidents as the moderator records them, with ordinary defaults: a member's 加微信 in a QQ group,
/// hit by <c>ads.contact</c>, recalled, action done. Name only what the test is about; what is not a
/// parameter (the action's status, its error, the review fields…) is set with <c>with { … }</c>,
/// e.g. <c>Incidents.Of() with { ActionStatus = ActionStatus.Pending }</c>.
/// </summary>
public static class Incidents
{
    /// <summary>
    /// An incident. <paramref name="detectedAt"/> defaults to <paramref name="time"/>: recorded as the
    /// message came in. <paramref name="id"/> is 0, as before it is stored. <paramref name="protocol"/>
    /// follows <paramref name="platform"/> (<c>qq</c>: OneBot v11, else v12).
    /// </summary>
    public static Incident Of(
        string messageId = "1001",
        DateTimeOffset? time = null,
        DateTimeOffset? detectedAt = null,
        string rule = "ads.contact",
        string pack = "ads",
        string category = "ads",
        Severity severity = Severity.Medium,
        ModerationAction action = ModerationAction.Recall,
        string group = "123456",
        string? groupName = null,
        string user = "20002",
        string? senderName = null,
        SenderRole role = SenderRole.Member,
        string platform = "qq",
        Protocol? protocol = null,
        string bot = "10001",
        string matchedTerm = "加微信",
        string text = "加微信",
        string ruleSetVersion = "v1",
        long id = 0) => new()
        {
            Id = id,
            Time = time ?? Messages.DefaultTime,
            DetectedAt = detectedAt ?? time ?? Messages.DefaultTime,
            Platform = platform,
            Protocol = protocol ?? (platform == "qq" ? Protocol.OneBotV11 : Protocol.OneBotV12),
            BotId = bot,
            GroupId = group,
            GroupName = groupName,
            UserId = user,
            SenderName = senderName,
            SenderRole = role,
            MessageId = messageId,
            Pack = pack,
            Rule = rule,
            Category = category,
            Severity = severity,
            MatchedTerm = matchedTerm,
            MessageText = text,
            DecidedAction = action,
            ActionStatus = ActionStatus.Done,
            RuleSetVersion = ruleSetVersion,
        };
}
