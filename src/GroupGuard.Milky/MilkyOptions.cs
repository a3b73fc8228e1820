namespace GroupGuard.Milky;

/// <summary>How GroupGuard talks to Milky implementations (Lagrange.Milky, LuckyLilliaBot, Yogurt). Bound from <see cref="Section"/>.</summary>
public sealed class MilkyOptions
{
    public const string Section = "GroupGuard:Milky";

    /// <summary>The implementations GroupGuard connects to: their event stream, and their API for actions.</summary>
    public List<MilkyConnectionOptions> Connections { get; set; } = [];

    /// <summary>
    /// The token the Milky webhook (<c>POST /milky</c>) requires as <c>Authorization: Bearer &lt;token&gt;</c>:
    /// the implementation's webhook <c>accessToken</c>. Empty means no check, which is allowed only
    /// while the service listens on loopback (or with <c>GroupGuard:OneBot:AllowUnsigned</c>).
    /// </summary>
    public string? AccessToken { get; set; }

    /// <summary>
    /// Whether <c>POST /milky</c> takes events. Unset: on when <see cref="AccessToken"/> is set or the
    /// service listens on loopback only, otherwise it answers 401. <c>true</c>: on, and off loopback
    /// the service refuses to start without <see cref="AccessToken"/>. <c>false</c>: off (404).
    /// </summary>
    public bool? Webhook { get; set; }

    /// <summary>
    /// After a mute or a kick the platform answered ok, read the member back (without cache) and
    /// record <c>failed</c> when it did not happen. Default true.
    /// </summary>
    public bool VerifyActions { get; set; } = true;

    /// <summary>At most this many API calls per second per bot account, evenly spaced. Default 2.</summary>
    public double MaxActionsPerSecond { get; set; } = 2;

    /// <summary>Timeout of one HTTP call, in seconds. Default 5.</summary>
    public double ActionTimeoutSeconds { get; set; } = 5;

    /// <summary>Time one action may take in all, retries and backoff included, in seconds. Default 20.</summary>
    public double ActionBudgetSeconds { get; set; } = 20;

    /// <summary>Calls made at most for one action (timeouts, connection errors, 5xx, 408 and 429 are retried). Default 3.</summary>
    public int MaxAttempts { get; set; } = 3;

    /// <summary>The longest wait between two attempts to (re)connect an event stream, in seconds. Default 60.</summary>
    public double ReconnectMaxSeconds { get; set; } = 60;

    /// <summary>
    /// An SSE event stream on which nothing at all (no event, no comment) has come for this many
    /// seconds is taken for dead (a peer gone without closing it) and opened again. Default 300, 30 to
    /// 3600. The spec asks no keep-alive of SSE, so over quiet groups an implementation that sends none
    /// has its healthy stream reopened this often. A WebSocket stream is checked by its pings instead.
    /// </summary>
    public double SseIdleSeconds { get; set; } = 300;
}

/// <summary>One Milky implementation: <c>{ "Url": "http://127.0.0.1:3010", "AccessToken": "…" }</c>.</summary>
public sealed class MilkyConnectionOptions
{
    /// <summary>
    /// The implementation's HTTP address (its host, port and prefix), e.g. <c>http://127.0.0.1:3010</c>:
    /// events are read from <c>{Url}/event</c>, actions posted to <c>{Url}/api/{api}</c>.
    /// </summary>
    public string? Url { get; set; }

    /// <summary>The implementation's <c>access_token</c>, sent as <c>Authorization: Bearer</c> (and on <c>/event</c> also as the query parameter). Empty: none.</summary>
    public string? AccessToken { get; set; }

    /// <summary>
    /// Read events from <c>{Url}/event</c> (WebSocket, else SSE). Default true; false when the
    /// implementation pushes its events to <c>POST /milky</c> instead and this entry only serves its API.
    /// </summary>
    public bool EventStream { get; set; } = true;
}
