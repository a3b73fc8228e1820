using GroupGuard.Core.Digests;
using GroupGuard.Host.Jobs;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using Quartz;

namespace GroupGuard.Host.Digests;

/// <summary>
/// Keeps the leaders' digest schedules in Quartz as the configuration says, without a restart: when
/// the configuration reloads (appsettings.json edited), a leader added gets its job, a schedule or
/// time zone changed is rescheduled, and a leader removed loses its job. Every instance of a
/// cluster does the same to the shared job store, which is harmless: each step only makes the
/// store match the configuration. A configuration with mistakes changes nothing and is logged
/// naming the keys, as at start.
/// </summary>
internal sealed partial class DigestScheduleSync(
    ISchedulerFactory schedulers,
    IConfiguration configuration,
    IValidateOptions<List<LeaderOptions>> leadersCheck,
    ILogger<DigestScheduleSync> logger) : IHostedService, IDisposable
{
    private const string Group = "groupguard";
    private const string JobPrefix = "digest:";
    private const string TriggerPrefix = "digest-trigger:";

    private readonly SemaphoreSlim _gate = new(1, 1);
    private IDisposable? _subscription;
    private int _syncs;

    // The leaders whose jobs this instance knows of: those registered at start, then each sync's.
    private HashSet<string> _known = new(StringComparer.Ordinal);

    /// <summary>Completed syncs, for tests and the log: raised after each one with the number so far.</summary>
    public event Action<int>? Synced;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        // The schedules at start are the ones AddQuartz registered; from here on, reloads.
        _known = [.. DigestRegistration.ReadLeaders(configuration).Select(l => l.Name)];
        _subscription = ChangeToken.OnChange(configuration.GetReloadToken, () => _ = SyncAsync(CancellationToken.None));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _subscription?.Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _subscription?.Dispose();
        _gate.Dispose();
    }

    /// <summary>Makes Quartz's digest jobs match the configured leaders; returns the leaders scheduled, or null when the configuration has mistakes.</summary>
    public async Task<int?> SyncAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var leaders = DigestRegistration.ReadLeaders(configuration);
            var check = leadersCheck.Validate(null, leaders);
            if (check.Failed)
            {
                LogRefused(string.Join("; ", check.Failures));
                return null;
            }

            var scheduler = await schedulers.GetScheduler(cancellationToken);
            foreach (var leader in leaders)
            {
                await ScheduleAsync(scheduler, leader, cancellationToken);
            }

            var names = leaders.Select(l => l.Name).ToHashSet(StringComparer.Ordinal);
            foreach (var gone in _known.Where(name => !names.Contains(name)))
            {
                await scheduler.DeleteJob(new JobKey(JobPrefix + gone, Group), cancellationToken);
                LogRemoved(gone);
            }

            _known = names;
            Synced?.Invoke(Interlocked.Increment(ref _syncs));
            return leaders.Count;
        }
        catch (Exception ex) when (ex is SchedulerException or InvalidOperationException)
        {
            LogFailed(ex);
            return null;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task ScheduleAsync(IScheduler scheduler, LeaderOptions leader, CancellationToken cancellationToken)
    {
        var jobKey = new JobKey(JobPrefix + leader.Name, Group);
        var triggerKey = new TriggerKey(TriggerPrefix + leader.Name, Group);
        var zone = DigestService.Zone(leader);
        var trigger = TriggerBuilder.Create()
            .ForJob(jobKey)
            .WithIdentity(triggerKey)
            .WithCronSchedule(leader.Schedule, cron => cron.InTimeZone(zone))
            .Build();

        if (await scheduler.GetTrigger(triggerKey, cancellationToken) is ICronTrigger current)
        {
            if (current.CronExpressionString == leader.Schedule && current.TimeZone.Id == zone.Id)
            {
                return;
            }

            await scheduler.RescheduleJob(triggerKey, trigger, cancellationToken);
            LogRescheduled(leader.Name, leader.Schedule, zone.Id);
            return;
        }

        var job = JobBuilder.Create<DigestJob>().WithIdentity(jobKey).UsingJobData(DigestJob.LeaderKey, leader.Name).Build();
        await scheduler.ScheduleJob(job, [trigger], ScheduleJobOptions.Replacing, cancellationToken);
        LogAdded(leader.Name, leader.Schedule, zone.Id);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Digest schedule of leader {Leader} added: {Schedule} ({TimeZone}).")]
    private partial void LogAdded(string leader, string schedule, string timeZone);

    [LoggerMessage(Level = LogLevel.Information, Message = "Digest schedule of leader {Leader} changed: {Schedule} ({TimeZone}).")]
    private partial void LogRescheduled(string leader, string schedule, string timeZone);

    [LoggerMessage(Level = LogLevel.Information, Message = "Digest schedule of leader {Leader} removed: the leader is no longer configured.")]
    private partial void LogRemoved(string leader);

    [LoggerMessage(Level = LogLevel.Error, Message = "The reloaded leaders were not applied, the schedules stay as they were: {Problems}")]
    private partial void LogRefused(string problems);

    [LoggerMessage(Level = LogLevel.Error, Message = "The digest schedules could not be brought up to date with the configuration.")]
    private partial void LogFailed(Exception exception);
}
