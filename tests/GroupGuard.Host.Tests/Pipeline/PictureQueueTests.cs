using GroupGuard.Core;
using GroupGuard.Core.Forwards;
using GroupGuard.Host.Pipeline;
using GroupGuard.Images;
using Microsoft.Extensions.Logging.Abstractions;

namespace GroupGuard.Host.Tests.Pipeline;

/// <summary>What a message's offer puts on the picture queue.</summary>
public sealed class PictureQueueTests
{
    private readonly PictureStats _stats = new();

    private PictureQueue Queue(int maxPerMessage) =>
        new(new SettableOptions<ImagesOptions>(new ImagesOptions { MaxPerMessage = maxPerMessage }), _stats, TimeProvider.System, NullLogger<PictureQueue>.Instance);

    private static ImageRef Image(string file) => new(file, "https://gchat.qpic.cn/" + file, null);

    /// <summary>
    /// The pictures of a message's forwarded bundles are its own, after the ones it carries, within
    /// the same MaxPerMessage: those past it are counted as skipped, as the message's own are.
    /// </summary>
    [Fact]
    public void Forwarded_pictures_follow_the_messages_own_within_its_bound_and_the_rest_are_skipped()
    {
        var queue = Queue(maxPerMessage: 3);
        var inner = new ForwardedMessage { Text = "扫码进群", Images = [Image("f1.jpg"), Image("f2.jpg")] };
        var nested = new ForwardedMessage { Text = "", Images = [Image("n1.jpg")] };
        var message = Messages.Group("看看", images: [Image("own1.jpg"), Image("own2.jpg")]);
        IReadOnlyList<ForwardedPicture> forwarded = [new(inner.Images[0], inner, 1), new(inner.Images[1], inner, 1), new(nested.Images[0], nested, 2)];

        Assert.True(queue.Wants(message with { Images = [] }, forwarded));
        Assert.True(queue.Offer(message, forwarded));

        Assert.True(queue.Reader.TryRead(out var job));
        Assert.Equal(
            [(1, "own1.jpg", (ForwardedMessage?)null), (2, "own2.jpg", null), (3, "f1.jpg", inner)],
            job.Pictures.Select(p => (p.Index, p.Image.File, p.Forwarded?.Source)));
        Assert.Equal(3, _stats.Queued);
        Assert.Equal(2, _stats.Skipped);
    }

    [Fact]
    public void A_message_with_no_picture_of_its_own_or_forwarded_is_not_queued()
    {
        var queue = Queue(maxPerMessage: 3);
        var message = Messages.Group("看看");

        Assert.False(queue.Wants(message, []));
        Assert.False(queue.Offer(message, []));
        Assert.False(queue.Reader.TryRead(out _));
    }
}
