using GroupGuard.Host.Pipeline;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace GroupGuard.Host.Tests;

/// <summary>The inbox journal's checkpoint, as the next start reads it.</summary>
public sealed class InboxJournalTests
{
    [Fact]
    public async Task Once_the_worker_has_caught_up_the_next_start_replays_nothing()
    {
        using var service = new GroupGuardFactory();
        _ = service.CreateClient();

        // A burst inside one checkpoint interval, then quiet: nothing comes to carry the checkpoint on.
        for (var i = 0; i < 3; i++)
        {
            await service.PostV11Async(GroupGuardFactory.GroupEvent(950 + i, i == 1 ? "加微信领资料" : "今天几点放学"));
        }

        await service.IncidentsAfterAsync(3);
        await Task.Delay(300);

        var folder = service.Services.GetRequiredService<InboxJournal>().Folder;
        using var next = new InboxJournal(Options.Create(new PipelineOptions { InboxPath = folder }), TimeProvider.System);
        Assert.Empty(next.Open()); // a crash now would neither moderate nor count the burst again
    }
}
