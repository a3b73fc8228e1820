namespace GroupGuard.Core.Digests;

/// <summary>The bot's health as the digest reports it.</summary>
public sealed record DigestHealth(
    IReadOnlyList<(string Adapter, DateTimeOffset LastEvent)> Adapters,
    long RejectedWebhooks,
    IReadOnlyList<string> RuleErrors,
    IReadOnlyList<string> FailedChannels)
{
    /// <summary>Not known where the digest is made (the command line, outside the service).</summary>
    public bool Unknown { get; init; }

    /// <summary>
    /// When the process reporting it started: <see cref="Adapters"/> holds only what it heard since
    /// (a restart forgets), so an empty list says nothing of the time before. Null: not known.
    /// </summary>
    public DateTimeOffset? ListeningSince { get; init; }
}
