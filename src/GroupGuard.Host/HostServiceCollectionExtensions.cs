using System.Threading.Channels;
using GroupGuard.Core;
using GroupGuard.Core.Moderation;
using GroupGuard.Host.Jobs;
using GroupGuard.Host.Pipeline;
using GroupGuard.Images;
using GroupGuard.Storage;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Quartz;

namespace GroupGuard.Host;

internal static class HostServiceCollectionExtensions
{
    /// <summary>The intake, the queue and the moderation worker between the webhooks and the stores.</summary>
    public static IServiceCollection AddGroupGuardPipeline(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<PipelineOptions>()
            .BindChecked(configuration.GetSection(PipelineOptions.Section))
            .PostConfigure<IOptions<StorageOptions>>((pipeline, storage) =>
                pipeline.InboxPath = string.IsNullOrEmpty(pipeline.InboxPath) ? Path.Combine(storage.Value.InstanceFolder() ?? "data", "inbox") : pipeline.InboxPath)
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<PipelineOptions>, PipelineOptionsValidator>();
        // Unbounded as a channel: EventIntake keeps it under QueueCapacity (past it messages wait in
        // the journal). Not SingleReader: only the multi-reader channel can Count.
        services.AddSingleton(_ => Channel.CreateUnbounded<QueuedMessage>(new UnboundedChannelOptions { SingleReader = false }));
        services.AddSingleton<InboxJournal>();
        services.AddSingleton<ISourceCursors, JournalCursors>();
        services.AddSingleton(sp => new Deduplicator(sp.GetRequiredService<IOptions<PipelineOptions>>().Value.DedupeCapacity));
        services.AddSingleton<AdapterHealth>();
        services.AddSingleton<PipelineStats>();
        services.TryAddSingleton<IncidentsInFlight>();
        services.AddSingleton<ModerationSettings>();
        services.AddSingleton<IncidentWriter>();
        services.AddSingleton<ForwardStats>();
        services.AddSingleton<ForwardedContent>();
        services.AddSingleton<RecentMessages>();
        services.AddSingleton<JoinTimes>();
        services.AddSingleton<Core.Members.IJoinTimes>(sp => sp.GetRequiredService<JoinTimes>());
        services.AddSingleton<GroupNames>();
        services.AddSingleton<KickAndClear>();
        services.AddSingleton<DryRunSwitches>();
        services.AddSingleton<TrustedSenders>();
        services.AddSingleton<JoinAnswerQueue>();
        services.AddSingleton<JoinScreener>();
        services.AddSingleton<Moderator>();
        services.AddSingleton<EventIntake>();
        services.AddSingleton<StopReport>();

        // The schema, then the journal, ahead of every hosted service registered so far: the
        // OneBot forward sockets, the Milky streams and the WeCom puller are registered before the
        // pipeline, and started before the journal was open they handed it events it refused
        // (lost: a socket has no redelivery). Started first, the journal is closed last, after them
        // (the host stops in reverse order). The schema stays first so that a database that cannot
        // be opened is named as such, not as the journal beside it.
        if (!services.Any(d => d.ServiceType == typeof(IHostedService) && d.ImplementationType == typeof(InboxStartup)))
        {
            var first = services.Select((descriptor, index) => (descriptor, index)).FirstOrDefault(d => d.descriptor.ServiceType == typeof(IHostedService));
            var at = first.descriptor is null ? services.Count : first.index;
            services.Insert(at, ServiceDescriptor.Singleton<IHostedService, StorageStartup>());
            services.Insert(at + 1, ServiceDescriptor.Singleton<IHostedService, InboxStartup>());
        }

        services.AddSingleton<MessageCounter>();
        services.AddHostedService(sp => sp.GetRequiredService<MessageCounter>());
        services.AddSingleton<IPlatformActions, PlatformActionRouter>();
        services.AddSingleton<IEventSink>(sp => sp.GetRequiredService<EventIntake>());
        services.AddSingleton<ActionQueue>();
        services.AddHostedService<ActionWorker>();

        // Before the moderation worker, so stopped after it: the answers its last messages queued go out, or are recorded as not sent.
        services.AddHostedService<JoinAnswerWorker>();
        services.AddInstanceIdentity(configuration);
        services.AddHostedService<PendingActionRecovery>();
        services.AddHostedService<ModerationWorker>();
        return services;
    }

    /// <summary>
    /// Reading pictures: <c>GroupGuard:Images</c> and the reader (GroupGuard.Images), the bounded
    /// picture queue the moderation worker offers each message to, and the picture worker.
    /// </summary>
    public static IServiceCollection AddGroupGuardPictures(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddGroupGuardImages(configuration);
        services.AddSingleton<PictureStats>();
        services.AddSingleton<PictureQueue>();
        services.AddHostedService<PictureWorker>();
        return services;
    }

    /// <summary>The setting that names this instance in a cluster (default: generated at start).</summary>
    public const string InstanceIdKey = "GroupGuard:InstanceId";

    /// <summary>
    /// Quartz and the daily jobs. With SQLite the schedule is kept in memory (one instance); with
    /// PostgreSQL it is Quartz's ADO.NET job store on the same database (its tables are migration
    /// 2), clustered: every instance runs the scheduler, and each firing runs on exactly one of
    /// them; an instance that stops checking in has its jobs recovered by another.
    /// </summary>
    public static IServiceCollection AddGroupGuardJobs(this IServiceCollection services, IConfiguration configuration)
    {
        var storage = configuration.GetSection(StorageOptions.Section).Get<StorageOptions>() ?? new StorageOptions();
        var instance = services.AddInstanceIdentity(configuration);
        services.TryAddSingleton<IClusterMembers, QuartzClusterMembers>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<StorageOptions>, InstanceIdValidator>());
        if (storage.IsPostgres)
        {
            services.AddSingleton(_ => QuartzSchema.Script());
        }

        services.AddQuartz(quartz =>
        {
            if (storage.IsPostgres)
            {
                quartz.ConfigureScheduler(scheduler =>
                {
                    // One name for every instance: the cluster is the instances sharing it.
                    scheduler.InstanceName = ClusterName;
                    scheduler.InstanceId = instance.Id;
                });
                quartz.UsePersistentStore(store =>
                {
                    store.UsePostgres(storage.ConnectionString);
                    store.UseClustering(cluster =>
                    {
                        // A dead instance's jobs are taken over about 20 s after its last check-in.
                        cluster.CheckinInterval = TimeSpan.FromSeconds(5);
                        cluster.CheckinMisfireThreshold = TimeSpan.FromSeconds(15);
                    });
                });
            }

            quartz.AddJob<RetentionJob>(job => job.WithIdentity(RetentionJob.Key));
            quartz.AddTrigger(trigger => trigger
                .ForJob(RetentionJob.Key)
                .WithIdentity("retention-daily", "groupguard")
                .WithCronSchedule("0 30 3 * * ?"));
        });
        services.AddQuartzHostedService(options => options.WaitForJobsToComplete = true);
        return services;
    }

    /// <summary>The Quartz scheduler's name, the same on every instance of a cluster.</summary>
    public const string ClusterName = "GroupGuard";

    /// <summary>
    /// This instance's <see cref="InstanceIdentity"/>, registered once: Quartz's configuration and
    /// the incident writer must name the same instance, so a second call returns the first's.
    /// </summary>
    public static InstanceIdentity AddInstanceIdentity(this IServiceCollection services, IConfiguration configuration)
    {
        if (services.FirstOrDefault(d => d.ServiceType == typeof(InstanceIdentity))?.ImplementationInstance is InstanceIdentity known)
        {
            return known;
        }

        var identity = InstanceIdentity.From(configuration);
        services.AddSingleton(identity);
        return identity;
    }
}

/// <summary>
/// <c>GroupGuard:InstanceId</c>, checked with the storage settings at start: it names the instance
/// in Quartz's cluster table, <c>/healthz</c> and the logs, so it must be short and plain.
/// </summary>
internal sealed class InstanceIdValidator(IConfiguration configuration) : IValidateOptions<StorageOptions>
{
    internal const int MaxLength = 64;

    public ValidateOptionsResult Validate(string? name, StorageOptions options)
    {
        var value = configuration[HostServiceCollectionExtensions.InstanceIdKey];
        if (value is null)
        {
            return ValidateOptionsResult.Success;
        }

        var id = value.Trim();
        return id.Length is >= 1 and <= MaxLength && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(
                $"{HostServiceCollectionExtensions.InstanceIdKey} must be 1 to {MaxLength} ASCII letters, digits, '-', '_' or '.' " +
                $"(or unset, for an id generated at start), got '{(value.Length > 80 ? value[..80] + "…" : value)}'");
    }
}

internal sealed class PipelineOptionsValidator : IValidateOptions<PipelineOptions>
{
    public ValidateOptionsResult Validate(string? name, PipelineOptions options)
    {
        var failures = new List<string>();
        if (options.QueueCapacity is < 1 or > 10_000_000)
        {
            failures.Add($"GroupGuard:Pipeline:QueueCapacity must be between 1 and 10000000, got {options.QueueCapacity}");
        }

        if (options.BacklogBytes is < 0 or > 1024L * 1024 * 1024 * 1024)
        {
            failures.Add($"GroupGuard:Pipeline:BacklogBytes must be between 0 (none: 503 once the queue is full) and 1099511627776 (1 TiB), got {options.BacklogBytes}");
        }

        if (options.DedupeCapacity is < 1 or > 100_000_000)
        {
            failures.Add($"GroupGuard:Pipeline:DedupeCapacity must be between 1 and 100000000, got {options.DedupeCapacity}");
        }

        if (string.IsNullOrWhiteSpace(options.InboxPath))
        {
            failures.Add("GroupGuard:Pipeline:InboxPath must name a folder (default: inbox beside the database)");
        }
        else if (File.Exists(options.InboxPath))
        {
            failures.Add($"GroupGuard:Pipeline:InboxPath '{options.InboxPath}' is a file; it must be a folder");
        }

        if (options.InboxSegmentBytes is < 64 * 1024 or > 1024L * 1024 * 1024)
        {
            failures.Add($"GroupGuard:Pipeline:InboxSegmentBytes must be between 65536 and 1073741824, got {options.InboxSegmentBytes}");
        }

        if (options.NoBridgeWarningMinutes is < 0 or > 10_080)
        {
            failures.Add($"GroupGuard:Pipeline:NoBridgeWarningMinutes must be between 0 (off) and 10080 (a week), got {options.NoBridgeWarningMinutes}");
        }

        return failures.Count > 0 ? ValidateOptionsResult.Fail(failures) : ValidateOptionsResult.Success;
    }
}

/// <summary>
/// Opens the inbox journal and queues what a crash left unmoderated, before the service takes
/// traffic: among the first hosted services to start (after the schema, before any receiver), and
/// so among the last to stop.
/// </summary>
internal sealed partial class InboxStartup(EventIntake intake, InboxJournal journal, ILogger<InboxStartup> logger, StopReport? stopReport = null) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        intake.Replay(count => LogReplayed(count, journal.Folder));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        // The checkpoint as far as it may go, so that the line below says what the next start replays.
        var opened = journal.Opened.IsCompleted;
        if (opened)
        {
            journal.Flush();
        }

        journal.Dispose();
        if (opened)
        {
            stopReport?.Stopped(journal.Folder);
        }

        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Replaying {Count} messages accepted before the last stop but not moderated (inbox {Folder})")]
    private partial void LogReplayed(int count, string folder);
}

/// <summary>
/// Creates or upgrades the schema before the service takes traffic; first it takes the inbox
/// journal's folder lock, so that a second GroupGuard on the same folder is refused before it
/// upgrades the database under the one running (<see cref="InboxJournal.LockEarly"/>).
/// </summary>
internal sealed class StorageStartup(IIncidentStore store, InboxJournal journal) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        journal.LockEarly();
        return store.InitializeAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
