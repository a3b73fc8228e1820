namespace GroupGuard.OneBot;

/// <summary>How GroupGuard talks to a OneBot implementation. Bound from <see cref="Section"/>.</summary>
public sealed class OneBotOptions
{
    public const string Section = "GroupGuard:OneBot";

    /// <summary>
    /// The OneBot v11 HTTP POST secret: when set, every v11 event must carry
    /// <c>X-Signature: sha1=&lt;HMAC-SHA1 of the body&gt;</c>. NapCat and LLOneBot call it <c>token</c>
    /// in their http client config, Lagrange calls it <c>Secret</c>. Empty means no check.
    /// </summary>
    public string? Secret { get; set; }

    /// <summary>
    /// The access token: required as <c>Authorization: Bearer &lt;token&gt;</c> on OneBot v12 webhooks,
    /// and sent on outgoing API calls. Empty means no check.
    /// </summary>
    public string? AccessToken { get; set; }

    /// <summary>Base URL of the implementation's HTTP API (outgoing actions), e.g. <c>http://127.0.0.1:3000</c>.</summary>
    public string? ApiBaseUrl { get; set; }
}
