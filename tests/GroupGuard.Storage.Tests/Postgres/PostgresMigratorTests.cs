using Dapper;
using GroupGuard.Storage.Migrations;
using GroupGuard.Storage.Postgres;
using Npgsql;

namespace GroupGuard.Storage.Tests.Postgres;

/// <summary>The PostgreSQL schema and its migrator, on a throwaway server (never skipped).</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresMigratorTests(PostgresServer server)
{
    private static async Task<NpgsqlConnection> OpenAsync(string connectionString)
    {
        var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        return connection;
    }

    [Fact]
    public async Task A_fresh_database_gets_every_table_and_a_second_run_changes_nothing()
    {
        var database = await server.CreateDatabaseAsync("migrate");
        await using var connection = await OpenAsync(database);

        var first = await PostgresMigrator.MigrateAsync(connection, PostgresMigrator.Embedded, TimeProvider.System, CancellationToken.None);
        var second = await PostgresMigrator.MigrateAsync(connection, PostgresMigrator.Embedded, TimeProvider.System, CancellationToken.None);

        Assert.Equal(PostgresMigrator.Embedded[^1].Version, first);
        Assert.Equal(first, second);
        var tables = (await connection.QueryAsync<string>("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'")).ToHashSet();
        foreach (var table in new[] { "incidents", "message_counts", "digests", "digest_channels", "console_accounts", "group_switches", "trusted_members", "image_blocks", "join_decisions", "user_blocks", "schema_version" })
        {
            Assert.Contains(table, tables);
        }

        Assert.Equal(PostgresMigrator.Embedded.Count, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM schema_version"));
    }

    [Fact]
    public async Task A_version_5_database_gives_each_console_account_a_session_stamp_of_its_own()
    {
        var database = await server.CreateDatabaseAsync("stamp");
        await using var connection = await OpenAsync(database);
        await PostgresMigrator.MigrateAsync(connection, [.. PostgresMigrator.Embedded.Where(m => m.Version <= 5)], TimeProvider.System, CancellationToken.None);
        await connection.ExecuteAsync("""
            INSERT INTO console_accounts (name, role, group_ids, password_hash, created_at) VALUES
                ('admin', 'admin', '', 'pbkdf2-sha256$1$c2FsdA==$aGFzaA==', '2025-03-01T00:00:00.000Z'),
                ('王主管', 'leader', '111', 'pbkdf2-sha256$1$c2FsdA==$aGFzaA==', '2025-03-01T00:00:00.000Z')
            """);

        await PostgresMigrator.MigrateAsync(connection, PostgresMigrator.Embedded, TimeProvider.System, CancellationToken.None);

        var stamps = (await connection.QueryAsync<string>("SELECT session_stamp FROM console_accounts")).ToList();
        Assert.Equal(2, stamps.Count);
        Assert.All(stamps, s => Assert.Matches("^[0-9a-f]{32}$", s));
        Assert.NotEqual(stamps[0], stamps[1]);
    }

    [Fact]
    public async Task Instances_migrating_one_database_at_once_apply_each_script_once()
    {
        var database = await server.CreateDatabaseAsync("race");

        var versions = await Task.WhenAll(Enumerable.Range(0, 4).Select(async _ =>
        {
            await using var connection = await OpenAsync(database);
            return await PostgresMigrator.MigrateAsync(connection, PostgresMigrator.Embedded, TimeProvider.System, CancellationToken.None);
        }));

        await using var check = await OpenAsync(database);
        Assert.All(versions, v => Assert.Equal(PostgresMigrator.Embedded[^1].Version, v));
        Assert.Equal(PostgresMigrator.Embedded.Count, await check.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM schema_version"));
    }

    [Fact]
    public async Task A_script_and_the_wait_for_another_instance_outlast_the_connections_command_timeout()
    {
        // A script that rewrites every incident of a large database, and an instance that waits for
        // it: the connection's timeout (30 s by default, 1 s here) would roll the script back at
        // every start, and stop the waiting instance's start.
        var database = await server.CreateDatabaseAsync("slow") + ";Command Timeout=1";
        Migration[] migrations = [new(1, "0001_slow", "CREATE TABLE slow (id INTEGER); SELECT pg_sleep(2.5);")];
        await using var first = await OpenAsync(database);
        await using var second = await OpenAsync(database);

        var versions = await Task.WhenAll(
            PostgresMigrator.MigrateAsync(first, migrations, TimeProvider.System, CancellationToken.None),
            PostgresMigrator.MigrateAsync(second, migrations, TimeProvider.System, CancellationToken.None));

        Assert.Equal([1, 1], versions);
        Assert.Equal(1, await first.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM schema_version"));
    }

    [Fact]
    public async Task A_failing_script_leaves_nothing_behind_and_says_which_it_was()
    {
        var database = await server.CreateDatabaseAsync("broken");
        await using var connection = await OpenAsync(database);
        Migration[] migrations =
        [
            new(1, "0001_fine", "CREATE TABLE fine (id INTEGER);"),
            new(2, "0002_broken", "CREATE TABLE half (id INTEGER); CREATE TABLE half (id INTEGER);"),
        ];

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => PostgresMigrator.MigrateAsync(connection, migrations, TimeProvider.System, CancellationToken.None));

        Assert.Contains("0002_broken", error.Message, StringComparison.Ordinal);
        var tables = (await connection.QueryAsync<string>("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'")).ToHashSet();
        Assert.Contains("fine", tables);
        Assert.DoesNotContain("half", tables);
        Assert.Equal(1, await connection.ExecuteScalarAsync<int>("SELECT MAX(version) FROM schema_version"));
    }

    [Fact]
    public async Task A_database_newer_than_this_build_is_refused()
    {
        var database = await server.CreateDatabaseAsync("newer");
        await using var connection = await OpenAsync(database);
        await PostgresMigrator.MigrateAsync(connection, PostgresMigrator.Embedded, TimeProvider.System, CancellationToken.None);
        await connection.ExecuteAsync("INSERT INTO schema_version (version, name, applied_at) VALUES (999, '0999_future', '2030-01-01T00:00:00.000Z')");

        var error = await Assert.ThrowsAsync<GroupGuard.Core.StartupProblemException>(() => PostgresMigrator.MigrateAsync(connection, PostgresMigrator.Embedded, TimeProvider.System, CancellationToken.None));

        Assert.Contains("schema version 999", error.Message, StringComparison.Ordinal);
        Assert.Contains("GroupGuard:Storage:ConnectionString", error.Message, StringComparison.Ordinal);
    }
}
