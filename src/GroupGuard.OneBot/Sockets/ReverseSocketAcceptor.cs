using System.Net.WebSockets;
using GroupGuard.Core;
using Microsoft.Extensions.Logging;

namespace GroupGuard.OneBot.Sockets;

/// <summary>
/// Runs each reverse WebSocket the host accepted (authenticated, with its <c>X-Self-ID</c>) as a
/// <see cref="SocketSession"/>, at most <see cref="OneBotLimits.MaxReverseConnections"/> at once.
/// </summary>
internal sealed partial class ReverseSocketAcceptor(
    OneBotWebhookReceiver receiver,
    IEventSink sink,
    SocketRegistry registry,
    ILogger<ReverseSocketAcceptor> logger) : IOneBotReverseSockets
{
    private int _open;

    public async Task RunAsync(WebSocket socket, OneBotSocketPeer peer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(socket);
        ArgumentNullException.ThrowIfNull(peer);
        if (string.IsNullOrWhiteSpace(peer.BotId) || peer.BotId.Length > OneBotLimits.MaxIdLength)
        {
            // The endpoint refuses such a request before the upgrade; this only guards another caller.
            await CloseQuietlyAsync(socket, WebSocketCloseStatus.PolicyViolation, "X-Self-ID must name the bot").ConfigureAwait(false);
            return;
        }

        if (Interlocked.Increment(ref _open) > OneBotLimits.MaxReverseConnections)
        {
            Interlocked.Decrement(ref _open);
            if (registry.LineDue("reverse connections refused") is > 0 and var count)
            {
                LogTooMany(peer.Remote, OneBotLimits.MaxReverseConnections, count);
            }

            await CloseQuietlyAsync(socket, (WebSocketCloseStatus)1013, "too many connections; try again later").ConfigureAwait(false);
            return;
        }

        try
        {
            var name = peer.Role == OneBotClientRole.Universal ? $"ws-reverse {peer.Remote}" : $"ws-reverse {peer.Remote} ({peer.Role})";
            var session = new SocketSession(socket, SocketKind.Reverse, name, peer.BotId, peer.Role, receiver, sink, registry, logger);
            LogConnected(name, peer.BotId);
            var reason = await session.RunAsync(cancellationToken).ConfigureAwait(false);
            LogClosed(name, peer.BotId, reason);
        }
        finally
        {
            Interlocked.Decrement(ref _open);
        }
    }

    private static async Task CloseQuietlyAsync(WebSocket socket, WebSocketCloseStatus status, string description)
    {
        try
        {
            await socket.CloseOutputAsync(status, description, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is WebSocketException or IOException or ObjectDisposedException or InvalidOperationException)
        {
            // Gone already.
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "OneBot v11 reverse WebSocket {Name} connected as bot {BotId}")]
    private partial void LogConnected(string name, string botId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "OneBot v11 reverse WebSocket {Name} of bot {BotId} ended: {Reason}")]
    private partial void LogClosed(string name, string botId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "OneBot v11 reverse WebSocket from {Remote} refused: {Limit} connections are open already ({Count} refused so since the last such line; one line every 10 s at most)")]
    private partial void LogTooMany(string remote, int limit, long count);
}
