using GroupGuard.Storage.Postgres;

namespace GroupGuard.Host.Jobs;

/// <summary>
/// The tables of Quartz's ADO.NET job store, for the clustered scheduler on PostgreSQL. The DDL is
/// the one Quartz ships inside its own assembly for PostgreSQL (idempotent: it only creates what is
/// missing), run as migration 2 under the migrator's advisory lock, so instances starting together
/// do not race Quartz's own provisioning and the schema is versioned with everything else. A
/// Quartz upgrade that changes its tables needs a migration of its own after this one. The host
/// contributes it (<see cref="PostgresSchemaScript"/>), so that only the host depends on Quartz.
/// </summary>
internal static class QuartzSchema
{
    /// <summary>The table prefix, Quartz's default; the scheduler is configured with the same.</summary>
    public const string TablePrefix = "qrtz_";

    public const int Version = 2;

    private const string Resource = "Quartz.Impl.AdoJobStore.Schema.create_postgres.sql";

    /// <summary>Migration 2: Quartz's PostgreSQL tables with <see cref="TablePrefix"/>.</summary>
    public static PostgresSchemaScript Script() => new(Version, "0002_quartz", Load());

    private static string Load()
    {
        var assembly = typeof(Quartz.IScheduler).Assembly;
        using var stream = assembly.GetManifestResourceStream(Resource)
            ?? throw new InvalidOperationException(
                $"Quartz {assembly.GetName().Version} carries no '{Resource}': the PostgreSQL job store schema cannot be created. Use the Quartz version this GroupGuard was built with.");
        using var reader = new StreamReader(stream);

        // {0} is the prefix, {1} the prefix without a schema qualifier (the same here).
        return reader.ReadToEnd().Replace("{0}", TablePrefix, StringComparison.Ordinal).Replace("{1}", TablePrefix, StringComparison.Ordinal);
    }
}
