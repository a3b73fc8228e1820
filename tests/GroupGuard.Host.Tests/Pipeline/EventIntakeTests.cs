using System.Globalization;
using System.Threading.Channels;
using GroupGuard.Core;
using GroupGuard.Host.Pipeline;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
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
        var intake = new EventIntake(new Deduplicator(), new AdapterHealth(TimeProvider.System), journal, queue, options, NullLogger<EventIntake>.Instance, TimeProvider.System);
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

    /// <summary>
    /// A flood past a full queue is refused request by request, but logged once and then once
    /// every ten seconds with the count: a line per refusal buried the log and slowed the webhook.
    /// </summary>
    [Fact]
    public void Refusals_for_a_full_queue_are_logged_once_then_counted_every_ten_seconds()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-12-02T08:00:00Z", CultureInfo.InvariantCulture));
        var logs = new LogCollector<EventIntake>();
        var options = Options.Create(new PipelineOptions { InboxPath = Folder, QueueCapacity = 1 });
        using var journal = new InboxJournal(options, time);
        var queue = Channel.CreateUnbounded<QueuedMessage>();
        var intake = new EventIntake(new Deduplicator(), new AdapterHealth(time), journal, queue, options, logs, time);
        intake.Replay();
        Assert.Equal(IntakeOutcome.Queued, intake.Accept(Event(1)));

        var refused = Enumerable.Range(2, 1000).Select(id => intake.Accept(Event(id))).ToList();
        var quietAfterFirst = logs.Entries.Count;
        time.Advance(TimeSpan.FromSeconds(9));
        intake.Accept(Event(5000));
        var quietBeforeInterval = logs.Entries.Count;
        time.Advance(TimeSpan.FromSeconds(1));
        intake.Accept(Event(5001));

        Assert.All(refused, outcome => Assert.Equal(IntakeOutcome.QueueFull, outcome));
        Assert.Equal(1, quietAfterFirst);
        Assert.Equal(1, quietBeforeInterval);
        Assert.Equal(2, logs.Entries.Count);
        Assert.All(logs.Entries, e => Assert.Equal(LogLevel.Error, e.Level));
        Assert.Equal(1L, logs.Entries[0].Values["Refused"]);
        Assert.Equal(1001L, logs.Entries[1].Values["Refused"]); // the 999 after the first, the one at 9 s, the one at 10 s
        Assert.Contains("refused with 503", logs.Entries[1].Message, StringComparison.Ordinal);
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
