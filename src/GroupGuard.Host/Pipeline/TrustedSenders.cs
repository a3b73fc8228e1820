using System.Collections.Concurrent;
using GroupGuard.Core.Digests;
using GroupGuard.Core.Moderation;

namespace GroupGuard.Host.Pipeline;

/// <summary>
/// Whether a group's admins trust a sender (<c>/gg 信任</c>, the console), read for every message
/// or picture with a hit. While the store is unreadable, what it said
/// last of that member stands, so a trusted member is not acted on meanwhile.
/// </summary>
internal sealed partial class TrustedSenders(PipelineStats stats, ILogger<TrustedSenders> logger, ITrustedMembers? members = null)
{
    /// <summary>The members last read as trusted; one read as not is taken off.</summary>
    private readonly ConcurrentDictionary<(string Platform, string GroupId, string UserId), bool> _trusted = new();

    public async Task<bool> ReadAsync(string platform, string groupId, string userId, CancellationToken stoppingToken)
    {
        if (members is null)
        {
            return false;
        }

        var key = (platform, groupId, userId);
        try
        {
            var trusted = await members.IsTrustedAsync(platform, groupId, userId, stoppingToken);
            if (trusted)
            {
                _trusted[key] = true;
            }
            else
            {
                _trusted.TryRemove(key, out _);
            }

            return trusted;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The store is down (the write that follows waits for it): what it said last stands meanwhile.
            stats.StorageFailed(ex.Message);
            LogTrustUnread(ex, DigestMarkup.OneLine(platform), DigestMarkup.OneLine(groupId), DigestMarkup.OneLine(userId));
            return _trusted.ContainsKey(key);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Whether {Platform} group {GroupId} trusts {UserId} could not be read; what was read last applies to this decision")]
    private partial void LogTrustUnread(Exception ex, string platform, string groupId, string userId);
}
