using GroupGuard.Core;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace GroupGuard.Storage.Tests;

public sealed class StorageOptionsTests
{
    private const string Key = "GroupGuard:Storage:ConnectionString";

    private static ValidateOptionsResult Validate(string connectionString) =>
        new StorageOptionsValidator().Validate(null, new StorageOptions { ConnectionString = connectionString });

    [Theory]
    [InlineData("Data Source=data/groupguard.db")]
    [InlineData("Data Source=/var/lib/groupguard/groupguard.db;Cache=Shared;Pooling=True")]
    [InlineData("Data Source=:memory:")]
    [InlineData("Data Source=guard;Mode=Memory;Cache=Shared")]
    public void Usable_connection_strings_pass(string connectionString)
    {
        Assert.True(Validate(connectionString).Succeeded);
    }

    [Fact]
    public void The_default_connection_string_is_valid()
    {
        Assert.True(new StorageOptionsValidator().Validate(null, new StorageOptions()).Succeeded);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("Data Source=x.db;Bogus=1")]
    [InlineData("this is not a connection string")]
    [InlineData("Data Source=x.db;Pooling=maybe")]
    [InlineData("Mode=ReadWriteCreate")]
    [InlineData("Data Source=x.db;Mode=ReadOnly")]
    public void Unusable_connection_strings_fail_naming_the_key(string connectionString)
    {
        var result = Validate(connectionString);

        Assert.True(result.Failed);
        Assert.All(result.Failures!, f => Assert.StartsWith(Key, f, StringComparison.Ordinal));
    }

    [Fact]
    public void A_password_is_never_repeated_in_a_failure()
    {
        var result = Validate("Data Source=x.db;Password=hunter2-secret;Bogus=1");

        Assert.True(result.Failed);
        Assert.DoesNotContain("hunter2-secret", result.FailureMessage, StringComparison.Ordinal);
    }

    private static ValidateOptionsResult ValidatePostgres(string connectionString) =>
        new StorageOptionsValidator().Validate(null, new StorageOptions { Provider = "postgres", ConnectionString = connectionString });

    [Theory]
    [InlineData("Host=127.0.0.1;Port=5432;Database=groupguard;Username=groupguard;Password=s3cret")]
    [InlineData("Host=db.internal;Database=groupguard;Username=gg")]
    public void Usable_postgres_connection_strings_pass(string connectionString)
    {
        Assert.True(ValidatePostgres(connectionString).Succeeded);
        Assert.True(new StorageOptionsValidator().Validate(null, new StorageOptions { Provider = "PostgreS", ConnectionString = connectionString }).Succeeded);
    }

    [Theory]
    [InlineData("")] // nothing given
    [InlineData("Data Source=data/groupguard.db")] // the SQLite default left in place
    [InlineData("Database=groupguard;Username=gg")] // no host
    [InlineData("Host=db.internal;Username=gg")] // no database
    [InlineData("Host=db;Bogus=1")]
    [InlineData("Host=db;Database=gg;Port=many")]
    public void Unusable_postgres_connection_strings_fail_naming_the_key(string connectionString)
    {
        var result = ValidatePostgres(connectionString);

        Assert.True(result.Failed);
        Assert.All(result.Failures!, f => Assert.StartsWith(Key, f, StringComparison.Ordinal));
    }

    [Fact]
    public void A_postgres_password_is_never_repeated_in_a_failure()
    {
        var result = ValidatePostgres("Host=db;Password=hunter2-secret;Bogus=1");

        Assert.True(result.Failed);
        Assert.DoesNotContain("hunter2-secret", result.FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("mysql")]
    [InlineData("")]
    [InlineData("postgresql")]
    public void An_unknown_provider_fails_naming_the_key_and_the_choices(string provider)
    {
        var result = new StorageOptionsValidator().Validate(null, new StorageOptions { Provider = provider });

        var failure = Assert.Single(result.Failures!);
        Assert.StartsWith("GroupGuard:Storage:Provider", failure, StringComparison.Ordinal);
        Assert.Contains("'sqlite'", failure, StringComparison.Ordinal);
        Assert.Contains("'postgres'", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Each_instance_keeps_its_own_files_in_the_data_folder()
    {
        Assert.Equal(Path.GetFullPath("data"), new StorageOptions { Provider = "postgres", ConnectionString = "Host=db;Database=gg" }.InstanceFolder());
        Assert.Equal(Path.GetFullPath("/srv/gg-1"), new StorageOptions { Provider = "postgres", DataFolder = "/srv/gg-1" }.InstanceFolder());
        Assert.Equal(Path.GetFullPath("data"), new StorageOptions().InstanceFolder()); // beside the default SQLite file
        Assert.Null(new StorageOptions { Provider = "postgres" }.DatabaseFile());
    }

    [Fact]
    public async Task A_bad_connection_string_stops_the_host_at_start_naming_the_key()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { [Key] = "Bogus=1" });
        builder.Services.AddGroupGuardStorage(builder.Configuration);
        using var host = builder.Build();

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(Key, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_store_is_one_singleton_configured_from_the_section()
    {
        using var folder = new TempFolder(SqliteConnection.ClearAllPools);
        var path = folder.File("configured.db");
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [Key] = $"Data Source={path}" })
            .Build();
        var services = new ServiceCollection().AddLogging().AddGroupGuardStorage(configuration);
        using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        var store = provider.GetRequiredService<IIncidentStore>();

        Assert.Same(store, provider.GetRequiredService<IIncidentStore>());
        Assert.Equal(path, Assert.IsType<GroupGuard.Storage.Stores.IncidentStore>(store).Location);
    }

    [Fact]
    public async Task The_outbox_is_registered_on_the_same_database_and_writer_turn_as_the_incident_store()
    {
        using var folder = new TempFolder(SqliteConnection.ClearAllPools);
        var path = folder.File("configured.db");
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [Key] = $"Data Source={path}" })
            .Build();
        var services = new ServiceCollection().AddLogging().AddGroupGuardStorage(configuration);
        using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        var store = Assert.IsType<GroupGuard.Storage.Stores.IncidentStore>(provider.GetRequiredService<IIncidentStore>());
        var outbox = Assert.IsType<GroupGuard.Storage.Stores.DigestOutbox>(provider.GetRequiredService<GroupGuard.Core.Digests.IDigestOutbox>());
        await store.InitializeAsync(CancellationToken.None);

        Assert.Same(outbox, provider.GetRequiredService<GroupGuard.Core.Digests.IDigestOutbox>());
        Assert.Same(store.Database, outbox.Database);
        Assert.Null(await outbox.LastPeriodEndAsync("张老师", CancellationToken.None));
    }
    /// <summary>A connection string the SQLite builder cannot read (a bare path, as an operator may write it) says how one is written.</summary>
    [Fact]
    public void A_sqlite_connection_string_that_cannot_be_read_says_how_one_is_written()
    {
        var failure = Assert.Single(Validate("/var/lib/groupguard/groupguard.db").Failures!);

        Assert.StartsWith(Key + " is not a valid SQLite connection string", failure, StringComparison.Ordinal);
        Assert.Contains("such as 'Data Source=data/groupguard.db'", failure, StringComparison.Ordinal);
    }

    /// <summary>A PostgreSQL server nobody listens for stops the start naming the setting and what to look at, not only Npgsql's "Failed to connect".</summary>
    [Fact]
    public async Task A_postgres_server_that_does_not_answer_is_said_with_what_to_check()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["GroupGuard:Storage:Provider"] = "postgres",
                [Key] = "Host=127.0.0.1;Port=1;Database=groupguard;Username=groupguard;Password=not-shown-7",
            })
            .Build();
        using var provider = new ServiceCollection().AddLogging().AddGroupGuardStorage(configuration).BuildServiceProvider();

        var problem = await Assert.ThrowsAsync<StartupProblemException>(() => provider.GetRequiredService<IIncidentStore>().InitializeAsync(CancellationToken.None));

        Assert.Contains(Key, problem.Message, StringComparison.Ordinal);
        Assert.Contains("Is PostgreSQL running at that Host and Port", problem.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("not-shown-7", problem.Message, StringComparison.Ordinal);
    }

    /// <summary>The server's refusals an operator meets first, each with what to do: a wrong password, a database not created, a user that may not create tables.</summary>
    [Theory]
    [InlineData("28P01", "Check Username and Password")]
    [InlineData("28000", "pg_hba.conf")]
    [InlineData("3D000", "CREATE DATABASE groupguard OWNER groupguard")]
    [InlineData("42501", "ALTER DATABASE groupguard OWNER TO groupguard")]
    public void A_refusal_of_the_postgres_server_says_what_to_do(string sqlState, string advice)
    {
        var refusal = new Npgsql.PostgresException("refused", "FATAL", "FATAL", sqlState);

        Assert.Contains(advice, GroupGuard.Storage.Postgres.PostgresDatabase.WhatToDo(refusal), StringComparison.Ordinal);
    }
}
