namespace GroupGuard.Core.Moderation;

/// <summary>One action to carry out on a platform.</summary>
public sealed record PlatformAction
{
    /// <summary>Which API the bot speaks.</summary>
    public required Protocol Protocol { get; init; }

    /// <summary><c>qq</c>, <c>wechat</c>, …: what the platform can do depends on it.</summary>
    public required string Platform { get; init; }

    public required string BotId { get; init; }
    public required string GroupId { get; init; }
    public required string UserId { get; init; }
    public required string MessageId { get; init; }

    /// <summary><see cref="ModerationAction.Warn"/>, <c>Recall</c>, <c>Mute</c> or <c>Kick</c> (never <c>Log</c>).</summary>
    public required ModerationAction Action { get; init; }

    /// <summary>For a mute: its length, always sent explicitly (NapCat's default is 0, which lifts a mute).</summary>
    public int MuteSeconds { get; init; }

    /// <summary>For a warning: the short reason shown in the group after an @ of the sender.</summary>
    public string? WarningText { get; init; }
}

/// <summary>
/// What became of a platform action: <see cref="ActionStatus.Done"/>, <c>Failed</c> or
/// <c>Unsupported</c>, with the platform's words and what kind of failure they describe.
/// </summary>
public sealed record ActionResult(ActionStatus Status, string? Error, ActionErrorKind? ErrorKind = null)
{
    public static ActionResult Done { get; } = new(ActionStatus.Done, null);

    public static ActionResult Failed(ActionErrorKind kind, string error) => new(ActionStatus.Failed, error, kind);

    public static ActionResult Unsupported(ActionErrorKind kind, string error) => new(ActionStatus.Unsupported, error, kind);

    /// <summary>
    /// For a message sent to the group (a warning): the platform's id of that message, when it
    /// said; a reply to it is then known as a reply to this warning.
    /// </summary>
    public string? SentMessageId { get; init; }
}

/// <summary>
/// The platform's moderation API. Failure contract: <see cref="ExecuteAsync"/> does not throw for a
/// platform failure or refusal (it returns <c>failed</c> with the platform's words, after the
/// client's own retries); it throws only <see cref="OperationCanceledException"/> when cancelled.
/// </summary>
public interface IPlatformActions
{
    /// <summary>Whether the platform behind <paramref name="protocol"/> can carry out <paramref name="action"/> at all.</summary>
    bool CanDo(Protocol protocol, string platform, ModerationAction action);

    /// <summary>Carries out one action, rate-limited per bot, with retries on timeouts and 5xx.</summary>
    Task<ActionResult> ExecuteAsync(PlatformAction action, CancellationToken cancellationToken);

    /// <summary>The member's role from the platform (<c>get_group_member_info</c>), or null when it cannot say.</summary>
    Task<SenderRole?> GetRoleAsync(Protocol protocol, string botId, string groupId, string userId, CancellationToken cancellationToken);

    /// <summary>
    /// Lifts the member's mute (OneBot v11 <c>set_group_ban</c> with duration 0, Milky
    /// <c>set_group_member_mute</c> with duration 0), rate-limited and retried as
    /// <see cref="ExecuteAsync"/>; <c>unsupported</c> where the platform cannot mute. Lifting a
    /// mute that is not there is no failure. Same failure contract as <see cref="ExecuteAsync"/>.
    /// </summary>
    Task<ActionResult> UnmuteAsync(Protocol protocol, string platform, string botId, string groupId, string userId, CancellationToken cancellationToken);
}

/// <summary>
/// One adapter's actions: the protocols it speaks, and <see cref="IPlatformActions"/> for them. The
/// host routes each action to the adapter of its protocol; an adapter registers itself with
/// <c>TryAddEnumerable</c>, so several live side by side.
/// </summary>
public interface IProtocolActions : IPlatformActions
{
    /// <summary>The protocols whose actions this adapter carries out.</summary>
    IReadOnlyCollection<Protocol> Protocols { get; }
}
