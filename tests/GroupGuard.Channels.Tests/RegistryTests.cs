using GroupGuard.Channels.Tests.Support;
using GroupGuard.Core.Digests;
using Microsoft.Extensions.DependencyInjection;

namespace GroupGuard.Channels.Tests;

public sealed class RegistryTests
{
    [Fact]
    public async Task A_configured_robot_channel_sends_to_its_address()
    {
        await using var sink = HttpSink.Start();
        using var provider = OptionsTests.Build(new()
        {
            ["GroupGuard:Channels:office-robot:Type"] = "wecom",
            ["GroupGuard:Channels:office-robot:Url"] = $"{sink.BaseUrl}/cgi-bin/webhook/send?key=k-123456",
        });

        await provider.GetRequiredService<IDigestChannels>().Get("office-robot")!.SendAsync(Digests.Sample(), CancellationToken.None);

        Assert.Equal("/cgi-bin/webhook/send?key=k-123456", Assert.Single(sink.Requests).RawUrl);
    }

    [Fact]
    public async Task The_onebot_channel_uses_the_registered_private_messenger()
    {
        var messenger = new FakeMessenger();
        using var provider = OptionsTests.Build(
            new() { ["GroupGuard:Channels:wang-qq:Type"] = "onebot", ["GroupGuard:Channels:wang-qq:UserId"] = "10001" },
            services => services.AddSingleton<IPrivateMessenger>(messenger));

        await provider.GetRequiredService<IDigestChannels>().Get("wang-qq")!.SendAsync(Digests.Sample(), CancellationToken.None);

        Assert.Equal("10001", Assert.Single(messenger.Sent).UserId);
    }

    [Fact]
    public async Task Without_a_registered_messenger_the_onebot_channel_exists_but_fails_when_sending()
    {
        using var provider = OptionsTests.Build(
            new() { ["GroupGuard:Channels:wang-qq:Type"] = "onebot", ["GroupGuard:Channels:wang-qq:UserId"] = "10001" });
        var channel = provider.GetRequiredService<IDigestChannels>().Get("wang-qq");

        Assert.NotNull(channel);
        var failure = await Assert.ThrowsAsync<DigestChannelException>(() => channel.SendAsync(Digests.Sample(), CancellationToken.None));
        Assert.Contains("no OneBot API is configured", failure.Message, StringComparison.Ordinal);
    }
}
