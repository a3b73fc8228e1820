using GroupGuard.Core;

namespace GroupGuard.QQBot;

/// <summary>
/// How much of a webhook delivery, or of an API answer, the adapter reads. The message bounds are
/// every adapter's (<see cref="MessageLimits"/>), so a message is held to the same limits whichever
/// way it came.
/// </summary>
public static class QQBotLimits
{
    /// <inheritdoc cref="MessageLimits.MaxIdLength"/>
    public const int MaxIdLength = MessageLimits.MaxIdLength;

    /// <summary>
    /// Characters in a message id. The platform's are longer than other ids
    /// (<c>ROBOT1.0_</c> and some 64 more), and a warning replies to one by it.
    /// </summary>
    public const int MaxMessageIdLength = 128;

    /// <summary>Characters of <c>plain_token</c> and <c>event_ts</c> in a URL validation: the platform sends about twenty.</summary>
    public const int MaxValidationFieldLength = 256;

    /// <inheritdoc cref="MessageLimits.MaxHoursAhead"/>
    public const int MaxHoursAhead = MessageLimits.MaxHoursAhead;

    /// <inheritdoc cref="MessageLimits.MaxDaysBehind"/>
    public const int MaxDaysBehind = MessageLimits.MaxDaysBehind;

    /// <inheritdoc cref="MessageLimits.MaxTextLength"/>
    public const int MaxTextLength = MessageLimits.MaxTextLength;

    /// <summary>Attachments or mentions read per message; more is answered 413.</summary>
    public const int MaxItems = 10_000;

    /// <inheritdoc cref="MessageLimits.MaxMentions"/>
    public const int MaxMentions = MessageLimits.MaxMentions;

    /// <inheritdoc cref="MessageLimits.MaxImages"/>
    public const int MaxImages = MessageLimits.MaxImages;

    /// <summary>
    /// Bytes of an OpenAPI or token endpoint answer read at most, as for OneBot; a longer one is
    /// refused unread and not asked again, since it would come as long again.
    /// </summary>
    public const int MaxAnswerBytes = 1024 * 1024;
}
