namespace GroupGuard.Storage.Migrations;

/// <summary>
/// What initializing a database will do to its schema, decided from the versions it has applied
/// before anything is changed: nothing, create it (a new database), or upgrade it from
/// <see cref="From"/>. A database newer than this build is refused, and so is an older one when
/// upgrading is not allowed (a command-line verb: the older service may still be running on it,
/// and would refuse to start on the upgraded database).
/// </summary>
internal sealed record SchemaPlan(int From, int Known, IReadOnlyList<Migration> Pending)
{
    /// <summary>True when the database has no schema yet: the migrations create it.</summary>
    public bool Creates => From == 0 && Pending.Count > 0;

    /// <summary>True when the database has a schema that the migrations change.</summary>
    public bool Upgrades => From > 0 && Pending.Count > 0;

    /// <param name="applied">The versions in the database's <c>schema_version</c> (none for a new database).</param>
    /// <param name="migrations">This build's migrations, in version order.</param>
    /// <param name="database">How messages name the database: provider and location, never a password.</param>
    /// <param name="upgrade">Whether a database at an older schema version may be upgraded (the service), or is refused (a command).</param>
    public static SchemaPlan For(IReadOnlyCollection<int> applied, IReadOnlyList<Migration> migrations, string database, bool upgrade)
    {
        ArgumentNullException.ThrowIfNull(applied);
        ArgumentNullException.ThrowIfNull(migrations);
        var from = applied.Count == 0 ? 0 : applied.Max();
        var known = migrations.Count == 0 ? 0 : migrations[^1].Version;
        if (from > known)
        {
            throw new Core.StartupProblemException(
                $"{database} is at schema version {from}, newer than this GroupGuard knows ({known}): run the GroupGuard version that upgraded it or a later one, " +
                $"or restore a copy taken before that upgrade ({StorageOptionsValidator.ConnectionStringKey} names the database).");
        }

        var pending = migrations.Where(m => !applied.Contains(m.Version)).ToList();
        if (!upgrade && from > 0 && pending.Count > 0)
        {
            throw new Core.StartupProblemException(
                $"{database} is at schema version {from} and this GroupGuard needs {known}; a command does not upgrade a database, which a service of the older version may still be using. " +
                $"Start the service once: it upgrades the database. Then run the command again ({StorageOptionsValidator.ConnectionStringKey} names the database).");
        }

        return new SchemaPlan(from, known, pending);
    }
}
