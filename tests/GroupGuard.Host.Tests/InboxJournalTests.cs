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

        // Finished: moderated, marked in the journal, counted, and the checkpoint saved as the queue ran dry.
        await service.IncidentsAfterAsync(3);

        // As the next start would find the folder after a crash now (the running journal holds the folder itself).
        using var crash = new TempFolder();
        var folder = Pipeline.InboxJournalTests.CopyOfFolder(service.Services.GetRequiredService<InboxJournal>().Folder, crash.Path);
        using var next = new InboxJournal(Options.Create(new PipelineOptions { InboxPath = folder }), TimeProvider.System);
        Assert.Empty(next.Open()); // a crash now would neither moderate nor count the burst again
    }

    /// <summary>
    /// With no new segment to be had (folders stand under the next names: no file can be made there,
    /// root or not), the worker's settle no longer throws and stops the host: messages go on being
    /// taken, journaled in the segment there is, and moderated.
    /// </summary>
    [Fact]
    public async Task When_no_new_segment_can_be_made_the_service_goes_on_taking_and_moderating()
    {
        using var service = new GroupGuardFactory();
        await service.PostV11Async(GroupGuardFactory.GroupEvent(960, "今天几点放学"));
        await service.HandledAsync("960"); // and settled: the worker settles before it asks for the next message
        var folder = service.Services.GetRequiredService<InboxJournal>().Folder;
        var next = InboxJournal.Segments(folder).Max() + 1;
        for (var blocked = next; blocked < next + 10; blocked++)
        {
            Directory.CreateDirectory(InboxJournal.SegmentPath(folder, blocked));
        }

        var answers = new List<System.Net.HttpStatusCode> { (await service.PostV11Async(GroupGuardFactory.GroupEvent(961, "加微信"))).StatusCode };
        await service.HandledAsync("961"); // settled: the roll was tried and failed
        answers.Add((await service.PostV11Async(GroupGuardFactory.GroupEvent(962, "加微信", userId: 20003))).StatusCode);
        await service.HandledAsync("962");
        var incidents = await service.IncidentsAsync();

        Assert.All(answers, status => Assert.Equal(System.Net.HttpStatusCode.NoContent, status));
        Assert.Equal(["961", "962"], incidents.Select(i => i.MessageId).Order(StringComparer.Ordinal));
        Assert.Contains(service.Logs.Entries, e => e.Message.Contains("cannot start a new segment", StringComparison.Ordinal));
    }

    [Fact]
    public void Segments_wholly_before_the_checkpoint_are_deleted_and_what_follows_is_replayed()
    {
        using var temp = new TempFolder();
        var folder = temp.File("inbox");
        var options = Options.Create(new PipelineOptions { InboxPath = folder, InboxSegmentBytes = 1024 });
        var positions = new List<JournalPosition>();
        using (var journal = new InboxJournal(options, TimeProvider.System))
        {
            Assert.Empty(journal.Open());
            for (var i = 0; i < 12; i++)
            {
                positions.Add(journal.Append(Message(i)));
            }

            Assert.True(positions[^1].Segment > positions[0].Segment + 1, "the test needs several segments");
            journal.MarkProcessed(positions[8]);
            journal.Flush();
        }

        var left = Directory.GetFiles(folder, "*.jsonl").Select(f => long.Parse(Path.GetFileNameWithoutExtension(f), System.Globalization.CultureInfo.InvariantCulture)).Order().ToList();
        Assert.Equal(positions[8].Segment, left[0]); // the ones before the checkpoint's segment are gone
        using var next = new InboxJournal(options, TimeProvider.System);
        Assert.Equal(["m9", "m10", "m11"], next.Open().Select(q => q.Message.MessageId));
    }

    private static GroupGuard.Core.ChatMessage Message(int i) => Messages.Group(
        "今天几点放学，老师说要带" + new string('书', 100),
        id: "m" + i,
        bot: "1",
        group: "2",
        user: "3",
        time: DateTimeOffset.FromUnixTimeSeconds(1_764_150_000 + i));
}
