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

    /// <summary>What kind of trouble <see cref="LastError"/> tells of, where the adapter knows (the console words it before the text).</summary>
    public ConnectionErrorKind? LastErrorKind { get; init; }
}

/// <summary>
/// What kind of trouble a connection met, so that the console can say it in its own words before
/// the adapter's text (English, often long, naming settings and addresses).
/// </summary>
public enum ConnectionErrorKind
{
    /// <summary>Declared at start, not connected yet.</summary>
    NotYet,

    /// <summary>Nothing answered at the address: no one listening, no route, no answer in time.</summary>
    Unreachable,

    /// <summary>The other side refused the access token (HTTP 401 or 403, OneBot's retcode 1403).</summary>
    TokenRefused,

    /// <summary>Something answered at the address, but not as an event endpoint (another HTTP status, not a WebSocket or SSE).</summary>
    WrongEndpoint,

    /// <summary>It was up, then closed by the other side or broke.</summary>
    Dropped,

    /// <summary>The stream is there, but the implementation says the bot's account is logged out.</summary>
    BotOffline,

    /// <summary>GroupGuard closed it on its way out.</summary>
    Stopping,

    /// <summary>The QQ bot platform gave no access token (a wrong AppID or AppSecret, or it could not be reached).</summary>
    AccessTokenFailed,

    /// <summary>A delivery to the webhook did not verify (its signature or time): a wrong AppSecret, a clock far off, or a forgery.</summary>
    DeliveryRefused,

    /// <summary>Pulling WeCom's chat archive failed (its SDK, a key, the platform's answer).</summary>
    PullFailed,
}

/// <summary>An adapter's connections as they stand. Registered with <c>TryAddEnumerable</c>: every adapter may have some.</summary>
public interface IConnectionStatus
{
    IReadOnlyList<ConnectionState> Connections { get; }
}
