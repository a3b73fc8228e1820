using GroupGuard.Host.Digests;
using Quartz;

namespace GroupGuard.Host.Jobs;

/// <summary>One leader's digest, fired by that leader's schedule. A thin wrapper over <see cref="DigestService"/>.</summary>
[DisallowConcurrentExecution]
internal sealed class DigestJob(DigestService digests) : IJob
{
    public const string LeaderKey = "leader";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var leader = digests.Leader(context.MergedJobDataMap.GetString(LeaderKey) ?? "");
        if (leader is not null)
        {
            // The scheduled time, not the moment the thread got to it: periods end on the schedule.
            try
            {
                await digests.RunAsync(leader, context.ScheduledFireTimeUtc ?? context.FireTimeUtc, cancellationToken);
            }
            catch (Exception) when (!cancellationToken.IsCancellationRequested)
            {
                // Logged and remembered by the digest service: the retry job runs it again.
            }
        }
    }
}

/// <summary>
/// Every minute: a leader's digest that is due and was not stored (its run failed, on this instance
/// or another) is made, with backoff, and channels that failed are tried again, up to
/// <see cref="DigestService.MaxAttempts"/>.
/// </summary>
[DisallowConcurrentExecution]
internal sealed class DigestRetryJob(DigestService digests) : IJob
{
    public static readonly JobKey Key = new("digest-retry", "groupguard");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) =>
        await digests.RetryAsync(cancellationToken);
}

/// <summary>At start, in the background: the digests missed while the service was down.</summary>
internal sealed partial class DigestCatchUp(DigestService digests, ILogger<DigestCatchUp> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await digests.CatchUpAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping, or a start that failed: nothing to report.
        }
        catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
        {
            LogFailed(ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Catching up missed digests failed; the schedule goes on")]
    private partial void LogFailed(Exception ex);
}
