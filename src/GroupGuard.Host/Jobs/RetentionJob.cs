using GroupGuard.Core;
using GroupGuard.Core.Moderation;
using Microsoft.Extensions.Options;
using Quartz;

namespace GroupGuard.Host.Jobs;

/// <summary>
/// Daily: masks (or deletes) the evidence of incidents older than
/// <c>GroupGuard:Privacy:RetentionDays</c>. A thin wrapper: the store does the work.
/// </summary>
[DisallowConcurrentExecution]
internal sealed partial class RetentionJob(IIncidentStore store, IOptionsMonitor<PrivacyOptions> privacy, TimeProvider time, ILogger<RetentionJob> logger) : IJob
{
    public static readonly JobKey Key = new("retention", "groupguard");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var options = privacy.CurrentValue;
        var before = time.GetUtcNow().AddDays(-options.RetentionDays);
        var count = await store.ApplyRetentionAsync(before, options.RetentionMode, cancellationToken);
        LogDone(options.RetentionMode.ToString().ToLowerInvariant(), count, options.RetentionDays);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Retention: {Mode} applied to {Count} incidents older than {Days} days")]
    private partial void LogDone(string mode, int count, int days);
}
