using System.Collections.Concurrent;
using GroupGuard.Core.Digests;
using GroupGuard.Core.Moderation;

namespace GroupGuard.Channels.Tests.Support;

internal sealed class FakeMessenger : IPrivateMessenger
{
    public ConcurrentQueue<(string UserId, string Text)> Sent { get; } = new();

    public ActionResult Result { get; set; } = ActionResult.Done;

    public Task<ActionResult> SendPrivateAsync(string userId, string text, CancellationToken cancellationToken)
    {
        Sent.Enqueue((userId, text));
        return Task.FromResult(Result);
    }
}
