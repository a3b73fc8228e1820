namespace GroupGuard.Channels;

/// <summary>A DingTalk (钉钉) custom robot with signing (加签): <c>"Type": "dingtalk"</c>.</summary>
public sealed class DingTalkChannelOptions : DigestChannelOptions
{
    public override string Type => ChannelTypes.DingTalk;

    /// <summary>
    /// The robot's webhook address, <c>https://oapi.dingtalk.com/robot/send?access_token=…</c>.
    /// The token is a secret: it is masked wherever the address is mentioned, and the address must
    /// be https (http only to a relay on this machine).
    /// </summary>
    public string? Url { get; set; }

    /// <summary>The signing secret from the robot's security settings (<c>SEC…</c>). Required.</summary>
    public string? Secret { get; set; }

    internal static DingTalkChannelOptions Read(ChannelSettingsReader reader) =>
        new() { Url = reader.String(nameof(Url)), Secret = reader.String(nameof(Secret)) };

    internal override void Validate(string key, List<string> failures)
    {
        ChannelValidation.RobotUrl(failures, key, Url, Type, "access_token", "access_token");
        ChannelValidation.Required(failures, key, nameof(Secret), Secret, Type);
    }
}
