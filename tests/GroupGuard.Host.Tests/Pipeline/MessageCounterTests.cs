using GroupGuard.Core;
using GroupGuard.Host.Pipeline;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace GroupGuard.Host.Tests.Pipeline;

/// <summary>
/// Message counts stay exact when the process dies: the journal's checkpoint waits for the counts,
/// so what was not written comes back at the next start, and what was written (counted by message)
/// adds nothing when it comes back. The worker's part is played by hand: count, then mark processed.
/// </summary>
public sealed class MessageCounterTests : IDisposable
{
    private readonly TempFolder _temp = new();
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-11-26T08:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    private readonly CountingStore _store = new();
    private readonly PipelineStats _stats = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Counts_not_yet_written_when_the_process_dies_are_counted_after_the_restart()
    {
        var (journal, counter, _) = Start();
        await ModerateAsync(journal, counter, 1, 2, 3);
        await counter.FlushAsync();
        await ModerateAsync(journal, counter, 4, 5);
        journal.Release(); // a checkpoint before 4 and 5 are written: before it waited for counts, it let them go uncounted
        journal.Dispose(); // kill -9: 4 and 5 are counted in memory only

        var (restarted, again, replayed) = Start();
        Assert.Equal(["4", "5"], replayed.Select(q => q.Message.MessageId));
        await ModerateAsync(restarted, again, [.. replayed]);
        await again.FlushAsync();

        Assert.Equal(5, _store.Total);
    }

    [Fact]
    public async Task Counts_written_just_before_the_process_dies_are_not_counted_again_by_the_replay()
    {
        var (journal, counter, _) = Start();
        foreach (var n in new[] { 1, 2, 3 })
        {
            journal.Append(Message(n));
            await counter.CountAsync(Message(n), CancellationToken.None);
        }

        await counter.FlushAsync(); // written, but none was marked processed yet
        journal.Dispose();

        var (restarted, again, replayed) = Start();
        Assert.Equal(3, replayed.Count);
        await ModerateAsync(restarted, again, [.. replayed]);
        await again.FlushAsync();

        Assert.Equal(3, _store.Total);
    }

    [Fact]
    public async Task While_storage_is_down_the_counts_wait_and_so_does_the_checkpoint()
    {
        var (journal, counter, _) = Start();
        _store.Failing = true;
        await ModerateAsync(journal, counter, 1, 2);
        await counter.FlushAsync();
        journal.Release();

        Assert.Equal(2, counter.Pending);
        Assert.Equal(2, Reopened().Count); // a crash now replays them

        _store.Failing = false;
        await counter.FlushAsync();

        Assert.Equal(0, counter.Pending);
        Assert.Equal(2, _store.Total);
        Assert.Empty(Reopened());
    }

    /// <summary>
    /// A message whose key PostgreSQL refuses (a NUL in its platform, SQLSTATE 22021) failed its whole
    /// batch: put back every second, it failed every batch after it, and the journal's checkpoint
    /// never moved again. That key is given up on (counted), the others are written, the checkpoint moves.
    /// </summary>
    [Fact]
    public async Task A_key_the_database_refuses_is_given_up_and_the_rest_are_counted_and_the_checkpoint_moves()
    {
        var (journal, counter, _) = Start();
        _store.Refused = "3";
        await ModerateAsync(journal, counter, 1, 2, 3, 4, 5);
        await counter.FlushAsync();
        journal.Release();

        Assert.Equal(0, counter.Pending);
        Assert.Equal(4, _store.Total);
        Assert.Equal(1, _stats.RefusedCount);
        Assert.Empty(Reopened());

        await ModerateAsync(journal, counter, 6);
        await counter.FlushAsync();
        Assert.Equal(5, _store.Total);
    }

    /// <summary>Counts that keep failing show on /healthz as storage failing; written again, they no longer do.</summary>
    [Fact]
    public async Task Counts_failing_three_times_in_a_row_show_as_storage_failing()
    {
        var (journal, counter, _) = Start();
        _store.Failing = true;
        await ModerateAsync(journal, counter, 1);
        await counter.FlushAsync();
        await counter.FlushAsync();
        Assert.False(_stats.StorageFailing);
        await counter.FlushAsync();
        Assert.True(_stats.StorageFailing);

        _store.Failing = false;
        await counter.FlushAsync();
        Assert.False(_stats.StorageFailing);
        Assert.Equal(0, _stats.RefusedCount);
    }

    [Fact]
    public async Task A_redelivery_counts_once()
    {
        var (journal, counter, _) = Start();
        await ModerateAsync(journal, counter, 1, 2);
        await counter.FlushAsync();
        await ModerateAsync(journal, counter, 2, 3, 3);
        await counter.FlushAsync();

        Assert.Equal(3, _store.Total);
    }

    [Fact]
    public async Task Past_the_pending_limit_counting_waits_until_storage_takes_the_counts()
    {
        var (_, counter, _) = Start();
        _store.Failing = true;
        for (var n = 1; n < MessageCounter.MaxPending; n++)
        {
            Assert.True(counter.CountAsync(Message(n), CancellationToken.None).IsCompleted);
        }

        var waiting = counter.CountAsync(Message(MessageCounter.MaxPending), CancellationToken.None).AsTask();
        await counter.FlushAsync();
        Assert.False(waiting.IsCompleted); // the write failed: still waiting

        _store.Failing = false;
        await counter.FlushAsync();
        await waiting;

        Assert.Equal(MessageCounter.MaxPending, _store.Total);
    }

    [Fact]
    public async Task Stopping_ends_the_wait_and_the_message_is_still_counted()
    {
        var (_, counter, _) = Start();
        _store.Failing = true;
        for (var n = 1; n < MessageCounter.MaxPending; n++)
        {
            await counter.CountAsync(Message(n), CancellationToken.None);
        }

        using var stopping = new CancellationTokenSource();
        var waiting = counter.CountAsync(Message(MessageCounter.MaxPending), stopping.Token).AsTask();
        await stopping.CancelAsync();
        await waiting;

        Assert.Equal(MessageCounter.MaxPending, counter.Pending);
    }

    /// <summary>A start of the service: the counter made with the journal, then the journal opened (what it returns is replayed).</summary>
    private (InboxJournal Journal, MessageCounter Counter, IReadOnlyList<QueuedMessage> Replayed) Start()
    {
        var journal = new InboxJournal(Options.Create(new PipelineOptions { InboxPath = _temp.File("inbox") }), _time);
        var counter = new MessageCounter(_store, _time, NullLogger<MessageCounter>.Instance, journal, _stats);
        return (journal, counter, journal.Open());
    }

    /// <summary>What the next start would replay after a crash now: a journal over a copy of the inbox (the running one holds the folder).</summary>
    private IReadOnlyList<QueuedMessage> Reopened()
    {
        var copy = InboxJournalTests.CopyOfFolder(_temp.File("inbox"), _temp.Folder($"crash-{Guid.NewGuid():N}"));
        using var journal = new InboxJournal(Options.Create(new PipelineOptions { InboxPath = copy }), _time);
        return journal.Open();
    }

    private static async Task ModerateAsync(InboxJournal journal, MessageCounter counter, params int[] numbers)
    {
        foreach (var n in numbers)
        {
            var position = journal.Append(Message(n));
            await counter.CountAsync(Message(n), CancellationToken.None);
            journal.MarkProcessed(position);
        }
    }

    private static async Task ModerateAsync(InboxJournal journal, MessageCounter counter, params QueuedMessage[] queued)
    {
        foreach (var q in queued)
        {
            await counter.CountAsync(q.Message, CancellationToken.None);
            journal.MarkProcessed(q.Position);
        }
    }

    private static ChatMessage Message(int n) => Messages.Group(
        "今天几点放学",
        id: n.ToString(System.Globalization.CultureInfo.InvariantCulture),
        group: "100",
        time: DateTimeOffset.FromUnixTimeSeconds(1_764_150_000 + n));

    /// <summary>The store's counting contract in memory (each key once), and a switch that makes it fail.</summary>
    private sealed class CountingStore : UnusedIncidentStore
    {
        private readonly HashSet<CountedMessage> _keys = [];

        public bool Failing { get; set; }

        /// <summary>A message id whose key the store refuses as PostgreSQL refuses a NUL in text, failing the whole batch.</summary>
        public string? Refused { get; set; }

        public long Total { get; private set; }

        public override Task<int> CountMessagesAsync(IReadOnlyList<CountedMessage> messages, CancellationToken cancellationToken)
        {
            if (Failing)
            {
                throw new InvalidOperationException("storage is down");
            }

            if (messages.Any(m => m.MessageId == Refused))
            {
                throw new Npgsql.PostgresException("invalid byte sequence for encoding \"UTF8\": 0x00", "ERROR", "ERROR", Npgsql.PostgresErrorCodes.CharacterNotInRepertoire);
            }

            var added = messages.Count(_keys.Add);
            Total += added;
            return Task.FromResult(added);
        }
    }
}
