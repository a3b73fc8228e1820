using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Npgsql;

namespace GroupGuard.Host.Tests;

/// <summary>The process tests that need a PostgreSQL server (one for the class; each test makes its database).</summary>
[CollectionDefinition(Name)]
public sealed class PostgresProcessCollection : ICollectionFixture<PostgresServer>
{
    public const string Name = "PostgreSQL processes";
}

/// <summary>
/// Two published-style instances on one PostgreSQL database, as an operator runs them behind a load
/// balancer: events split between them and redelivered across them, a flood split across both, one
/// instance killed with kill -9 while digests keep falling due, then restarted. Afterwards the export
/// lists each incident once, the flood was caught, the digest robot got each digest once, and each
/// message was counted once.
/// </summary>
[Collection(PostgresProcessCollection.Name)]
public sealed class ClusterProcessTests(PostgresServer server) : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Two_instances_on_one_database_moderate_as_one_across_a_kill_9()
    {
        var database = await server.CreateDatabaseAsync("cluster");
        var rules = Directory.CreateDirectory(_folder.File("rules")).FullName;
        await File.WriteAllTextAsync(Path.Combine(rules, "cluster.yaml"), """
            pack: cluster
            name: 集群测试
            category: ads
            action: log
            rules:
              - id: cluster.ad
                severity: high
                terms: [加微信领资料]
              - id: cluster.flood
                category: flood
                flood: { messages: 4, seconds: 60 }
            """);
        await using var robot = LoopbackHttpServer.Start();
        robot.Respond(_ => HttpAnswer.Json("""{"errcode":0,"errmsg":"ok"}"""));

        var common = new Dictionary<string, string>
        {
            ["GroupGuard__Storage__Provider"] = "postgres",
            ["GroupGuard__Storage__ConnectionString"] = database,
            ["GroupGuard__Rules__Path"] = rules,
            ["GroupGuard__OneBot__Secret"] = GroupGuardFactory.Secret,
            ["GroupGuard__Leaders__0__Name"] = "王主任",
            ["GroupGuard__Leaders__0__Groups__0"] = "123456",
            ["GroupGuard__Leaders__0__Schedule"] = "0/3 * * * * ?",
            ["GroupGuard__Leaders__0__Channels__0"] = "robot",
            ["GroupGuard__Channels__robot__Type"] = "wecom",
            ["GroupGuard__Channels__robot__Url"] = robot.Url("/cgi-bin/webhook/send?key=cluster-test"),
            ["GroupGuard__Alerts__0__Name"] = "office",
            ["GroupGuard__Alerts__0__MinSeverity"] = "high",
            ["GroupGuard__Alerts__0__Groups__0"] = "*",
            ["GroupGuard__Alerts__0__Channels__0"] = "robot",
            ["GroupGuard__Alerts__0__CoalesceSeconds"] = "2",
        };
        var alpha = Instance(common, "alpha");
        var beta = Instance(common, "beta");
        using var alphaHttp = new HttpClient { BaseAddress = new Uri(alpha["ASPNETCORE_URLS"]) };
        using var betaHttp = new HttpClient { BaseAddress = new Uri(beta["ASPNETCORE_URLS"]) };

        using var a = Start(alpha);
        using var b = Start(beta);
        await Task.WhenAll(GroupGuardProcess.WaitHealthyAsync(alphaHttp, a), GroupGuardProcess.WaitHealthyAsync(betaHttp, b));
        var cluster = await GroupGuardProcess.HealthAsync(betaHttp, b, h => Nodes(h).Count == 2, "both instances in the cluster");
        Assert.Equal("beta", cluster.Body.GetProperty("instance").GetProperty("id").GetString());
        Assert.Equal("postgres", cluster.Body.GetProperty("storage").GetProperty("provider").GetString());

        // A burst once a digest has gone out (digests take incidents in commit order, so one
        // committed while the next is built is simply in the one after).
        await DigestAfterAsync(robot);
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var messageId = 9000;
        var posted = new List<(HttpClient Http, string Body)>();
        for (var i = 0; i < 6; i++)
        {
            // Each advert to one instance and again to the other (a load balancer's retry).
            var body = GroupGuardFactory.GroupEvent(messageId++, "加微信领资料", userId: 20002 + i, time: now);
            posted.Add((i % 2 == 0 ? alphaHttp : betaHttp, body));
            posted.Add((i % 2 == 0 ? betaHttp : alphaHttp, body));
        }

        for (var i = 0; i < 6; i++)
        {
            // One member's ordinary messages, alternating between the instances: a flood of six.
            posted.Add((i % 2 == 0 ? alphaHttp : betaHttp, GroupGuardFactory.GroupEvent(messageId++, $"大家好，第{i}条", userId: 30003, time: now)));
        }

        foreach (var (http, body) in posted)
        {
            Assert.Equal(HttpStatusCode.NoContent, (await PostV11(http, body)).StatusCode);
        }

        await Task.WhenAll(
            GroupGuardProcess.WaitProcessedAsync(alphaHttp, a, 9),
            GroupGuardProcess.WaitProcessedAsync(betaHttp, b, 9));

        // kill -9 alpha while digests keep falling due every three seconds; beta carries on. The
        // kill comes when every digest is recorded sent, not between a send and its record,
        // where a crash can only mean sending it again.
        await DigestAfterAsync(robot);
        await KillWhenSettledAsync(database, a);
        var late = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            late.Add(GroupGuardFactory.GroupEvent(messageId++, "加微信领资料", userId: 40004 + i, time: DateTimeOffset.UtcNow.ToUnixTimeSeconds()));
        }

        foreach (var body in late)
        {
            Assert.Equal(HttpStatusCode.NoContent, (await PostV11(betaHttp, body)).StatusCode);
        }

        var processed = await GroupGuardProcess.HealthAsync(betaHttp, b, h => h.Body.GetProperty("pipeline").GetProperty("processed").GetInt64() >= 12, "12 messages processed");
        Assert.Equal(0, processed.Body.GetProperty("pipeline").GetProperty("streams_counted_locally").GetInt64()); // the flood was counted in the shared log
        await DigestAfterAsync(robot);
        // Gone: overdue or failed to beta, or already recovered and no longer listed.
        await GroupGuardProcess.HealthAsync(betaHttp, b, h => !Nodes(h).Contains(("alpha", "alive")), "alpha seen as gone");

        // alpha restarts (as systemd would) and replays what its journal held past the checkpoint:
        // messages are counted once each, though both instances got the adverts and alpha may count
        // again what it had counted before the kill.
        using var a2 = Start(alpha);
        await GroupGuardProcess.WaitHealthyAsync(alphaHttp, a2);
        await CountedAsync(database, 15);
        await DigestAfterAsync(robot);
        await KillWhenSettledAsync(database, a2, b);
        Assert.Equal(15, await ScalarAsync(database, "SELECT SUM(count) FROM message_counts WHERE group_id = '123456'"));

        var export = await GroupGuardProcess.RunAsync(_folder.Path, beta, TimeSpan.FromSeconds(60), "incidents", "export");
        var incidents = Lines(export.Output);
        var list = await GroupGuardProcess.RunAsync(_folder.Path, beta, TimeSpan.FromSeconds(60), "digest", "list", "--format", "jsonl");
        var digests = Lines(list.Output).Where(d => d.GetProperty("leader").GetString() == "王主任").ToList();
        var alerts = Lines(list.Output).Where(d => d.GetProperty("leader").GetString() == "alert:office").ToList();

        // Each advert once though two instances got it; the flood caught though split; the late ones too.
        var keys = incidents.Select(i => (Message: i.GetProperty("message_id").GetString(), Rule: i.GetProperty("rule").GetString())).ToList();
        Assert.Equal(keys.Count, keys.Distinct().Count());
        Assert.Equal(9, keys.Count(k => k.Rule == "cluster.ad"));
        Assert.Equal(2, keys.Count(k => k.Rule == "cluster.flood")); // the fifth and sixth of six, limit four

        // Every incident in exactly one digest, the periods seamless, each digest sent once.
        var reported = digests.SelectMany(d => d.GetProperty("incident_ids").EnumerateArray().Select(e => e.GetInt64())).Order().ToList();
        Assert.Equal(incidents.Select(i => i.GetProperty("id").GetInt64()).Order(), reported);
        for (var k = 1; k < digests.Count; k++)
        {
            Assert.Equal(digests[k - 1].GetProperty("period_to").GetString(), digests[k].GetProperty("period_from").GetString());
        }

        Assert.All(digests, d => Assert.Equal("sent", d.GetProperty("status").GetString()));
        var delivered = robot.Requests.Select(Content).Where(c => c.Contains("群管报告", StringComparison.Ordinal)).ToList();
        Assert.Equal(digests.Count, delivered.Count);

        // Every advert (high) in exactly one alert, the alerts seamless, each sent once.
        var alerted = alerts.SelectMany(d => d.GetProperty("incident_ids").EnumerateArray().Select(e => e.GetInt64())).Order().ToList();
        Assert.Equal(incidents.Where(i => i.GetProperty("rule").GetString() == "cluster.ad").Select(i => i.GetProperty("id").GetInt64()).Order(), alerted);
        for (var k = 1; k < alerts.Count; k++)
        {
            Assert.Equal(alerts[k - 1].GetProperty("period_to").GetString(), alerts[k].GetProperty("period_from").GetString());
        }

        Assert.All(alerts, d => Assert.Equal("sent", d.GetProperty("status").GetString()));
        Assert.Equal(alerts.Count, robot.Requests.Select(Content).Count(c => c.Contains("群管告警", StringComparison.Ordinal)));
    }

    /// <summary>
    /// kill -9 <paramref name="processes"/> at a moment when none of them is sending a digest or an
    /// alert. Digests fall due every three seconds, so "just after the outbox was seen settled" is no
    /// such moment on a loaded machine: the next one may be on its way to the robot by the time the
    /// kill lands, and a crash between a send and its record can only mean sending it again (the
    /// robot then counts it twice), or a digest just created is left unsent. So the outbox is read
    /// with the processes frozen: no statement of theirs running on the server, then every digest
    /// and alert recorded sent (a send in flight has its row pending).
    /// </summary>
    private static Task KillWhenSettledAsync(string database, params Process[] processes)
    {
        var names = processes.Select(p => ApplicationName(p.StartInfo.Environment["GroupGuard__InstanceId"]!)).ToArray();
        return GroupGuardProcess.KillWhenSettledAsync(
            async cancellationToken =>
                // In this order: once none of their statements is running, all they committed is in what the second query sees.
                await ScalarAsync(database, "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND state <> 'idle' AND application_name = ANY(@names)", cancellationToken, ("names", names)) == 0
                && await ScalarAsync(database, "SELECT COUNT(*) FROM digests WHERE status <> 'sent'", cancellationToken) == 0,
            "every digest and alert sent, none of " + string.Join(" and ", names) + "'s statements running",
            processes);
    }

    /// <summary>Until the message counters of the test's group add up to at least <paramref name="messages"/>.</summary>
    private static async Task CountedAsync(string database, long messages)
    {
        using var safety = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        while (await ScalarAsync(database, "SELECT COALESCE(SUM(count), 0) FROM message_counts WHERE group_id = '123456'", safety.Token) < messages)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(50), safety.Token);
        }
    }

    private static async Task<long> ScalarAsync(string database, string sql, CancellationToken cancellationToken = default, params (string Name, object Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
    }

    // Each instance's connections carry its name, so the server can say which are its.
    private Dictionary<string, string> Instance(Dictionary<string, string> common, string id) => new(common)
    {
        ["GroupGuard__InstanceId"] = id,
        ["GroupGuard__Storage__ConnectionString"] = new NpgsqlConnectionStringBuilder(common["GroupGuard__Storage__ConnectionString"]) { ApplicationName = ApplicationName(id) }.ConnectionString,
        ["GroupGuard__Storage__DataFolder"] = Directory.CreateDirectory(_folder.File(id)).FullName,
        ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{GroupGuardProcess.FreePort()}",
    };

    private static string ApplicationName(string instance) => "groupguard-" + instance;

    private Process Start(Dictionary<string, string> environment)
    {
        var process = GroupGuardProcess.Start(_folder.Path, environment);
        _ = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();
        return process;
    }

    /// <summary>Until the robot has received a digest after the requests it has now.</summary>
    private static Task DigestAfterAsync(LoopbackHttpServer robot)
    {
        var seen = robot.Requests.Count;
        return robot.WaitForRequestAsync(r => r.Index >= seen && Content(r).Contains("群管报告", StringComparison.Ordinal), $"a digest after request {seen}");
    }

    private static List<(string Id, string State)> Nodes(GroupGuardProcess.Health health) =>
        [.. health.Body.GetProperty("instance").GetProperty("nodes").EnumerateArray()
            .Select(n => (n.GetProperty("id").GetString()!, n.GetProperty("state").GetString()!))];

    private static List<JsonElement> Lines(string output) =>
        [.. output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.Clone())];

    private static string Content(RecordedRequest request) =>
        JsonNode.Parse(request.Body)!["markdown"]!["content"]!.GetValue<string>();

    private static Task<HttpResponseMessage> PostV11(HttpClient http, string body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/onebot/v11") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Signature", GroupGuardFactory.Sign(body));
        return http.SendAsync(request);
    }
}
