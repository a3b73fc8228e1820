using GroupGuard.Core;

namespace GroupGuard.Milky;

/// <summary>
/// How much of a Milky event, or of an API answer, the adapter reads. The message bounds are every
/// adapter's (<see cref="MessageLimits"/>), so a message is held to the same limits whichever way it came.
/// </summary>
public static class MilkyLimits
{
    /// <summary>Bytes of one event: a webhook body, a WebSocket message, an SSE event. Events are a few KiB.</summary>
    public const int MaxEventBytes = 1024 * 1024;

    /// <summary>
    /// Bytes of an API answer read at most, as for OneBot; a longer one is refused unread and not asked
    /// again, since it would come as long again.
    /// </summary>
    public const int MaxAnswerBytes = 1024 * 1024;

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

    /// <inheritdoc cref="MessageLimits.MaxMentions"/>
    public const int MaxMentions = MessageLimits.MaxMentions;

    /// <inheritdoc cref="MessageLimits.MaxImages"/>
    public const int MaxImages = MessageLimits.MaxImages;

    /// <inheritdoc cref="MessageLimits.MaxCards"/>
    public const int MaxCards = MessageLimits.MaxCards;

    /// <summary>Connections configured at most.</summary>
    public const int MaxConnections = 32;
}
