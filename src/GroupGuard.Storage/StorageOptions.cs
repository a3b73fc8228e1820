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
}
