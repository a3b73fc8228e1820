using GroupGuard.Core;

namespace GroupGuard.OneBot;

/// <summary>
/// How much of a webhook event or WebSocket frame the adapter reads. The message bounds are every
/// adapter's (<see cref="MessageLimits"/>); the rest are OneBot's own.
/// </summary>
public static class OneBotLimits
{
    /// <inheritdoc cref="MessageLimits.MaxMentions"/>
    public const int MaxMentions = MessageLimits.MaxMentions;

    /// <inheritdoc cref="MessageLimits.MaxIdLength"/>
    public const int MaxIdLength = MessageLimits.MaxIdLength;

    /// <inheritdoc cref="MessageLimits.MaxHoursAhead"/>
    public const int MaxHoursAhead = MessageLimits.MaxHoursAhead;

    /// <inheritdoc cref="MessageLimits.MaxDaysBehind"/>
    public const int MaxDaysBehind = MessageLimits.MaxDaysBehind;

    /// <inheritdoc cref="MessageLimits.MaxTextLength"/>
    public const int MaxTextLength = MessageLimits.MaxTextLength;

    /// <inheritdoc cref="MessageLimits.MaxSegments"/>
    public const int MaxSegments = MessageLimits.MaxSegments;

    /// <inheritdoc cref="MessageLimits.MaxImages"/>
    public const int MaxImages = MessageLimits.MaxImages;

    /// <inheritdoc cref="MessageLimits.MaxCards"/>
    public const int MaxCards = MessageLimits.MaxCards;

    /// <summary>Characters of a join request's <c>flag</c> (NapCat writes a few dozen).</summary>
    public const int MaxFlagLength = 256;

    /// <summary>
    /// Bytes of one WebSocket message (an event or an action's answer), the same bound as an HTTP
    /// POST body. A longer one is read to its end without being kept, and skipped: a member's
    /// forwarded bundle that NapCat sends inline can pass it, and closing the socket instead would
    /// lose every event until the implementation reconnected.
    /// </summary>
    public const int MaxFrameBytes = 1024 * 1024;

    /// <summary>Reverse WebSocket connections held at once; a further one is closed with 1013 (try again later).</summary>
    public const int MaxReverseConnections = 64;
}
