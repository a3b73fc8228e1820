using Npgsql;

namespace GroupGuard.Storage.Tests.Postgres;

[Collection(PostgresCollection.Name)]
public sealed class PostgresServerTests(PostgresServer server)
{
    [Fact]
    public async Task Two_fresh_databases_are_distinct_and_empty()
    {
        var first = await server.CreateDatabaseAsync("fresh");
        var second = await server.CreateDatabaseAsync("fresh");

        Assert.NotEqual(first, second);
        var firstName = await ScalarAsync<string>(first, "SELECT current_database()");
        var secondName = await ScalarAsync<string>(second, "SELECT current_database()");
        Assert.NotEqual(firstName, secondName);
        Assert.StartsWith("fresh_", firstName, StringComparison.Ordinal);
        Assert.Empty(await TablesAsync(first));
        Assert.Empty(await TablesAsync(second));
    }

    [Fact]
    public async Task A_table_made_in_one_database_is_not_in_another()
    {
        var first = await server.CreateDatabaseAsync("tables");
        var second = await server.CreateDatabaseAsync("tables");

        await ExecuteAsync(first, "CREATE TABLE incidents (id bigint PRIMARY KEY, note text)");
        await ExecuteAsync(first, "INSERT INTO incidents VALUES (1, 'only here')");

        Assert.Equal(["incidents"], await TablesAsync(first));
        Assert.Empty(await TablesAsync(second));
        Assert.Equal("only here", await ScalarAsync<string>(first, "SELECT note FROM incidents WHERE id = 1"));
    }

    [Fact]
    public async Task An_advisory_lock_held_on_one_connection_blocks_another_until_released()
    {
        var database = await server.CreateDatabaseAsync("locks");
        await using var holder = await OpenAsync(database);
        await using var other = await OpenAsync(database);

        await ScalarAsync<object>(holder, "SELECT pg_advisory_lock(4242)");

        Assert.False(await ScalarAsync<bool>(other, "SELECT pg_try_advisory_lock(4242)"));

        Assert.True(await ScalarAsync<bool>(holder, "SELECT pg_advisory_unlock(4242)"));
        Assert.True(await ScalarAsync<bool>(other, "SELECT pg_try_advisory_lock(4242)"));
    }

    [Fact]
    public async Task An_advisory_lock_in_one_database_does_not_block_the_same_key_in_another()
    {
        // Tests running side by side each migrate a database of their own under the same key.
        var first = await server.CreateDatabaseAsync("locks");
        var second = await server.CreateDatabaseAsync("locks");
        await using var holder = await OpenAsync(first);
        await using var other = await OpenAsync(second);

        await ScalarAsync<object>(holder, "SELECT pg_advisory_lock(4243)");

        Assert.True(await ScalarAsync<bool>(other, "SELECT pg_try_advisory_lock(4243)"));
    }

    [Fact]
    public void Without_a_server_or_PostgreSQL_installed_it_fails_saying_what_to_install()
    {
        using var empty = new TempFolder();

        var error = Assert.Throws<InvalidOperationException>(() => PostgresServer.Start(null, empty.Path, searchPath: empty.Path));

        Assert.Contains("apt-get install postgresql", error.Message, StringComparison.Ordinal);
        Assert.Contains(PostgresServer.Variable, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_named_server_that_cannot_be_reached_fails_naming_the_variable()
    {
        // Port 1 on the loopback: nothing listens there.
        var error = Assert.Throws<InvalidOperationException>(
            () => PostgresServer.Start("Host=127.0.0.1;Port=1;Username=nobody;Database=postgres", "/nonexistent", searchPath: null));

        Assert.Contains(PostgresServer.Variable, error.Message, StringComparison.Ordinal);
    }

    private static async Task<NpgsqlConnection> OpenAsync(string connectionString)
    {
        // No pool: each connection is a session of its own, and advisory locks belong to sessions.
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    private static async Task<List<string>> TablesAsync(string connectionString)
    {
        await using var connection = await OpenAsync(connectionString);
        await using var command = new NpgsqlCommand(
            "SELECT table_name FROM information_schema.tables WHERE table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY table_name",
            connection);
        await using var reader = await command.ExecuteReaderAsync();
        var tables = new List<string>();
        while (await reader.ReadAsync())
        {
            tables.Add(reader.GetString(0));
        }

        return tables;
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = await OpenAsync(connectionString);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<T> ScalarAsync<T>(string connectionString, string sql)
    {
        await using var connection = await OpenAsync(connectionString);
        return await ScalarAsync<T>(connection, sql);
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }
}
