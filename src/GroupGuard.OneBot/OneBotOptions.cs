namespace GroupGuard.OneBot;

/// <summary>How GroupGuard talks to a OneBot implementation. Bound from <see cref="Section"/>.</summary>
public sealed class OneBotOptions
{
    public const string Section = "GroupGuard:OneBot";

    /// <summary>The setting of <see cref="AccessToken"/>, as errors and log lines name it.</summary>
    public const string AccessTokenSetting = Section + ":" + nameof(AccessToken);

    /// <summary>
    /// The OneBot v11 HTTP POST secret: when set, every v11 event must carry
    /// <c>X-Signature: sha1=&lt;HMAC-SHA1 of the body&gt;</c>. NapCat and LLOneBot call it <c>token</c>
    /// in their http client config, Lagrange calls it <c>Secret</c>. Empty means no check.
    /// </summary>
    public string? Secret { get; set; }

    /// <summary>
    /// Accept unsigned webhooks (no <see cref="Secret"/>, no <see cref="AccessToken"/>) while listening
    /// on an address the network can reach. Off by default: the service then refuses to start, since
    /// anyone who can reach the port could forge events and make the bot mute or kick members.
    /// When on, every start logs a warning and <c>/healthz</c> shows it.
    /// </summary>
    public bool AllowUnsigned { get; set; }

    /// <summary>
    /// The access token: required as <c>Authorization: Bearer &lt;token&gt;</c> (or
    /// <c>?access_token=</c>) on OneBot v12 webhooks and on the v11 reverse WebSocket
    /// <c>/onebot/v11/ws</c>, and sent on outgoing API calls. Empty means no check.
    /// </summary>
    public string? AccessToken { get; set; }

    /// <summary>
    /// Base URL of the OneBot v11 implementation's HTTP API (outgoing actions), e.g.
    /// <c>http://127.0.0.1:3000</c>; each action is <c>POST {ApiBaseUrl}/{action}</c>. A bot that is
    /// connected over a WebSocket (reverse or forward) gets its actions over that socket instead.
    /// Empty: an action for a bot without a socket waits for one, within
    /// <see cref="ActionBudgetSeconds"/>, where the bot can connect (the host's reverse endpoint,
    /// <see cref="Connections"/>), and is reported <c>unsupported</c> only where it cannot.
    /// </summary>
    public string? ApiBaseUrl { get; set; }

    /// <summary>
    /// The OneBot v12 bridge's HTTP action endpoint (every action is a <c>POST</c> of
    /// <c>{"action","params"}</c> to this URL), e.g. <c>http://127.0.0.1:8000/</c>.
    /// Empty means v12 actions are reported <c>unsupported</c>.
    /// </summary>
    public string? V12ApiBaseUrl { get; set; }

    /// <summary>
    /// At most this many API calls per second per bot account, evenly spaced (QQ freezes
    /// accounts that send too fast). Default 2.
    /// </summary>
    public double MaxActionsPerSecond { get; set; } = 2;

    /// <summary>Timeout of one HTTP call, in seconds. Default 5.</summary>
    public double ActionTimeoutSeconds { get; set; } = 5;

    /// <summary>
    /// Time one action may take in all, every attempt and backoff included, counted from its
    /// first call, in seconds. Default 20.
    /// </summary>
    public double ActionBudgetSeconds { get; set; } = 20;

    /// <summary>Calls made at most for one action: timeouts, connection errors and HTTP 5xx are retried. Default 3.</summary>
    public int MaxAttempts { get; set; } = 3;

    /// <summary>
    /// Warnings to one group within this many seconds of the first are sent as one message that
    /// mentions each sender once. 0 sends every warning at once. Default 10.
    /// </summary>
    public double WarningCoalesceSeconds { get; set; } = 10;

    /// <summary>
    /// OneBot v11 forward WebSocket servers to connect to (NapCat's <c>websocketServers</c>,
    /// LuckyLilliaBot's <c>ws</c>): GroupGuard connects out to each, reconnects with backoff when the
    /// connection drops, takes events from it and sends that bot's actions over it. Read at start.
    /// At most <see cref="OneBotConnectionOptions.MaxConnections"/>.
    /// </summary>
    public List<OneBotConnectionOptions> Connections { get; set; } = [];

    /// <summary>
    /// After a v11 mute or kick the platform answered ok, read the member back
    /// (<c>get_group_member_info</c> with <c>no_cache</c>) and record the action <c>failed</c> when it
    /// did not happen: QQ sometimes answers ok and does nothing. Default true.
    /// </summary>
    public bool VerifyActions { get; set; } = true;
}
