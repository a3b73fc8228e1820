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

    /// <summary>
    /// How far a message's <c>time</c> may be ahead of the server clock. NapCat and LLOneBot send
    /// QQ's server time, so more than clock drift ahead is a forged or broken event, whose time
    /// would stretch escalation windows and retention.
    /// </summary>
    public const int MaxMinutesAhead = 10;

    /// <summary>
    /// How far a message's <c>time</c> may be behind the server clock. A redelivery after a bot's
    /// downtime is hours old, not weeks; an older time would fall out of escalation windows at once
    /// and be due for retention on arrival.
    /// </summary>
    public const int MaxDaysBehind = 7;
}
