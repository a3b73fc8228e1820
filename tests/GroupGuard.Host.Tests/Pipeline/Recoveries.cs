using GroupGuard.Core;
using GroupGuard.Core.Rules;
using GroupGuard.Host.Pipeline;
using GroupGuard.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace GroupGuard.Host.Tests.Pipeline;

/// <summary>A <see cref="PendingActionRecovery"/> on a started service's store, queue and rules, for one instance.</summary>
internal static class Recoveries
{
    /// <summary>
    /// The recovery of the instance <paramref name="instance"/> (the service's own when null); on a
    /// database shared with other instances when <paramref name="cluster"/> is given (the database
    /// is the service's SQLite file; only the recovery's behaviour changes). What it takes over goes
    /// to <paramref name="queue"/>, else to the service's action queue (whose worker carries out
    /// only the jobs of the service's own <c>GroupGuard:InstanceId</c>).
    /// </summary>
    public static PendingActionRecovery For(IServiceProvider services, TimeProvider time, string? instance = null, IClusterMembers? cluster = null, ActionQueue? queue = null) =>
        new(
            services.GetRequiredService<IIncidentStore>(),
            services.GetRequiredService<IPendingActions>(),
            services.GetRequiredService<IRuleSetProvider>(),
            queue ?? services.GetRequiredService<ActionQueue>(),
            instance is null ? services.GetRequiredService<InstanceIdentity>() : new InstanceIdentity(instance),
            time,
            services.GetRequiredService<ILogger<PendingActionRecovery>>(),
            cluster is null ? null : Microsoft.Extensions.Options.Options.Create(new StorageOptions { Provider = "postgres" }),
            cluster);
}

/// <summary>The instances a test says are alive; changed as the test goes.</summary>
internal sealed class FakeClusterMembers(params string[] alive) : IClusterMembers
{
    private volatile string[] _alive = alive;

    public void Alive(params string[] ids) => _alive = ids;

    public Task<IReadOnlySet<string>> TrustedAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlySet<string>>(new HashSet<string>(_alive, StringComparer.Ordinal));
}
