using Quartz;

namespace GroupGuard.Host.Pipeline;

/// <summary>Which instances of the cluster are alive, as the scheduler's check-ins tell.</summary>
internal interface IClusterMembers
{
    /// <summary>
    /// The ids of the instances the cluster still trusts: those that checked in lately (alive, or
    /// overdue but not yet given up on). An instance missing from it has stopped, or never started.
    /// </summary>
    Task<IReadOnlySet<string>> TrustedAsync(CancellationToken cancellationToken);
}

/// <summary>
/// <see cref="IClusterMembers"/> from Quartz's cluster table: on PostgreSQL every instance checks in
/// every 5 s, and one that has not for 15 s more is judged failed, by the same test Quartz's own
/// failover applies.
/// </summary>
internal sealed class QuartzClusterMembers(ISchedulerFactory schedulers) : IClusterMembers
{
    public async Task<IReadOnlySet<string>> TrustedAsync(CancellationToken cancellationToken)
    {
        var scheduler = await schedulers.GetScheduler(cancellationToken);
        var nodes = await scheduler.QueryClusterNodes(cancellationToken);
        return nodes
            .Where(n => n.State is ClusterNodeState.Alive or ClusterNodeState.Overdue)
            .Select(n => n.InstanceId)
            .ToHashSet(StringComparer.Ordinal);
    }
}
