using Microsoft.Data.Sqlite;
using Npgsql;

namespace GroupGuard.Storage;

/// <summary>What a failed write says of itself, for the writers that retry: whether trying it again can help.</summary>
public static class StorageErrors
{
    /// <summary>SQLite's <c>SQLITE_TOOBIG</c>: a string or blob past the database's limit.</summary>
    private const int SqliteTooBig = 18;

    /// <summary>SQLite's <c>SQLITE_READONLY</c> (with its extended codes, <c>SQLITE_READONLY_DIRECTORY</c> among them): it may not write the file, or its folder.</summary>
    private const int SqliteReadOnly = 8;

    /// <summary>SQLite's <c>SQLITE_CANTOPEN</c>: a file it needs (the database, its <c>-wal</c> or <c>-shm</c>) could not be opened.</summary>
    private const int SqliteCantOpen = 14;

    /// <summary>
    /// Whether <paramref name="exception"/> (or one it wraps) is SQLite unable to write where the
    /// database is: the file read-only (<c>SQLITE_READONLY</c>), or its folder, where it cannot
    /// create its journal (<c>SQLITE_READONLY_DIRECTORY</c>, or <c>SQLITE_CANTOPEN</c>: "SQLite
    /// Error 14: 'unable to open database file'" for an existing database whose -wal or -shm file
    /// it may not create).
    /// </summary>
    public static bool IsUnwritablePlace(Exception exception)
    {
        for (var ex = exception; ex is not null; ex = ex.InnerException)
        {
            if (ex is SqliteException sqlite && (sqlite.SqliteErrorCode & 0xFF) is SqliteReadOnly or SqliteCantOpen)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Whether <paramref name="exception"/> (or one it wraps) is the database refusing what the
    /// write holds, so that the same write fails the same way however often it is tried: on
    /// PostgreSQL a data exception (SQLSTATE class 22: a NUL in text, a value out of range, a JSON
    /// escape it cannot take) or a program limit exceeded (class 54: an index row over its 8 KB);
    /// Npgsql refusing to send a string that is not UTF-16 (a lone surrogate); SQLite's string or
    /// blob too big. A lost connection, a database that is down, a timeout, a deadlock or a full
    /// disk are not: they pass, and the write is tried again.
    /// </summary>
    public static bool IsUncurable(Exception exception)
    {
        for (var ex = exception; ex is not null; ex = ex.InnerException)
        {
            switch (ex)
            {
                case PostgresException pg when pg.SqlState.StartsWith("22", StringComparison.Ordinal) || pg.SqlState.StartsWith("54", StringComparison.Ordinal):
                case System.Text.EncoderFallbackException:
                case SqliteException { SqliteErrorCode: SqliteTooBig }:
                    return true;
            }
        }

        return false;
    }
}
