namespace GroupGuard.Storage;

/// <summary>Where incidents are stored. Bound from <c>GroupGuard:Storage</c>.</summary>
public sealed class StorageOptions
{
    public const string Section = "GroupGuard:Storage";

    /// <summary>The default: one SQLite file, nothing to install.</summary>
    public const string Sqlite = "sqlite";

    /// <summary>PostgreSQL, which several instances of the service can share.</summary>
    public const string Postgres = "postgres";

    /// <summary>The SQLite connection string used when none is given.</summary>
    public const string DefaultSqliteConnectionString = "Data Source=data/groupguard.db";

    /// <summary><c>sqlite</c> (the default) or <c>postgres</c>.</summary>
    public string Provider { get; set; } = Sqlite;

    /// <summary>
    /// For SQLite, a Microsoft.Data.Sqlite connection string; a relative <c>Data Source</c> is
    /// resolved against the current directory and its folder is created when the store is
    /// initialized. For PostgreSQL, an Npgsql connection string
    /// (<c>Host=db;Database=groupguard;Username=groupguard;Password=…</c>), which must be given.
    /// </summary>
    public string ConnectionString { get; set; } = DefaultSqliteConnectionString;

    /// <summary>
    /// The folder for what each instance keeps to itself (the inbox journal, the console's keys).
    /// Default: the SQLite file's folder, or <c>data</c> with PostgreSQL.
    /// </summary>
    public string? DataFolder { get; set; }

    /// <summary>Whether the provider is PostgreSQL.</summary>
    public bool IsPostgres => string.Equals(Provider?.Trim(), Postgres, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The folder of this instance's own files (the inbox journal): <see cref="DataFolder"/> when
    /// set, else the database file's folder; null when neither names one (an in-memory SQLite).
    /// </summary>
    public string? InstanceFolder()
    {
        if (!string.IsNullOrWhiteSpace(DataFolder))
        {
            return Path.GetFullPath(DataFolder);
        }

        if (IsPostgres)
        {
            return Path.GetFullPath("data");
        }

        return DatabaseFile() is { } file ? Path.GetDirectoryName(file) : null;
    }

    /// <summary>The full path of the SQLite database file; null with PostgreSQL or when the connection string names no file.</summary>
    public string? DatabaseFile()
    {
        if (IsPostgres)
        {
            return null;
        }

        try
        {
            var database = new Sqlite.SqliteDatabase(ConnectionString);
            return database.IsFile ? database.Location : null;
        }
        catch (ArgumentException)
        {
            return null; // the validator reports the connection string
        }
    }
}
