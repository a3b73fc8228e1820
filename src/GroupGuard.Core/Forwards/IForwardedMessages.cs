namespace GroupGuard.Core.Forwards;

/// <summary>
/// What opening one forwarded bundle gave: its messages, or why it could not be opened
/// (<see cref="Unsupported"/> when the protocol has no such call at all).
/// </summary>
public sealed record ForwardOpenResult
{
    private ForwardOpenResult(IReadOnlyList<ForwardedMessage> messages, bool cut, string? error, bool unsupported)
    {
        Messages = messages;
        Cut = cut;
        Error = error;
        Unsupported = unsupported;
    }

    /// <summary>The bundle's messages, in order; empty when it could not be opened.</summary>
    public IReadOnlyList<ForwardedMessage> Messages { get; }

    /// <summary>The answer held more than was kept (<see cref="ForwardLimits"/>).</summary>
    public bool Cut { get; }

    /// <summary>Why the bundle could not be opened; null when it was.</summary>
    public string? Error { get; }

    /// <summary>The protocol cannot open bundles at all (no such call).</summary>
    public bool Unsupported { get; }

    public bool Opened => Error is null;

    public static ForwardOpenResult Of(IReadOnlyList<ForwardedMessage> messages, bool cut = false) => new(messages, cut, null, false);

    public static ForwardOpenResult Failed(string error) => new([], false, error, false);

    public static ForwardOpenResult NotPossible(string why) => new([], false, why, true);
}

/// <summary>
/// Opens forwarded bundles through the platform: OneBot v11 <c>get_forward_msg</c>, Milky
/// <c>get_forwarded_messages</c>. Each adapter that can registers one for its protocols. Failure
/// contract: does not throw for a platform failure or refusal (it returns
/// <see cref="ForwardOpenResult.Failed"/> with the platform's words); throws only
/// <see cref="OperationCanceledException"/> when cancelled.
/// </summary>
public interface IForwardedMessages
{
    /// <summary>The protocols whose bundles this adapter opens.</summary>
    IReadOnlyCollection<Protocol> Protocols { get; }

    /// <summary>
    /// The messages of bundle <paramref name="forwardId"/> as bot <paramref name="botId"/> sees it,
    /// each with its own nested bundles (inline where the platform gave them), at most
    /// <see cref="ForwardLimits.MaxMessages"/> of them.
    /// </summary>
    Task<ForwardOpenResult> OpenAsync(Protocol protocol, string botId, string forwardId, CancellationToken cancellationToken);
}
