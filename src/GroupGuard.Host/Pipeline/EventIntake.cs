using System.Threading.Channels;
using GroupGuard.Core;
using Microsoft.Extensions.Options;

namespace GroupGuard.Host.Pipeline;

internal enum IntakeOutcome
{
    Accepted,
    Queued,
    Duplicate,
    QueueFull,

    /// <summary>The inbox journal could not be written (a full disk): not taken, the sender must retry.</summary>
    JournalFailed,
}

/// <summary>
/// Where a verified, parsed event enters the service: the adapter's last-seen time, de-duplication,
/// the inbox journal and the bounded queue to the moderation worker. It never waits on storage or
/// the platform: the webhook answers as soon as the message is journaled.
/// <para>
/// When the queue is full (a flood moderation cannot keep up with), messages go on being taken:
/// they wait in the journal, which holds every one of them anyway, up to
/// <see cref="PipelineOptions.BacklogBytes"/>, and the worker reads them back in order once it has
/// moderated the queue (<see cref="Refill"/>). Until the backlog is read, every new message joins
/// it, so none overtakes another. Past the bound the webhook answers 503. A socket has no
/// redelivery, so refusing there loses the event: the backlog is what keeps a raid's adverts from
/// being lost exactly when they come fastest.
/// </para>
/// </summary>
internal sealed partial class EventIntake(
    Deduplicator deduplicator,
    AdapterHealth health,
    InboxJournal journal,
    Channel<QueuedMessage> queue,
    IOptions<PipelineOptions> options,
    ILogger<EventIntake> logger,
    TimeProvider time,
    Core.Members.IJoinTimes? joinTimes = null,
    Telemetry.GroupGuardMetrics? metrics = null) : IEventSink
{
    private readonly int _capacity = options.Value.QueueCapacity;
    private readonly long _backlogBytes = options.Value.BacklogBytes;
    private readonly Lock _lock = new();

    // The backlog (under _lock), on while there is a reader: every new message is appended to the
    // journal only and counted here; the reader, at the last message handed to the queue, reads
    // them back in order.
    private JournalReader? _reader;
    private int _waiting;
    private long _waitingBytes;
    private int _backlogPeak;
    private readonly Lock _refillLock = new();

    // A full queue refuses every request past it, thousands a second under a flood: a line per
    // refusal cost more than the refusal itself and buried every other line.
    private readonly LogThrottle _refusals = new(time);

    // Every message is ahead while this machine's clock is behind: a line now and then says so.
    private readonly LogThrottle _aheadLines = new(time);

    private long _copies;

    /// <summary>Group messages not moderated because another of the operator's bots delivered the same one first.</summary>
    public long Copies => Interlocked.Read(ref _copies);

    public IntakeOutcome Accept(InboundEvent inbound)
    {
        if (health.Seen(inbound.Protocol, inbound.BotId, inbound.Message?.Time) is { } ahead && _aheadLines.Occurred("ahead") is > 0 and var count)
        {
            LogAhead(WireNames<Protocol>.ToText(inbound.Protocol), inbound.BotId ?? "", (long)ahead.TotalMinutes, count);
        }

        if (inbound.Joined is { } joined)
        {
            // Noted at once, ahead of the queue: the newcomer's first message comes after it.
            joinTimes?.Joined(joined.Platform, joined.GroupId, joined.UserId, joined.At);
        }

        if (inbound.Kind is not (InboundEventKind.GroupMessage or InboundEventKind.JoinRequest) || inbound.Message is null)
        {
            return IntakeOutcome.Accepted;
        }

        if (!journal.TakesAppends)
        {
            // Before the journal is open (its replay at start can take seconds): a receiver that
            // started ahead of it waits rather than be refused, since a socket's refused event is
            // lost. Before the key is noted, so that a redelivery of a message the replay has not
            // reached yet is still told for one.
            WaitForJournal();
        }

        var key = inbound.Message.DedupeKey;
        if (!deduplicator.TryAdd(key))
        {
            return IntakeOutcome.Duplicate;
        }

        // The same group message heard by another of the operator's bots: moderated once, by the
        // first copy (else each bot would recall, warn and answer commands alike).
        var copy = inbound.Message.CopyKey;
        if (copy is not null && !deduplicator.TryAdd(copy))
        {
            deduplicator.Forget(key);
            Interlocked.Increment(ref _copies);
            return IntakeOutcome.Duplicate;
        }

        var outcome = IntakeOutcome.QueueFull;
        lock (_lock)
        {
            try
            {
                // Only the worker takes from the queue, so a count under the limit here stays under it.
                if (_reader is null && queue.Reader.Count < _capacity)
                {
                    var position = journal.Append(inbound.Message);

                    // The queue refuses only once the worker has stopped taking (the service is
                    // stopping): the message is journaled all the same and moderated after the next
                    // start, so it is taken, not refused (a socket's refused event is lost).
                    queue.Writer.TryWrite(new QueuedMessage(inbound.Message, position));
                    metrics?.Received(inbound.Protocol);
                    return IntakeOutcome.Queued;
                }
                else if (_waitingBytes < _backlogBytes)
                {
                    // Read back from just past the last message the queue was given.
                    var from = _reader is null ? journal.End : default;
                    journal.Append(inbound.Message, out var bytes);
                    if (_reader is null)
                    {
                        _reader = journal.ReaderFrom(from);
                        _backlogPeak = 0;
                        ReportBacklog(inbound.Protocol);
                    }

                    _waiting++;
                    _backlogPeak = Math.Max(_backlogPeak, _waiting);
                    _waitingBytes += bytes;
                    metrics?.Received(inbound.Protocol);
                    return IntakeOutcome.Queued;
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidOperationException)
            {
                // Every request fails alike while the disk is full: said once, then counted.
                if (_refusals.Occurred("journal") is > 0 and var failed)
                {
                    LogJournalFailed(journal.Folder, ex.Message, failed);
                }

                outcome = IntakeOutcome.JournalFailed;
            }
        }

        // Not taken: forget it, so the sender's retry (or another bot's copy) is not mistaken for a duplicate.
        deduplicator.Forget(key);
        if (copy is not null)
        {
            deduplicator.Forget(copy);
        }

        if (outcome == IntakeOutcome.QueueFull)
        {
            ReportRefusal(inbound.Protocol);
        }

        return outcome;
    }

    private void ReportRefusal(Protocol protocol)
    {
        if (_refusals.Occurred("queue full") is > 0 and var refused)
        {
            LogQueueFull(protocol, _capacity, refused);
        }
    }

    EventAcceptance IEventSink.Accept(InboundEvent inbound) => Accept(inbound) switch
    {
        IntakeOutcome.Duplicate => EventAcceptance.Duplicate,
        IntakeOutcome.QueueFull or IntakeOutcome.JournalFailed => EventAcceptance.RetryLater,
        _ => EventAcceptance.Accepted,
    };

    /// <summary>
    /// Opens the journal and puts back what it holds from before a crash, ahead of new traffic:
    /// as much as the queue takes, the rest as a backlog read in turn. Returns how many;
    /// <paramref name="replaying"/> is told the count before the worker can take the first.
    /// </summary>
    public int Replay(Action<int>? replaying = null)
    {
        // Their keys are remembered, so a sender's redelivery of one is a duplicate.
        var (count, bytes) = journal.OpenForReplay(queued =>
        {
            deduplicator.TryAdd(queued.Message.DedupeKey);
            if (queued.Message.CopyKey is { } copy)
            {
                deduplicator.TryAdd(copy);
            }
        });
        lock (_lock)
        {
            if (count > 0)
            {
                _reader = journal.ReaderFrom(journal.Processed);
                _waiting = count;
                _backlogPeak = count;
                _waitingBytes = bytes;
            }

            // Appends are let in only now, under the lock every message is taken under: one that
            // comes from here on (or waited for the open) finds the reader set and joins the
            // backlog behind the replayed messages. Let in before it, it went to the queue ahead of
            // them and was read again by the reader: moderated twice, and the checkpoint moved
            // past the replayed messages, whose segments it then deleted.
            journal.BeginAppends();
        }

        if (count == 0)
        {
            return 0;
        }

        // Said before the worker is handed them: it may catch up (and say so) at once.
        replaying?.Invoke(count);
        Refill();
        return count;
    }

    /// <summary>How long a message that comes before the journal is open waits for it before it is refused.</summary>
    internal static readonly TimeSpan JournalOpenWait = TimeSpan.FromSeconds(30);

    private int _waitingForJournal;

    /// <summary>Messages waiting for the journal to open (<see cref="JournalOpenWait"/>).</summary>
    internal int WaitingForJournal => Volatile.Read(ref _waitingForJournal);

    private void WaitForJournal()
    {
        Interlocked.Increment(ref _waitingForJournal);
        try
        {
            journal.WaitForAppends(JournalOpenWait);
        }
        finally
        {
            Interlocked.Decrement(ref _waitingForJournal);
        }
    }

    /// <summary>
    /// Called by the worker when the queue is empty: moves the next messages of the backlog into
    /// the queue, oldest first. False when none waited (the backlog is over and new messages go
    /// straight to the queue again) or the queue takes no more (stopping: the journal keeps them).
    /// </summary>
    public bool Refill()
    {
        lock (_refillLock)
        {
            var batch = new List<QueuedMessage>();
            while (true)
            {
                JournalPosition end;
                JournalReader reader;
                lock (_lock)
                {
                    if (_reader is null)
                    {
                        return false;
                    }

                    (end, reader) = (journal.End, _reader);
                }

                // Read outside the lock: the webhooks go on appending meanwhile.
                batch.Clear();
                var from = reader.Position;
                var bytes = reader.Read(end, Math.Min(_capacity, MaxRefill), batch);
                lock (_lock)
                {
                    if (reader.Position == from && from.CompareTo(end) < 0)
                    {
                        // A segment gone with its folder, deleted under the service: the journal
                        // writes it back from the file it holds open, and the backlog is read on.
                        if (journal.CheckFiles())
                        {
                            continue;
                        }

                        // The journal cannot be read on from here (a segment gone, a line past any
                        // bound): said, and the reader moves to the end rather than the worker spinning.
                        LogBacklogUnreadable(journal.Folder, from.Segment, from.Offset, end.Segment, end.Offset);
                        _reader = reader = journal.ReaderFrom(end);
                    }

                    var moved = 0;
                    foreach (var queued in batch)
                    {
                        if (!queue.Writer.TryWrite(queued))
                        {
                            return false; // stopping: the rest stays in the journal for the next start
                        }

                        moved++;
                    }

                    _waiting = Math.Max(0, _waiting - moved);
                    _waitingBytes = Math.Max(0, _waitingBytes - bytes);
                    // Every append happens under the lock, and while the backlog is on each joins it:
                    // a reader at the journal's end has read all of it.
                    if (reader.Position.CompareTo(journal.End) >= 0)
                    {
                        // From the next message on, the queue again.
                        _reader = null;
                        LogBacklogRead(_backlogPeak);
                        (_waiting, _waitingBytes) = (0, 0);
                        return moved > 0;
                    }

                    if (moved > 0)
                    {
                        return true;
                    }
                }

                // Nothing read, but messages joined the backlog after the end taken: read again.
            }
        }
    }

    /// <summary>Messages waiting for moderation: in the queue, and in the backlog.</summary>
    public int Pending
    {
        get
        {
            lock (_lock)
            {
                return queue.Reader.Count + _waiting;
            }
        }
    }

    /// <summary>Messages of the backlog not yet read back into the queue.</summary>
    public int Backlog
    {
        get
        {
            lock (_lock)
            {
                return _waiting;
            }
        }
    }

    /// <summary>Messages one refill moves into the queue at most: a read of the journal between messages stays short.</summary>
    internal const int MaxRefill = 4096;

    private void ReportBacklog(Protocol protocol)
    {
        if (_refusals.Occurred("backlog") is > 0 and var times)
        {
            LogBacklogStarted(protocol, _capacity, journal.Folder, times);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Moderation queue full ({Capacity} messages waiting, the latest over {Protocol}): new messages wait in the inbox journal ({Folder}) until moderation catches up ({Times} time(s) since the last report). Moderation is slower than the traffic")]
    private partial void LogBacklogStarted(Protocol protocol, int capacity, string folder, long times);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Messages arrive ahead of this machine's clock: the latest, over {Protocol} from bot {BotId}, {Minutes} minute(s) ahead ({Count} since the last report). This clock is behind (or set to local time as UTC): set it right (NTP); they are moderated all the same")]
    private partial void LogAhead(string protocol, string botId, long minutes, long count);

    [LoggerMessage(Level = LogLevel.Error, Message = "The backlog in the inbox journal ({Folder}) cannot be read on from segment {Segment} offset {Offset}; the messages up to segment {EndSegment} offset {EndOffset} are skipped")]
    private partial void LogBacklogUnreadable(string folder, long segment, long offset, long endSegment, long endOffset);

    [LoggerMessage(Level = LogLevel.Information, Message = "Moderation caught up with the inbox journal: at most {Peak} messages had waited there")]
    private partial void LogBacklogRead(int peak);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not write the inbox journal in {Folder}: {Error}. {Refused} event(s) refused with 503 since the last report, so that their senders retry (a socket's are lost)")]
    private partial void LogJournalFailed(string folder, string error, long refused);

    [LoggerMessage(Level = LogLevel.Error,
        Message = "Moderation queue full ({Capacity} messages waiting) and the backlog in the inbox journal at its bound (GroupGuard:Pipeline:BacklogBytes): {Refused} event(s) refused with 503 since the last report, the latest over {Protocol}. Moderation is slower than the traffic")]
    private partial void LogQueueFull(Protocol protocol, int capacity, long refused);
}
