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
    public async Task A_digest_qq_took_is_not_sent_again_by_a_retry_after_a_crash_before_its_outcome_was_recorded()
    {
        var messenger = new FakeMessenger();
        var kept = new PartsKept();

        await Channel(messenger).SendAsync(Digests.Sample(), kept.NextTry(), CancellationToken.None);
        // The service dies here, before it records the channel as sent; once restarted, it tries again.
        await Channel(messenger).SendAsync(Digests.Sample(), kept.NextTry(), CancellationToken.None);

        Assert.Single(messenger.Sent);
        Assert.Equal([1], kept.Recorded);
    }

    [Fact]
    public async Task A_long_digest_arrives_as_messages_of_at_most_3000_characters_ending_at_line_ends_in_order()
    {
        var messenger = new FakeMessenger();
        var text = Digests.ChineseChars(10_000);
        var kept = new PartsKept();

        await Channel(messenger).SendAsync(Digests.Sample(text: text), kept.NextTry(), CancellationToken.None);

        var texts = messenger.Sent.Select(m => m.Text).ToList();
        Assert.Equal(4, texts.Count);
        Assert.All(texts, t => Assert.InRange(t.Length, 1, 3_000));
        Assert.All(texts[..^1], t => Assert.EndsWith("\n", t, StringComparison.Ordinal));
        Assert.Equal(text, string.Concat(texts));
        Assert.Equal([1, 2, 3, 4], kept.Recorded);
    }

    [Fact]
    public async Task A_retry_after_a_failed_message_sends_that_message_and_the_rest_and_not_the_ones_delivered()
    {
        var messenger = new FakeMessenger
        {
            ResultOf = call => call == 2 ? new ActionResult(ActionStatus.Failed, "retcode 1200: send msg failed") : ActionResult.Done,
        };
        var text = Digests.ChineseChars(7_000); // three messages
        var kept = new PartsKept();

        var failure = await Assert.ThrowsAsync<DigestChannelException>(
            () => Channel(messenger).SendAsync(Digests.Sample(text: text), kept.NextTry(), CancellationToken.None));
        await Channel(messenger).SendAsync(Digests.Sample(text: text), kept.NextTry(), CancellationToken.None);

        Assert.Contains("part 2 of 3", failure.Message, StringComparison.Ordinal);
        var texts = messenger.Sent.Select(m => m.Text).ToList();
        Assert.Equal(4, texts.Count);
        Assert.Equal(texts[1], texts[2]); // the failed message, sent again
        Assert.Equal(text, texts[0] + texts[2] + texts[3]);
        Assert.Equal([1, 2, 3], kept.Recorded);
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
        Assert.Equal(ChannelErrorKind.NotConfigured, failure.Kind);
    }
}
