namespace GroupGuard.Channels;

/// <summary>A Feishu/Lark (飞书) custom bot: <c>"Type": "feishu"</c>.</summary>
public sealed class FeishuChannelOptions : DigestChannelOptions
{
    public override string Type => ChannelTypes.Feishu;

    /// <summary>
    /// The bot's webhook address, <c>https://open.feishu.cn/open-apis/bot/v2/hook/…</c>. The hook id
    /// is a secret: it is masked wherever the address is mentioned, and the address must be https
    /// (http only to a relay on this machine).
    /// </summary>
    public string? Url { get; set; }

    /// <summary>
    /// The signing secret from the bot's security settings (签名校验). When empty, messages are sent
    /// unsigned, which only a bot without signature checking accepts.
    /// </summary>
    public string? Secret { get; set; }

    internal static FeishuChannelOptions Read(ChannelSettingsReader reader) =>
        new() { Url = reader.String(nameof(Url)), Secret = reader.String(nameof(Secret)) };

    internal override void Validate(string key, List<string> failures) =>
        ChannelValidation.RobotUrl(failures, key, Url, Type, tokenName: null, secret: "hook id");
}
