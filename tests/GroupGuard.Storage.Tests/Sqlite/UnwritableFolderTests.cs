using GroupGuard.Core;
using GroupGuard.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace GroupGuard.Storage.Tests.Sqlite;

/// <summary>
/// An existing database whose folder the service may no longer write (a chown gone wrong, a volume
/// mounted read-only): the start says the folder must be writable by the service's user, since
/// SQLite writes its journal beside the database, naming the folder and the setting; not SQLite's
/// bare "SQLite Error 14: 'unable to open database file'".
/// </summary>
public sealed class UnwritableFolderTests
{
    [Theory]
    [InlineData(14, 14)] // SQLITE_CANTOPEN: the -wal or -shm file could not be made
    [InlineData(8, 1544)] // SQLITE_READONLY_DIRECTORY
    [InlineData(8, 8)] // SQLITE_READONLY: the file itself
    public void SQLites_cannot_open_and_read_only_codes_are_told_as_a_place_it_cannot_write(int code, int extended)
    {
        var ex = new SqliteException("SQLite Error 14: 'unable to open database file'.", code, extended);

        Assert.True(StorageErrors.IsUnwritablePlace(ex));
        Assert.True(StorageErrors.IsUnwritablePlace(new InvalidOperationException("wrapped", ex)));
        Assert.False(StorageErrors.IsUnwritablePlace(new SqliteException("SQLite Error 5: 'database is locked'.", 5)));
    }

    [Fact]
    public void A_read_only_folder_is_named_with_the_setting_and_why_sqlite_needs_it()
    {
        var location = Path.Combine(Path.GetTempPath(), "gg-data", "groupguard.db");

        var message = SqliteDatabase.NotWritable(location, "SQLite Error 14: 'unable to open database file'.", folderUnwritable: true, fileUnwritable: false);

        Assert.Contains($"the folder '{Path.GetDirectoryName(location)}' must be writable by the service's user", message, StringComparison.Ordinal);
        Assert.Contains("GroupGuard:Storage:ConnectionString", message, StringComparison.Ordinal);
        Assert.Contains("SQLite writes its journal (the -wal and -shm files) beside the database", message, StringComparison.Ordinal);
        Assert.Contains("SQLite Error 14", message, StringComparison.Ordinal); // its own words kept, at the end
    }

    [Fact]
    public void A_read_only_database_file_is_named_with_its_folder()
    {
        var location = Path.Combine(Path.GetTempPath(), "gg-data", "groupguard.db");

        var message = SqliteDatabase.NotWritable(location, "SQLite Error 8: 'attempt to write a readonly database'.", folderUnwritable: false, fileUnwritable: true);

        Assert.Contains($"the database file '{location}' must be writable by the service's user", message, StringComparison.Ordinal);
        Assert.Contains($"its folder '{Path.GetDirectoryName(location)}' too", message, StringComparison.Ordinal);
    }

    /// <summary>
    /// A database in root's home folder, the root of the file system, someone's home or a system
    /// folder: the advice was chown -R nobody '/root', which hands what is not GroupGuard's to the
    /// service's user. It says to move the database into a folder of its own instead, by the setting.
    /// </summary>
    [Theory]
    [InlineData("/root/groupguard.db", "/root")]
    [InlineData("/groupguard.db", "/")]
    [InlineData("/home/ann/groupguard.db", "/home/ann")]
    [InlineData("/var/lib/groupguard.db", "/var/lib")]
    public void A_folder_that_is_not_the_databases_own_is_never_to_be_given_to_the_service_user(string location, string folder)
    {
        var message = SqliteDatabase.NotWritable(location, "SQLite Error 14: 'unable to open database file'.", folderUnwritable: true, fileUnwritable: false);

        Assert.DoesNotContain("chown", message, StringComparison.Ordinal);
        Assert.Contains($"'{folder}' is not a folder of the database's own (a home folder, a system folder or the root of the file system), so do not hand it to that user: " +
            $"set GroupGuard:Storage:ConnectionString to a database in a folder of its own that {Environment.UserName} can write, e.g. Data Source=/var/lib/groupguard/groupguard.db", message, StringComparison.Ordinal);
        Assert.Contains("StateDirectory=groupguard", message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_databases_own_folder_is_given_to_the_user_the_service_runs_as_and_a_file_alone_is_given_as_a_file()
    {
        var own = SqliteDatabase.NotWritable("/var/lib/groupguard/groupguard.db", "SQLite Error 14: 'unable to open database file'.", folderUnwritable: true, fileUnwritable: false);
        var file = SqliteDatabase.NotWritable("/root/groupguard.db", "SQLite Error 8: 'attempt to write a readonly database'.", folderUnwritable: false, fileUnwritable: true);

        Assert.Contains($"(e.g. chown -R {Environment.UserName} '/var/lib/groupguard')", own, StringComparison.Ordinal);
        Assert.Contains($"Give that user the file (e.g. chown {Environment.UserName} '/root/groupguard.db')", file, StringComparison.Ordinal);
        Assert.DoesNotContain("-R", file, StringComparison.Ordinal);
    }

    /// <summary>
    /// A real start on an existing database that SQLite cannot open for its journal. Root writes any
    /// folder whatever its mode (and CI runs as root): there the journal's place is taken by a
    /// folder, which SQLite cannot open as its -wal file either (its Error 14, as a read-only
    /// folder gives); elsewhere the folder is made read-only, and only the folder is named.
    /// </summary>
    [Fact]
    public async Task An_existing_database_in_a_folder_sqlite_cannot_write_stops_the_start_naming_the_folder_and_the_setting()
    {
        using var harness = new SqliteStoreHarness();
        await harness.Store.InitializeAsync(CancellationToken.None);
        await harness.Store.AddAsync([Stores.Samples.Incident(messageId: "1")], CancellationToken.None);
        SqliteConnection.ClearAllPools();
        var folder = Path.GetDirectoryName(harness.DatabasePath)!;
        var privileged = OperatingSystem.IsWindows() || Environment.IsPrivilegedProcess;
        if (!OperatingSystem.IsWindows() && !Environment.IsPrivilegedProcess)
        {
            File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        }
        else
        {
            Directory.CreateDirectory(harness.DatabasePath + "-wal");
        }

        try
        {
            var ex = await Assert.ThrowsAsync<StartupProblemException>(() => harness.CreateStore().InitializeAsync(CancellationToken.None));

            Assert.Contains($"the SQLite database '{harness.DatabasePath}' (GroupGuard:Storage:ConnectionString) cannot be written where it is", ex.Message, StringComparison.Ordinal);
            Assert.Contains($"the folder '{folder}'", ex.Message, StringComparison.Ordinal);
            Assert.Contains("SQLite writes its journal", ex.Message, StringComparison.Ordinal);
            if (!privileged)
            {
                Assert.Contains($"the folder '{folder}' must be writable by the service's user ({Environment.UserName})", ex.Message, StringComparison.Ordinal);
            }
        }
        finally
        {
            if (!OperatingSystem.IsWindows() && !Environment.IsPrivilegedProcess)
            {
                File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
            else
            {
                Directory.Delete(harness.DatabasePath + "-wal");
            }
        }
    }
}
