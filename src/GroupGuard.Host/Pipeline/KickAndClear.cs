using GroupGuard.Core;
using GroupGuard.Core.Moderation;
using Microsoft.Extensions.Options;

namespace GroupGuard.Host.Pipeline;

/// <summary>
/// Kick and clear: when a kick the platform confirmed (<see cref="ActionStatus.Done"/>, read back
/// where the adapter checks) leaves the group, the member's other messages in it from the last
/// <see cref="ModerationOptions.ClearMinutes"/> are recalled too, through the action queue like any
/// action. Each recall is logged (its message id, never its text); how many were recalled, and how
/// many could not be, is counted on the kick's incidents, which is what the digest tells a leader
/// ("已移出群，并撤回其近 10 分钟内 3 条消息"): they want the extent of the clean-up, not message ids
/// of text nobody stored. A message sent in pieces (加 / 微信 / abc123) is cleared the same way once
/// the recall of the piece that completed it is done: the earlier pieces its hit spans are recalled
/// and counted on its incidents.
/// </summary>
internal sealed partial class KickAndClear(
    RecentMessages recent,
    IOptionsMonitor<ModerationOptions> options,
    IPlatformActions platform,
    IIncidentStore store,
    ILogger<KickAndClear> logger)
{
    /// <summary>
    /// What a job's outcomes ask for: a recall done is forgotten; a kick done brings the clear job
    /// (which takes the earlier pieces with the rest of the member's recent messages); else a recall
    /// done of a message sent in pieces brings the recalls of its earlier pieces; or null.
    /// </summary>
    public ActionJob? After(ActionJob job, IReadOnlyList<(PlatformAction Action, ActionResult Result)> results)
    {
        ActionJob? clear = null;
        ActionJob? pieces = null;
        foreach (var (action, result) in results)
        {
            if (result.Status != ActionStatus.Done)
            {
                continue;
            }

            if (action.Action == ModerationAction.Recall)
            {
                recent.Forget(action.Protocol, action.BotId, action.GroupId, action.MessageId);
                if (job.Pieces.Count > 0 && !job.Clears)
                {
                    pieces ??= Recalls(job, action, job.Pieces);
                }
            }
            else if (action.Action == ModerationAction.Kick && !job.Clears)
            {
                clear ??= ClearJob(job, action);
            }
        }

        return clear ?? pieces;
    }

    /// <summary>Counts the recalls of a clear job on the incidents of the action it followed.</summary>
    public async Task RecordAsync(ActionJob job, IReadOnlyList<(PlatformAction Action, ActionResult Result)> results)
    {
        var recalled = results.Count(r => r.Result.Status == ActionStatus.Done);
        var failed = results.Count - recalled;
        var first = job.Actions[0];
        LogCleared(first.Platform, first.GroupId, first.UserId, recalled, failed);
        try
        {
            await store.RecordClearedAsync(job.IncidentIds, recalled, failed, CancellationToken.None);
        }
        catch (Exception ex)
        {
            LogNotRecorded(ex, string.Join(",", job.IncidentIds));
        }
    }

    private ActionJob? ClearJob(ActionJob job, PlatformAction kick)
    {
        if (options.CurrentValue.ClearMinutes <= 0 || !platform.CanDo(kick.Protocol, kick.Platform, ModerationAction.Recall))
        {
            return null;
        }

        var messages = recent.Take(kick.Protocol, kick.BotId, kick.GroupId, kick.UserId, except: kick.MessageId);
        if (messages.Count == 0)
        {
            return null;
        }

        return Recalls(job, kick, messages);
    }

    /// <summary>A clear job: the recalls of <paramref name="messages"/>, the member's other messages in the group <paramref name="done"/> acted in.</summary>
    private static ActionJob Recalls(ActionJob job, PlatformAction done, IEnumerable<string> messages)
    {
        var target = new ActionTarget(done.Protocol, done.Platform, done.BotId, done.GroupId, done.UserId, done.MessageId);
        var recalls = messages.Select(id => ActionPlan.Build(target with { MessageId = id }, [ModerationAction.Recall], 0, null)[0]).ToList();
        return new ActionJob(job.IncidentIds, recalls) { Clears = true };
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Clear on {Platform} group {GroupId} user {UserId}: {Recalled} of the member's other messages recalled, {Failed} not")]
    private partial void LogCleared(string platform, string groupId, string userId, int recalled, int failed);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not record the clear on incidents {Ids}")]
    private partial void LogNotRecorded(Exception ex, string ids);
}
