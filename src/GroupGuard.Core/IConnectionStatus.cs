namespace GroupGuard.Core;

/// <summary>One connection an adapter holds or keeps trying (a bot's WebSocket, an event stream), for <c>/healthz</c>.</summary>
/// <param name="Protocol">What it speaks.</param>
/// <param name="Name">Where it is: the URL connected to, or the peer that connected (never a token).</param>
/// <param name="BotId">The bot account behind it, when known.</param>
/// <param name="Connected">Whether it is up now.</param>
/// <param name="Since">When it came up, or went down.</param>
/// <param name="LastEventAt">When its last event arrived.</param>
/// <param name="LastError">Why it went down or failed to come up, when it did.</param>
public sealed record ConnectionState(
    Protocol Protocol,
    string Name,
    string? BotId,
    bool Connected,
    DateTimeOffset? Since,
    DateTimeOffset? LastEventAt,
    string? LastError)
{
    /// <summary>Messages over the adapter's size limit that were read to their end and skipped, since the start.</summary>
    public long OversizedSkipped { get; init; }
}

/// <summary>An adapter's connections as they stand. Registered with <c>TryAddEnumerable</c>: every adapter may have some.</summary>
public interface IConnectionStatus
{
    IReadOnlyList<ConnectionState> Connections { get; }
}
