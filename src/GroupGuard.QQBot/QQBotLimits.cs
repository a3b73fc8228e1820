namespace GroupGuard.QQBot;

/// <summary>
/// How much of a webhook delivery the adapter reads. The message bounds are those of the OneBot
/// adapter (docs/protocols.md), so a message is held to the same limits whichever way it came;
/// they are repeated here because edge projects do not reference each other.
/// </summary>
public static class QQBotLimits
{
    /// <summary>
    /// Characters in an openid or AppID. The platform's openids are 32 hex digits; ids are stored
    /// and logged with every incident.
    /// </summary>
    public const int MaxIdLength = 64;

    /// <summary>
    /// Characters in a message id. The platform's are longer than other ids
    /// (<c>ROBOT1.0_</c> and some 64 more), and a warning replies to one by it.
    /// </summary>
    public const int MaxMessageIdLength = 128;

    /// <summary>Characters of <c>plain_token</c> and <c>event_ts</c> in a URL validation: the platform sends about twenty.</summary>
    public const int MaxValidationFieldLength = 256;

    /// <summary>How far a message's <c>timestamp</c> may be ahead of the server clock (as OneBot).</summary>
    public const int MaxMinutesAhead = 10;

    /// <summary>How far a message's <c>timestamp</c> may be behind the server clock (as OneBot).</summary>
    public const int MaxDaysBehind = 7;

    /// <summary>UTF-16 characters of <c>content</c> one message may hand to moderation; more is answered 413.</summary>
    public const int MaxTextLength = 65_536;

    /// <summary>Attachments or mentions read per message; more is answered 413.</summary>
    public const int MaxItems = 10_000;

    /// <summary>Distinct users kept in a message's mentions; later ones are dropped.</summary>
    public const int MaxMentions = 1_000;

    /// <summary>Images kept per message; later ones are dropped.</summary>
    public const int MaxImages = 100;
}
