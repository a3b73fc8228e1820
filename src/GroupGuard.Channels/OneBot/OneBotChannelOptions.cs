namespace GroupGuard.Channels;

/// <summary>A QQ private message through the bot's OneBot API: <c>"Type": "onebot"</c>.</summary>
public sealed class OneBotChannelOptions : DigestChannelOptions
{
    public override string Type => ChannelTypes.OneBot;

    /// <summary>The leader's QQ number (the bot must be able to message them, usually as a friend).</summary>
    public string? UserId { get; set; }

    internal static OneBotChannelOptions Read(ChannelSettingsReader reader) => new() { UserId = reader.String(nameof(UserId)) };

    internal override void Validate(string key, List<string> failures) =>
        ChannelValidation.Required(failures, key, nameof(UserId), UserId, Type);
}
