using System.Collections.Concurrent;
using System.Threading.Channels;
using GroupGuard.Host.Pipeline;

namespace GroupGuard.Host.Tests.Pipeline;

/// <summary>The runner of the action, picture and reply queues: one item's unforeseen failure is told, never the end of the others.</summary>
public sealed class SideBySideTests
{
    [Fact]
    public async Task An_item_that_throws_is_reported_and_the_items_after_it_still_run()
    {
        var queue = Channel.CreateUnbounded<int>();
        foreach (var item in new[] { 1, 2, 3, 4 })
        {
            queue.Writer.TryWrite(item);
        }

        queue.Writer.Complete();
        var ran = new ConcurrentBag<int>();
        var failed = new ConcurrentBag<(int Item, string Error)>();

        await SideBySide.RunAsync(
            queue.Reader,
            concurrency: 2,
            (item, _) => item == 2 ? throw new InvalidOperationException("a defect") : Task.Run(() => ran.Add(item)),
            (item, ex) => failed.Add((item, ex.Message)),
            CancellationToken.None).Within("the queue to be run");

        Assert.Equal([1, 3, 4], ran.Order());
        Assert.Equal((2, "a defect"), Assert.Single(failed));
    }
}
