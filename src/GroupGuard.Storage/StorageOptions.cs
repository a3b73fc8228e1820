namespace GroupGuard.Storage;

/// <summary>Where incidents are stored. Bound from <c>GroupGuard:Storage</c>.</summary>
public sealed class StorageOptions
{
    public const string Section = "GroupGuard:Storage";

    /// <summary>
    /// A Microsoft.Data.Sqlite connection string. A relative <c>Data Source</c> is resolved against
    /// the current directory; its folder is created when the store is initialized.
    /// </summary>
    public string ConnectionString { get; set; } = "Data Source=data/groupguard.db";

    /// <summary>
    /// The folder of the database file, for other files that belong with the data (the inbox
    /// journal); null when the connection string names no file.
    /// </summary>
    public string? DataFolder() => DatabaseFile() is { } file ? Path.GetDirectoryName(file) : null;

    /// <summary>The full path of the database file; null when the connection string names no file.</summary>
    public string? DatabaseFile()
    {
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
