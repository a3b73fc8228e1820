using Dapper;
using GroupGuard.Storage.Migrations;
using Npgsql;

namespace GroupGuard.Storage.Postgres;

/// <summary>
/// Applies the PostgreSQL migrations a database lacks, in order, each in its own transaction that
/// holds a transaction-scoped advisory lock: instances starting together on one database take
/// turns, and the second finds the scripts applied. DDL is transactional in PostgreSQL, so a
/// script that fails leaves nothing behind.
/// </summary>
internal static class PostgresMigrator
{
    /// <summary>The advisory lock every GroupGuard migrator takes (an arbitrary constant: "GGMIGRAT").</summary>
    public const long LockKey = 0x4747_4D49_4752_4154;

    private const string CreateVersionTable = """
        CREATE TABLE IF NOT EXISTS schema_version (
            version    INTEGER PRIMARY KEY,
            name       TEXT NOT NULL,
            applied_at TEXT NOT NULL
        );
        """;

    /// <summary>The embedded PostgreSQL migrations, in version order (the host adds Quartz's tables as version 2: <see cref="PostgresSchemaScript"/>).</summary>
    public static IReadOnlyList<Migration> Embedded { get; } =
        Migration.LoadEmbedded(typeof(PostgresMigrator).Assembly, "GroupGuard.Storage.Postgres.Migrations.");

    /// <summary>Returns the schema version the database has afterwards.</summary>
    public static async Task<int> MigrateAsync(
        NpgsqlConnection connection,
        IReadOnlyList<Migration> migrations,
        TimeProvider timeProvider,
        CancellationToken cancellationToken) =>
        (await UpgradeAsync(connection, migrations, timeProvider, "the database", upgrade: true, cancellationToken).ConfigureAwait(false)).To;

    /// <summary>What <see cref="UpgradeAsync"/> did: the version before and after, and the migrations it applied.</summary>
    internal sealed record Outcome(SchemaPlan Plan, int To, IReadOnlyList<string> Applied);

    /// <summary>
    /// Applies the migrations the database lacks: to a database at an older version only with
    /// <paramref name="upgrade"/> (<see cref="SchemaPlan"/>); a newer one is refused.
    /// <paramref name="database"/> names it in those refusals.
    /// </summary>
    internal static async Task<Outcome> UpgradeAsync(
        NpgsqlConnection connection,
        IReadOnlyList<Migration> migrations,
        TimeProvider timeProvider,
        string database,
        bool upgrade,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(migrations);
        ArgumentNullException.ThrowIfNull(timeProvider);

        SchemaPlan plan;
        await using (var setup = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false))
        {
            await LockAsync(connection, setup, cancellationToken).ConfigureAwait(false);
            await connection.ExecuteAsync(new CommandDefinition(CreateVersionTable, transaction: setup, cancellationToken: cancellationToken)).ConfigureAwait(false);
            var applied = (await connection.QueryAsync<int>(new CommandDefinition("SELECT version FROM schema_version", transaction: setup, cancellationToken: cancellationToken)).ConfigureAwait(false)).ToList();
            await setup.CommitAsync(cancellationToken).ConfigureAwait(false);
            plan = SchemaPlan.For(applied, migrations, database, upgrade);
        }

        var done = new List<string>();
        foreach (var migration in plan.Pending)
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await LockAsync(connection, transaction, cancellationToken).ConfigureAwait(false);

            // Another instance may have applied it while this one waited for the lock: then it skips.
            if (await migration.ApplyAsync(connection, transaction, timeProvider, cancellationToken).ConfigureAwait(false))
            {
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                done.Add(migration.Name);
            }
        }

        await using var read = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        return new Outcome(plan, await CurrentVersionAsync(connection, read, cancellationToken).ConfigureAwait(false), done);
    }

    /// <summary>Waits, without a command timeout, while another instance migrates (however long its scripts take).</summary>
    private static Task LockAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_xact_lock(@Key)", new { Key = LockKey }, transaction, commandTimeout: 0, cancellationToken: cancellationToken));

    /// <summary>The schema version the database is at (0 for none).</summary>
    public static Task<int> CurrentVersionAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, CancellationToken cancellationToken) =>
        connection.ExecuteScalarAsync<int>(new CommandDefinition("SELECT COALESCE(MAX(version), 0) FROM schema_version", transaction: transaction, cancellationToken: cancellationToken));
}
