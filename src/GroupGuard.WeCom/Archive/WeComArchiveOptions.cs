namespace GroupGuard.WeCom.Archive;

/// <summary>
/// <c>GroupGuard:WeCom:Archive</c>: pulling a corporation's chat archive (会话内容存档) through
/// Tencent's SDK. Off until <see cref="CorpId"/> is set; then every other required setting is
/// checked at start (<see cref="WeComArchiveOptionsValidator"/>).
/// </summary>
public sealed class WeComArchiveOptions
{
    public const string Section = "GroupGuard:WeCom:Archive";

    /// <summary>The corporation's id (企业ID, <c>ww…</c>). Empty: the archive is not read.</summary>
    public string? CorpId { get; set; }

    /// <summary>The chat archive's Secret (会话内容存档 Secret), never logged.</summary>
    public string? Secret { get; set; }

    /// <summary>The operator's copy of <c>libWeWorkFinanceSdk_C.so</c>, downloaded from WeCom.</summary>
    public string? SdkPath { get; set; }

    /// <summary>
    /// The RSA private keys by <c>publickey_ver</c> (the version WeCom shows beside each public key
    /// uploaded in its admin console): <c>{ "1": "/etc/groupguard/archive-v1.pem" }</c>. Read again
    /// when the settings change (and at each pull while changed keys do not load). A record
    /// encrypted for a version not listed here is skipped and reported, unless the version is newer
    /// than every key listed and no record of a known version follows it: then pulling waits for its
    /// key. It waits too when a listed version's key decrypts none of its records: the wrong file
    /// (<see cref="Archive.ArchivePuller"/>).
    /// </summary>
    public Dictionary<string, string> PrivateKeys { get; set; } = [];

    /// <summary>Seconds between pulls once the archive is caught up (1 to 3600).</summary>
    public int PollSeconds { get; set; } = 10;

    /// <summary>Records asked for per pull (1 to 1000, the SDK's maximum).</summary>
    public int BatchSize { get; set; } = 500;

    /// <summary>Seconds the SDK may take over one call (1 to 300).</summary>
    public int TimeoutSeconds { get; set; } = 10;

    /// <summary>An HTTP proxy for the SDK (<c>http://10.0.0.1:3128</c>), when the server reaches WeCom only through one.</summary>
    public string? Proxy { get; set; }

    /// <summary>The proxy's <c>user:password</c>, never logged.</summary>
    public string? ProxyPassword { get; set; }

    /// <summary>
    /// Ask WeCom for each group's name (<c>msgaudit/groupchat/get</c> with the archive's Secret),
    /// remembered for a day; off, or where WeCom refuses, a group is named by its room id.
    /// </summary>
    public bool GroupNames { get; set; } = true;

    /// <summary>WeCom's API, for group names: <c>https://qyapi.weixin.qq.com</c>.</summary>
    public string ApiBaseUrl { get; set; } = "https://qyapi.weixin.qq.com";

    /// <summary>True when the archive is to be read.</summary>
    public bool Enabled => !string.IsNullOrWhiteSpace(CorpId);
}
