using GroupGuard.Channels.Tests.Support;
using GroupGuard.Core;
using GroupGuard.Core.Digests;
using GroupGuard.Core.Moderation;

namespace GroupGuard.Channels.Tests;

public sealed class OneBotChannelTests
{
    private static OneBotChannel Channel(IPrivateMessenger? messenger) =>
        new("wang-qq", new OneBotChannelOptions { UserId = "10001" }, () => messenger, Digests.Log);

    [Fact]
    public async Task Sends_the_text_as_a_private_message_to_the_leader()
    {
        var messenger = new FakeMessenger();
        var digest = Digests.Sample();

        await Channel(messenger).SendAsync(digest, CancellationToken.None);

        Assert.Equal(("10001", digest.Text), Assert.Single(messenger.Sent));
    }

    [Fact]
    public async Task A_failed_message_fails_with_the_platform_s_words()
    {
        var messenger = new FakeMessenger { Result = new ActionResult(ActionStatus.Failed, "retcode 1200: user is not a friend") };

        var failure = await Assert.ThrowsAsync<DigestChannelException>(() => Channel(messenger).SendAsync(Digests.Sample(), CancellationToken.None));

        Assert.Contains("user is not a friend", failure.Message, StringComparison.Ordinal);
        Assert.Contains("10001", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_OneBot_API_sending_fails_saying_so()
    {
        var failure = await Assert.ThrowsAsync<DigestChannelException>(() => Channel(null).SendAsync(Digests.Sample(), CancellationToken.None));

        Assert.Contains("no OneBot API is configured", failure.Message, StringComparison.Ordinal);
    }
}
