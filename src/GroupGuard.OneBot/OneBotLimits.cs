namespace GroupGuard.OneBot;

/// <summary>
/// How much of a webhook event the adapter reads. Every value is far above what a QQ or WeChat
/// client can send, so only a forged or broken event meets one; without them, one delivery could
/// hold the request thread or fill the incident store.
/// </summary>
public static class OneBotLimits
{
    /// <summary>
    /// Distinct users kept in <see cref="Core.ChatMessage.Mentions"/>; later ones are dropped, the
    /// text around them is still read. A mass mention is plain at a few dozen.
    /// </summary>
    public const int MaxMentions = 1_000;

    /// <summary>
    /// Characters in an id (bot, group, user, message). QQ numbers and message ids are at most 20
    /// digits, WeChat wxids and chatroom ids a few dozen characters; ids are stored and logged with
    /// every incident.
    /// </summary>
    public const int MaxIdLength = 64;
}
