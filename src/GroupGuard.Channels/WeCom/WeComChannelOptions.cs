namespace GroupGuard.Channels;

/// <summary>A WeCom (企业微信) group robot: <c>"Type": "wecom"</c>.</summary>
public sealed class WeComChannelOptions : DigestChannelOptions
{
    public override string Type => ChannelTypes.WeCom;

    /// <summary>
    /// The robot's webhook address, <c>https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…</c>.
    /// The key is a secret: it is masked wherever the address is mentioned, and the address must be
    /// https (http only to a relay on this machine).
    /// </summary>
    public string? Url { get; set; }

    internal static WeComChannelOptions Read(ChannelSettingsReader reader) => new() { Url = reader.String(nameof(Url)) };

    internal override void Validate(string key, List<string> failures) =>
        ChannelValidation.RobotUrl(failures, key, Url, Type, "key", "key");
}
