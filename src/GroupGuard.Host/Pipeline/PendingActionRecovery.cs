using GroupGuard.Core;
using GroupGuard.Core.Moderation;

namespace GroupGuard.Host.Pipeline;

/// <summary>
/// At start: actions decided before a crash but never carried out (incidents still <c>pending</c>)
/// are queued again when they are recent, or marked failed when they are too old to matter.
/// </summary>
internal sealed partial class PendingActionRecovery(
    IIncidentStore store,
    ActionQueue queue,
    TimeProvider time,
    ILogger<PendingActionRecovery> logger) : BackgroundService
{
    /// <summary>A recall or mute that comes later than this after the message does more harm than good.</summary>
    internal static readonly TimeSpan StillWorthIt = TimeSpan.FromMinutes(10);

    private static readonly TimeSpan LookBack = TimeSpan.FromDays(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await RecoverAsync(stoppingToken);
        }
        catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
        {
            LogFailed(ex);
        }
    }

    internal async Task RecoverAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var pending = new List<Incident>();
        await foreach (var incident in store.QueryAsync(new IncidentQuery(now - LookBack, null, null, ByDetectionTime: true), cancellationToken))
        {
            if (incident.ActionStatus == ActionStatus.Pending)
            {
                pending.Add(incident);
            }
        }

        foreach (var message in pending.GroupBy(i => (i.Platform, i.BotId, i.GroupId, i.UserId, i.MessageId)))
        {
            var ids = message.Select(i => i.Id).ToList();
            if (now - message.Max(i => i.DetectedAt) > StillWorthIt)
            {
                await store.UpdateActionAsync(ids, ActionStatus.Failed, "interrupted by a restart before it was carried out", cancellationToken);
                continue;
            }

            var strongest = message.Max(i => i.DecidedAction);
            var muteSeconds = message.Max(i => i.MuteSeconds);
            var wanted = ModerationPolicy.Wanted(strongest, muteSeconds > 0 ? ModerationAction.Mute : null);

            var first = message.First();
            var actions = wanted.Select(action => new PlatformAction
            {
                Protocol = first.Platform == "qq" ? "onebot.v11" : "onebot.v12",
                Platform = first.Platform,
                BotId = first.BotId,
                GroupId = first.GroupId,
                UserId = first.UserId,
                MessageId = first.MessageId,
                Action = action,
                MuteSeconds = action == ModerationAction.Mute ? Math.Max(muteSeconds, 60) : 0,
                WarningText = action == ModerationAction.Warn ? ModerationPolicy.DefaultWarning.Replace("{pack}", first.Pack, StringComparison.Ordinal) : null,
            }).ToList();
            if (actions.Count > 0 && queue.TryEnqueue(new ActionJob(ids, actions)))
            {
                LogRequeued(actions.Count, first.GroupId, first.MessageId);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Queued again {Count} actions on group {GroupId} message {MessageId}, decided before the last stop but not carried out")]
    private partial void LogRequeued(int count, string groupId, string messageId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Recovering pending actions failed; they stay pending")]
    private partial void LogFailed(Exception ex);
}
