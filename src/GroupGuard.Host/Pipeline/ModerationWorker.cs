using System.Threading.Channels;

namespace GroupGuard.Host.Pipeline;

/// <summary>
/// Takes messages off the queue one at a time and has the <see cref="Moderator"/> moderate each,
/// then marks it done in the inbox journal; with the queue empty, refills it from the backlog
/// that waited in the journal (<see cref="EventIntake.Refill"/>). On a graceful stop the queue is
/// drained first; what could not be stored, and the backlog, are left in the journal and
/// replayed at start.
/// </summary>
internal sealed partial class ModerationWorker(
    Channel<QueuedMessage> queue,
    InboxJournal journal,
    Moderator moderator,
    MessageCounter counter,
    ILogger<ModerationWorker> logger,
    TimeProvider time,
    PictureQueue? pictures = null,
    EventIntake? intake = null,
    PipelineStats? stats = null,
    StopReport? stopReport = null) : BackgroundService
{
    // Messages taken off the queue (for the stop's line: how many the drain moderated).
    private int _taken;

    // Cancelled only when the host gives up waiting for the stop (its shutdown timeout), not when
    // the stop begins: the queue is drained with storage still usable.
    private readonly CancellationTokenSource _drain = new();
    private readonly SettlePacing<QueuedMessage> _pacing = new(queue.Reader, time);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Read without the stopping token: StopAsync completes the writer, and the loop ends
        // once everything already accepted has been handled.
        await foreach (var queued in queue.Reader.ReadAllAsync(CancellationToken.None))
        {
            Interlocked.Increment(ref _taken);
            var moderated = await ModerateAsync(queued.Message);
            if (moderated.Outcome != ModerationOutcome.NotStored)
            {
                // The text is judged and stored: the pictures go to their own queue, never waited
                // for; those of its forwarded bundles after its own, as the text path read them.
                // A message whose record the database refuses is given up on whole: its pictures'
                // incidents would be refused alike.
                if (moderated.Outcome != ModerationOutcome.Unstorable)
                {
                    OfferPictures(queued.Message, moderated.ForwardedPictures);
                }

                journal.MarkProcessed(queued.Position);

                // The queue moderated: the messages that waited in the journal meanwhile (a flood
                // past the queue's capacity) come next, in order.
                if (queue.Reader.Count == 0 && intake?.Refill() == true)
                {
                    continue;
                }

                // Caught up: write the counts and save the checkpoint now rather than at the next
                // message, which may be hours away; otherwise a crash meanwhile would moderate the
                // tail again. The moderated segments go too, and the chat text in them. Unless the
                // next message is already coming (SettlePacing).
                if (queue.Reader.Count == 0 && !await _pacing.MoreSoonAsync())
                {
                    await SettleAsync();
                }
            }
        }

        await SettleAsync();
    }

    /// <summary>
    /// One message, whatever goes wrong with it: a failure nobody foresaw (a defect of ours) costs
    /// this message its moderation, never the service. It is logged with the message's ids (not its
    /// text), counted as a failure, and passed, so that it does not stop the worker, and the host
    /// with it, nor come back at every start.
    /// </summary>
    private async Task<Moderated> ModerateAsync(Core.ChatMessage message)
    {
        try
        {
            return await moderator.ModerateAsync(message, _drain.Token);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogModerationFailed(ex, message.Protocol, message.GroupId, message.MessageId);
            stats?.Failed();
            return Moderated.Of(ModerationOutcome.DetectionFailed);
        }
    }

    /// <summary>
    /// As <see cref="ModerateAsync"/>: a failure nobody foresaw costs this message its pictures,
    /// never the service; outside the guard, it stopped the host, and at every start after, since
    /// the message was not yet marked in the journal.
    /// </summary>
    private void OfferPictures(Core.ChatMessage message, IReadOnlyList<ForwardedPicture> forwarded)
    {
        JournalHold? hold = null;
        try
        {
            if (pictures is null || !pictures.Wants(message, forwarded))
            {
                return;
            }

            // Taken before the message is marked: the checkpoint stays before it until its
            // pictures are read, so a stop or a crash meanwhile reads them again after the next
            // start (a replay opens its forwarded bundles again).
            hold = journal.Hold();
            if (!pictures.Offer(message, forwarded, hold))
            {
                hold.Dispose();
            }
        }
        catch (Exception ex)
        {
            hold?.Dispose();
            LogPicturesFailed(ex, message.Protocol, message.GroupId, message.MessageId);
        }
    }

    private async Task SettleAsync()
    {
        await counter.SettleAsync();
        journal.Release();
        _pacing.Settled();
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        var began = time.GetTimestamp();
        var takenBefore = Volatile.Read(ref _taken);
        queue.Writer.TryComplete();
        var pending = queue.Reader.Count;
        if (pending > 0)
        {
            LogDraining(pending);
        }

        using (cancellationToken.Register(static drain => ((CancellationTokenSource)drain!).Cancel(), _drain))
        {
            await base.StopAsync(cancellationToken);
        }

        // Said once the journal is closed, with what it still holds (InboxStartup, the last to stop).
        stopReport?.Drained(Volatile.Read(ref _taken) - takenBefore, time.GetElapsedTime(began));
    }

    public override void Dispose()
    {
        _drain.Dispose();
        base.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Moderating {Protocol} group {GroupId} message {MessageId} failed unexpectedly; the message is passed and moderation goes on")]
    private partial void LogModerationFailed(Exception ex, Core.Protocol protocol, string groupId, string messageId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Offering the pictures of {Protocol} group {GroupId} message {MessageId} failed unexpectedly; they are not read and moderation goes on")]
    private partial void LogPicturesFailed(Exception ex, Core.Protocol protocol, string groupId, string messageId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Draining {Pending} queued messages before stopping")]
    private partial void LogDraining(int pending);
}
