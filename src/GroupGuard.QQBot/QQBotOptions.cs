namespace GroupGuard.QQBot;

/// <summary>
/// How GroupGuard talks to the official QQ bot platform (QQ 开放平台). Bound from <see cref="Section"/>.
/// Nothing is on until both <see cref="AppId"/> and <see cref="AppSecret"/> are set.
/// </summary>
public sealed class QQBotOptions
{
    public const string Section = "GroupGuard:QQBot";

    /// <summary>
    /// The OpenAPI every action goes to. The platform's changelog of 2026-08-10 made
    /// <c>api.bot.qq.com</c> the one domain of its interfaces; the copy of the docs on GitHub still
    /// names <c>https://api.sgroup.qq.com</c>, and the sandbox is <c>https://sandbox.api.sgroup.qq.com</c>.
    /// </summary>
    public const string DefaultApiBaseUrl = "https://api.bot.qq.com";

    /// <summary>Where access tokens come from (<c>POST {appId, clientSecret}</c>); the older docs name <c>https://bots.qq.com/app/getAppAccessToken</c>.</summary>
    public const string DefaultTokenUrl = "https://api.bot.qq.com/app/getAppAccessToken";

    public const string DefaultPath = "/qqbot";

    /// <summary>The bot's AppID from QQ 开放平台 (digits). It is the bot id of every message and incident.</summary>
    public string? AppId { get; set; }

    /// <summary>
    /// The bot's AppSecret (the platform also calls it Bot Secret or clientSecret): it fetches access
    /// tokens, and the Ed25519 key that signs every webhook is derived from it. Never logged.
    /// </summary>
    public string? AppSecret { get; set; }

    /// <summary>Base URL of the OpenAPI, <see cref="DefaultApiBaseUrl"/> unless set (the sandbox, a test fake).</summary>
    public string ApiBaseUrl { get; set; } = DefaultApiBaseUrl;

    /// <summary>The access token endpoint, <see cref="DefaultTokenUrl"/> unless set.</summary>
    public string TokenUrl { get; set; } = DefaultTokenUrl;

    /// <summary>
    /// The path the platform posts events to, <c>/qqbot</c> by default; the callback URL set in
    /// QQ 开放平台 is the HTTPS address in front of it. Read once at start.
    /// </summary>
    public string Path { get; set; } = DefaultPath;

    /// <summary>
    /// How far <c>X-Signature-Timestamp</c> may be from the server clock, either way, in seconds.
    /// A delivery signed longer ago is refused (401) as a replay. Default 300.
    /// </summary>
    public int SignatureWindowSeconds { get; set; } = 300;

    /// <summary>At most this many OpenAPI calls per second for the bot, evenly spaced. Default 5.</summary>
    public double MaxActionsPerSecond { get; set; } = 5;

    /// <summary>Timeout of one HTTP call, in seconds. Default 5 (the platform asks for at least 5 s on message sends).</summary>
    public double ActionTimeoutSeconds { get; set; } = 5;

    /// <summary>Time one action may take in all, every attempt and backoff included, in seconds. Default 20.</summary>
    public double ActionBudgetSeconds { get; set; } = 20;

    /// <summary>Calls made at most for one action: timeouts, connection errors, 5xx, 408 and 429 are retried. Default 3.</summary>
    public int MaxAttempts { get; set; } = 3;

    /// <summary>Both credentials are there: the endpoint and the actions are on.</summary>
    internal bool IsConfigured => !string.IsNullOrEmpty(AppId) && !string.IsNullOrEmpty(AppSecret);
}
