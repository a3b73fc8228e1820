using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace GroupGuard.Storage;

/// <summary>Collects every problem with the storage settings, each naming its key.</summary>
internal sealed class StorageOptionsValidator : IValidateOptions<StorageOptions>
{
    internal const string ConnectionStringKey = StorageOptions.Section + ":ConnectionString";

    public ValidateOptionsResult Validate(string? name, StorageOptions options)
    {
        var failures = new List<string>();

        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            failures.Add($"{ConnectionStringKey} is empty: give a SQLite connection string such as 'Data Source=data/groupguard.db'.");
            return ValidateOptionsResult.Fail(failures);
        }

        SqliteConnectionStringBuilder builder;
        try
        {
            builder = new SqliteConnectionStringBuilder(options.ConnectionString);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or InvalidCastException or OverflowException)
        {
            // The builder's messages name keywords and positions, never a value it could not
            // parse as a password, so they are safe to show; the string itself is not.
            failures.Add($"{ConnectionStringKey} is not a valid SQLite connection string: {ex.Message}");
            return ValidateOptionsResult.Fail(failures);
        }

        if (string.IsNullOrWhiteSpace(builder.DataSource))
        {
            failures.Add($"{ConnectionStringKey} has no Data Source: name the database file, e.g. 'Data Source=data/groupguard.db'.");
        }

        if (builder.Mode == SqliteOpenMode.ReadOnly)
        {
            failures.Add($"{ConnectionStringKey} opens the database read-only (Mode=ReadOnly), but incidents must be written.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
