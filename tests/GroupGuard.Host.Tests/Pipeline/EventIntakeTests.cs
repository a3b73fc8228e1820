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
        var disk = new FullDisk();
        using var journal = new InboxJournal(options, TimeProvider.System) { OpenFile = disk.Open };
        var queue = Channel.CreateUnbounded<QueuedMessage>();
        var intake = new EventIntake(new Deduplicator(), new AdapterHealth(TimeProvider.System), journal, queue, options, NullLogger<EventIntake>.Instance, TimeProvider.System);
        intake.Replay();
        Assert.Equal(IntakeOutcome.Queued, intake.Accept(Event(1)));
        journal.MarkProcessed(Take(queue).Position);
        journal.Release();

        disk.Full = true;
        var refused = intake.Accept(Event(2));
        disk.Full = false;
        var retried = intake.Accept(Event(2));

        Assert.Equal(IntakeOutcome.JournalFailed, refused);
        Assert.Equal(IntakeOutcome.Queued, retried);
        Assert.Equal("2", Take(queue).Message.MessageId);
        Assert.Equal(IntakeOutcome.Duplicate, intake.Accept(Event(2)));
    }

    /// <summary>
    /// While the journal cannot be written every event is refused (503), said once and then once
    /// every ten seconds with the count, in words and without a stack trace: a line with a stack
    /// trace per refused event buried the log.
    /// </summary>
    [Fact]
    public void Events_refused_while_the_journal_cannot_be_written_are_logged_once_then_counted_every_ten_seconds()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-12-02T08:00:00Z", CultureInfo.InvariantCulture));
        var logs = new LogCollector<EventIntake>();
        var options = Options.Create(new PipelineOptions { InboxPath = Folder });
        var disk = new FullDisk();
        using var journal = new InboxJournal(options, time) { OpenFile = disk.Open };
        var queue = Channel.CreateUnbounded<QueuedMessage>();
        var intake = new EventIntake(new Deduplicator(), new AdapterHealth(time), journal, queue, options, logs, time);
        intake.Replay();
        Assert.Equal(IntakeOutcome.Queued, intake.Accept(Event(1)));
        journal.MarkProcessed(Take(queue).Position);
        journal.Release();
        disk.Full = true;

        var refused = Enumerable.Range(2, 5).Select(id => intake.Accept(Event(id))).ToList();
        var quietAfterFirst = logs.Entries.Count;
        time.Advance(TimeSpan.FromSeconds(10));
        refused.Add(intake.Accept(Event(7)));

        Assert.All(refused, outcome => Assert.Equal(IntakeOutcome.JournalFailed, outcome));
        Assert.Equal(1, quietAfterFirst);
        Assert.Equal(2, logs.Entries.Count);
        Assert.All(logs.Entries, e => Assert.Null(e.Exception));
        Assert.Equal(1L, logs.Entries[0].Values["Refused"]);
        Assert.Equal(5L, logs.Entries[1].Values["Refused"]);
        Assert.Contains("No space left on device", logs.Entries[0].Message, StringComparison.Ordinal);
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
        var options = Options.Create(new PipelineOptions { InboxPath = Folder, QueueCapacity = 1, BacklogBytes = 0 });
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

    /// <summary>
    /// A flood past the queue is taken, not refused: the messages wait in the journal and come back
    /// in order once the queue is moderated, across the journal's segments; a message that comes
    /// while they wait joins them rather than overtaking them; once they are read, new messages go
    /// straight to the queue again.
    /// </summary>
    [Fact]
    public void A_flood_past_the_queue_waits_in_the_journal_and_comes_back_in_order()
    {
        var logs = new LogCollector<EventIntake>();
        var options = Options.Create(new PipelineOptions { InboxPath = Folder, QueueCapacity = 3, InboxSegmentBytes = 64 * 1024 });
        using var journal = new InboxJournal(options, TimeProvider.System);
        var queue = Channel.CreateUnbounded<QueuedMessage>();
        var intake = new EventIntake(new Deduplicator(), new AdapterHealth(TimeProvider.System), journal, queue, options, logs, TimeProvider.System);
        intake.Replay();

        // About 1 KB a message: 200 of them fill several 64 KB segments.
        var outcomes = Enumerable.Range(1, 200).Select(id => intake.Accept(Event(id, new string('广', 300)))).ToList();
        var queuedAtFirst = queue.Reader.Count;
        var pendingAtFirst = intake.Pending;
        var moderated = new List<string>();
        var joinedWhileWaiting = IntakeOutcome.Duplicate;
        var refills = 0;
        do
        {
            while (queue.Reader.TryRead(out var queued))
            {
                moderated.Add(queued.Message.MessageId);
                journal.MarkProcessed(queued.Position);
            }

            if (refills++ == 5)
            {
                joinedWhileWaiting = intake.Accept(Event(201, "来晚了")); // the queue is empty, the backlog is not
            }
        }
        while (intake.Refill());

        Assert.All(outcomes, outcome => Assert.Equal(IntakeOutcome.Queued, outcome));
        Assert.True(Directory.GetFiles(Folder, "*.jsonl").Length > 2, "the backlog spans segments");
        Assert.Equal(3, queuedAtFirst);
        Assert.Equal(200, pendingAtFirst);
        Assert.Equal(IntakeOutcome.Queued, joinedWhileWaiting);
        Assert.Equal(Enumerable.Range(1, 201).Select(id => id.ToString(CultureInfo.InvariantCulture)), moderated);
        Assert.Equal(0, intake.Pending);

        Assert.Equal(IntakeOutcome.Queued, intake.Accept(Event(202)));
        Assert.Equal("202", Take(queue).Message.MessageId); // straight to the queue again
        Assert.Contains(logs.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("wait in the inbox journal", StringComparison.Ordinal));
        Assert.Contains(logs.Entries, e => e.Message.Contains("caught up", StringComparison.Ordinal));
    }

    /// <summary>
    /// The folder deleted under the service while a flood waits in the journal: the backlog is
    /// still read back, every message in order, from the segments the journal writes back (the
    /// read of a segment that was gone stopped the worker, and with it the service).
    /// </summary>
    [Fact]
    public void A_backlog_whose_folder_is_deleted_is_still_read_back_in_order()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-12-02T08:00:00Z", CultureInfo.InvariantCulture));
        var options = Options.Create(new PipelineOptions { InboxPath = Folder, QueueCapacity = 3, InboxSegmentBytes = 64 * 1024 });
        using var journal = new InboxJournal(options, time);
        var queue = Channel.CreateUnbounded<QueuedMessage>();
        var intake = new EventIntake(new Deduplicator(), new AdapterHealth(time), journal, queue, options, NullLogger<EventIntake>.Instance, time);
        intake.Replay();
        var outcomes = Enumerable.Range(1, 200).Select(id => intake.Accept(Event(id, new string('广', 300)))).ToList();

        Directory.Delete(Folder, recursive: true);
        var moderated = new List<string>();
        do
        {
            while (queue.Reader.TryRead(out var queued))
            {
                moderated.Add(queued.Message.MessageId);
                journal.MarkProcessed(queued.Position);
            }
        }
        while (intake.Refill());

        Assert.All(outcomes, outcome => Assert.Equal(IntakeOutcome.Queued, outcome));
        Assert.Equal(Enumerable.Range(1, 200).Select(id => id.ToString(CultureInfo.InvariantCulture)), moderated);
    }

    /// <summary>Past GroupGuard:Pipeline:BacklogBytes the webhook answers 503 again, and the sender's retry is taken once there is room.</summary>
    [Fact]
    public void Past_the_backlog_bound_events_are_refused_and_taken_again_once_it_is_read()
    {
        var options = Options.Create(new PipelineOptions { InboxPath = Folder, QueueCapacity = 1, BacklogBytes = 1 });
        using var journal = new InboxJournal(options, TimeProvider.System);
        var queue = Channel.CreateUnbounded<QueuedMessage>();
        var intake = new EventIntake(new Deduplicator(), new AdapterHealth(TimeProvider.System), journal, queue, options, NullLogger<EventIntake>.Instance, TimeProvider.System);
        intake.Replay();

        var outcomes = Enumerable.Range(1, 4).Select(id => intake.Accept(Event(id))).ToList();
        var moderated = new List<string>();
        do
        {
            while (queue.Reader.TryRead(out var queued))
            {
                moderated.Add(queued.Message.MessageId);
            }
        }
        while (intake.Refill());
        var retried = intake.Accept(Event(3));

        // The queue takes one; the backlog takes messages while it holds less than its bound (one byte: one message).
        Assert.Equal([IntakeOutcome.Queued, IntakeOutcome.Queued, IntakeOutcome.QueueFull, IntakeOutcome.QueueFull], outcomes);
        Assert.Equal(["1", "2"], moderated);
        Assert.Equal(IntakeOutcome.Queued, retried);
    }

    /// <summary>
    /// A crash with a backlog loses nothing and does not put it all in memory at once: at the next
    /// start the queue takes what it holds, the rest is read back in turn, in order.
    /// </summary>
    [Fact]
    public void A_backlog_left_by_a_crash_is_replayed_in_order_a_queue_at_a_time()
    {
        var options = Options.Create(new PipelineOptions { InboxPath = Folder, QueueCapacity = 4 });
        using (var crashed = new InboxJournal(options, TimeProvider.System))
        {
            var before = new EventIntake(new Deduplicator(), new AdapterHealth(TimeProvider.System), crashed, Channel.CreateUnbounded<QueuedMessage>(), options, NullLogger<EventIntake>.Instance, TimeProvider.System);
            before.Replay();
            Assert.All(Enumerable.Range(1, 50), id => Assert.Equal(IntakeOutcome.Queued, before.Accept(Event(id))));
        }

        using var journal = new InboxJournal(options, TimeProvider.System);
        var queue = Channel.CreateUnbounded<QueuedMessage>();
        var intake = new EventIntake(new Deduplicator(), new AdapterHealth(TimeProvider.System), journal, queue, options, NullLogger<EventIntake>.Instance, TimeProvider.System);
        var replayed = intake.Replay();
        var queuedAtStart = queue.Reader.Count;
        var redelivered = intake.Accept(Event(50)); // the sender sends the last one again
        var moderated = new List<string>();
        do
        {
            while (queue.Reader.TryRead(out var queued))
            {
                moderated.Add(queued.Message.MessageId);
                journal.MarkProcessed(queued.Position);
            }
        }
        while (intake.Refill());

        Assert.Equal(50, replayed);
        Assert.Equal(4, queuedAtStart);
        Assert.Equal(IntakeOutcome.Duplicate, redelivered);
        Assert.Equal(Enumerable.Range(1, 50).Select(id => id.ToString(CultureInfo.InvariantCulture)), moderated);
    }

    /// <summary>
    /// Webhook threads taking messages while the worker moderates and refills: every message comes
    /// to the worker exactly once, and each sender's in the order it sent them.
    /// </summary>
    [Fact]
    public async Task Messages_taken_while_the_worker_refills_each_come_once_in_each_senders_order()
    {
        var options = Options.Create(new PipelineOptions { InboxPath = Folder, QueueCapacity = 16 });
        using var journal = new InboxJournal(options, TimeProvider.System);
        var queue = Channel.CreateUnbounded<QueuedMessage>();
        var intake = new EventIntake(new Deduplicator(), new AdapterHealth(TimeProvider.System), journal, queue, options, NullLogger<EventIntake>.Instance, TimeProvider.System);
        intake.Replay();
        const int Senders = 4, Each = 1500;
        var moderated = new List<string>();
        using var done = new CancellationTokenSource();
        var worker = Task.Run(async () =>
        {
            while (true)
            {
                while (queue.Reader.TryRead(out var queued))
                {
                    moderated.Add(queued.Message.MessageId);
                    journal.MarkProcessed(queued.Position);
                }

                if (!intake.Refill())
                {
                    if (done.IsCancellationRequested && intake.Pending == 0)
                    {
                        return;
                    }

                    await Task.Yield();
                }
            }
        });

        var senders = Enumerable.Range(0, Senders).Select(s => Task.Run(() =>
            Enumerable.Range(0, Each).Select(k => intake.Accept(Event((s * Each) + k + 1))).ToList())).ToList();
        var outcomes = (await Task.WhenAll(senders)).SelectMany(o => o).ToList();
        await done.CancelAsync();
        await worker.WaitAsync(TimeSpan.FromMinutes(2));

        Assert.All(outcomes, outcome => Assert.Equal(IntakeOutcome.Queued, outcome));
        Assert.Equal(Senders * Each, moderated.Count);
        Assert.Equal(Senders * Each, moderated.Distinct().Count());
        for (var s = 0; s < Senders; s++)
        {
            var mine = moderated.Select(id => int.Parse(id, CultureInfo.InvariantCulture)).Where(id => id > s * Each && id <= (s + 1) * Each).ToList();
            Assert.Equal(mine.Order(), mine);
        }
    }

    /// <summary>
    /// Events that come while the journal is still being replayed at start (a socket or stream that
    /// connected first) wait for it rather than be refused (a socket's refused event is lost), and
    /// join the backlog behind the replayed messages: each is moderated once, in order. A
    /// redelivery of a replayed message is still a duplicate.
    /// </summary>
    [Fact]
    public async Task Events_that_come_while_the_journal_replays_wait_and_are_moderated_once_after_the_replayed_ones()
    {
        var options = Options.Create(new PipelineOptions { InboxPath = Folder, QueueCapacity = 4 });
        using (var crashed = new InboxJournal(options, TimeProvider.System))
        {
            crashed.Open();
            foreach (var id in Enumerable.Range(1, 50))
            {
                crashed.Append(Event(id).Message!);
            }
        }

        // On a clock nobody moves: the wait for the open never times out here.
        var time = new FakeTimeProvider();
        using var journal = new InboxJournal(options, time);
        var queue = Channel.CreateUnbounded<QueuedMessage>();
        var intake = new EventIntake(new Deduplicator(), new AdapterHealth(time), journal, queue, options, NullLogger<EventIntake>.Instance, time);
        var early = new[] { Task.Run(() => intake.Accept(Event(51))), Task.Run(() => intake.Accept(Event(50))) };
        Assert.True(
            SpinWait.SpinUntil(() => intake.WaitingForJournal == 2 || early.Any(t => t.IsCompleted), Patience.Safety),
            "the events to wait for the journal");
        var waitedBeforeTheOpen = intake.WaitingForJournal;

        var replayed = intake.Replay();
        var outcomes = await Task.WhenAll(early).Within("the events that waited to be taken");
        var moderated = new List<string>();
        do
        {
            while (queue.Reader.TryRead(out var queued))
            {
                moderated.Add(queued.Message.MessageId);
                journal.MarkProcessed(queued.Position);
            }
        }
        while (intake.Refill());

        Assert.Equal(2, waitedBeforeTheOpen);
        Assert.Equal(50, replayed);
        Assert.Equal([IntakeOutcome.Queued, IntakeOutcome.Duplicate], outcomes);
        Assert.Equal(Enumerable.Range(1, 51).Select(id => id.ToString(CultureInfo.InvariantCulture)), moderated);
    }

    /// <summary>
    /// Once the worker has stopped taking (the service is stopping, the receivers not yet), an event
    /// is journaled and taken, and the next start moderates it; it was refused, after its line was
    /// written, and over a socket lost as far as the log said.
    /// </summary>
    [Fact]
    public void An_event_taken_after_the_worker_stopped_is_moderated_after_the_next_start()
    {
        var options = Options.Create(new PipelineOptions { InboxPath = Folder });
        IntakeOutcome outcome;
        using (var journal = new InboxJournal(options, TimeProvider.System))
        {
            var queue = Channel.CreateUnbounded<QueuedMessage>();
            var intake = new EventIntake(new Deduplicator(), new AdapterHealth(TimeProvider.System), journal, queue, options, NullLogger<EventIntake>.Instance, TimeProvider.System);
            intake.Replay();
            queue.Writer.TryComplete(); // ModerationWorker.StopAsync

            outcome = intake.Accept(Event(1));
        }

        using var next = new InboxJournal(options, TimeProvider.System);

        Assert.Equal(IntakeOutcome.Queued, outcome);
        Assert.Equal(["1"], next.Open().Select(q => q.Message.MessageId));
    }

    /// <summary>
    /// A closed journal refuses at once, whether it was open (the service is stopping) or never
    /// opened (the start failed): nobody waits for an open that will not come.
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task An_event_after_the_journal_closed_is_refused_without_waiting(bool wasOpen)
    {
        var options = Options.Create(new PipelineOptions { InboxPath = Folder });
        var time = new FakeTimeProvider(); // a wait would never end on it
        var journal = new InboxJournal(options, time);
        var intake = new EventIntake(new Deduplicator(), new AdapterHealth(time), journal, Channel.CreateUnbounded<QueuedMessage>(), options, NullLogger<EventIntake>.Instance, time);
        if (wasOpen)
        {
            intake.Replay();
        }

        journal.Dispose();
        var outcome = await Task.Run(() => intake.Accept(Event(1))).Within("the event to be refused");

        Assert.Equal(IntakeOutcome.JournalFailed, outcome);
    }

    private static QueuedMessage Take(Channel<QueuedMessage> queue) =>
        queue.Reader.TryRead(out var queued) ? queued : throw new InvalidOperationException("nothing was queued");

    private static InboundEvent Event(int id, string text = "加微信")
    {
        var message = Messages.Group(text, id: id.ToString(CultureInfo.InvariantCulture));
        return new InboundEvent(InboundEventKind.GroupMessage, message.Protocol, message.BotId, message, "message.group");
    }

    public void Dispose() => _temp.Dispose();
}
