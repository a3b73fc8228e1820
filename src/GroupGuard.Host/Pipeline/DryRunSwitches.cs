using System.Collections.Concurrent;
using GroupGuard.Core.Digests;
using GroupGuard.Core.Moderation;

namespace GroupGuard.Host.Pipeline;

/// <summary>
/// Each group's dry-run switch as set at runtime (a command, the console), read for every decision
/// that may act: a message's, its pictures', a join request's. While the store is unreadable, what
/// it said last stands, so a group that switched dry run on stays in it.
/// </summary>
internal sealed partial class DryRunSwitches(PipelineStats stats, ILogger<DryRunSwitches> logger, IGroupSwitches? switches = null)
{
    private readonly ConcurrentDictionary<(string Platform, string GroupId), bool?> _last = new();

    /// <summary>The group's switch, or null: the configuration's dry run then.</summary>
    public async Task<bool?> ReadAsync(string platform, string groupId, CancellationToken stoppingToken)
    {
        if (switches is null)
        {
            return null;
        }

        var key = (platform, groupId);
        try
        {
            var value = await switches.GetDryRunAsync(platform, groupId, stoppingToken);
            if (value is not null || _last.ContainsKey(key))
            {
                _last[key] = value;
            }

            return value;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The store is down (the write that follows waits for it): what it said last stands meanwhile.
            stats.StorageFailed(ex.Message);
            // A line of its own: the ids come from the event, and a line break in one would forge a log line.
            LogSwitchUnread(ex, DigestMarkup.OneLine(platform), DigestMarkup.OneLine(groupId));
            return _last.GetValueOrDefault(key);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The dry-run switch of {Platform} group {GroupId} could not be read; the last one read applies to this decision")]
    private partial void LogSwitchUnread(Exception ex, string platform, string groupId);
}
