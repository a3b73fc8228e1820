using System.Data.Common;
using System.Globalization;
using System.Reflection;
using Dapper;

namespace GroupGuard.Storage.Migrations;

/// <summary>One versioned schema script, embedded as <c>NNNN_name.sql</c> in a dialect's Migrations folder.</summary>
internal sealed record Migration(int Version, string Name, string Sql)
{
    /// <summary>
    /// Runs this script in <paramref name="transaction"/> (which the caller holds the migration lock
    /// in) and records it in <c>schema_version</c>, unless another process applied it first: then
    /// false. A script that fails throws naming it; the caller's transaction is rolled back with it.
    /// </summary>
    public async Task<bool> ApplyAsync(DbConnection connection, DbTransaction transaction, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        var applied = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COUNT(*) FROM schema_version WHERE version = @Version",
            new { Version },
            transaction,
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        if (applied > 0)
        {
            return false;
        }

        try
        {
            // No command timeout (the connection's, 30 s unless set, is for everyday statements): a
            // script that rewrites a large table takes as long as it takes, and a timeout would roll
            // it back at every start. Stopping the start still cancels it.
            await connection.ExecuteAsync(new CommandDefinition(Sql, transaction: transaction, commandTimeout: 0, cancellationToken: cancellationToken)).ConfigureAwait(false);
        }
        catch (DbException ex)
        {
            throw new InvalidOperationException($"Migration {Name} failed and was rolled back: {ex.Message}", ex);
        }

        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO schema_version (version, name, applied_at) VALUES (@Version, @Name, @AppliedAt)",
            new { Version, Name, AppliedAt = StoredTime.ToText(timeProvider.GetUtcNow()) }, // the time text both databases store
            transaction,
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return true;
    }

    /// <summary>
    /// Loads every <c>.sql</c> resource under <paramref name="resourcePrefix"/> in version order.
    /// Duplicate or unnumbered scripts are a build mistake, so they throw here rather than
    /// leaving a half-migrated database behind.
    /// </summary>
    public static IReadOnlyList<Migration> LoadEmbedded(Assembly assembly, string resourcePrefix)
    {
        var migrations = new List<Migration>();
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            if (!resource.StartsWith(resourcePrefix, StringComparison.Ordinal)
                || !resource.EndsWith(".sql", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var fileName = resource[resourcePrefix.Length..^".sql".Length];
            var separator = fileName.IndexOf('_', StringComparison.Ordinal);
            if (separator <= 0
                || !int.TryParse(fileName.AsSpan(0, separator), NumberStyles.None, CultureInfo.InvariantCulture, out var version)
                || version <= 0)
            {
                throw new InvalidOperationException($"Migration resource '{resource}' is not named NNNN_description.sql.");
            }

            using var stream = assembly.GetManifestResourceStream(resource)
                ?? throw new InvalidOperationException($"Migration resource '{resource}' could not be read.");
            using var reader = new StreamReader(stream);
            migrations.Add(new Migration(version, fileName, reader.ReadToEnd()));
        }

        migrations.Sort((a, b) => a.Version.CompareTo(b.Version));
        for (var i = 1; i < migrations.Count; i++)
        {
            if (migrations[i].Version == migrations[i - 1].Version)
            {
                throw new InvalidOperationException(
                    $"Migrations '{migrations[i - 1].Name}' and '{migrations[i].Name}' share version {migrations[i].Version}.");
            }
        }

        return migrations;
    }
}
