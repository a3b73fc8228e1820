namespace GroupGuard.Milky;

/// <summary>
/// How much of a Milky event the adapter reads. The numbers are those the OneBot adapter documents
/// (far above what a QQ client sends, so only a forged or broken event meets one); they are kept
/// here rather than shared, since the two adapters may come to differ.
/// </summary>
public static class MilkyLimits
{
    /// <summary>Bytes of one event: a webhook body, a WebSocket message, an SSE event. Events are a few KiB.</summary>
    public const int MaxEventBytes = 1024 * 1024;

    /// <summary>Characters in an id (bot, group, user, message sequence); Milky ids are int64, at most 20 characters.</summary>
    public const int MaxIdLength = 64;

    /// <summary>How far a message's time may be ahead of the server clock.</summary>
    public const int MaxMinutesAhead = 10;

    /// <summary>How far a message's time may be behind the server clock.</summary>
    public const int MaxDaysBehind = 7;

    /// <summary>UTF-16 characters of text one message may hand to moderation (text, cards and forward previews). More is refused, not cut.</summary>
    public const int MaxTextLength = 65_536;

    /// <summary>Segments read per message; more is refused, since skipping them would hide them from the rules.</summary>
    public const int MaxSegments = 10_000;

    /// <summary>Distinct users kept in a message's mentions; later ones are dropped.</summary>
    public const int MaxMentions = 1_000;

    /// <summary>Images kept per message; later ones are dropped.</summary>
    public const int MaxImages = 100;

    /// <summary>Cards (mini programs, XML cards, forwards) kept per message; later ones are dropped.</summary>
    public const int MaxCards = 100;

    /// <summary>Connections configured at most.</summary>
    public const int MaxConnections = 32;
}
