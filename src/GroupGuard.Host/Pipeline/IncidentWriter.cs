using GroupGuard.Core;
using Polly;
using Polly.Retry;

namespace GroupGuard.Host.Pipeline;

/// <summary>
/// Stores a message's incidents, retrying a failing store with backoff (250 ms doubling to 30 s)
/// for as long as the service runs, so a database that is down for a while loses nothing. When the
/// service stops with storage still down it tries once more and then gives up: the inbox journal
/// replays the message at the next start.
/// </summary>
internal sealed partial class IncidentWriter
{
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
                ShouldHandle = new PredicateBuilder().Handle<Exception>(ex => ex is not OperationCanceledException),
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
    /// The new ids (0 for an incident already stored), or null when stopping with storage still
    /// down. Pending incidents are stored as this instance's to carry out (<see cref="Incident.ActionOwner"/>).
    /// </summary>
    public async Task<IReadOnlyList<long>?> WriteAsync(IReadOnlyList<Incident> incidents, CancellationToken stoppingToken)
    {
        if (incidents.Any(i => i.ActionStatus == ActionStatus.Pending && i.ActionOwner != _owner))
        {
            incidents = [.. incidents.Select(i => i.ActionStatus == ActionStatus.Pending ? i with { ActionOwner = _owner } : i)];
        }

        var (stored, ids) = await StoreAsync(() => _store.AddAsync(incidents, CancellationToken.None), stoppingToken);
        if (!stored)
        {
            LogNotStored(incidents.Count, incidents[0].GroupId, incidents[0].MessageId);
        }

        return ids;
    }

    /// <summary>A write that returns nothing, with the same retries; false when stopping with storage still down.</summary>
    public async Task<bool> StoreAsync(Func<Task> write, CancellationToken stoppingToken) =>
        (await StoreAsync(async () =>
        {
            await write();
            return true;
        }, stoppingToken)).Stored;

    /// <summary>
    /// Runs one write with the same retries (another record of a message: a join decision); false
    /// when stopping with storage still down. The write itself is never cancelled half-way: only
    /// the waits between tries are.
    /// </summary>
    public async Task<(bool Stored, T? Result)> StoreAsync<T>(Func<Task<T>> write, CancellationToken stoppingToken)
    {
        try
        {
            var result = await _retry.ExecuteAsync(_ => new ValueTask<T>(write()), stoppingToken);
            _stats.StorageRecovered();
            return (true, result);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: one last try below.
        }

        try
        {
            var result = await write();
            _stats.StorageRecovered();
            return (true, result);
        }
        catch (Exception ex)
        {
            _stats.StorageFailed(ex.Message);
            LogLastTryFailed(ex);
            return (false, default);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Storing failed (attempt {Attempt}); retrying in {Seconds:0.##} s")]
    private partial void LogStoreFailed(Exception? ex, int attempt, double seconds);

    [LoggerMessage(Level = LogLevel.Error, Message = "Stopping with storage down: the last try to store failed")]
    private partial void LogLastTryFailed(Exception ex);

    [LoggerMessage(Level = LogLevel.Error, Message = "Stopping with storage down: {Count} incidents of group {GroupId} message {MessageId} are not stored yet; the inbox journal replays them at the next start")]
    private partial void LogNotStored(int count, string groupId, string messageId);
}
