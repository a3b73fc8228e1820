using System.Net.WebSockets;

namespace GroupGuard.OneBot;

/// <summary>What a OneBot v11 reverse WebSocket client says it is (<c>X-Client-Role</c>).</summary>
public enum OneBotClientRole
{
    /// <summary>Events and actions on one connection: what NapCat and LuckyLilliaBot open.</summary>
    Universal,

    /// <summary>Events only: actions never go over it.</summary>
    Event,

    /// <summary>Actions only: it carries no events.</summary>
    Api,
}

/// <summary>Who opened a reverse WebSocket, as the host's endpoint read it from the upgrade request.</summary>
/// <param name="BotId">The bot account, from <c>X-Self-ID</c> (at most <see cref="OneBotLimits.MaxIdLength"/> characters).</param>
/// <param name="Role">From <c>X-Client-Role</c>; <see cref="OneBotClientRole.Universal"/> when absent.</param>
/// <param name="Remote">The peer's address and port, for <c>/healthz</c> and logs.</param>
public sealed record OneBotSocketPeer(string BotId, OneBotClientRole Role, string Remote);

/// <summary>
/// The adapter's entry point for OneBot v11 reverse WebSocket connections: the host authenticates
/// the upgrade request and hands over the accepted socket. Failure contract: never throws for
/// anything the peer sends (a bad or oversized frame is logged and skipped, a binary one closes the
/// socket with 1003); returns when the connection has ended.
/// </summary>
public interface IOneBotReverseSockets
{
    /// <summary>Reads events from <paramref name="socket"/> and carries the bot's actions over it until it closes or <paramref name="cancellationToken"/> stops the service.</summary>
    Task RunAsync(WebSocket socket, OneBotSocketPeer peer, CancellationToken cancellationToken);
}
