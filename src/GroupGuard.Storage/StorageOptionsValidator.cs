using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Npgsql;

namespace GroupGuard.Storage;

/// <summary>Collects every problem with the storage settings, each naming its key.</summary>
internal sealed class StorageOptionsValidator : IValidateOptions<StorageOptions>
{
    internal const string ProviderKey = StorageOptions.Section + ":Provider";
    internal const string ConnectionStringKey = StorageOptions.Section + ":ConnectionString";
    internal const string DataFolderKey = StorageOptions.Section + ":DataFolder";

    public ValidateOptionsResult Validate(string? name, StorageOptions options)
    {
        var failures = new List<string>();
        var provider = options.Provider?.Trim() ?? "";
        if (!string.Equals(provider, StorageOptions.Sqlite, StringComparison.OrdinalIgnoreCase)
            && !string.Equals(provider, StorageOptions.Postgres, StringComparison.OrdinalIgnoreCase))
        {
            // The value is a word the operator typed, not a secret: naming it helps.
            failures.Add($"{ProviderKey} is '{Shorten(provider)}': use '{StorageOptions.Sqlite}' (the default, one file) or '{StorageOptions.Postgres}' (shared by several instances).");
            return ValidateOptionsResult.Fail(failures);
        }

        if (options.DataFolder is { } folder && (folder.Length == 0 || folder.IndexOfAny(Path.GetInvalidPathChars()) >= 0))
        {
            failures.Add($"{DataFolderKey} is not a usable folder path: leave it out, or name a folder such as /var/lib/groupguard.");
        }

        if (options.IsPostgres)
        {
            ValidatePostgres(options.ConnectionString, failures);
        }
        else
        {
            ValidateSqlite(options.ConnectionString, failures);
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void ValidateSqlite(string connectionString, List<string> failures)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            failures.Add($"{ConnectionStringKey} is empty: give a SQLite connection string such as '{StorageOptions.DefaultSqliteConnectionString}'.");
            return;
        }

        SqliteConnectionStringBuilder builder;
        try
        {
            builder = new SqliteConnectionStringBuilder(connectionString);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or InvalidCastException or OverflowException)
        {
            // The builder's messages name keywords and positions, never a value it could not
            // parse as a password, so they are safe to show; the string itself is not.
            failures.Add($"{ConnectionStringKey} is not a valid SQLite connection string: {ex.Message} Write it as keyword=value pairs separated by ';', such as '{StorageOptions.DefaultSqliteConnectionString}' or 'Data Source=/var/lib/groupguard/groupguard.db'.");
            return;
        }

        if (string.IsNullOrWhiteSpace(builder.DataSource))
        {
            failures.Add($"{ConnectionStringKey} has no Data Source: name the database file, e.g. '{StorageOptions.DefaultSqliteConnectionString}'.");
        }

        if (builder.Mode == SqliteOpenMode.ReadOnly)
        {
            failures.Add($"{ConnectionStringKey} opens the database read-only (Mode=ReadOnly), but incidents must be written.");
        }
    }

    private static void ValidatePostgres(string connectionString, List<string> failures)
    {
        const string Example = "'Host=127.0.0.1;Port=5432;Database=groupguard;Username=groupguard;Password=…'";
        if (string.IsNullOrWhiteSpace(connectionString) || connectionString == StorageOptions.DefaultSqliteConnectionString)
        {
            failures.Add($"{ConnectionStringKey} must be given with {ProviderKey}={StorageOptions.Postgres}: an Npgsql connection string such as {Example}.");
            return;
        }

        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or InvalidCastException or OverflowException or KeyNotFoundException)
        {
            // Npgsql names the keyword it could not read, not a value.
            failures.Add($"{ConnectionStringKey} is not a valid Npgsql connection string ({ex.GetType().Name}): expected something like {Example}.");
            return;
        }

        if (string.IsNullOrWhiteSpace(builder.Host))
        {
            failures.Add($"{ConnectionStringKey} has no Host: name the PostgreSQL server, e.g. {Example}.");
        }

        if (string.IsNullOrWhiteSpace(builder.Database))
        {
            failures.Add($"{ConnectionStringKey} has no Database: name the database GroupGuard may create its tables in.");
        }
    }

    private static string Shorten(string value) => value.Length <= 40 ? value : value[..40] + "…";
}
