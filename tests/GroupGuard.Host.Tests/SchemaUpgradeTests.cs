using Dapper;
using GroupGuard.Host.Cli;
using GroupGuard.Storage.Migrations;
using GroupGuard.Storage.Sqlite;
using GroupGuard.Storage.Stores;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace GroupGuard.Host.Tests;

/// <summary>
/// A new build on the database of an older one: the service upgrades it at start, after copying
/// it beside itself, and says from which version to which; a command refuses it, leaving it as the
/// older service (perhaps still running on it) needs it; a database of a newer build is refused by
/// both, naming the file.
/// </summary>
public sealed class SchemaUpgradeTests : IDisposable
{
    /// <summary>The schema of an older release (the audit's database was at 14).</summary>
    private const int Old = 14;

    private static readonly int Latest = SqliteDatabase.Embedded[^1].Version;

    // Pooled connections keep the database file open: let them go before the folder is deleted.
    private readonly TempFolder _folder = new(SqliteConnection.ClearAllPools);

    public void Dispose() => _folder.Dispose();

    /// <summary>A database made by the migrations up to <paramref name="migrations"/>' last, as the release that had just those left it.</summary>
    private static async Task MakeDatabaseAsync(string path, IReadOnlyList<Migration> migrations)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await new IncidentStore(new SqliteDatabase($"Data Source={path}"), TimeProvider.System, NullLogger.Instance, migrations).InitializeAsync(CancellationToken.None);
        SqliteConnection.ClearAllPools();
    }

    private static Task MakeOldDatabaseAsync(string path) =>
        MakeDatabaseAsync(path, [.. SqliteDatabase.Embedded.Where(m => m.Version <= Old)]);

    private static Task MakeNewerDatabaseAsync(string path) =>
        MakeDatabaseAsync(path, [.. SqliteDatabase.Embedded, new Migration(Latest + 1, "9999_future", "SELECT 1;")]);

    /// <summary>The schema version and the number of migrations the file has, read without changing it.</summary>
    private static (int Version, long Migrations) SchemaOf(string path)
    {
        using var connection = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
        connection.Open();
        return (connection.ExecuteScalar<int>("SELECT MAX(version) FROM schema_version"), connection.ExecuteScalar<long>("SELECT COUNT(*) FROM schema_version"));
    }

    private static async Task<(int Exit, string Output, string Error)> RunAsync(string database, string? input, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        using var data = new MemoryStream();
        var exit = await GroupGuardCommandLine.InvokeAsync(
            [.. args, $"--GroupGuard:Storage:ConnectionString=Data Source={database}"],
            output,
            error,
            CancellationToken.None,
            input is null ? null : new StringReader(input),
            standardOutput: data);
        return (exit, output + System.Text.Encoding.UTF8.GetString(data.ToArray()), error.ToString());
    }

    public static TheoryData<string?, string[]> VerbsThatOpenTheDatabase() => new()
    {
        { null, ["incidents", "export", "--format", "csv"] },
        { null, ["incidents", "mark", "1", "--false-positive"] },
        { null, ["digest", "list"] },
        { null, ["digest", "preview", "--leader", "default"] },
        { "a long admin password\n", ["users", "add", "admin", "--role", "admin"] },
        { null, ["users", "list"] },
        { null, ["users", "remove", "admin"] },
        { null, ["users", "block", "10001", "--platform", "qq"] },
        { null, ["users", "unblock", "10001", "--platform", "qq"] },
        { null, ["users", "blocked"] },
        { null, ["images", "block", "1"] },
        { null, ["images", "list"] },
        { null, ["images", "unblock", "1"] },
    };

    [Theory]
    [MemberData(nameof(VerbsThatOpenTheDatabase))]
    public async Task A_command_on_an_older_database_refuses_in_one_line_naming_it_and_what_to_do_and_leaves_its_schema_as_it_was(string? input, string[] verb)
    {
        var database = Path.Combine(_folder.Path, "data", "groupguard.db");
        await MakeOldDatabaseAsync(database);

        var (exit, output, error) = await RunAsync(database, input, verb);

        Assert.Equal(1, exit);
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"groupguard: the SQLite database '{database}' is at schema version {Old} and this GroupGuard needs {Latest}", line, StringComparison.Ordinal);
        Assert.Contains("Start the service once: it upgrades the database.", line, StringComparison.Ordinal);
        Assert.Empty(output);
        Assert.Equal((Old, (long)Old), SchemaOf(database));
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(database)!, "*.bak"));
    }

    /// <summary>The audit's case as an operator ran it: the new build's executable beside the older service's database.</summary>
    [Fact]
    public async Task An_export_by_the_executable_on_an_older_database_exits_1_with_one_line_and_no_stack_trace()
    {
        var database = Path.Combine(_folder.Path, "data", "groupguard.db");
        await MakeOldDatabaseAsync(database);

        var outcome = await GroupGuardProcess.RunAsync(_folder.Path, new Dictionary<string, string>(), TimeSpan.FromSeconds(90), "incidents", "export", "--format", "csv");

        Assert.Equal(1, outcome.ExitCode);
        var line = Assert.Single(outcome.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains($"'{database}' is at schema version {Old} and this GroupGuard needs {Latest}", line, StringComparison.Ordinal);
        Assert.Empty(outcome.Output);
        Assert.Equal((Old, (long)Old), SchemaOf(database));
    }

    /// <summary>README's console section: <c>users add</c> may come before the service's first start.</summary>
    [Fact]
    public async Task Users_add_in_an_empty_folder_still_creates_the_database_at_this_version()
    {
        var database = Path.Combine(_folder.Path, "data", "groupguard.db");

        var (exit, output, error) = await RunAsync(database, "a long admin password\n", "users", "add", "admin", "--role", "admin");

        Assert.True(exit == 0, error);
        Assert.Contains("added admin (admin)", output, StringComparison.Ordinal);
        Assert.Equal(Latest, SchemaOf(database).Version);
    }

    [Fact]
    public async Task The_service_upgrades_an_older_database_at_start_leaving_a_copy_the_older_release_opens_and_logs_from_which_version_to_which()
    {
        using var service = new GroupGuardFactory();
        await MakeOldDatabaseAsync(service.DatabasePath);

        _ = service.CreateClient();

        var copy = service.DatabasePath + $".schema{Old}.bak";
        Assert.Equal(Latest, SchemaOf(service.DatabasePath).Version);
        Assert.Equal((Old, (long)Old), SchemaOf(copy));
        var upgraded = Assert.Single(service.Logs.Entries, e => e.Message.StartsWith("Upgraded the SQLite database", StringComparison.Ordinal));
        Assert.Equal(LogLevel.Information, upgraded.Level);
        Assert.Contains($"{service.DatabasePath} from schema version {Old} to {Latest}", upgraded.Message, StringComparison.Ordinal);
        Assert.Contains(copy, upgraded.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// A new version started while the old one still runs from the same folder (which holds the
    /// inbox journal's lock) is refused before it touches the database: before, it upgraded the
    /// schema under the running service and only then found the journal, and the port, taken.
    /// </summary>
    [Fact]
    public async Task A_service_started_beside_a_running_one_is_refused_before_it_upgrades_their_database()
    {
        using var service = new GroupGuardFactory();
        await MakeOldDatabaseAsync(service.DatabasePath);
        var inbox = Path.Combine(Path.GetDirectoryName(service.DatabasePath)!, "inbox");
        Directory.CreateDirectory(inbox);
        var environment = StartupAndHealthTests.Environment(service);

        // The running one's hold on its journal, as GroupGuard takes it.
        using (new FileStream(Path.Combine(inbox, GroupGuard.Host.Pipeline.InboxJournal.LockFileName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None))
        {
            var outcome = await GroupGuardProcess.RunAsync(service.Folder, environment, TimeSpan.FromSeconds(60));

            Assert.Equal(1, outcome.ExitCode);
            Assert.Contains($"the inbox journal in '{inbox}' is in use by another GroupGuard process", outcome.Error, StringComparison.Ordinal);
            Assert.Equal((Old, (long)Old), SchemaOf(service.DatabasePath));
            Assert.False(File.Exists(service.DatabasePath + $".schema{Old}.bak"));
        }
    }

    [Fact]
    public async Task A_newer_database_stops_the_service_at_start_in_one_line_naming_the_file()
    {
        using var service = new GroupGuardFactory();
        await MakeNewerDatabaseAsync(service.DatabasePath);

        var outcome = await GroupGuardProcess.RunAsync(service.Folder, StartupAndHealthTests.Environment(service), TimeSpan.FromSeconds(60));

        Assert.Equal(1, outcome.ExitCode);
        var line = Assert.Single(outcome.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"groupguard: the SQLite database '{service.DatabasePath}' is at schema version {Latest + 1}, newer than this GroupGuard knows ({Latest})", line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", outcome.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Hosting failed to start", outcome.Output, StringComparison.Ordinal);
        Assert.Equal(Latest + 1, SchemaOf(service.DatabasePath).Version);
    }

    [Fact]
    public async Task A_command_on_a_newer_database_refuses_in_one_line_naming_the_file()
    {
        var database = Path.Combine(_folder.Path, "data", "groupguard.db");
        await MakeNewerDatabaseAsync(database);

        var (exit, output, error) = await RunAsync(database, null, "incidents", "export");

        Assert.Equal(1, exit);
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"groupguard: the SQLite database '{database}' is at schema version {Latest + 1}, newer than this GroupGuard knows ({Latest})", line, StringComparison.Ordinal);
        Assert.Empty(output);
    }
}
