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

    /// <summary>The versions the database has applied, read without changing it: none when it has no <c>schema_version</c> table.</summary>
    public static async Task<IReadOnlyCollection<int>> AppliedAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        var hasTable = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'",
            cancellationToken: cancellationToken)).ConfigureAwait(false) > 0;
        if (!hasTable)
        {
            return [];
        }

        return [.. await connection.QueryAsync<int>(new CommandDefinition("SELECT version FROM schema_version", cancellationToken: cancellationToken)).ConfigureAwait(false)];
    }

    /// <summary>
    /// Applies <paramref name="migrations"/> in order, each unless another process applied it first;
    /// returns the schema version the database has afterwards.
    /// </summary>
    public static async Task<int> MigrateAsync(
        SqliteConnection connection,
        IReadOnlyList<Migration> migrations,
        TimeProvider timeProvider,
        CancellationToken cancellationToken)
    {
        await connection.ExecuteAsync(new CommandDefinition(CreateVersionTable, cancellationToken: cancellationToken)).ConfigureAwait(false);
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
