using System.Collections.Concurrent;
using GroupGuard.Core.Digests;
using GroupGuard.Core.Moderation;

namespace GroupGuard.Channels.Tests.Support;

internal sealed class FakeMessenger : IPrivateMessenger
{
    public ConcurrentQueue<(string UserId, string Text)> Sent { get; } = new();

    public ActionResult Result { get; set; } = ActionResult.Done;

    /// <summary>When set, the answer to the nth message (from 1) instead of <see cref="Result"/>.</summary>
    public Func<int, ActionResult>? ResultOf { get; set; }

    private int _calls;

    public Task<ActionResult> SendPrivateAsync(string userId, string text, CancellationToken cancellationToken)
    {
        Sent.Enqueue((userId, text));
        var call = Interlocked.Increment(ref _calls);
        return Task.FromResult(ResultOf?.Invoke(call) ?? Result);
    }
}
