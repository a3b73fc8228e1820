using System.Reflection;
using GroupGuard.Core.Digests;

namespace GroupGuard.Channels.Tests;

/// <summary>docs/architecture.md: only contracts and options are public; implementations are internal sealed.</summary>
public sealed class ConventionTests
{
    private static readonly Assembly Channels = typeof(DigestChannelsOptions).Assembly;

    [Fact]
    public void Only_options_and_the_registration_extension_are_public()
    {
        var exported = Channels.GetExportedTypes().Select(t => t.Name).Order(StringComparer.Ordinal);

        Assert.Equal(
            [
                "ChannelsServiceCollectionExtensions", "DigestChannelOptions", "DigestChannelsOptions",
                "DingTalkChannelOptions", "EmailChannelOptions", "FeishuChannelOptions", "FileChannelOptions",
                "OneBotChannelOptions", "WeComChannelOptions",
            ],
            exported);
    }

    [Fact]
    public void Every_channel_is_internal_sealed_and_every_options_type_has_one()
    {
        var channels = Channels.GetTypes().Where(t => typeof(IDigestChannel).IsAssignableFrom(t) && !t.IsInterface).ToList();
        Assert.All(channels, t => Assert.True(t.IsSealed && t.IsNotPublic, $"{t.Name} should be internal sealed"));

        var options = Channels.GetExportedTypes().Where(t => t.IsSubclassOf(typeof(DigestChannelOptions))).ToList();
        Assert.Equal(6, options.Count);
        Assert.All(options, t => Assert.Contains(channels, c => c.Name == t.Name.Replace("Options", "", StringComparison.Ordinal)));
    }
}
