using System.Globalization;
using System.Threading.Channels;
using GroupGuard.Core;
using GroupGuard.Host.Pipeline;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace GroupGuard.Host.Tests.Pipeline;

public sealed class EventIntakeTests : IDisposable
{
    private readonly TempFolder _temp = new();

    /// <summary>The inbox folder: not there until the journal creates it.</summary>
    private string Folder => _temp.File("inbox");

    [Fact]
    public void An_event_the_journal_cannot_take_is_refused_and_its_retry_is_not_a_duplicate()
    {
        var options = Options.Create(new PipelineOptions { InboxPath = Folder });
        using var journal = new InboxJournal(options, TimeProvider.System);
        var queue = Channel.CreateUnbounded<QueuedMessage>();
        var intake = new EventIntake(new Deduplicator(), new AdapterHealth(TimeProvider.System), journal, queue, options, NullLogger<EventIntake>.Instance);
        intake.Replay();
        Assert.Equal(IntakeOutcome.Queued, intake.Accept(Event(1)));
        journal.MarkProcessed(Take(queue).Position);
        var next = Directory.GetFiles(Folder, "*.jsonl").Select(f => long.Parse(Path.GetFileNameWithoutExtension(f), CultureInfo.InvariantCulture)).Max() + 1;
        var full = Path.Combine(Folder, next.ToString("D10", CultureInfo.InvariantCulture) + ".jsonl");
        File.CreateSymbolicLink(full, "/dev/full"); // the disk is full
        journal.Release();

        var refused = intake.Accept(Event(2));
        File.Delete(full);
        var retried = intake.Accept(Event(2));

        Assert.Equal(IntakeOutcome.JournalFailed, refused);
        Assert.Equal(IntakeOutcome.Queued, retried);
        Assert.Equal("2", Take(queue).Message.MessageId);
        Assert.Equal(IntakeOutcome.Duplicate, intake.Accept(Event(2)));
    }

    private static QueuedMessage Take(Channel<QueuedMessage> queue) =>
        queue.Reader.TryRead(out var queued) ? queued : throw new InvalidOperationException("nothing was queued");

    private static InboundEvent Event(int id)
    {
        var message = Messages.Group("加微信", id: id.ToString(CultureInfo.InvariantCulture));
        return new InboundEvent(InboundEventKind.GroupMessage, message.Protocol, message.BotId, message, "message.group");
    }

    public void Dispose() => _temp.Dispose();
}
