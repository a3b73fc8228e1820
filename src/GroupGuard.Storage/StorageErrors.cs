using Microsoft.Data.Sqlite;
using Npgsql;

namespace GroupGuard.Storage;

/// <summary>What a failed write says of itself, for the writers that retry: whether trying it again can help.</summary>
public static class StorageErrors
{
    /// <summary>SQLite's <c>SQLITE_TOOBIG</c>: a string or blob past the database's limit.</summary>
    private const int SqliteTooBig = 18;

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
