using Dapper;
using GroupGuard.Storage.Migrations;
using Microsoft.Data.Sqlite;

namespace GroupGuard.Storage.Sqlite;

/// <summary>Applies the migrations a database lacks, in order, each in its own transaction.</summary>
internal static class SqliteMigrator
{
    private const string CreateVersionTable = """
        CREATE TABLE IF NOT EXISTS schema_version (
            version    INTEGER PRIMARY KEY,
            name       TEXT NOT NULL,
            applied_at TEXT NOT NULL
        );
        """;

    /// <summary>Returns the schema version the database has afterwards.</summary>
    public static async Task<int> MigrateAsync(
        SqliteConnection connection,
        IReadOnlyList<Migration> migrations,
        TimeProvider timeProvider,
        CancellationToken cancellationToken)
    {
        await connection.ExecuteAsync(new CommandDefinition(CreateVersionTable, cancellationToken: cancellationToken)).ConfigureAwait(false);

        var known = migrations.Count == 0 ? 0 : migrations[^1].Version;
        var current = await CurrentVersionAsync(connection, null, cancellationToken).ConfigureAwait(false);
        if (current > known)
        {
            throw new Core.StartupProblemException(
                $"The database is at schema version {current}, newer than this GroupGuard knows ({known}). Run a newer GroupGuard or restore a matching backup (GroupGuard:Storage:ConnectionString names the database).");
        }

        foreach (var migration in migrations)
        {
            using var transaction = connection.BeginTransaction(); // BEGIN IMMEDIATE: one migrator at a time
            // Another process may have applied it between our read and this lock: then it skips.
            if (await migration.ApplyAsync(connection, transaction, timeProvider, cancellationToken).ConfigureAwait(false))
            {
                transaction.Commit();
            }
        }

        return await CurrentVersionAsync(connection, null, cancellationToken).ConfigureAwait(false);
    }

    public static async Task<int> CurrentVersionAsync(SqliteConnection connection, SqliteTransaction? transaction, CancellationToken cancellationToken) =>
        await connection.ExecuteScalarAsync<int?>(new CommandDefinition(
            "SELECT MAX(version) FROM schema_version",
            transaction: transaction,
            cancellationToken: cancellationToken)).ConfigureAwait(false) ?? 0;
}
