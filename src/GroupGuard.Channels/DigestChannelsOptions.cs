namespace GroupGuard.Channels;

/// <summary>
/// The digest channels, bound from <see cref="Section"/>: a map from channel name to settings, each
/// with a <c>Type</c> (<c>wecom</c>, <c>dingtalk</c>, <c>feishu</c>, <c>email</c>, <c>onebot</c>,
/// <c>file</c>) and that type's settings. Channel names are case-insensitive, like configuration keys.
/// </summary>
public sealed class DigestChannelsOptions
{
    public const string Section = "GroupGuard:Channels";

    /// <summary>Each configured channel by name.</summary>
    public IDictionary<string, DigestChannelOptions> Channels { get; } =
        new Dictionary<string, DigestChannelOptions>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Mistakes found while reading the configuration (unknown keys, values of the wrong kind); the validator reports them.</summary>
    internal List<string> ReadFailures { get; } = [];
}

/// <summary>One channel's settings; the subclass says which kind of channel it is.</summary>
public abstract class DigestChannelOptions
{
    private protected DigestChannelOptions()
    {
    }

    /// <summary><c>wecom</c>, <c>dingtalk</c>, <c>feishu</c>, <c>email</c>, <c>onebot</c> or <c>file</c>.</summary>
    public abstract string Type { get; }

    /// <summary>Adds a message naming the key (<paramref name="key"/> is <c>GroupGuard:Channels:NAME</c>) for every mistake.</summary>
    internal abstract void Validate(string key, List<string> failures);
}

/// <summary>A configured channel whose Type is missing or not one GroupGuard knows; it never validates.</summary>
internal sealed class UnknownChannelOptions(string? type) : DigestChannelOptions
{
    public override string Type { get; } = type ?? "";

    internal override void Validate(string key, List<string> failures) =>
        failures.Add(string.IsNullOrWhiteSpace(Type)
            ? $"{key}:Type is required: one of {ChannelTypes.List}"
            : $"{key}:Type '{Type}' is not a channel type: one of {ChannelTypes.List}");
}
