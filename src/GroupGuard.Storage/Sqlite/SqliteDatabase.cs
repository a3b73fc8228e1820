using System.Data.Common;
using Dapper;
using GroupGuard.Core;
using GroupGuard.Storage.Migrations;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace GroupGuard.Storage.Sqlite;

/// <summary>
/// One SQLite database file: resolves where it is and opens connections with the pragmas every
/// connection needs. Only <see cref="OpenAsync"/> with <c>create: true</c> (initialization) may
/// create the file; later opens fail when it has gone, instead of quietly starting an empty one.
/// </summary>
/// <remarks>
/// SQLite has a single writer, so writes queue on one semaphore here instead of contending for
/// the file lock; reads run concurrently beside them. Every store on the file shares this
/// instance (a singleton in the container), so incident writes and outbox writes never overlap.
/// Other processes on the same file are held off by SQLite itself (busy timeout).
/// </remarks>
internal sealed class SqliteDatabase : StorageDatabase
{
    // Another process (a backup, the sqlite3 shell) may hold the write lock briefly; wait for it
    // rather than failing a write at once.
    private const int BusyTimeoutMilliseconds = 5000;

    // SQLite's result codes for a damaged file: SQLITE_CORRUPT (a page that is not what SQLite
    // wrote, a file shorter than its header says), SQLITE_NOTADB (a header that is not SQLite's).
    private const int SqliteCorrupt = 11;
    private const int SqliteNotADatabase = 26;

    // SQLITE_ERROR, the generic one: a statement SQLite cannot run as written.
    private const int SqliteError = 1;

    private readonly string _createConnectionString;
    private readonly string _openConnectionString;
    private readonly SemaphoreSlim _writeLock = new(1, 1);

    // The SQLite handles whose per-connection settings are made; a handle closed for good drops out.
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<SQLitePCL.sqlite3, object> Configured = [];
    private static readonly object Marker = new();

    public SqliteDatabase(string connectionString)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString);
        IsFile = builder.Mode != SqliteOpenMode.Memory
            && !string.Equals(builder.DataSource, ":memory:", StringComparison.OrdinalIgnoreCase)
            && !builder.DataSource.StartsWith("file:", StringComparison.OrdinalIgnoreCase);

        if (IsFile)
        {
            builder.DataSource = Path.GetFullPath(builder.DataSource);
        }

        Location = builder.DataSource;
        _createConnectionString = builder.ToString();
        if (builder.Mode == SqliteOpenMode.ReadWriteCreate)
        {
            builder.Mode = SqliteOpenMode.ReadWrite;
        }

        _openConnectionString = builder.ToString();
    }

    /// <summary>The embedded SQLite migrations, in version order.</summary>
    public static IReadOnlyList<Migration> Embedded { get; } =
        Migration.LoadEmbedded(typeof(SqliteDatabase).Assembly, "GroupGuard.Storage.Sqlite.Migrations.");

    public override string Provider => "sqlite";

    /// <summary>The full path of the database file (or the data source as given, for memory and URI sources).</summary>
    public override string Location { get; }

    public override string Described => $"the SQLite database '{Location}'";

    public override string RowId => "rowid";

    public override string ForUpdate => "";

    public override IReadOnlyList<Migration> Migrations => Embedded;

    public override string IsAnyOf(string column, string list) => $"{column} IN {list}";

    public override string ContainsIgnoringCase(string text, string part) => $"instr(lower({text}), lower({part})) > 0";

    public override string? KeyLock(string key) => null;

    public override string? CommitOrderLock => null;

    // Indexed, so the highest is one lookup.
    public override string CommitSeqOnInsert => "(SELECT COALESCE(MAX(commit_seq), 0) + 1 FROM incidents)";

    public override string DayOf(string time, string shift) => $"date({time}, {shift})";

    // WHERE true: an INSERT from a SELECT with ON CONFLICT needs it to parse (SQLite's upsert notes).
    public override string JsonRows(string parameter, int width, string extra) =>
        $"SELECT {string.Join(", ", Enumerable.Range(0, width).Select(i => $"json_extract(value, '$[{i}]')"))}, {extra} FROM json_each({parameter}) WHERE true ORDER BY key";

    public override bool IsMissingTable(DbException exception) =>
        exception is SqliteException && exception.Message.Contains("no such table", StringComparison.Ordinal);

    public override string? Damage(Exception exception) => exception switch
    {
        DamagedDatabaseException damaged => damaged.Message,
        SqliteException sqlite when IsDamage(sqlite) => $"The SQLite database '{Location}' is damaged ({sqlite.Message.TrimEnd('.')}). Stop GroupGuard, then {WhatToDoWhenDamaged}",
        _ => null,
    };

    private static bool IsDamage(SqliteException exception) =>
        (exception.SqliteErrorCode & 0xFF) is SqliteCorrupt or SqliteNotADatabase;

    /// <summary>What an operator can do with a damaged database file, in words that follow "then" or "To start,".</summary>
    private string WhatToDoWhenDamaged =>
        "restore the file from a backup, or move it aside (with its -wal and -shm files) and start again for a new, empty one; " +
        "README, \"A damaged database\", shows how to copy what it still holds into a new file that can take its place.";

    public override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken) =>
        await OpenAsync(create: false, cancellationToken).ConfigureAwait(false);

    /// <summary>False for in-memory and <c>file:</c> URI data sources, whose path is not ours to resolve.</summary>
    public bool IsFile { get; }

    public async Task<SqliteConnection> OpenAsync(bool create, CancellationToken cancellationToken)
    {
        if (!create)
        {
            EnsureFileIsThere();
        }

        var connection = new SqliteConnection(create ? _createConnectionString : _openConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);

            // Both are per connection, not stored in the file. NORMAL is durable in WAL mode
            // except for the last commits on power loss, which is the usual trade for a service.
            // A connection from the pool keeps its SQLite handle and so its settings: set once a
            // handle, not at every open (two statements prepared and run per store call).
            if (connection.Handle is { } handle && !Configured.TryGetValue(handle, out _))
            {
                await connection.ExecuteAsync(new CommandDefinition(
                    $"PRAGMA busy_timeout = {BusyTimeoutMilliseconds}; PRAGMA synchronous = NORMAL;",
                    cancellationToken: cancellationToken)).ConfigureAwait(false);
                Configured.AddOrUpdate(handle, Marker);
            }

            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Runs <paramref name="action"/> in the single writer's turn (it opens its own connection). A
    /// write that finds the file damaged fails with a <see cref="DamagedDatabaseException"/>, whose
    /// message names the file and what to do, for the log and <c>/healthz</c>.
    /// </summary>
    public override async Task<T> WithWriterAsync<T>(Func<Task<T>> action, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await action().ConfigureAwait(false);
        }
        catch (SqliteException ex) when (Damage(ex) is { } damage)
        {
            throw new DamagedDatabaseException(damage, ex);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    // BEGIN IMMEDIATE (the Microsoft.Data.Sqlite default): another process's writer makes a
    // write wait out the busy timeout instead of failing at its first statement.
    protected override Task<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken) =>
        Task.FromResult<DbTransaction>(((SqliteConnection)connection).BeginTransaction(deferred: false));

    public override Task<int> InitializeAsync(IReadOnlyList<Migration> migrations, TimeProvider timeProvider, ILogger logger, CancellationToken cancellationToken) =>
        WithWriterAsync(() => InitializeInTurnAsync(migrations, timeProvider, logger, cancellationToken), cancellationToken);

    public override Task<int> CurrentVersionAsync(DbConnection connection, CancellationToken cancellationToken) =>
        SqliteMigrator.CurrentVersionAsync((SqliteConnection)connection, null, cancellationToken);

    private async Task<int> InitializeInTurnAsync(IReadOnlyList<Migration> migrations, TimeProvider timeProvider, ILogger logger, CancellationToken cancellationToken)
    {
        try
        {
            if (IsFile)
            {
                var folder = Path.GetDirectoryName(Location);
                if (!string.IsNullOrEmpty(folder))
                {
                    Directory.CreateDirectory(folder);
                }

                CreateOwnerOnly(Location);
            }

            await using var connection = await OpenAsync(create: true, cancellationToken).ConfigureAwait(false);
            await ReadFirstPagesAsync(connection, cancellationToken).ConfigureAwait(false);

            // Decided before anything is changed: a command leaves a database it may not upgrade as it found it.
            var plan = SchemaPlan.For(await SqliteMigrator.AppliedAsync(connection, cancellationToken).ConfigureAwait(false), migrations, Described, UpgradesSchema);
            if (UpgradesSchema || plan.Creates)
            {
                // WAL is stored in the file, so this sticks; it lets reads run while a write commits.
                var journalMode = await connection.ExecuteScalarAsync<string>(
                    new CommandDefinition("PRAGMA journal_mode = WAL", cancellationToken: cancellationToken)).ConfigureAwait(false);
                if (IsFile && !string.Equals(journalMode, "wal", StringComparison.OrdinalIgnoreCase))
                {
                    logger.LogWarning(
                        "SQLite incident database {Location} stays in journal mode {JournalMode}: WAL is not available there, so reads wait for writes.",
                        Location,
                        journalMode);
                }
            }

            var copy = plan.Upgrades && IsFile ? await CopyBeforeUpgradeAsync(connection, plan, logger, cancellationToken).ConfigureAwait(false) : null;
            var version = plan.Pending.Count == 0
                ? plan.From
                : await SqliteMigrator.MigrateAsync(connection, plan.Pending, timeProvider, cancellationToken).ConfigureAwait(false);
            if (plan.Upgrades)
            {
                logger.LogInformation(
                    "Upgraded the SQLite database {Location} from schema version {From} to {To} ({Applied}); the copy from before the upgrade is {Copy}.",
                    Location,
                    plan.From,
                    version,
                    string.Join(", ", plan.Pending.Select(m => m.Name)),
                    copy ?? "not made (not a file)");
            }
            else
            {
                logger.LogInformation("SQLite incident store ready at {Location}, schema version {SchemaVersion}.", Location, version);
            }

            return version;
        }
        catch (SqliteException ex) when (IsDamage(ex))
        {
            throw new StartupProblemException(
                $"the SQLite database '{Location}' is damaged: {ex.Message.TrimEnd('.')}. To start, {WhatToDoWhenDamaged} ({StorageOptionsValidator.ConnectionStringKey} names the database.)", ex);
        }
        catch (Exception ex) when (IsFile && ex is not StartupProblemException && (StorageErrors.IsUnwritablePlace(ex) || ex is UnauthorizedAccessException) && Directory.Exists(Path.GetDirectoryName(Location)))
        {
            // SQLite's "Error 14: 'unable to open database file'" names neither the folder nor why.
            var (folder, file) = Unwritable(Location);
            throw new StartupProblemException(NotWritable(Location, ex.Message, folder, file), ex);
        }
        catch (Exception ex) when (ex is SqliteException or IOException or UnauthorizedAccessException)
        {
            // Said as a setting to mend, not a crash: a folder the service may not write, or no folder at all.
            throw new StartupProblemException($"the SQLite database '{Location}' ({StorageOptionsValidator.ConnectionStringKey}) could not be created or opened: {ex.Message}", ex);
        }
    }

    /// <summary>
    /// What stops a start on a database SQLite may not write where it is: its folder
    /// (<paramref name="folderUnwritable"/>), its file (<paramref name="fileUnwritable"/>), or, when
    /// neither could be told, both named. SQLite writes its journal (the <c>-wal</c> and <c>-shm</c>
    /// files) beside the database, so the folder must be writable even when the file is: a folder
    /// made read-only under an existing database fails with "SQLite Error 14: 'unable to open
    /// database file'", which says neither.
    /// </summary>
    internal static string NotWritable(string location, string sqliteMessage, bool folderUnwritable, bool fileUnwritable)
    {
        var folder = Path.GetDirectoryName(location) ?? location;
        var what = (folderUnwritable, fileUnwritable) switch
        {
            (true, false) => $"the folder '{folder}' must be writable by the service's user ({Environment.UserName})",
            (false, true) => $"the database file '{location}' must be writable by the service's user ({Environment.UserName}), and its folder '{folder}' too",
            _ => $"the folder '{folder}' and the database file '{location}' must be writable by the service's user ({Environment.UserName})",
        };
        var user = Environment.UserName;
        var key = StorageOptionsValidator.ConnectionStringKey;

        // Only what is the database's own is handed to the service's user: the file itself, or a
        // folder of its own. A home folder, a system folder or the root holds what is not
        // GroupGuard's, and chown -R there (chown -R nobody '/root') breaks the machine.
        var remedy = !folderUnwritable && fileUnwritable
            ? $"Give that user the file (e.g. chown {user} '{location}'), or set {key} to a database in a folder it can write."
            : !SharedFolder(folder)
                ? $"Give that user write access to the folder (e.g. chown -R {user} '{folder}'), or set {key} to a database in a folder it can write."
                : $"'{folder}' is not a folder of the database's own (a home folder, a system folder or the root of the file system), so do not hand it to that user: " +
                  $"set {key} to a database in a folder of its own that {user} can write, e.g. Data Source=/var/lib/groupguard/groupguard.db " +
                  $"(install -d -o {user} -m 700 /var/lib/groupguard; under systemd, StateDirectory=groupguard makes it for the service's user).";
        return $"the SQLite database '{location}' ({key}) cannot be written where it is: {what}, " +
            $"since SQLite writes its journal (the -wal and -shm files) beside the database. {remedy} " +
            $"(SQLite said: {sqliteMessage.TrimEnd('.')}.)";
    }

    /// <summary>Folders from which the file system is laid out, whose contents are not one program's: never to be given to the service's user whole.</summary>
    private static readonly string[] SystemFolders =
    [
        "/var/lib", "/var/tmp", "/var/cache", "/var/log", "/var/opt", "/var/spool", "/var/run", "/usr/local", "/usr/share", "/usr/lib", "/run/user", "/mnt", "/media",
    ];

    /// <summary>
    /// Whether <paramref name="folder"/> holds more than the database: the root of the file system, a
    /// folder directly under it (<c>/root</c>, <c>/tmp</c>, <c>/home</c>, <c>/opt</c>), a home folder
    /// (<c>/home/ann</c>, the service user's own) or a system folder (<c>/var/lib</c>).
    /// </summary>
    internal static bool SharedFolder(string folder)
    {
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder));
        var root = Path.GetPathRoot(full);
        if (string.IsNullOrEmpty(root) || full.Length <= root.Length)
        {
            return true;
        }

        var parent = Path.GetDirectoryName(full);
        if (parent is null || string.Equals(Path.TrimEndingDirectorySeparator(parent), Path.TrimEndingDirectorySeparator(root), StringComparison.Ordinal))
        {
            return true; // directly under the root
        }

        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return string.Equals(parent, "/home", StringComparison.Ordinal)
            || (!string.IsNullOrEmpty(home) && string.Equals(Path.TrimEndingDirectorySeparator(home), full, StringComparison.Ordinal))
            || SystemFolders.Contains(full, StringComparer.Ordinal);
    }

    /// <summary>
    /// Whether this process may not create a file in the database's folder, and may not open the
    /// database file for writing, found by trying (a file's mode bits do not say it for root, ACLs
    /// or a read-only mount): a file made and deleted at once in the folder.
    /// </summary>
    private static (bool Folder, bool File) Unwritable(string location)
    {
        var folder = Path.GetDirectoryName(location);
        var folderUnwritable = false;
        if (!string.IsNullOrEmpty(folder))
        {
            try
            {
                using var probe = new FileStream(
                    Path.Combine(folder, $".groupguard-write-check-{Guid.NewGuid():N}"),
                    new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Options = FileOptions.DeleteOnClose }.OwnerOnly());
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                folderUnwritable = true;
            }
        }

        var fileUnwritable = false;
        if (File.Exists(location))
        {
            try
            {
                using var opened = new FileStream(location, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                fileUnwritable = true;
            }
        }

        return (folderUnwritable, fileUnwritable);
    }

    /// <summary>
    /// Copies the database, as it is before an upgrade, beside it: <c>groupguard.db.schema14.bak</c>
    /// (<c>VACUUM INTO</c>, a consistent copy while the file is open), readable by the service's
    /// user only, as a new database is. The GroupGuard that wrote it opens the copy as it is; the
    /// upgraded database it would refuse. A file already of that name is kept, and none is made:
    /// it is a copy at the same version that an earlier start made before an upgrade that did not
    /// finish (a restart loop would otherwise fill the disk with copies); the operator is warned to
    /// move it away for a fresh one. A copy that cannot be made stops the start before the upgrade,
    /// rather than upgrade with no way back.
    /// </summary>
    /// <returns>Where the copy is.</returns>
    private async Task<string> CopyBeforeUpgradeAsync(SqliteConnection connection, SchemaPlan plan, ILogger logger, CancellationToken cancellationToken)
    {
        var copy = CopyPath(Location, plan.From);
        if (File.Exists(copy))
        {
            logger.LogWarning(
                "A copy of the SQLite database {Location} at schema version {From} is already at {Copy} (made by an earlier start whose upgrade did not finish?): it is kept as it is, and no new copy is made. Move it away before a start to have a fresh copy made.",
                Location,
                plan.From,
                copy);
            return copy;
        }

        // Written under another name and renamed when complete, so that a copy cut short (the
        // process killed, the machine off) is never taken for a whole one at the next start.
        var partial = copy + ".partial";
        try
        {
            File.Delete(partial); // only ever an unfinished copy of an earlier start
            using (new FileStream(partial, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write }.OwnerOnly()))
            {
                // VACUUM INTO writes into an empty file, which keeps these permissions.
            }

            // No command timeout: a large database takes as long as it takes to copy.
            await connection.ExecuteAsync(new CommandDefinition("VACUUM INTO @Copy", new { Copy = partial }, commandTimeout: 0, cancellationToken: cancellationToken)).ConfigureAwait(false);
            File.Move(partial, copy, overwrite: false);
        }
        catch (Exception ex) when (ex is SqliteException or IOException or UnauthorizedAccessException or OperationCanceledException)
        {
            TryDelete(partial);
            if (ex is OperationCanceledException)
            {
                throw;
            }

            // The copy reads every page: damage the start's look did not reach is found here.
            if (ex is SqliteException damaged && IsDamage(damaged))
            {
                throw new StartupProblemException(
                    $"could not copy {Described} to '{copy}' before upgrading it from schema version {plan.From} to {plan.Known}: the database is damaged ({damaged.Message.TrimEnd('.')}), and is unchanged. To start, {WhatToDoWhenDamaged}",
                    ex);
            }

            throw new StartupProblemException(
                $"could not copy {Described} to '{copy}' before upgrading it from schema version {plan.From} to {plan.Known}: {ex.Message.TrimEnd('.')}. " +
                $"The database is unchanged. Make room in its folder, or let the service write there, and start again ({StorageOptionsValidator.ConnectionStringKey} names the database).",
                ex);
        }

        logger.LogInformation(
            "Copied the SQLite database {Location} at schema version {From} to {Copy} before upgrading it to {To}.",
            Location,
            plan.From,
            copy,
            plan.Known);
        return copy;
    }

    /// <summary>
    /// Finds a damaged file at start rather than at the first write that reaches a damaged page:
    /// reads the first row of every table and index (its root page and the pages down to its first
    /// leaf), a few pages each whatever the file's size. Opening the file has already read the
    /// header and the schema, and SQLite refuses a header that is not its own and a file shorter
    /// than its header says. A page further in is found when it is read: <c>PRAGMA quick_check</c>
    /// reads every page, 3 s for a file of 200 MB read from the disk, so it is not run at every start.
    /// </summary>
    private static async Task ReadFirstPagesAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        var trees = await connection.QueryAsync<(string Type, string Name, string Table)>(new CommandDefinition(
            "SELECT type, name, tbl_name FROM sqlite_master WHERE type IN ('table', 'index') AND rootpage > 0",
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        foreach (var (type, name, table) in trees)
        {
            var sql = type == "table"
                ? $"SELECT 1 FROM {Quoted(name)} NOT INDEXED LIMIT 1"
                : $"SELECT 1 FROM {Quoted(table)} INDEXED BY {Quoted(name)} LIMIT 1";
            try
            {
                await connection.ExecuteScalarAsync(new CommandDefinition(sql, cancellationToken: cancellationToken)).ConfigureAwait(false);
            }
            catch (SqliteException ex) when ((ex.SqliteErrorCode & 0xFF) == SqliteError)
            {
                // A partial index cannot be read on its own ("no query solution"): it is not looked at.
            }
        }
    }

    private static string Quoted(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    /// <summary>Where the copy of <paramref name="database"/> at schema version <paramref name="version"/> is made before an upgrade.</summary>
    internal static string CopyPath(string database, int version) =>
        database + ".schema" + version.ToString(System.Globalization.CultureInfo.InvariantCulture) + ".bak";

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Left behind; the next start deletes it before its own copy.
        }
    }

    /// <summary>
    /// A new database file is created empty and readable by the service's user only (on Unix), before
    /// SQLite opens it: it holds the text of flagged messages and the personal data a rule caught,
    /// and SQLite gives its <c>-wal</c> and <c>-shm</c> files the database file's permissions. An
    /// existing file keeps the permissions it has (an operator may have chosen them).
    /// </summary>
    private static void CreateOwnerOnly(string path)
    {
        if (File.Exists(path) || Directory.Exists(path))
        {
            return;
        }

        try
        {
            using var created = new FileStream(path, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write }.OwnerOnly());
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another instance created it a moment ago.
        }
    }

    /// <summary>
    /// A pooled connection keeps the file open, so writes would go on into a deleted file and be
    /// lost with it. Checking first turns that into an error someone sees.
    /// </summary>
    private void EnsureFileIsThere()
    {
        if (!IsFile || File.Exists(Location))
        {
            return;
        }

        using (var connection = new SqliteConnection(_openConnectionString))
        {
            SqliteConnection.ClearPool(connection);
        }

        throw Directory.Exists(Location)
            ? new InvalidOperationException($"The SQLite incident database '{Location}' is a directory, not a database file.")
            : new InvalidOperationException(
                $"The SQLite incident database '{Location}' does not exist (deleted or moved?). Restart GroupGuard to create a new one, or restore it from a backup.");
    }
}
