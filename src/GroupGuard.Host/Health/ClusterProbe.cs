using Quartz;

namespace GroupGuard.Host.Health;

/// <summary>
/// This instance and the others of its cluster, for <c>/healthz</c>: the scheduler's instance id
/// and the nodes Quartz's job store knows (their last check-in and what this instance makes of
/// them). With SQLite the scheduler is in memory and the instance is alone. Asked at most once every
/// <see cref="FreshFor"/> (the listing reads the database); callers at the same moment share it.
/// </summary>
internal sealed class ClusterProbe(ISchedulerFactory schedulers, TimeProvider time)
{
    internal static readonly TimeSpan FreshFor = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private Result? _last;

    /// <summary>A node of the cluster as this instance sees it.</summary>
    public sealed record Node(string Id, string State, DateTimeOffset? LastCheckIn, bool Current);

    /// <summary>The instance id, whether the scheduler is clustered, the nodes, or why they could not be read.</summary>
    public sealed record Result(DateTimeOffset At, string? InstanceId, bool Clustered, IReadOnlyList<Node> Nodes, string? Error);

    public async Task<Result> CheckAsync(CancellationToken cancellationToken)
    {
        if (Fresh(_last) is { } cached)
        {
            return cached;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (Fresh(_last) is { } meanwhile)
            {
                return meanwhile;
            }

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(Timeout);
            Result result;
            try
            {
                var scheduler = await schedulers.GetScheduler(timeout.Token);
                var metadata = await scheduler.GetMetadata(timeout.Token);
                var nodes = await scheduler.QueryClusterNodes(timeout.Token);
                result = new Result(
                    time.GetUtcNow(),
                    metadata.SchedulerInstanceId,
                    metadata.JobStoreClustered,
                    [.. nodes.Select(n => new Node(n.InstanceId, n.State.ToString().ToLowerInvariant(), n.LastCheckInUtc, n.IsCurrentNode))],
                    null);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                result = new Result(time.GetUtcNow(), null, false, [], ex.Message);
            }

            _last = result;
            return result;
        }
        finally
        {
            _gate.Release();
        }
    }

    private Result? Fresh(Result? result) =>
        result is not null && time.GetUtcNow() - result.At < FreshFor ? result : null;
}
