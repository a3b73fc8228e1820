namespace GroupGuard.OneBot;

/// <summary>
/// One OneBot v11 forward WebSocket to connect to, an item of <c>GroupGuard:OneBot:Connections</c>:
/// <c>{ "Url": "ws://127.0.0.1:3001", "AccessToken": "…" }</c>.
/// </summary>
public sealed class OneBotConnectionOptions
{
    /// <summary>Connections read at most; each is a socket and a reconnect loop.</summary>
    public const int MaxConnections = 32;

    /// <summary>The implementation's WebSocket server: an absolute <c>ws://</c> or <c>wss://</c> URL.</summary>
    public string? Url { get; set; }

    /// <summary>
    /// Sent as <c>Authorization: Bearer &lt;token&gt;</c> when connecting: the implementation's
    /// <c>token</c> of that server. Empty sends none.
    /// </summary>
    public string? AccessToken { get; set; }
}
