using System.Data.Common;
using GroupGuard.Core;
using GroupGuard.Storage.Migrations;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace GroupGuard.Storage.Postgres;

/// <summary>
/// A PostgreSQL database shared by every instance of the service: connections come from one
/// Npgsql data source (its pool), writes run side by side (PostgreSQL locks rows, not the
/// database), and the schema is created by <see cref="PostgresMigrator"/> under an advisory lock.
/// </summary>
internal sealed class PostgresDatabase : StorageDatabase, IAsyncDisposable, IDisposable
{
    private readonly NpgsqlDataSource _dataSource;

    private readonly IReadOnlyList<Migration> _migrations;

    public PostgresDatabase(string connectionString, IEnumerable<PostgresSchemaScript>? contributed = null)
    {
        var scripts = PostgresMigrator.Embedded.Concat((contributed ?? []).Select(s => new Migration(s.Version, s.Name, s.Sql))).OrderBy(m => m.Version).ToList();
        for (var i = 1; i < scripts.Count; i++)
        {
            if (scripts[i].Version == scripts[i - 1].Version)
            {
                throw new InvalidOperationException($"PostgreSQL migrations '{scripts[i - 1].Name}' and '{scripts[i].Name}' share version {scripts[i].Version}.");
            }
        }

        _migrations = scripts;
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        Location = $"{builder.Host}:{builder.Port}/{builder.Database ?? builder.Username}";
        _dataSource = NpgsqlDataSource.Create(builder);
    }

    public override string Provider => "postgres";

    /// <summary>Host, port and database; never the user's password.</summary>
    public override string Location { get; }

    public override string Described => $"the PostgreSQL database '{Location}'";

    public override string RowId => "ctid";

    public override string ForUpdate => " FOR UPDATE";

    /// <summary>The embedded migrations and those contributed (Quartz's tables), in version order.</summary>
    public override IReadOnlyList<Migration> Migrations => _migrations;

    public override string IsAnyOf(string column, string list) => $"{column} = ANY({list})";

    public override string ContainsIgnoringCase(string text, string part) => $"strpos(lower({text}), lower({part})) > 0";

    public override string? KeyLock(string key) => $"SELECT pg_advisory_xact_lock(hashtext({key}))";

    /// <summary>The advisory lock incident writes take to number themselves (an arbitrary constant: "GGCOMMIT").</summary>
    public const long CommitLockKey = 0x4747_434F_4D4D_4954;

    public override string? CommitOrderLock => $"SELECT pg_advisory_xact_lock({CommitLockKey})";

    public override string CommitSeqOnInsert => "nextval('incident_commit_seq')";

    // Times are stored as UTC text (StoredTime), which PostgreSQL reads as a timestamp.
    public override string DayOf(string time, string shift) =>
        $"to_char(CAST({time} AS timestamp) + CAST({shift} AS interval), 'YYYY-MM-DD')";

    public override string JsonRows(string parameter, int width, string extra) =>
        $"SELECT {string.Join(", ", Enumerable.Range(0, width).Select(i => $"r ->> {i}"))}, {extra} FROM jsonb_array_elements(CAST({parameter} AS jsonb)) WITH ORDINALITY AS rows(r, n) WHERE true ORDER BY n";

    public override bool IsMissingTable(DbException exception) =>
        exception is PostgresException { SqlState: PostgresErrorCodes.UndefinedTable };

    public override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken) =>
        await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);

    /// <summary>Attempts of a write that PostgreSQL rolled back as a deadlock or a serialization failure.</summary>
    internal const int WriteAttempts = 3;

    /// <summary>
    /// Writes run side by side. Two instances writing overlapping rows in different orders (two
    /// batches of incidents with a message in common) can deadlock; PostgreSQL then rolls one back
    /// whole, and it is run again, since every write opens its own connection and transaction.
    /// </summary>
    public override async Task<T> WithWriterAsync<T>(Func<Task<T>> action, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(action);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await action().ConfigureAwait(false);
            }
            catch (PostgresException ex) when (attempt < WriteAttempts
                && ex.SqlState is PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }
        }
    }

    public override async Task<int> InitializeAsync(IReadOnlyList<Migration> migrations, TimeProvider timeProvider, ILogger logger, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            var outcome = await PostgresMigrator.UpgradeAsync(connection, migrations, timeProvider, Described, UpgradesSchema, cancellationToken).ConfigureAwait(false);
            if (outcome.Plan.From > 0 && outcome.Applied.Count > 0)
            {
                logger.LogInformation(
                    "Upgraded the PostgreSQL database {Location} from schema version {From} to {To} ({Applied}); GroupGuard copies no PostgreSQL database before an upgrade, so take a pg_dump before starting a newer version.",
                    Location,
                    outcome.Plan.From,
                    outcome.To,
                    string.Join(", ", outcome.Applied));
            }
            else
            {
                logger.LogInformation("PostgreSQL incident store ready at {Location}, schema version {SchemaVersion}.", Location, outcome.To);
            }

            return outcome.To;
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            throw new StartupProblemException($"the PostgreSQL database at '{Location}' ({StorageOptionsValidator.ConnectionStringKey}) could not be reached or prepared: {ex.Message}{WhatToDo(ex)}", ex);
        }
    }

    /// <summary>What an operator does about a database that could not be reached or prepared, by the server's error code or the connection's failure; empty when neither says.</summary>
    internal static string WhatToDo(Exception ex) => ex switch
    {
        PostgresException { SqlState: PostgresErrorCodes.InvalidPassword or PostgresErrorCodes.InvalidAuthorizationSpecification } =>
            ". Check Username and Password in the connection string against the PostgreSQL user (ALTER USER groupguard PASSWORD '…' sets it), and that pg_hba.conf lets this machine in as that user",
        PostgresException { SqlState: PostgresErrorCodes.InvalidCatalogName } =>
            ". Create the database (CREATE DATABASE groupguard OWNER groupguard), or name the one that exists in the connection string's Database",
        PostgresException { SqlState: PostgresErrorCodes.InsufficientPrivilege } =>
            ". The user may not create GroupGuard's tables there: make it the database's owner (ALTER DATABASE groupguard OWNER TO groupguard)",
        PostgresException => "",
        _ when ex is TimeoutException || ex.InnerException is System.Net.Sockets.SocketException or TimeoutException =>
            ". Is PostgreSQL running at that Host and Port, and listening on an address this machine reaches (listen_addresses and port in postgresql.conf), with no firewall between?",
        _ => "",
    };

    public override Task<int> CurrentVersionAsync(DbConnection connection, CancellationToken cancellationToken) =>
        PostgresMigrator.CurrentVersionAsync((NpgsqlConnection)connection, null, cancellationToken);

    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();

    public void Dispose() => _dataSource.Dispose();
}
