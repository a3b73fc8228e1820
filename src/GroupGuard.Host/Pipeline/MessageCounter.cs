using GroupGuard.Core;
using GroupGuard.Core.Digests;
using GroupGuard.Storage;

namespace GroupGuard.Host.Pipeline;

/// <summary>
/// Messages checked per group and hour, so digests can say "3 incidents in 4,120 messages" (an
/// owner's or admin's command is answered, not checked, and not counted: <see cref="Moderator"/>). Exact:
/// each message is counted by its key (<see cref="IIncidentStore.CountMessagesAsync"/>), so a
/// redelivery, another instance's copy or a replay adds nothing; and the inbox journal's checkpoint
/// never passes a message whose count is not written (<see cref="InboxJournal.Counted"/>), so a
/// kill -9 loses none: what was not written is replayed at the next start. Keys are gathered in
/// memory and written in one batch every second, when the worker has caught up
/// (<see cref="SettlePacing{T}"/>), and at stop. While storage is down they are kept and tried
/// again; past <see cref="MaxPending"/> the worker waits, as it does for incidents. A key the
/// database refuses for what it holds (<see cref="StorageErrors.IsUncurable"/>) is given up on, and
/// the rest of its batch written: kept, it failed every batch after it, and the checkpoint never
/// moved again.
/// </summary>
internal sealed partial class MessageCounter : BackgroundService
{
    private static readonly TimeSpan FlushEvery = TimeSpan.FromSeconds(1);

    /// <summary>Message keys kept unwritten at most (a storage outage): then <see cref="CountAsync"/> waits for a write.</summary>
    internal const int MaxPending = 100_000;

    private readonly Lock _lock = new();
    // Never disposed: a host that fails to start disposes its services while this one's last flush
    // may still run, and a SemaphoreSlim whose wait handle is never asked for holds nothing to free.
    private readonly SemaphoreSlim _flushing = new(1, 1);
    private HashSet<CountedMessage> _pending = [];
    private TaskCompletionSource _room = NewRoom();
    private volatile bool _failing;
    private readonly IIncidentStore _store;
    private readonly TimeProvider _time;
    private readonly ILogger<MessageCounter> _logger;
    private readonly InboxJournal? _journal;
    private readonly PipelineStats? _stats;

    public MessageCounter(IIncidentStore store, TimeProvider time, ILogger<MessageCounter> logger, InboxJournal? journal = null, PipelineStats? stats = null)
    {
        _store = store;
        _time = time;
        _logger = logger;
        _journal = journal;
        _stats = stats;
        journal?.GateOnCounts();
    }

    /// <summary>Message keys not yet written (tests read it).</summary>
    internal int Pending
    {
        get
        {
            lock (_lock)
            {
                return _pending.Count;
            }
        }
    }

    /// <summary>
    /// Counts <paramref name="message"/> (once, however often it comes). Returns at once unless
    /// <see cref="MaxPending"/> keys are waiting for storage; then waits until they are written or
    /// <paramref name="stoppingToken"/> fires (the message is counted either way).
    /// </summary>
    public async ValueTask CountAsync(ChatMessage message, CancellationToken stoppingToken)
    {
        Task room;
        lock (_lock)
        {
            _pending.Add(new CountedMessage(message.Platform, message.BotId, message.GroupId, message.MessageId, message.Time));
            if (_pending.Count < MaxPending)
            {
                return;
            }

            room = _room.Task;
        }

        LogWaitingForStorage(MaxPending);
        try
        {
            await room.WaitAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: what is pending is written at stop, or replayed from the journal at start.
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(FlushEvery, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await FlushAsync();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: flushed below.
        }

        await FlushAsync();
    }

    /// <summary>
    /// Called when the worker has caught up: writes the counts now, so the checkpoint saved next
    /// covers everything moderated. While storage is failing it leaves them to the timer rather than
    /// hold up moderation with a write that is bound to fail.
    /// </summary>
    public Task SettleAsync() => _failing ? Task.CompletedTask : FlushAsync();

    /// <summary>Writes what is pending; on success the journal's checkpoint may pass every message counted so far.</summary>
    internal async Task FlushAsync()
    {
        await _flushing.WaitAsync();
        try
        {
            // Read before the batch is taken: every message at or before this position was counted
            // (the worker counts a message before it marks it processed), so it is in the batch.
            var through = _journal?.Processed;
            HashSet<CountedMessage> batch;
            lock (_lock)
            {
                batch = _pending;
                _pending = [];
            }

            if (batch.Count > 0)
            {
                try
                {
                    await WriteAsync([.. batch]);
                }
                catch (Exception ex)
                {
                    // Put them back: the next tick tries again, and the checkpoint waits meanwhile.
                    // What was written of them adds nothing then: each message is counted once.
                    lock (_lock)
                    {
                        _pending.UnionWith(batch);
                    }

                    _stats?.CountsFailed(ex.Message);
                    if (!_failing)
                    {
                        _failing = true;
                        LogFlushFailed(ex, batch.Count);
                    }

                    return;
                }
            }

            _stats?.CountsWritten();
            if (_failing)
            {
                _failing = false;
                LogFlushRecovered();
            }

            TaskCompletionSource room;
            lock (_lock)
            {
                room = _room;
                _room = NewRoom();
            }

            room.TrySetResult();
            if (through is { } position)
            {
                _journal!.Counted(position);
            }
        }
        finally
        {
            _flushing.Release();
        }
    }

    /// <summary>
    /// Writes <paramref name="keys"/>. Where the database refuses them for what they hold, they are
    /// written in halves down to the keys it refuses, each given up on (logged, counted): one
    /// refused key costs a few writes, not the counts of every message after it. Any other failure
    /// is thrown, for the whole batch to be tried again.
    /// </summary>
    private async Task WriteAsync(IReadOnlyList<CountedMessage> keys)
    {
        try
        {
            await _store.CountMessagesAsync(keys, CancellationToken.None);
        }
        catch (Exception ex) when (StorageErrors.IsUncurable(ex))
        {
            if (keys.Count == 1)
            {
                _stats?.Refused();
                LogKeyRefused(ex, DigestMarkup.OneLine(keys[0].Platform), DigestMarkup.OneLine(keys[0].GroupId), DigestMarkup.OneLine(keys[0].MessageId));
                return;
            }

            var half = keys.Count / 2;
            await WriteAsync([.. keys.Take(half)]);
            await WriteAsync([.. keys.Skip(half)]);
        }
    }

    private static TaskCompletionSource NewRoom() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Writing {Count} message counts failed; kept and tried again every second")]
    private partial void LogFlushFailed(Exception ex, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "The count of {Platform} group {GroupId} message {MessageId} cannot be stored: the database refused what it holds. It is given up on (counted on /healthz as records_refused) so that the other counts, and the inbox journal, go on")]
    private partial void LogKeyRefused(Exception ex, string platform, string groupId, string messageId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Writing message counts works again")]
    private partial void LogFlushRecovered();

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} message counts wait for storage; moderation waits until they are written")]
    private partial void LogWaitingForStorage(int count);
}
