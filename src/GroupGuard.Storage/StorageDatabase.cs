using System.Data.Common;
using GroupGuard.Storage.Migrations;
using Microsoft.Extensions.Logging;

namespace GroupGuard.Storage;

/// <summary>
/// The database every store works on: SQLite (<see cref="Sqlite.SqliteDatabase"/>) or PostgreSQL
/// (<see cref="Postgres.PostgresDatabase"/>). The stores write one SQL for both; what differs
/// between the two (how a connection is opened, whether writes take turns, a few spellings) is
/// here.
/// </summary>
internal abstract class StorageDatabase
{
    /// <summary>The provider's name as the settings and <c>/healthz</c> spell it.</summary>
    public abstract string Provider { get; }

    /// <summary>Where the data is, fit for logs: a file path, or host, port and database (never a password).</summary>
    public abstract string Location { get; }

    /// <summary>The column that names a row of a table without a key of its own (SQLite <c>rowid</c>, PostgreSQL <c>ctid</c>).</summary>
    public abstract string RowId { get; }

    /// <summary>Appended to a SELECT that reads a row it is about to change, so that a concurrent writer waits (PostgreSQL); SQLite writers already take turns.</summary>
    public abstract string ForUpdate { get; }

    /// <summary>
    /// A statement that makes the rest of the transaction wait for any other transaction that ran
    /// it with the same <paramref name="key"/> (an SQL expression), or null where writers take
    /// turns anyway (SQLite).
    /// </summary>
    public abstract string? KeyLock(string key);


    /// <summary>
    /// A condition true when <paramref name="column"/> equals a value of the list parameter
    /// <paramref name="list"/> (<c>@Ids</c>), whose value must be an array. Dapper expands a list
    /// into one parameter per value for SQLite (<c>IN (@Ids1, @Ids2)</c>) but hands it to Npgsql
    /// whole, as one PostgreSQL array, where <c>IN</c> is a syntax error.
    /// </summary>
    public abstract string IsAnyOf(string column, string list);

    /// <summary>
    /// Numbering incidents in commit order (<c>commit_seq</c>), in their INSERT
    /// (<see cref="CommitSeqOnInsert"/>). PostgreSQL's writes run together, so an incident write
    /// first takes one advisory lock, held to its commit (<see cref="CommitOrderLock"/>), and takes
    /// its numbers from a sequence: no later number can commit first, and overlapping batches of two
    /// instances cannot deadlock. SQLite's writes take turns, so the next number after the highest
    /// is already commit order, and it needs no lock.
    /// </summary>
    public abstract string? CommitOrderLock { get; }

    /// <summary>The value of <c>commit_seq</c> in an incident's INSERT.</summary>
    public abstract string CommitSeqOnInsert { get; }

    /// <summary>A condition true when <paramref name="text"/> holds <paramref name="part"/> (both SQL expressions), case-insensitively.</summary>
    public abstract string ContainsIgnoringCase(string text, string part);

    /// <summary>
    /// The local day (<c>yyyy-MM-dd</c>) of a stored UTC time <paramref name="time"/>, shifted by
    /// <paramref name="shift"/>, a parameter such as <c>+480 minutes</c>.
    /// </summary>
    public abstract string DayOf(string time, string shift);

    /// <summary>
    /// A SELECT of the rows of <paramref name="parameter"/>, a JSON array of arrays of strings, in
    /// the array's order: column <c>i</c> is element <c>i</c> of a row, as text, for the first
    /// <paramref name="width"/> elements, then <paramref name="extra"/>. Many rows go in one
    /// statement with one parameter, bound and prepared at the cost of one.
    /// </summary>
    public abstract string JsonRows(string parameter, int width, string extra);

    /// <summary>Opens a connection to the database, which must exist and be initialized.</summary>
    public abstract Task<DbConnection> OpenAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Whether <see cref="InitializeAsync"/> may upgrade a database at an older schema version: true
    /// for the service, which upgrades at start; false for a command-line verb, which creates the
    /// schema of a new database but refuses an older one rather than upgrade it under a service of
    /// the older version that may still be running on it (and would then refuse to start).
    /// </summary>
    public bool UpgradesSchema { get; init; } = true;

    /// <summary>The database as messages name it: provider and <see cref="Location"/>, e.g. <c>the SQLite database '/var/lib/groupguard/groupguard.db'</c>.</summary>
    public abstract string Described { get; }

    /// <summary>
    /// Creates what is missing (the file, the schema) and applies the migrations the database lacks
    /// (only to a new one unless <see cref="UpgradesSchema"/>); returns the schema version. A
    /// database newer than <paramref name="migrations"/> is refused.
    /// </summary>
    public abstract Task<int> InitializeAsync(IReadOnlyList<Migration> migrations, TimeProvider timeProvider, ILogger logger, CancellationToken cancellationToken);

    /// <summary>The schema version the database is at (0 for none).</summary>
    public abstract Task<int> CurrentVersionAsync(DbConnection connection, CancellationToken cancellationToken);

    /// <summary>The embedded migrations of this provider, in version order.</summary>
    public abstract IReadOnlyList<Migration> Migrations { get; }

    /// <summary>
    /// Runs <paramref name="action"/> in the writer's turn: SQLite has one writer, so writes queue
    /// here rather than contend for the file lock; PostgreSQL lets them run together.
    /// </summary>
    public abstract Task<T> WithWriterAsync<T>(Func<Task<T>> action, CancellationToken cancellationToken);

    /// <summary>One write: the writer's turn, a connection and a transaction committed at the end.</summary>
    public Task<T> WriteAsync<T>(Func<DbConnection, DbTransaction, Task<T>> write, CancellationToken cancellationToken) =>
        WithWriterAsync(
            async () =>
            {
                await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
                await using var transaction = await BeginWriteAsync(connection, cancellationToken).ConfigureAwait(false);
                var result = await write(connection, transaction).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                return result;
            },
            cancellationToken);

    /// <summary>A transaction for a write.</summary>
    protected virtual async Task<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken) =>
        await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);

    /// <summary>Whether <paramref name="exception"/> says a table is missing (the store was never initialized).</summary>
    public abstract bool IsMissingTable(DbException exception);

    /// <summary>
    /// What an operator is told when <paramref name="exception"/> says the database itself is
    /// damaged (SQLite's file: a page or its header not what SQLite wrote, the file cut short):
    /// which database, and what to do. Null for any other error, and always on PostgreSQL, whose
    /// server reports damage in its own log.
    /// </summary>
    public virtual string? Damage(Exception exception) => null;
}
