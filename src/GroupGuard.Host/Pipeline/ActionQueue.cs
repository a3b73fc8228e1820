using System.Collections.Concurrent;
using System.Threading.Channels;
using GroupGuard.Core;
using GroupGuard.Core.Moderation;

namespace GroupGuard.Host.Pipeline;

/// <summary>The platform actions decided for one message, and the incidents whose status they settle.</summary>
/// <param name="Degraded">Why part of the decision could not be carried out on this platform (it was replaced by a warning), or null.</param>
internal sealed record ActionJob(IReadOnlyList<long> IncidentIds, IReadOnlyList<PlatformAction> Actions, string? Degraded = null)
{
    /// <summary>
    /// The recalls of a member's other messages that follow an action done (<see cref="KickAndClear"/>):
    /// a kicked member's recent messages, or the earlier pieces of a message sent in pieces. Counted on
    /// the incidents, never their outcome.
    /// </summary>
    public bool Clears { get; init; }

    /// <summary>The message ids of the earlier pieces of a message sent in pieces: recalled once its recall is done.</summary>
    public IReadOnlyList<string> Pieces { get; init; } = [];

    /// <summary>
    /// For a job queued again after a restart whose recall, mute and kick were carried out before it
    /// (<see cref="Incident.ActsOutcome"/>; its <see cref="Actions"/> are the warning left): what came
    /// of them. Its outcome counts them as the platform answered then.
    /// </summary>
    public ActionResult? Acted { get; init; }
}

/// <summary>
/// The bounded queue between moderation and the platform: moderation never waits for the
/// platform; when the queue is full the incidents are marked failed at once rather than blocking.
/// </summary>
internal sealed class ActionQueue
{
    public const int Capacity = 10_000;

    private readonly Channel<ActionJob> _channel = Channel.CreateBounded<ActionJob>(new BoundedChannelOptions(Capacity)
    {
        FullMode = BoundedChannelFullMode.Wait,
        SingleReader = false,
    });

    public ChannelReader<ActionJob> Reader => _channel.Reader;

    public int Pending => _channel.Reader.Count;

    public bool TryEnqueue(ActionJob job) => _channel.Writer.TryWrite(job);

    public void Complete() => _channel.Writer.TryComplete();
}

/// <summary>
/// Carries out queued actions, several at once (one member's mutes and kicks in turn), and records
/// each outcome on its incidents, and which incidents each warning sent was about (so a reply to
/// it can name them). A job's recall, mute and kick are carried out at once, in its slot; its
/// warning is handed off after them and its outcome recorded when it has gone out, so a warning
/// waiting for others to its group (OneBot's coalescing window) holds neither a slot nor the
/// member's turn. Before the hand-off the incidents record that the rest was carried out
/// (<see cref="IPendingActions.RecordActsAsync"/>): a stop during the wait leaves them pending
/// with only the warning to send at the next start.
/// </summary>
internal sealed partial class ActionWorker(
    ActionQueue queue,
    IPlatformActions platform,
    IIncidentStore store,
    PipelineStats stats,
    TimeProvider time,
    ILogger<ActionWorker> logger,
    ISentWarnings? warnings = null,
    KickAndClear? clear = null,
    Core.Members.IUserBlocks? blocks = null,
    Microsoft.Extensions.Options.IOptionsMonitor<Core.Members.JoinOptions>? joinOptions = null,
    Telemetry.GroupGuardMetrics? metrics = null,
    DryRunSwitches? dryRunSwitches = null,
    ModerationSettings? settings = null,
    IPendingActions? pendingActions = null,
    InstanceIdentity? instance = null) : BackgroundService
{
    /// <summary>
    /// Jobs run side by side, up to this many at once: one slow to answer must not hold back the
    /// recalls behind it. The client's per-bot rate limit paces the calls.
    /// </summary>
    private const int Concurrency = 8;

    /// <summary>
    /// The most warnings handed off and not yet gone out (each a job whose outcome waits for it):
    /// as many as the queue holds. Past it a warning is not sent, its incidents say so, and the log
    /// says how many.
    /// </summary>
    public const int MaxWarningsWaiting = ActionQueue.Capacity;

    // Per member, the last job that mutes or kicks them, still running or waiting to: the next such
    // job waits for it (RunInTurnAsync).
    private readonly Dictionary<(string Platform, string Group, string User), Task> _memberTails = [];
    private readonly Lock _tailsLock = new();

    // The jobs whose warnings were handed off, until their outcomes are recorded: awaited at a stop.
    // Of those, how many warnings have not gone out yet: counted against the limit.
    private readonly ConcurrentDictionary<long, Task> _handedOff = new();
    private readonly LogThrottle _dropLines = new(time);

    // A bot that is not admin of a group fails every action there alike: one line for the first,
    // and the same failures again (same group, action and reason) counted into the next line.
    private readonly LogThrottle _failureLines = new(time, (where, count) => LogFailuresUntold(logger, count, where));
    private long _handOffs;
    private int _warningsWaiting;

    /// <summary>The most warnings waiting at once (<see cref="MaxWarningsWaiting"/>; tests set fewer).</summary>
    internal int WarningsWaitingLimit { get; init; } = MaxWarningsWaiting;

    /// <summary>How many warnings are handed off and not gone out yet.</summary>
    internal int WarningsWaiting => Volatile.Read(ref _warningsWaiting);

    // Stopping: what is still queued, or cut off mid-job, stays pending on its incidents; so do the
    // jobs whose warnings had not gone out (their waits end with the stop), their other acts
    // recorded as carried out.
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await SideBySide.RunAsync(queue.Reader, Concurrency, RunInTurnAsync, (job, ex) => LogJobFailed(ex, string.Join(",", job.IncidentIds)), stoppingToken);
        await Task.WhenAll(_handedOff.Values);
    }

    /// <summary>
    /// Runs a job side by side with others, except that a job muting or kicking a member waits for
    /// the one before it on the same member, in queue order: a repeat offender's escalated 10-minute
    /// mute must not reach the platform before the 5-minute one of their previous message, which
    /// would then be the one in force. Jobs start in queue order, so each takes its place in its
    /// member's line before anything is awaited. The turn ends once the job's mute or kick is
    /// done, not when its warning has gone out.
    /// </summary>
    internal async Task RunInTurnAsync(ActionJob job, CancellationToken cancellationToken)
    {
        if (job.Actions.FirstOrDefault(a => a.Action is Core.ModerationAction.Mute or Core.ModerationAction.Kick) is not { } act)
        {
            await RunAsync(job, cancellationToken);
            return;
        }

        var member = (act.Platform, act.GroupId, act.UserId);
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Task before;
        lock (_tailsLock)
        {
            before = _memberTails.GetValueOrDefault(member) ?? Task.CompletedTask;
            _memberTails[member] = done.Task;
        }

        try
        {
            await before.WaitAsync(cancellationToken);
            await RunAsync(job, cancellationToken);
        }
        finally
        {
            done.TrySetResult();
            lock (_tailsLock)
            {
                if (_memberTails.TryGetValue(member, out var tail) && tail == done.Task)
                {
                    _memberTails.Remove(member);
                }
            }
        }
    }

    /// <summary>
    /// Carries out the job's recall, mute and kick in order and what follows from them (the clear
    /// after a kick, the block list), then hands its warning off (<see cref="HandOffAsync"/>) and
    /// returns: the outcome is recorded once the warning has gone out. Unless, by the time its turn
    /// comes, the job is no longer wanted (<see cref="CalledOffAsync"/>): then nothing is called,
    /// and the outcome says why, or for a job whose acts were carried out before a restart
    /// (<see cref="ActionJob.Acted"/>) what became of them.
    /// </summary>
    internal async Task RunAsync(ActionJob job, CancellationToken cancellationToken)
    {
        if (!job.Clears && await CalledOffAsync(job, cancellationToken) is { } calledOff)
        {
            if (ReferenceEquals(calledOff, NotThisInstances))
            {
                // Another instance took it over (or has its outcome): its outcome is that one's to record.
            }
            else if (job.Acted is null)
            {
                await RecordOutcomeAsync(job, calledOff);
            }
            else
            {
                await FinishAsync(job, []);
            }

            return;
        }

        var results = new List<(PlatformAction Action, ActionResult Result)>();
        foreach (var action in job.Actions.Where(a => a.Action != Core.ModerationAction.Warn))
        {
            results.Add((action, await CarryOutAsync(action, cancellationToken)));
        }

        if (job.Clears)
        {
            await (clear?.RecordAsync(job, results) ?? Task.CompletedTask);
            return;
        }

        // A kick done takes the member's recent messages with it, queued behind it.
        if (clear?.After(job, results) is { } clearJob && !queue.TryEnqueue(clearJob))
        {
            LogClearNotQueued(string.Join(",", job.IncidentIds));
        }

        await BlockKickedAsync(job, results);
        if (job.Actions.All(a => a.Action != Core.ModerationAction.Warn))
        {
            await FinishAsync(job, results);
            return;
        }

        // The warning says what the platform did of the rest (已撤回，禁言 60 分钟), and nothing it did not.
        var done = results.Where(r => r.Result.Status == ActionStatus.Done).Select(r => r.Action).ToList();
        var warns = job.Actions.Where(a => a.Action == Core.ModerationAction.Warn)
            .Select(a => a.WarningText is { } text ? a with { WarningText = ModerationPolicy.WithWhatWasDone(text, done) } : a)
            .ToList();

        await HandOffAsync(job, results, warns, cancellationToken);
    }

    /// <summary>
    /// Starts the job's warning (the adapter takes it in at once: OneBot adds it to the group's
    /// coalescing window) and leaves the rest of the job, recording its outcome, to run when the
    /// warning has gone out, outside the worker's slots. Past <see cref="WarningsWaitingLimit"/>
    /// warnings waiting, this one is not sent: its incidents say so (queue full), as a full action
    /// queue's do.
    /// </summary>
    private async Task HandOffAsync(ActionJob job, List<(PlatformAction Action, ActionResult Result)> results, List<PlatformAction> warns, CancellationToken cancellationToken)
    {
        if (Interlocked.Increment(ref _warningsWaiting) > WarningsWaitingLimit)
        {
            Interlocked.Decrement(ref _warningsWaiting);
            var warn = warns[0];
            if (_dropLines.Occurred("warnings") is var count and > 0)
            {
                LogWarningsDropped(count, WarningsWaitingLimit, warn.Platform, warn.GroupId, warn.UserId);
            }

            foreach (var dropped in warns)
            {
                results.Add((dropped, ActionResult.Failed(ActionErrorKind.QueueFull, $"not sent: {WarningsWaitingLimit} warnings were waiting to go out already")));
            }

            await FinishAsync(job, results);
            return;
        }

        await RecordActsAsync(job, results);
        var id = Interlocked.Increment(ref _handOffs);
        var finishing = SendThenFinishAsync(job, results, warns, cancellationToken);
        _handedOff[id] = finishing;
        _ = finishing.ContinueWith(_ => _handedOff.TryRemove(id, out Task? _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>The warnings' outcomes, then the job's: never throws (a stop leaves the incidents pending).</summary>
    private async Task SendThenFinishAsync(ActionJob job, List<(PlatformAction Action, ActionResult Result)> results, List<PlatformAction> warns, CancellationToken cancellationToken)
    {
        try
        {
            try
            {
                // Each started before the first is awaited: the adapter has taken them all in by then.
                var sending = warns.Select(warn => (warn, CarryOutAsync(warn, cancellationToken))).ToList();
                foreach (var (warn, sent) in sending)
                {
                    results.Add((warn, await sent));
                }
            }
            finally
            {
                Interlocked.Decrement(ref _warningsWaiting);
            }

            await FinishAsync(job, results);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping: the incidents stay pending, for the next start's recovery.
        }
        catch (Exception ex)
        {
            LogJobFailed(ex, string.Join(",", job.IncidentIds));
        }
    }

    /// <summary>One platform call, timed and logged; a call that throws (a defect) is a failure.</summary>
    private async Task<ActionResult> CarryOutAsync(PlatformAction action, CancellationToken cancellationToken)
    {
        ActionResult result;
        var started = metrics?.Start();
        try
        {
            result = await platform.ExecuteAsync(action, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            result = ActionResult.Failed(ActionErrorKind.Refused, ex.Message);
        }

        if (started is { } start)
        {
            metrics!.Action(action.Platform, action.Action, result.Status, metrics.Since(start));
        }

        if (result.Status == ActionStatus.Failed)
        {
            // The one line of a failure: the adapters' own lines about its tries are at Debug.
            var error = result.Error ?? "failed";
            if (_failureLines.Occurred($"{action.Platform} group {action.GroupId}", $"{action.Action}: {AdapterHealth.Template(error)}") is > 0 and var count)
            {
                LogActionFailed(action.Action, action.Platform, action.GroupId, action.UserId, action.MessageId, error, count);
            }
        }
        else
        {
            // A line that ends in its status when there is nothing to add: "Done", not "Done " or "Done (null)".
            if (string.IsNullOrEmpty(result.Error))
            {
                LogAction(action.Action, action.Platform, action.GroupId, action.UserId, action.MessageId, result.Status);
            }
            else
            {
                LogActionWithError(action.Action, action.Platform, action.GroupId, action.UserId, action.MessageId, result.Status, result.Error);
            }
        }

        return result;
    }

    /// <summary>Tells the failures counted and not logged yet: a stop must not lose them.</summary>
    public override void Dispose()
    {
        _failureLines.Dispose();
        base.Dispose();
    }

    /// <summary>
    /// Records on the incidents that the job's recall, mute and kick were carried out, and what came
    /// of them, before its warning is handed off: a stop while the warning waits leaves the incidents
    /// pending with only the warning to send at the next start. A failure to record costs only that
    /// (a restart would carry them out again, as before).
    /// </summary>
    private async Task RecordActsAsync(ActionJob job, List<(PlatformAction Action, ActionResult Result)> results)
    {
        if (pendingActions is null || results.Count == 0 || job.IncidentIds.Count == 0)
        {
            return;
        }

        var acts = Summarize(results);
        try
        {
            await pendingActions.RecordActsAsync(job.IncidentIds, acts.Status, acts.Error, acts.ErrorKind, CancellationToken.None);
        }
        catch (Exception ex)
        {
            LogActsNotRecorded(ex, string.Join(",", job.IncidentIds));
        }
    }

    /// <summary>What the job's calls came to, recorded on its incidents, with which incidents the warning sent was about.</summary>
    private async Task FinishAsync(ActionJob job, List<(PlatformAction Action, ActionResult Result)> results)
    {
        await RecordWarningsAsync(job, results);
        var outcome = Summarize(results, job.Acted);
        if (outcome.Status == ActionStatus.Done && job.Degraded is not null)
        {
            // The warning went out, but what was decided could not be done here: say so.
            outcome = ActionResult.Unsupported(ActionErrorKind.PlatformCannot, job.Degraded);
        }

        if (outcome.Status == ActionStatus.Failed)
        {
            stats.ActionFailed(outcome.Error ?? "failed", outcome.ErrorKind);
        }
        else if (outcome.Status == ActionStatus.Done && results.Count > 0)
        {
            stats.ActionDone();
        }

        await RecordOutcomeAsync(job, outcome);
    }

    /// <summary>
    /// Records the job's outcome on its incidents: those another instance took over meanwhile (this
    /// one having been judged gone while it was paused) are left with that one's outcome.
    /// </summary>
    private async Task RecordOutcomeAsync(ActionJob job, ActionResult outcome)
    {
        try
        {
            if (pendingActions is null || instance is null)
            {
                await store.UpdateActionAsync(job.IncidentIds, outcome.Status, outcome.Error, outcome.ErrorKind, CancellationToken.None);
                return;
            }

            var recorded = await pendingActions.FinishAsync(job.IncidentIds, instance.Id, outcome.Status, outcome.Error, outcome.ErrorKind, CancellationToken.None);
            if (recorded.Count < job.IncidentIds.Distinct().Count())
            {
                LogOutcomeLeft(string.Join(",", job.IncidentIds.Except(recorded)), outcome.Status);
            }
        }
        catch (Exception ex)
        {
            LogUpdateFailed(ex, string.Join(",", job.IncidentIds));
        }
    }

    /// <summary>
    /// Whether a job queued before a change of mind is still wanted when its turn comes: with its
    /// group switched to dry run since (<c>/gg 试运行 开</c>, the console, a settings reload), it is
    /// recorded as a dry run; with every one of its incidents marked false positive since
    /// (<c>/gg 误判</c>, the console, <c>incidents mark</c>), it is skipped. With its incidents no
    /// longer this instance's (another instance on the shared database took them over while the job
    /// waited here, this one having been judged gone) or no longer pending, it is
    /// <see cref="NotThisInstances"/>: nothing is called and nothing recorded. Null: carry it out. A
    /// store that cannot say leaves the decision as it was (the dry-run switch as last read).
    /// </summary>
    private async Task<ActionResult?> CalledOffAsync(ActionJob job, CancellationToken cancellationToken)
    {
        if (job.Actions.Count == 0 || job.IncidentIds.Count == 0)
        {
            return null;
        }

        var first = job.Actions[0];
        var ids = string.Join(",", job.IncidentIds);
        var allMarked = false;
        try
        {
            // A job's incidents are claimed together: the first one speaks for all of them.
            var head = await store.GetAsync(job.IncidentIds[0], cancellationToken);
            if (head is not null && TakenElsewhere(head) is { } why)
            {
                LogCalledOff(ids, first.Platform, first.GroupId, why);
                return NotThisInstances;
            }

            allMarked = head is { FalsePositive: true };
            foreach (var id in job.IncidentIds.Skip(1))
            {
                if (!allMarked)
                {
                    break;
                }

                allMarked = await store.GetAsync(id, cancellationToken) is { FalsePositive: true };
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            stats.StorageFailed(ex.Message);
            allMarked = false;
        }

        if (dryRunSwitches is not null && settings is not null)
        {
            var group = settings.For(first.GroupId);
            if (ModerationPolicy.DryRun(await dryRunSwitches.ReadAsync(first.Platform, first.GroupId, cancellationToken), group.Group, group.Options))
            {
                LogCalledOff(ids, first.Platform, first.GroupId, "the group is in dry run now");
                return new ActionResult(ActionStatus.DryRun, DryRunSince, null);
            }
        }

        if (!allMarked)
        {
            return null;
        }

        LogCalledOff(ids, first.Platform, first.GroupId, "its incidents were marked false positive");
        return new ActionResult(ActionStatus.Skipped, MarkedSince, null);
    }

    /// <summary>What <see cref="CalledOffAsync"/> says of a job that is no longer this instance's to carry out.</summary>
    private static readonly ActionResult NotThisInstances = new(ActionStatus.Skipped, "carried out by another instance", null);

    /// <summary>Why a stored incident's action is no longer this instance's to carry out, or null.</summary>
    private string? TakenElsewhere(Incident incident) =>
        incident.ActionStatus != ActionStatus.Pending ? $"its outcome is recorded already ({WireNames<ActionStatus>.ToText(incident.ActionStatus)})"
        : instance is not null && incident.ActionOwner is { } owner && owner != instance.Id ? $"instance {owner} took them over"
        : null;

    /// <summary>The words on a queued job's incidents when dry run was switched on before it ran.</summary>
    internal const string DryRunSince = "dry run was switched on for the group before it was carried out";

    /// <summary>The words on a queued job's incidents when they were marked false positive before it ran.</summary>
    internal const string MarkedSince = "marked false positive before it was carried out";

    /// <summary>
    /// Remembers which incidents a warning sent was about, when the platform said its id: an
    /// admin's <c>/gg 误判</c> in reply to it then finds them. Recorded before the outcome, so
    /// whoever sees the outcome can rely on it; a failure to record costs only that.
    /// </summary>
    private async Task RecordWarningsAsync(ActionJob job, List<(PlatformAction Action, ActionResult Result)> results)
    {
        if (warnings is null || job.IncidentIds.Count == 0)
        {
            return;
        }

        foreach (var (action, result) in results)
        {
            if (action.Action != Core.ModerationAction.Warn || result.SentMessageId is not { } sent)
            {
                continue;
            }

            try
            {
                await warnings.RecordAsync(new GroupMessageRef(action.Platform, action.BotId, action.GroupId, sent), job.IncidentIds, time.GetUtcNow(), CancellationToken.None);
            }
            catch (Exception ex)
            {
                LogWarningNotRecorded(ex, sent, string.Join(",", job.IncidentIds));
            }
        }
    }

    /// <summary>
    /// A member GroupGuard decided to kick is turned away when they ask to join any group of the
    /// platform again (<c>GroupGuard:Join:BlockKicked</c>), whatever the platform made of the kick:
    /// one it refused or that did not take still leaves someone judged not to belong. The block names
    /// the kick's incident, so marking that a false positive lifts it.
    /// </summary>
    private async Task BlockKickedAsync(ActionJob job, List<(PlatformAction Action, ActionResult Result)> results)
    {
        if (blocks is null || joinOptions?.CurrentValue.BlockKicked == false)
        {
            return;
        }

        foreach (var (action, result) in results)
        {
            if (action.Action != Core.ModerationAction.Kick)
            {
                continue;
            }

            if (result.Status != ActionStatus.Done
                && SenderRoles.IsOwnerOrAdmin(await SenderRoles.LookUpAsync(platform, action.Protocol, action.BotId, action.GroupId, action.UserId, time, CancellationToken.None)))
            {
                // The kick was refused because the member is an owner or admin (the role was
                // unknown, or stale, when the kick was decided): no block on every group.
                LogNotBlockedAdmin(action.Platform, action.UserId, action.GroupId);
                continue;
            }

            long? incident = job.IncidentIds.Count > 0 ? job.IncidentIds[0] : null;
            try
            {
                await blocks.BlockAsync(
                    new Core.Members.UserBlock(
                        action.Platform,
                        action.UserId,
                        time.GetUtcNow(),
                        (result.Status == ActionStatus.Done ? "kicked from group " : "kick decided in group ") + action.GroupId + (incident is { } id ? $" (incident {id})" : ""),
                        incident),
                    CancellationToken.None);
            }
            catch (Exception ex)
            {
                LogBlockFailed(ex, action.Platform, action.UserId);
            }
        }
    }

    /// <summary>
    /// All done → done; any failure → failed with the platform's words (the kind of the first
    /// failure); else unsupported. <paramref name="acted"/>: what acts carried out before a restart
    /// came to (<see cref="ActionJob.Acted"/>), summarized so, ahead of <paramref name="results"/>:
    /// the whole comes out as if all had been summarized at once.
    /// </summary>
    internal static ActionResult Summarize(List<(PlatformAction Action, ActionResult Result)> results, ActionResult? acted = null)
    {
        var failed = results.Where(r => r.Result.Status == ActionStatus.Failed).ToList();
        if (failed.Count > 0 || acted?.Status == ActionStatus.Failed)
        {
            return Joined(ActionStatus.Failed, failed, acted);
        }

        var unsupported = results.Where(r => r.Result.Status == ActionStatus.Unsupported).ToList();
        if (unsupported.Count > 0 || acted?.Status == ActionStatus.Unsupported)
        {
            return Joined(ActionStatus.Unsupported, unsupported, acted);
        }

        return ActionResult.Done;
    }

    /// <summary>The platform's words for <paramref name="results"/> (all of <paramref name="status"/>), after those of <paramref name="acted"/> when it has that status too, and the kind of the first.</summary>
    private static ActionResult Joined(ActionStatus status, List<(PlatformAction Action, ActionResult Result)> results, ActionResult? acted)
    {
        var words = results.Select(r => $"{r.Action.Action.ToString().ToLowerInvariant()}: {r.Result.Error}");
        return acted?.Status == status
            ? new ActionResult(status, string.Join("; ", acted.Error is { } before ? words.Prepend(before) : words), acted.ErrorKind)
            : new ActionResult(status, string.Join("; ", words), results[0].Result.ErrorKind);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Action {Action} on {Platform} group {GroupId} user {UserId} message {MessageId}: {Status}")]
    private partial void LogAction(Core.ModerationAction action, string platform, string groupId, string userId, string messageId, ActionStatus status);

    [LoggerMessage(Level = LogLevel.Information, Message = "Action {Action} on {Platform} group {GroupId} user {UserId} message {MessageId}: {Status} {Error}")]
    private partial void LogActionWithError(Core.ModerationAction action, string platform, string groupId, string userId, string messageId, ActionStatus status, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Action} failed in {Platform} group {GroupId} (user {UserId}, message {MessageId}): {Error} ({Count} failed in this group since its last such line; the same failure again within 10 s is counted, not logged)")]
    private partial void LogActionFailed(Core.ModerationAction action, string platform, string groupId, string userId, string messageId, string error, long count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} more action(s) failed in {Where} since its last such line, alike those logged (the latest error is pipeline.last_action_error on /healthz)")]
    private static partial void LogFailuresUntold(ILogger logger, long count, string where);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not record that warning {MessageId} was about incidents {Ids}; a reply to it will not find them")]
    private partial void LogWarningNotRecorded(Exception ex, string messageId, string ids);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The action queue is full: the clear after the kick of incidents {Ids} is not done")]
    private partial void LogClearNotQueued(string ids);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Kick of {UserId} on {Platform} group {GroupId} did not take and the platform says they are an owner or admin: not put on the block list")]
    private partial void LogNotBlockedAdmin(string platform, string userId, string groupId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not add kicked user {UserId} on {Platform} to the block list; their join requests are screened by the rules only")]
    private partial void LogBlockFailed(Exception ex, string platform, string userId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} warning(s) not sent since the last report: {Limit} were waiting to go out already (the latest to {Platform} group {GroupId} user {UserId}); their incidents say failed, queue full")]
    private partial void LogWarningsDropped(long count, int limit, string platform, string groupId, string userId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outcome {Status} not recorded on incidents {Ids}: another instance took them over meanwhile, or recorded theirs")]
    private partial void LogOutcomeLeft(string ids, ActionStatus status);

    [LoggerMessage(Level = LogLevel.Information, Message = "The actions of incidents {Ids} on {Platform} group {GroupId} are not carried out: {Why}")]
    private partial void LogCalledOff(string ids, string platform, string groupId, string why);

    [LoggerMessage(Level = LogLevel.Error, Message = "The actions of incidents {Ids} failed unexpectedly; they stay pending until the next start's recovery")]
    private partial void LogJobFailed(Exception ex, string ids);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not record that the recall, mute or kick of incidents {Ids} was carried out; a restart before their warning has gone out would carry it out again")]
    private partial void LogActsNotRecorded(Exception ex, string ids);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not record action outcomes on incidents {Ids}")]
    private partial void LogUpdateFailed(Exception ex, string ids);
}
