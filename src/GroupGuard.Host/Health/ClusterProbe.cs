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

    private readonly ThrottledCheck<Result> _check = new(time, FreshFor, Timeout);

    /// <summary>A node of the cluster as this instance sees it.</summary>
    public sealed record Node(string Id, string State, DateTimeOffset? LastCheckIn, bool Current);

    /// <summary>The instance id, whether the scheduler is clustered, the nodes, or why they could not be read.</summary>
    public sealed record Result(DateTimeOffset At, string? InstanceId, bool Clustered, IReadOnlyList<Node> Nodes, string? Error);

    public Task<Result> CheckAsync(CancellationToken cancellationToken) =>
        _check.GetAsync(
            async token =>
            {
                var scheduler = await schedulers.GetScheduler(token);
                var metadata = await scheduler.GetMetadata(token);
                var nodes = await scheduler.QueryClusterNodes(token);
                return new Result(
                    time.GetUtcNow(),
                    metadata.SchedulerInstanceId,
                    metadata.JobStoreClustered,
                    [.. nodes.Select(n => new Node(n.InstanceId, n.State.ToString().ToLowerInvariant(), n.LastCheckInUtc, n.IsCurrentNode))],
                    null);
            },
            ex => new Result(time.GetUtcNow(), null, false, [], ex.Message),
            cancellationToken);
}
