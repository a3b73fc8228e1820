using System.Runtime.CompilerServices;
using Dapper;
using GroupGuard.Core;
using GroupGuard.Storage.Migrations;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GroupGuard.Storage.Sqlite;

/// <summary>
/// Incidents in one SQLite file in WAL mode. SQLite has a single writer, so writes queue on a
/// semaphore here instead of contending for the file lock; reads run concurrently beside them.
/// </summary>
internal sealed class SqliteIncidentStore : IIncidentStore
{
    internal const string Provider = "sqlite";

    private const string Columns = """
        id AS Id, time AS Time, detected_at AS DetectedAt, platform AS Platform, bot_id AS BotId,
        group_id AS GroupId, user_id AS UserId, sender_name AS SenderName, sender_role AS SenderRole,
        message_id AS MessageId, pack AS Pack, rule AS Rule, category AS Category, severity AS Severity,
        matched_term AS MatchedTerm, message_text AS MessageText, decided_action AS DecidedAction,
        action_status AS ActionStatus, action_error AS ActionError, rule_set_version AS RuleSetVersion
        """;

    private const string InsertSql = """
        INSERT INTO incidents (
            time, detected_at, platform, bot_id, group_id, user_id, sender_name, sender_role, message_id,
            pack, rule, category, severity, matched_term, message_text, decided_action, action_status,
            action_error, rule_set_version)
        VALUES (
            @Time, @DetectedAt, @Platform, @BotId, @GroupId, @UserId, @SenderName, @SenderRole, @MessageId,
            @Pack, @Rule, @Category, @Severity, @MatchedTerm, @MessageText, @DecidedAction, @ActionStatus,
            @ActionError, @RuleSetVersion)
        ON CONFLICT DO NOTHING
        """;

    private readonly SqliteDatabase _database;
    private readonly IReadOnlyList<Migration> _migrations;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _writeLock = new(1, 1);

    public SqliteIncidentStore(IOptions<StorageOptions> options, TimeProvider timeProvider, ILogger<SqliteIncidentStore> logger)
        : this(options.Value, timeProvider, logger, LoadMigrations())
    {
    }

    internal SqliteIncidentStore(StorageOptions options, TimeProvider timeProvider, ILogger logger, IReadOnlyList<Migration> migrations)
    {
        _database = new SqliteDatabase(options.ConnectionString);
        _migrations = migrations;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    /// <summary>The full path of the database file.</summary>
    public string Location => _database.Location;

    internal static IReadOnlyList<Migration> LoadMigrations() =>
        Migration.LoadEmbedded(typeof(SqliteIncidentStore).Assembly, "GroupGuard.Storage.Sqlite.Migrations.");

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_database.IsFile)
            {
                var folder = Path.GetDirectoryName(_database.Location);
                if (!string.IsNullOrEmpty(folder))
                {
                    Directory.CreateDirectory(folder);
                }
            }

            await using var connection = await _database.OpenAsync(create: true, cancellationToken).ConfigureAwait(false);

            // WAL is stored in the file, so this sticks; it lets reads run while a write commits.
            var journalMode = await connection.ExecuteScalarAsync<string>(
                new CommandDefinition("PRAGMA journal_mode = WAL", cancellationToken: cancellationToken)).ConfigureAwait(false);
            if (_database.IsFile && !string.Equals(journalMode, "wal", StringComparison.OrdinalIgnoreCase))
            {
                _logger.LogWarning(
                    "SQLite incident database {Location} stays in journal mode {JournalMode}: WAL is not available there, so reads wait for writes.",
                    _database.Location,
                    journalMode);
            }

            var version = await SqliteMigrator.MigrateAsync(connection, _migrations, _timeProvider, cancellationToken).ConfigureAwait(false);
            _logger.LogInformation("SQLite incident store ready at {Location}, schema version {SchemaVersion}.", _database.Location, version);
        }
        catch (Exception ex) when (ex is SqliteException or IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException($"The SQLite incident store at '{_database.Location}' could not be initialized: {ex.Message}", ex);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public async Task<int> AddAsync(IReadOnlyList<Incident> incidents, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(incidents);
        if (incidents.Count == 0)
        {
            return 0;
        }

        // Converted before taking the lock: a bad incident fails alone, without holding up writers.
        var rows = new IncidentRow[incidents.Count];
        for (var i = 0; i < rows.Length; i++)
        {
            rows[i] = IncidentRow.From(incidents[i]);
        }

        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using var connection = await _database.OpenAsync(create: false, cancellationToken).ConfigureAwait(false);
            using var transaction = connection.BeginTransaction();
            // Dapper runs the insert once per row; ON CONFLICT DO NOTHING makes a redelivery count 0.
            var added = await connection.ExecuteAsync(new CommandDefinition(InsertSql, rows, transaction, cancellationToken: cancellationToken))
                .ConfigureAwait(false);
            transaction.Commit();
            return added;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public async IAsyncEnumerable<Incident> QueryAsync(IncidentQuery query, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);

        var conditions = new List<string>(2);
        if (query.Since is not null)
        {
            conditions.Add("time >= @Since");
        }

        if (query.Until is not null)
        {
            conditions.Add("time < @Until");
        }

        var sql = $"SELECT {Columns} FROM incidents"
            + (conditions.Count == 0 ? "" : " WHERE " + string.Join(" AND ", conditions))
            + " ORDER BY id";
        var parameters = new
        {
            Since = query.Since is { } since ? SqliteTime.ToBoundText(since) : null,
            Until = query.Until is { } until ? SqliteTime.ToBoundText(until) : null,
        };

        await using var connection = await _database.OpenAsync(create: false, cancellationToken).ConfigureAwait(false);
        var rows = connection.QueryUnbufferedAsync<IncidentRow>(sql, parameters).WithCancellation(cancellationToken).ConfigureAwait(false);
        await foreach (var row in rows)
        {
            yield return row.ToIncident();
        }
    }

    public async Task<StorageStatus> CheckAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await _database.OpenAsync(create: false, cancellationToken).ConfigureAwait(false);
            var version = await SqliteMigrator.CurrentVersionAsync(connection, null, cancellationToken).ConfigureAwait(false);
            var count = await connection.ExecuteScalarAsync<long>(
                new CommandDefinition("SELECT COUNT(*) FROM incidents", cancellationToken: cancellationToken)).ConfigureAwait(false);

            await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                await connection.ExecuteAsync(new CommandDefinition(
                    """
                    INSERT INTO storage_health (id, checked_at) VALUES (1, @CheckedAt)
                    ON CONFLICT (id) DO UPDATE SET checked_at = excluded.checked_at
                    """,
                    new { CheckedAt = SqliteTime.ToText(_timeProvider.GetUtcNow()) },
                    cancellationToken: cancellationToken)).ConfigureAwait(false);
            }
            finally
            {
                _writeLock.Release();
            }

            return new StorageStatus(Provider, _database.Location, version, count);
        }
        catch (SqliteException ex) when (ex.Message.Contains("no such table", StringComparison.Ordinal))
        {
            throw new InvalidOperationException(
                $"The SQLite incident database '{_database.Location}' has no incident schema (was the store initialized?): {ex.Message}", ex);
        }
        catch (SqliteException ex)
        {
            throw new InvalidOperationException($"The SQLite incident database '{_database.Location}' is not usable: {ex.Message}", ex);
        }
    }
}
