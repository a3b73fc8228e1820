using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Npgsql;

namespace GroupGuard.Testing;

/// <summary>
/// A PostgreSQL for the tests, shared by a test project through a collection fixture. It uses the
/// server <c>GROUPGUARD_TEST_POSTGRES</c> names (an Npgsql connection string; <c>.ci/run</c> sets
/// it) or else starts a throwaway cluster of its own with Debian's <c>initdb</c> and <c>pg_ctl</c>
/// (<c>/usr/lib/postgresql/&lt;version&gt;/bin</c>, or on the PATH): a temp folder, 127.0.0.1 on a
/// free port and a socket in the folder, trust authentication, fsync off; as the <c>postgres</c>
/// user when the tests run as root. With neither it throws, saying what to install, so the
/// PostgreSQL tests fail rather than skip. Each test gets a database of its own
/// (<see cref="CreateDatabaseAsync"/>); they are dropped, and an own cluster stopped and deleted,
/// on <see cref="Dispose"/>.
/// </summary>
public sealed class PostgresServer : IDisposable
{
    /// <summary>The variable that names a server to use instead of starting one.</summary>
    public const string Variable = "GROUPGUARD_TEST_POSTGRES";

    private const string Install =
        "apt-get install postgresql (Debian's initdb and pg_ctl, under /usr/lib/postgresql/<version>/bin; tools/test-prerequisites.sh installs it), "
        + "or set " + Variable + " to an Npgsql connection string of a server whose user may create databases "
        + "(e.g. Host=127.0.0.1;Port=5432;Username=postgres;Database=postgres)";

    private readonly Lock _gate = new();
    private readonly List<string> _databases = [];
    private readonly OwnCluster? _cluster;

    /// <summary>Uses <c>GROUPGUARD_TEST_POSTGRES</c> when set, else starts a cluster with Debian's PostgreSQL.</summary>
    public PostgresServer()
        : this(Environment.GetEnvironmentVariable(Variable), "/usr/lib/postgresql", Environment.GetEnvironmentVariable("PATH"))
    {
    }

    private PostgresServer(string? connectionString, string installRoot, string? searchPath)
    {
        if (!string.IsNullOrWhiteSpace(connectionString))
        {
            ConnectionString = connectionString;
            CheckReachable($"{Variable} is set ({connectionString})");
            return;
        }

        var bin = FindBinaries(installRoot, searchPath)
            ?? throw new InvalidOperationException(
                $"The PostgreSQL tests need a PostgreSQL server and found none: no initdb and pg_ctl under {installRoot}/*/bin or on the PATH, and {Variable} is not set. Install it: {Install}.");

        _cluster = OwnCluster.Start(bin);
        ConnectionString = _cluster.ConnectionString;
        CheckReachable($"the cluster started with {bin}");
    }

    /// <summary>A connection string to the server's <c>postgres</c> database (or whichever the variable names).</summary>
    public string ConnectionString { get; }

    /// <summary>Whether this fixture started the server itself (not named by <c>GROUPGUARD_TEST_POSTGRES</c>).</summary>
    public bool OwnsServer => _cluster is not null;

    /// <summary>
    /// What the fixture does with these instead of the environment: <paramref name="connectionString"/>
    /// as <c>GROUPGUARD_TEST_POSTGRES</c>, PostgreSQL's versions under <paramref name="installRoot"/>,
    /// and <paramref name="searchPath"/> as the PATH. For the tests of the fixture itself.
    /// </summary>
    public static PostgresServer Start(string? connectionString, string installRoot, string? searchPath) =>
        new(connectionString, installRoot, searchPath);

    /// <summary>
    /// Creates an empty database with a name of its own, starting with <paramref name="prefix"/>,
    /// and returns a connection string to it. It is dropped on <see cref="Dispose"/>.
    /// </summary>
    public async Task<string> CreateDatabaseAsync(string prefix)
    {
        var name = DatabaseName(prefix);
        await using (var connection = new NpgsqlConnection(ConnectionString))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8'", connection);
            await create.ExecuteNonQueryAsync();
        }

        lock (_gate)
        {
            _databases.Add(name);
        }

        return new NpgsqlConnectionStringBuilder(ConnectionString) { Database = name }.ConnectionString;
    }

    public void Dispose()
    {
        try
        {
            DropDatabases();
        }
        finally
        {
            _cluster?.Dispose();
        }
    }

    private void DropDatabases()
    {
        string[] names;
        lock (_gate)
        {
            names = [.. _databases];
            _databases.Clear();
        }

        if (names.Length == 0)
        {
            return;
        }

        // Pooled connections of the tests would keep their databases open; FORCE ends any left.
        NpgsqlConnection.ClearAllPools();
        using var connection = new NpgsqlConnection(ConnectionString);
        connection.Open();
        foreach (var name in names)
        {
            using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
            drop.ExecuteNonQuery();
        }
    }

    private static string DatabaseName(string prefix)
    {
        // Letters, digits and underscores in lower case, so the name needs no care when quoted or not;
        // PostgreSQL keeps 63 bytes of a name.
        var clean = new StringBuilder();
        foreach (var c in prefix.ToLowerInvariant())
        {
            clean.Append(c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_' ? c : '_');
        }

        var unique = Guid.NewGuid().ToString("n");
        var head = clean.Length == 0 ? "gg" : clean.ToString();
        return (head.Length > 30 ? head[..30] : head) + "_" + unique;
    }

    private void CheckReachable(string what)
    {
        try
        {
            using var connection = new NpgsqlConnection(ConnectionString);
            connection.Open();
            using var command = new NpgsqlCommand("SELECT 1", connection);
            command.ExecuteScalar();
        }
        catch (Exception ex) when (ex is NpgsqlException or ArgumentException or InvalidOperationException)
        {
            _cluster?.Dispose();
            throw new InvalidOperationException($"The PostgreSQL tests cannot connect to {what}: {ex.Message}", ex);
        }
    }

    private static string? FindBinaries(string installRoot, string? searchPath)
    {
        static bool Has(string folder) => File.Exists(Path.Combine(folder, "initdb")) && File.Exists(Path.Combine(folder, "pg_ctl"));

        // Debian keeps each major version's programs apart and puts neither initdb nor pg_ctl on
        // the PATH; the newest version wins.
        if (Directory.Exists(installRoot))
        {
            var newest = Directory.GetDirectories(installRoot)
                .Select(version => (Version: int.TryParse(Path.GetFileName(version), NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : -1, Bin: Path.Combine(version, "bin")))
                .Where(v => v.Version >= 0 && Has(v.Bin))
                .OrderByDescending(v => v.Version)
                .Select(v => v.Bin)
                .FirstOrDefault();
            if (newest is not null)
            {
                return newest;
            }
        }

        return (searchPath ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).FirstOrDefault(Has);
    }

    /// <summary>A cluster in a temp folder of its own, stopped and deleted on dispose.</summary>
    private sealed class OwnCluster : IDisposable
    {
        private readonly string _bin;
        private readonly string _folder;
        private readonly bool _asPostgres;

        private OwnCluster(string bin, string folder, bool asPostgres, string user)
        {
            _bin = bin;
            _folder = folder;
            _asPostgres = asPostgres;
            User = user;
        }

        public string User { get; }

        public int Port { get; private set; }

        private string Data => Path.Combine(_folder, "data");

        private string Log => Path.Combine(_folder, "postgres.log");

        public string ConnectionString => new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = Port,
            Username = User,
            Database = "postgres",
        }.ConnectionString;

        public static OwnCluster Start(string bin)
        {
            if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
            {
                throw new PlatformNotSupportedException($"The PostgreSQL tests start their own cluster on Linux only; elsewhere set {Variable}");
            }

            // PostgreSQL refuses to run as root: then the cluster is the package's postgres user's,
            // in a folder under /tmp (which that user can reach) given to it.
            var asPostgres = Environment.UserName == "root";
            var parent = asPostgres ? "/tmp" : Path.GetTempPath();
            var folder = Directory.CreateDirectory(Path.Combine(parent, "gg-test-pg-" + Guid.NewGuid().ToString("n"))).FullName;
            var cluster = new OwnCluster(bin, folder, asPostgres, asPostgres ? "postgres" : Environment.UserName);
            try
            {
                if (asPostgres)
                {
                    Run("chown", ["postgres:", folder], "chown the cluster's folder to the postgres user");
                }

                cluster.Initialise();
                cluster.Listen();
                return cluster;
            }
            catch
            {
                cluster.Dispose();
                throw;
            }
        }

        public void Dispose()
        {
            if (Port != 0)
            {
                try
                {
                    RunAsOwner(Path.Combine(_bin, "pg_ctl"), ["-D", Data, "-m", "immediate", "-w", "stop"], "stop PostgreSQL");
                }
                catch (InvalidOperationException)
                {
                    // Best effort: a server that is already gone needs no stopping.
                }
            }

            try
            {
                Directory.Delete(_folder, recursive: true);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Best effort: a leftover temp folder is not a test failure.
            }
        }

        private void Initialise() =>
            RunAsOwner(
                Path.Combine(_bin, "initdb"),
                ["-D", Data, "-U", User, "-A", "trust", "-E", "UTF8", "--no-locale", "--no-sync"],
                "initialise a cluster (initdb)");

        private void Listen()
        {
            // A port free now may be taken before PostgreSQL binds it: then another.
            InvalidOperationException? last = null;
            for (var attempt = 0; attempt < 5; attempt++)
            {
                var port = FreePort();
                try
                {
                    RunAsOwner(
                        Path.Combine(_bin, "pg_ctl"),
                        [
                            "-D", Data, "-l", Log, "-w", "-t", "60",
                            "-o", $"-c listen_addresses=127.0.0.1 -p {port.ToString(CultureInfo.InvariantCulture)} -k {_folder} -c fsync=off -c synchronous_commit=off -c full_page_writes=off",
                            "start",
                        ],
                        "start PostgreSQL (pg_ctl start)");
                    Port = port;
                    return;
                }
                catch (InvalidOperationException ex)
                {
                    last = ex;
                }
            }

            var log = File.Exists(Log) ? File.ReadAllText(Log) : "";
            throw new InvalidOperationException($"{last!.Message}\n{log}", last);
        }

        private static int FreePort()
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        private void RunAsOwner(string program, IReadOnlyList<string> arguments, string what)
        {
            if (_asPostgres)
            {
                Run("runuser", ["-u", "postgres", "--", program, .. arguments], what);
            }
            else
            {
                Run(program, arguments, what);
            }
        }

        private static void Run(string program, IReadOnlyList<string> arguments, string what)
        {
            var start = new ProcessStartInfo(program)
            {
                UseShellExecute = false,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            foreach (var argument in arguments)
            {
                start.ArgumentList.Add(argument);
            }

            Process process;
            try
            {
                process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start");
            }
            catch (Win32Exception ex)
            {
                throw new InvalidOperationException($"The PostgreSQL tests could not {what}: {program} did not run ({ex.Message}). {Install}.", ex);
            }

            using (process)
            {
                var stdout = process.StandardOutput.ReadToEndAsync();
                var stderr = process.StandardError.ReadToEndAsync();
                process.WaitForExit();
                if (process.ExitCode != 0)
                {
                    throw new InvalidOperationException(
                        $"The PostgreSQL tests could not {what}: {program} {string.Join(' ', arguments)} exited with {process.ExitCode.ToString(CultureInfo.InvariantCulture)}:\n{stdout.Result}{stderr.Result}");
                }
            }
        }
    }
}
