using GroupGuard.Core;
using GroupGuard.Core.Digests;
using GroupGuard.Storage;
using Polly;
using Polly.Retry;

namespace GroupGuard.Host.Pipeline;

/// <summary>What became of a write through <see cref="IncidentWriter"/>.</summary>
internal enum StoreOutcome
{
    /// <summary>Written.</summary>
    Stored,

    /// <summary>The service is stopping with storage still down: the inbox journal replays the message at the next start.</summary>
    Stopping,

    /// <summary>
    /// The database refuses what the write holds (<see cref="StorageErrors.IsUncurable"/>), and did
    /// so <see cref="IncidentWriter.UncurableTries"/> times: the message is given up on (logged as an
    /// error naming it, counted on <c>/healthz</c>) so that moderation and the journal move on.
    /// </summary>
    Refused,
}

/// <summary>Which message a write records, to name it when the write is given up on.</summary>
internal readonly record struct WriteOf(string What, string Platform, string GroupId, string MessageId)
{
    public static WriteOf Incidents(IReadOnlyList<Incident> incidents) =>
        new("The incidents", incidents[0].Platform, incidents[0].GroupId, incidents[0].MessageId);

    public static WriteOf Message(string what, ChatMessage message) => new(what, message.Platform, message.GroupId, message.MessageId);
}

/// <summary>
/// Stores a message's incidents, retrying a failing store with backoff (250 ms doubling to 30 s)
/// for as long as the service runs, so a database that is down for a while loses nothing. When the
/// service stops with storage still down it tries once more and then gives up: the inbox journal
/// replays the message at the next start. A write the database refuses for what it holds (a value
/// PostgreSQL cannot take, an index row over its limit) would fail the same way for ever and hold
/// every later message behind it, replay after replay: it is tried <see cref="UncurableTries"/>
/// times and then given up on.
/// </summary>
internal sealed partial class IncidentWriter
{
    /// <summary>Tries of a write the database refuses for what it holds before its message is given up on.</summary>
    internal const int UncurableTries = 3;

    private readonly IIncidentStore _store;
    private readonly PipelineStats _stats;
    private readonly ILogger<IncidentWriter> _logger;
    private readonly ResiliencePipeline _retry;
    private readonly string _owner;

    public IncidentWriter(IIncidentStore store, PipelineStats stats, TimeProvider time, InstanceIdentity instance, ILogger<IncidentWriter> logger)
    {
        _store = store;
        _owner = instance.Id;
        _stats = stats;
        _logger = logger;
        _retry = new ResiliencePipelineBuilder { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = args => ValueTask.FromResult(
                    args.Outcome.Exception is { } ex and not OperationCanceledException
                    && !(StorageErrors.IsUncurable(ex) && args.AttemptNumber + 1 >= UncurableTries)),
                MaxRetryAttempts = int.MaxValue,
                BackoffType = DelayBackoffType.Exponential,
                Delay = TimeSpan.FromMilliseconds(250),
                MaxDelay = TimeSpan.FromSeconds(30),
                UseJitter = false,
                OnRetry = args =>
                {
                    _stats.StorageFailed(args.Outcome.Exception!.Message);
                    LogStoreFailed(args.Outcome.Exception, args.AttemptNumber + 1, args.RetryDelay.TotalSeconds);
                    return default;
                },
            })
            .Build();
    }

    /// <summary>
    /// The new ids (0 for an incident already stored) once stored. Pending incidents are stored as
    /// this instance's to carry out (<see cref="Incident.ActionOwner"/>).
    /// </summary>
    public async Task<(StoreOutcome Outcome, IReadOnlyList<long>? Ids)> WriteAsync(IReadOnlyList<Incident> incidents, CancellationToken stoppingToken)
    {
        if (incidents.Any(i => i.ActionStatus == ActionStatus.Pending && i.ActionOwner != _owner))
        {
            incidents = [.. incidents.Select(i => i.ActionStatus == ActionStatus.Pending ? i with { ActionOwner = _owner } : i)];
        }

        var (outcome, ids) = await StoreAsync(() => _store.AddAsync(incidents, CancellationToken.None), WriteOf.Incidents(incidents), stoppingToken);
        if (outcome == StoreOutcome.Stopping)
        {
            LogNotStored(incidents.Count, DigestMarkup.OneLine(incidents[0].GroupId), DigestMarkup.OneLine(incidents[0].MessageId));
        }

        return (outcome, ids);
    }

    /// <summary>A write that returns nothing, with the same retries.</summary>
    public async Task<StoreOutcome> StoreAsync(Func<Task> write, WriteOf of, CancellationToken stoppingToken) =>
        (await StoreAsync(async () =>
        {
            await write();
            return true;
        }, of, stoppingToken)).Outcome;

    /// <summary>
    /// Runs one write with the same retries (another record of a message: a join decision). The
    /// write itself is never cancelled half-way: only the waits between tries are.
    /// </summary>
    public async Task<(StoreOutcome Outcome, T? Result)> StoreAsync<T>(Func<Task<T>> write, WriteOf of, CancellationToken stoppingToken)
    {
        try
        {
            var result = await _retry.ExecuteAsync(_ => new ValueTask<T>(write()), stoppingToken);
            _stats.StorageRecovered();
            return (StoreOutcome.Stored, result);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: one last try below.
        }
        catch (Exception ex) when (StorageErrors.IsUncurable(ex))
        {
            // The database answers, and refuses this one: it is no storage outage, and the
            // messages after it are stored as ever.
            _stats.StorageRecovered();
            _stats.Refused();
            LogRefused(ex, of.What, DigestMarkup.OneLine(of.Platform), DigestMarkup.OneLine(of.GroupId), DigestMarkup.OneLine(of.MessageId), UncurableTries);
            return (StoreOutcome.Refused, default);
        }

        try
        {
            var result = await write();
            _stats.StorageRecovered();
            return (StoreOutcome.Stored, result);
        }
        catch (Exception ex)
        {
            _stats.StorageFailed(ex.Message);
            LogLastTryFailed(ex);
            return (StoreOutcome.Stopping, default);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Storing failed (attempt {Attempt}); retrying in {Seconds:0.##} s")]
    private partial void LogStoreFailed(Exception? ex, int attempt, double seconds);

    [LoggerMessage(Level = LogLevel.Error, Message = "Stopping with storage down: the last try to store failed")]
    private partial void LogLastTryFailed(Exception ex);

    [LoggerMessage(Level = LogLevel.Error, Message = "Stopping with storage down: {Count} incidents of group {GroupId} message {MessageId} are not stored yet; the inbox journal replays them at the next start")]
    private partial void LogNotStored(int count, string groupId, string messageId);

    [LoggerMessage(Level = LogLevel.Error, Message = "{What} of {Platform} group {GroupId} message {MessageId} cannot be stored: the database refused what they hold {Tries} times. The message is given up on (not acted on, counted on /healthz as records_refused) so that moderation goes on")]
    private partial void LogRefused(Exception ex, string what, string platform, string groupId, string messageId, int tries);
}
