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
    /// downtime is hours old, not weeks; a time years back would fall out of escalation windows at
    /// once and be due for retention on arrival.
    /// </summary>
    public const int MaxDaysBehind = 7;

    /// <summary>
    /// UTF-16 characters of text one message may hand to moderation: its text segments joined and
    /// the titles, descriptions and links of its cards. No QQ client sends anything near this, so
    /// more is answered 413 rather than cut, which would hide the rest from the rules.
    /// </summary>
    public const int MaxTextLength = 65_536;

    /// <summary>
    /// Segments read per message (array elements or CQ codes). More is answered 413, since skipping
    /// the rest would hide it from the rules; a QQ message of text and faces has far fewer.
    /// </summary>
    public const int MaxSegments = 10_000;

    /// <summary>
    /// Images kept per message; later ones are dropped (the text and cards are still read). Far
    /// more than a QQ client puts in one message.
    /// </summary>
    public const int MaxImages = 100;

    /// <summary>
    /// Cards kept per message; later ones are dropped. A QQ client sends a card as a message of its
    /// own, so only a forged event has a second one, let alone a hundred.
    /// </summary>
    public const int MaxCards = 100;

    /// <summary>
    /// Bytes of one WebSocket message (an event or an action's answer), the same bound as an HTTP
    /// POST body. A longer one closes the socket with 1009 (message too big): the rest of it would
    /// have to be read and dropped, and no event of a QQ client comes near it.
    /// </summary>
    public const int MaxFrameBytes = 1024 * 1024;

    /// <summary>Reverse WebSocket connections held at once; a further one is closed with 1013 (try again later).</summary>
    public const int MaxReverseConnections = 64;
}
