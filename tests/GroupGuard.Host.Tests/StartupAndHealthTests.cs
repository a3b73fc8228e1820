using System.Net;
using GroupGuard.Core;
using GroupGuard.Host.Health;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace GroupGuard.Host.Tests;

public sealed class StartupAndHealthTests
{
    [Fact]
    public async Task Health_answers_503_when_the_database_becomes_unusable()
    {
        // The storage check runs at most once per StorageProbe.FreshFor, here on a clock the test moves.
        var clock = new FakeTimeProvider();
        using var service = new GroupGuardFactory(services: services =>
            services.AddSingleton(provider => new StorageProbe(provider.GetRequiredService<IIncidentStore>(), clock)));
        var client = service.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz")).StatusCode);

        SqliteConnection.ClearAllPools();
        foreach (var file in Directory.GetFiles(Path.GetDirectoryName(service.DatabasePath)!, "groupguard.db*"))
        {
            File.Delete(file);
        }

        Directory.CreateDirectory(service.DatabasePath); // a folder where the database file was

        // Until the last check is stale the answer is that check's; the next check finds the database gone.
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz")).StatusCode);
        clock.Advance(StorageProbe.FreshFor);
        var response = await client.GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("unusable", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    /// <summary>
    /// This machine's clock an hour behind QQ's: every message is an hour "ahead". It was refused
    /// (400, which the bridge takes as final), so nothing was moderated; now it is moderated, and
    /// /healthz and the log say the clock is behind.
    /// </summary>
    [Fact]
    public async Task Messages_an_hour_ahead_of_the_clock_are_moderated_and_health_says_the_clock_is_behind()
    {
        using var service = new GroupGuardFactory();
        var now = DateTimeOffset.UtcNow;
        service.WebhookClock.SetUtcNow(now);
        var ahead = now.AddHours(1).ToUnixTimeSeconds();

        var response = await service.PostV11Async(GroupGuardFactory.GroupEvent(7001, "加微信 abc12345", time: ahead));

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Contains(await service.IncidentsAfterAsync(1), i => i.MessageId == "7001" && i.DecidedAction == ModerationAction.Recall);
        using var health = System.Text.Json.JsonDocument.Parse(await service.CreateClient().GetStringAsync("/healthz"));
        Assert.Equal("degraded", health.RootElement.GetProperty("status").GetString());
        var problem = Assert.Single(health.RootElement.GetProperty("problems").EnumerateArray(), p => p.GetString()!.StartsWith("clock: ", StringComparison.Ordinal));
        Assert.Matches("^clock: messages from onebot\\.v11 bot 10001 are (59|60) minute", problem.GetString()); // by when the clocks were read
        var adapter = Assert.Single(health.RootElement.GetProperty("adapters").EnumerateArray());
        Assert.InRange(adapter.GetProperty("ahead_of_clock_seconds").GetInt64(), 3500, 3600);
        Assert.Contains(service.Logs.Entries, e => e.Message.StartsWith("Messages arrive ahead of this machine's clock", StringComparison.Ordinal));
    }

    /// <summary>
    /// Alone on SQLite, <c>/healthz</c> names the instance as its pending actions do: the configured
    /// <c>GroupGuard:InstanceId</c>, or the one made up at start (the machine's name and 8 hex
    /// digits), not Quartz's NON_CLUSTERED.
    /// </summary>
    [Theory]
    [InlineData("guard-east-1")]
    [InlineData(null)]
    public async Task Health_names_the_instance_as_its_pending_actions_do(string? configured)
    {
        using var service = new GroupGuardFactory(configured is null ? null : new Dictionary<string, string?> { ["GroupGuard:InstanceId"] = configured });
        var client = service.CreateClient();

        using var health = System.Text.Json.JsonDocument.Parse(await client.GetStringAsync("/healthz"));

        var instance = health.RootElement.GetProperty("instance");
        var id = instance.GetProperty("id").GetString();
        Assert.Equal(service.Services.GetRequiredService<InstanceIdentity>().Id, id);
        Assert.False(instance.GetProperty("clustered").GetBoolean());
        if (configured is not null)
        {
            Assert.Equal(configured, id);
        }
        else
        {
            Assert.Matches("-[0-9a-f]{8}$", id);
        }
    }

    [Theory]
    [InlineData("GroupGuard__OneBot__ApiBaseUrl", "not a url", "GroupGuard:OneBot:ApiBaseUrl")]
    [InlineData("GroupGuard__Storage__ConnectionString", "", "GroupGuard:Storage:ConnectionString")]
    [InlineData("GroupGuard__Pipeline__QueueCapacity", "0", "GroupGuard:Pipeline:QueueCapacity")]
    [InlineData("GroupGuard__Pipeline__NoBridgeWarningMinutes", "-1", "GroupGuard:Pipeline:NoBridgeWarningMinutes")]
    [InlineData("GroupGuard__Pipeline__BacklogBytes", "-1", "GroupGuard:Pipeline:BacklogBytes")]
    [InlineData("GroupGuard__Rules__Path", "/no/such/rules/folder", "GroupGuard:Rules:Path")]
    [InlineData("GroupGuard__Commands__Prefix", "/g g", "GroupGuard:Commands:Prefix")]
    [InlineData("GroupGuard__Console__SessionMinutes", "1", "GroupGuard:Console:SessionMinutes")]
    [InlineData("GroupGuard__Console__MaxFailedLogins", "0", "GroupGuard:Console:MaxFailedLogins")]
    [InlineData("GroupGuard__Console__MaxSessionHours", "0", "GroupGuard:Console:MaxSessionHours")]
    [InlineData("GroupGuard__Console__SignInAttemptsPerMinute", "1001", "GroupGuard:Console:SignInAttemptsPerMinute")]
    [InlineData("GroupGuard__Console__TrustedProxies__0", "localhost", "GroupGuard:Console:TrustedProxies:0")]
    [InlineData("GroupGuard__Console__TrustedProxies", "127.0.0.1", "GroupGuard:Console:TrustedProxies holds one value where it takes a list")]
    [InlineData("GroupGuard__Moderation__ExemptUsers", "10001", "GroupGuard:Moderation:ExemptUsers holds one value where it takes a list")]
    [InlineData("GroupGuard__Leaders__0__Name", "王主任王主任王主任王主任王主任王主任王主任王主任王主任王主任王主任王主任王主任王主任王主任王主任王主任王主任王主任王主任王主任王主任王主任王主任王主任王主任王主任王主任王主任王主任王主任王主任王主任王王", "GroupGuard:Leaders:0:Name must be at most 100 characters")]
    [InlineData("GroupGuard__Console__TimeZone", "Mars/Olympus_Mons", "GroupGuard:Console:TimeZone")]
    [InlineData("GroupGuard__Console__PublicUrl", "/console", "GroupGuard:Console:PublicUrl")]
    [InlineData("GroupGuard__Console__PublicUrl", "ftp://guard.example.org", "GroupGuard:Console:PublicUrl")]
    [InlineData("GroupGuard__Console__PublicUrl", "https://guard.example.org/?from=digest", "GroupGuard:Console:PublicUrl")]
    [InlineData("GroupGuard__Console__PublicUrl", "http://guard.example.org", "GroupGuard:Console:PublicUrl")]
    [InlineData("GroupGuard__Moderation__ClearMinutes", "-1", "GroupGuard:Moderation:ClearMinutes")]
    [InlineData("GroupGuard__Moderation__PiecesSeconds", "301", "GroupGuard:Moderation:PiecesSeconds")]
    [InlineData("GroupGuard__Alerts__0__Channels__0", "no-such-robot", "GroupGuard:Alerts:0:Channels")]
    [InlineData("GroupGuard__InstanceId", "guard 1/东", "GroupGuard:InstanceId")]
    [InlineData("Logging__Console__FormatterName", "jsonl", "Logging:Console:FormatterName")]
    [InlineData("GroupGuard__Telemetry__OtlpEndpoint", "collector:4317", "GroupGuard:Telemetry:OtlpEndpoint")]
    [InlineData("ASPNETCORE_URLS", "127.0.0.1:5140", "is not an address to listen on")]
    [InlineData("ASPNETCORE_URLS", "http://127.0.0.1:70000", "'http://127.0.0.1:70000' (Urls in appsettings.<environment>.json, --urls, ASPNETCORE_URLS or Kestrel:Endpoints) is not an address to listen on")] // a port past 65535 ended the process with a stack trace

    // A key that is no setting, which the service ignored without a word: a misspelt connection string ran it on a new, empty database.
    [InlineData("GroupGuard__Storage__ConectionString", "Data Source=/var/lib/groupguard/groupguard.db", "GroupGuard:Storage:ConectionString is not a setting and would be ignored: probably meant GroupGuard:Storage:ConnectionString")]
    [InlineData("GroupGuard__OneBot__Secert", "a-secret-of-some-length", "probably meant GroupGuard:OneBot:Secret")]
    [InlineData("GroupGuard__Leader__0__Name", "王主任", "GroupGuard:Leader is not a setting and would be ignored: probably meant GroupGuard:Leaders")]
    [InlineData("GroupGuard__Webhooks__BodyBufferBytes", "65536", "GroupGuard:Webhooks:BodyBufferBytes")]
    [InlineData("GroupGuard__Webhooks__BodyTimeoutSeconds", "0", "GroupGuard:Webhooks:BodyTimeoutSeconds")]
    [InlineData("Kestrel__Limits__MaxConcurrentConnections", "none", "Kestrel:Limits:MaxConcurrentConnections")]
    [InlineData("Kestrel__Limits__MaxConcurrentUpgradedConnections", "0", "Kestrel:Limits:MaxConcurrentUpgradedConnections")]

    // Paths the service cannot create (/proc takes no new folder, even for root).
    [InlineData("GroupGuard__Storage__ConnectionString", "Data Source=/proc/groupguard/groupguard.db", "GroupGuard:Storage:ConnectionString")]
    [InlineData("GroupGuard__Pipeline__InboxPath", "/proc/groupguard-inbox", "GroupGuard:Pipeline:InboxPath")]
    [InlineData("GroupGuard__Storage__DataFolder", "/proc/groupguard", "GroupGuard:Storage:DataFolder")]

    // Entries of lists and dictionaries with a value of the wrong kind, which the binder would drop whole.
    [InlineData("GroupGuard__Groups__123__DryRun", "yes", "GroupGuard:Groups:123:DryRun")]
    [InlineData("GroupGuard__Groups__123__Join__AutoApprove", "yes", "GroupGuard:Groups:123:Join:AutoApprove")]
    [InlineData("GroupGuard__Moderation__Escalation__0__Action", "ban", "GroupGuard:Moderation:Escalation:0:Action")]
    [InlineData("GroupGuard__Alerts__0__CoalesceSeconds", "1m", "GroupGuard:Alerts:0:CoalesceSeconds")]
    public async Task An_invalid_setting_stops_the_start_and_names_the_key(string variable, string value, string key)
    {
        using var service = new GroupGuardFactory();
        var environment = Environment(service);
        environment[variable] = value;

        var outcome = await GroupGuardProcess.RunAsync(service.Folder, environment, TimeSpan.FromSeconds(60));

        Assert.Equal(1, outcome.ExitCode);
        Assert.Contains(key, outcome.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", outcome.Error, StringComparison.Ordinal); // a message, not a stack trace

        // Said once: settings are checked before the host starts, whose own failure line carries the stack trace.
        Assert.DoesNotContain("Hosting failed to start", outcome.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", outcome.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_port_another_process_listens_on_stops_the_start_with_the_address_and_where_to_change_it()
    {
        using var service = new GroupGuardFactory();
        using var taken = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        taken.Start();
        var address = $"http://127.0.0.1:{((System.Net.IPEndPoint)taken.LocalEndpoint).Port}";
        var environment = Environment(service);
        environment["ASPNETCORE_URLS"] = address;

        var outcome = await GroupGuardProcess.RunAsync(service.Folder, environment, TimeSpan.FromSeconds(60));

        Assert.Equal(1, outcome.ExitCode);
        Assert.Contains(address, outcome.Error, StringComparison.Ordinal);
        Assert.Contains("ASPNETCORE_URLS", outcome.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", outcome.Error, StringComparison.Ordinal); // a message, not a crash
        Assert.DoesNotContain("BackgroundService failed", outcome.Output + outcome.Error, StringComparison.Ordinal);

        // Said once: the host's own failure line, with the stack trace, is not printed before it.
        Assert.DoesNotContain("Hosting failed to start", outcome.Output + outcome.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", outcome.Output, StringComparison.Ordinal);
    }

    /// <summary>
    /// An inbox journal in which no segment can be made (a folder stands under the first segment's
    /// name, which no file can be made at, root or not; in life no inodes left, a quota, a read-only
    /// file system) stops the start with a message naming the setting, not an unhandled exception (exit 134).
    /// </summary>
    [Fact]
    public async Task An_inbox_journal_where_no_segment_can_be_made_stops_the_start_naming_its_setting()
    {
        using var service = new GroupGuardFactory();
        var inbox = Path.Combine(service.Folder, "inbox");
        Directory.CreateDirectory(GroupGuard.Host.Pipeline.InboxJournal.SegmentPath(inbox, 1));
        var environment = Environment(service);
        environment["GroupGuard__Pipeline__InboxPath"] = inbox;

        var outcome = await GroupGuardProcess.RunAsync(service.Folder, environment, TimeSpan.FromSeconds(60));

        Assert.Equal(1, outcome.ExitCode);
        Assert.Contains("GroupGuard:Pipeline:InboxPath", outcome.Error, StringComparison.Ordinal);
        Assert.Contains(inbox, outcome.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", outcome.Error + outcome.Output, StringComparison.Ordinal);
    }

    /// <summary>
    /// The alert robot of deploy/appsettings.Production.example.json, copied as it is, stops the
    /// start naming its setting (as the example's secret placeholders do), where it used to start
    /// and fail only at the first alert.
    /// </summary>
    [Fact]
    public async Task The_example_settings_robot_address_left_as_its_placeholder_stops_the_start_naming_its_setting()
    {
        var robot = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "deploy", "appsettings.Production.example.json")))!
            ["GroupGuard"]!["Channels"]!["office-robot"]!;
        Assert.Contains("<", robot["Url"]!.GetValue<string>(), StringComparison.Ordinal);
        using var service = new GroupGuardFactory();
        var environment = Environment(service);
        environment["GroupGuard__Channels__office-robot__Type"] = robot["Type"]!.GetValue<string>();
        environment["GroupGuard__Channels__office-robot__Url"] = robot["Url"]!.GetValue<string>();

        var outcome = await GroupGuardProcess.RunAsync(service.Folder, environment, TimeSpan.FromSeconds(60));

        Assert.Equal(1, outcome.ExitCode);
        Assert.Contains("GroupGuard:Channels:office-robot:Url is still the placeholder of the example settings", outcome.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", outcome.Error + outcome.Output, StringComparison.Ordinal);
    }

    /// <summary>
    /// A database file a disk damaged (here the first page of its incidents table) stops the start
    /// with one line that names the file, says it is damaged and what to do. It used to start, and
    /// fail at the first message's write with SQLite's words alone, naming no file.
    /// </summary>
    [Fact]
    public async Task A_damaged_database_file_stops_the_start_naming_the_file_and_what_to_do()
    {
        using var service = new GroupGuardFactory();
        Directory.CreateDirectory(Path.GetDirectoryName(service.DatabasePath)!);
        var database = new GroupGuard.Storage.Sqlite.SqliteDatabase($"Data Source={service.DatabasePath}");
        await new GroupGuard.Storage.Stores.IncidentStore(database, TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, GroupGuard.Storage.Sqlite.SqliteDatabase.Embedded)
            .InitializeAsync(CancellationToken.None);
        DamageRootPage(service.DatabasePath, "incidents");

        var outcome = await GroupGuardProcess.RunAsync(service.Folder, Environment(service), TimeSpan.FromSeconds(60));

        Assert.Equal(1, outcome.ExitCode);
        Assert.Contains($"the SQLite database '{service.DatabasePath}' is damaged", outcome.Error, StringComparison.Ordinal);
        Assert.Contains("restore the file from a backup", outcome.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", outcome.Error + outcome.Output, StringComparison.Ordinal);
    }

    /// <summary>Overwrites the root page of <paramref name="tree"/> with bytes SQLite never writes, as a bad sector would.</summary>
    private static void DamageRootPage(string path, string tree)
    {
        SqliteConnection.ClearAllPools();
        long page, pageSize;
        using (var db = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False"))
        {
            db.Open();
            using var command = db.CreateCommand();
            command.CommandText = "SELECT rootpage FROM sqlite_master WHERE name = $tree";
            command.Parameters.AddWithValue("$tree", tree);
            page = (long)command.ExecuteScalar()!;
            command.CommandText = "PRAGMA page_size";
            pageSize = (long)command.ExecuteScalar()!;
        }

        using var file = new FileStream(path, FileMode.Open, FileAccess.Write);
        file.Position = (page - 1) * pageSize;
        file.Write(Enumerable.Repeat((byte)0xEE, (int)pageSize).ToArray());
    }

    [Fact]
    public async Task A_broken_rule_pack_stops_the_start_with_its_path_and_line()
    {
        using var service = new GroupGuardFactory();
        File.WriteAllText(Path.Combine(service.Folder, "rules", "broken.yaml"), "pack: broken\nrules:\n  - id: b.one\n    severity: extreme\n    terms: [x]\n");

        var outcome = await GroupGuardProcess.RunAsync(service.Folder, Environment(service), TimeSpan.FromSeconds(60));

        Assert.Equal(1, outcome.ExitCode);
        Assert.Contains("broken.yaml:4:", outcome.Error, StringComparison.Ordinal);
        Assert.Contains("extreme", outcome.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_lists_the_verbs_and_the_settings()
    {
        using var service = new GroupGuardFactory();

        var outcome = await GroupGuardProcess.RunAsync(service.Folder, Environment(service), TimeSpan.FromSeconds(60), "--help");

        Assert.Equal(0, outcome.ExitCode);
        foreach (var verb in new[] { "run", "incidents", "digest", "rules", "scan", "GroupGuard:OneBot:Secret" })
        {
            Assert.Contains(verb, outcome.Output, StringComparison.Ordinal);
        }
    }

    internal static Dictionary<string, string> Environment(GroupGuardFactory service) => new()
    {
        ["GroupGuard__Rules__Path"] = Path.Combine(service.Folder, "rules"),
        ["GroupGuard__Storage__ConnectionString"] = $"Data Source={service.DatabasePath}",
        ["GroupGuard__OneBot__Secret"] = GroupGuardFactory.Secret,
        ["GroupGuard__Privacy__RetentionDays"] = "36500", // as GroupGuardFactory: no evidence masked at 03:30 mid-test
        ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{GroupGuardProcess.FreePort()}",
    };
}
