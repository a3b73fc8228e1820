using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace GroupGuard.Host.Tests;

/// <summary>
/// The executable as an operator runs it: started with environment variables on a free loopback
/// port, fed real-looking events over HTTP, then asked for its incidents with the export verb.
/// </summary>
public sealed class ProcessEndToEndTests
{
    // Moves the newest sample (2025-11-26T09:44:00Z) to a minute ago.
    private static readonly long SampleShift = DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 1764150300;

    [Fact]
    public async Task Events_over_http_come_back_out_of_incidents_export()
    {
        using var service = new GroupGuardFactory();
        var environment = StartupAndHealthTests.Environment(service);
        environment["GroupGuard__OneBot__AccessToken"] = GroupGuardFactory.AccessToken;
        var baseUrl = environment["ASPNETCORE_URLS"];
        using var process = GroupGuardProcess.Start(service.Folder, environment);
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        using var http = new HttpClient { BaseAddress = new Uri(baseUrl) };
        try
        {
            await GroupGuardProcess.WaitHealthyAsync(http, process);

            var flagged = Current("napcat-group-array.json");
            Assert.Equal(HttpStatusCode.NoContent, (await PostV11(http, flagged)).StatusCode);
            Assert.Equal(HttpStatusCode.NoContent, (await PostV11(http, flagged)).StatusCode); // redelivery
            Assert.Equal(HttpStatusCode.NoContent, (await PostV11(http, Current("napcat-group-string.json"))).StatusCode);
            Assert.Equal(HttpStatusCode.NoContent, (await PostV11(http, Current("lagrange-group.json"))).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await PostV11(http, flagged, "sha1=" + new string('0', 40))).StatusCode);
            using (var v12 = new HttpRequestMessage(HttpMethod.Post, "/onebot/v12") { Content = new StringContent(Current("v12-wechat-group.json"), Encoding.UTF8, "application/json") })
            {
                v12.Headers.Authorization = new("Bearer", GroupGuardFactory.AccessToken);
                Assert.Equal(HttpStatusCode.NoContent, (await http.SendAsync(v12)).StatusCode);
            }

            await GroupGuardProcess.WaitProcessedAsync(http, process, 4);

            var export = await GroupGuardProcess.RunAsync(service.Folder, environment, TimeSpan.FromSeconds(60), "incidents", "export");

            Assert.Equal(0, export.ExitCode);
            var rows = export.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(line => JsonDocument.Parse(line).RootElement)
                .ToArray();
            Assert.Equal(
                ["ads.contact@123456/-2147001234", "ads.site@123456/1583920", "ads.contact@12345678901@chatroom/6408259393210944731"],
                rows.Select(r => $"{r.GetProperty("rule").GetString()}@{r.GetProperty("group_id").GetString()}/{r.GetProperty("message_id").GetString()}"));
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/healthz")).StatusCode);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            await process.WaitForExitAsync();
            _ = await stdout;
            Assert.DoesNotContain(GroupGuardFactory.Secret, await stderr + await stdout, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_sigterm_stops_the_service_cleanly_with_what_it_took_stored()
    {
        using var service = new GroupGuardFactory();
        var environment = StartupAndHealthTests.Environment(service);
        using var http = new HttpClient { BaseAddress = new Uri(environment["ASPNETCORE_URLS"]) };
        using var process = GroupGuardProcess.Start(service.Folder, environment);
        _ = process.StandardOutput.ReadToEndAsync();
        var log = process.StandardError.ReadToEndAsync();
        try
        {
            await GroupGuardProcess.WaitHealthyAsync(http, process);
            Assert.Equal(HttpStatusCode.NoContent, (await PostV11(http, Current("napcat-group-array.json"))).StatusCode);

            await GroupGuardProcess.StopAsync(process);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }

        Assert.Equal(0, process.ExitCode);
        var export = await GroupGuardProcess.RunAsync(service.Folder, environment, TimeSpan.FromSeconds(60), "incidents", "export");
        Assert.Contains("ads.contact", export.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", await log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Messages_acknowledged_before_a_kill_9_are_moderated_after_the_restart()
    {
        using var service = new GroupGuardFactory();
        var environment = StartupAndHealthTests.Environment(service);
        using var http = new HttpClient { BaseAddress = new Uri(environment["ASPNETCORE_URLS"]) };

        using (var first = GroupGuardProcess.Start(service.Folder, environment))
        {
            _ = first.StandardOutput.ReadToEndAsync();
            _ = first.StandardError.ReadToEndAsync();
            await GroupGuardProcess.WaitHealthyAsync(http, first);

            // Take the database away, so the worker cannot store what the webhook acknowledges.
            foreach (var file in Directory.GetFiles(Path.GetDirectoryName(service.DatabasePath)!, "groupguard.db*"))
            {
                File.Delete(file);
            }

            Directory.CreateDirectory(service.DatabasePath);
            Assert.Equal(HttpStatusCode.NoContent, (await PostV11(http, Current("napcat-group-array.json"))).StatusCode);
            Assert.Equal(HttpStatusCode.NoContent, (await PostV11(http, Current("napcat-group-string.json"))).StatusCode);
            await GroupGuardProcess.HealthAsync(
                http,
                first,
                h => h.Body.GetProperty("pipeline").GetProperty("queued").GetInt32() == 1 && h.Body.GetProperty("pipeline").GetProperty("processed").GetInt64() == 0,
                "the worker holding the first message, unable to store it");

            first.Kill(); // SIGKILL: no drain, no checkpoint
            await first.WaitForExitAsync();
        }

        Directory.Delete(service.DatabasePath);
        using var second = GroupGuardProcess.Start(service.Folder, environment);
        _ = second.StandardOutput.ReadToEndAsync();
        var log = second.StandardError.ReadToEndAsync();
        try
        {
            await GroupGuardProcess.WaitHealthyAsync(http, second);
            await GroupGuardProcess.WaitProcessedAsync(http, second, 2);

            var export = await GroupGuardProcess.RunAsync(service.Folder, environment, TimeSpan.FromSeconds(60), "incidents", "export", "--format", "csv");

            Assert.Equal(0, export.ExitCode);
            var rows = export.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(3, rows.Length); // header and both incidents
            Assert.Contains(rows, r => r.Contains(",ads.contact,", StringComparison.Ordinal));
            Assert.Contains(rows, r => r.Contains(",ads.site,", StringComparison.Ordinal));
        }
        finally
        {
            second.Kill();
            await second.WaitForExitAsync();
        }
    }

    [Fact]
    public async Task Digests_count_each_incident_once_across_a_kill_9_and_restart()
    {
        using var service = new GroupGuardFactory();
        var environment = StartupAndHealthTests.Environment(service);
        environment["GroupGuard__Leaders__0__Name"] = "王主任";
        environment["GroupGuard__Leaders__0__Groups__0"] = "123456";
        environment["GroupGuard__Leaders__0__Schedule"] = "0/3 * * * * ?";
        environment["GroupGuard__Leaders__0__Channels__0"] = "archive";
        environment["GroupGuard__Channels__archive__Type"] = "file";
        environment["GroupGuard__Channels__archive__Path"] = Path.Combine(service.Folder, "digests");
        using var http = new HttpClient { BaseAddress = new Uri(environment["ASPNETCORE_URLS"]) };
        var messageId = 700;

        async Task RunAsync(int messages, bool kill)
        {
            using var process = GroupGuardProcess.Start(service.Folder, environment);
            _ = process.StandardOutput.ReadToEndAsync();
            _ = process.StandardError.ReadToEndAsync();
            await GroupGuardProcess.WaitHealthyAsync(http, process);
            for (var i = 0; i < messages; i++)
            {
                if (i > 0)
                {
                    // Over several periods: each message once a digest has covered the one before.
                    await DigestedAsync(http, process, DateTimeOffset.UtcNow);
                }

                Assert.Equal(HttpStatusCode.NoContent, (await PostV11(http, GroupGuardFactory.GroupEvent(messageId++, "加微信领资料", time: DateTimeOffset.UtcNow.ToUnixTimeSeconds()))).StatusCode);
                await GroupGuardProcess.WaitProcessedAsync(http, process, i + 1);
            }

            if (kill)
            {
                // SIGKILL: nothing is flushed on the way out. The last incident is stored and not yet
                // in any digest (a digest cut off mid-send is sent again after the restart).
                process.Kill();
                await process.WaitForExitAsync();
                return;
            }

            // Everything is reported, then SIGKILL as well, but not just after the next digest fell
            // due (every 3 s: on a loaded machine the kill can come that late), which would leave
            // it unsent: only with the process frozen and every digest recorded sent.
            await DigestedAsync(http, process, DateTimeOffset.UtcNow);
            await GroupGuardProcess.KillWhenSettledAsync(AllDigestsSentAsync, "every digest recorded sent", process);
        }

        async Task<bool> AllDigestsSentAsync(CancellationToken cancellationToken)
        {
            await using var database = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={service.DatabasePath};Pooling=False");
            await database.OpenAsync(cancellationToken);
            await using var unsent = database.CreateCommand();
            unsent.CommandText = "SELECT COUNT(*) FROM digests WHERE status <> 'sent'";
            return (long)(await unsent.ExecuteScalarAsync(cancellationToken))! == 0;
        }

        await RunAsync(4, kill: true);
        await MissAFireAsync();
        await RunAsync(3, kill: false);

        var export = await GroupGuardProcess.RunAsync(service.Folder, environment, TimeSpan.FromSeconds(60), "incidents", "export");
        var incidentIds = export.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("id").GetInt64()).Order().ToList();
        var list = await GroupGuardProcess.RunAsync(service.Folder, environment, TimeSpan.FromSeconds(60), "digest", "list", "--format", "jsonl");
        var digests = list.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();

        Assert.Equal(7, incidentIds.Count);
        for (var k = 1; k < digests.Count; k++)
        {
            Assert.Equal(digests[k - 1].GetProperty("period_to").GetString(), digests[k].GetProperty("period_from").GetString());
        }

        var reported = digests.SelectMany(d => d.GetProperty("incident_ids").EnumerateArray().Select(e => e.GetInt64())).ToList();
        Assert.Equal(incidentIds, reported.Order());
        Assert.All(digests, d => Assert.Equal("sent", d.GetProperty("status").GetString()));
    }

    /// <summary>Until the child has sent a digest whose period ends after <paramref name="after"/>.</summary>
    private static Task DigestedAsync(HttpClient http, System.Diagnostics.Process process, DateTimeOffset after) =>
        GroupGuardProcess.HealthAsync(
            http,
            process,
            h => h.Body.GetProperty("digests").EnumerateArray().Any(d =>
                d.GetProperty("status").GetString() == "sent" && d.GetProperty("last_period_to").GetDateTimeOffset() > after),
            $"a digest sent for a period ending after {after:O}");

    /// <summary>
    /// Waits, with the service down, until the next fire of its every-3-seconds schedule
    /// (<c>0/3 * * * * ?</c>: the Unix seconds divisible by 3) has passed. What is tested is a fire no
    /// process was there for: the wall clock passing that moment is the event itself, so this is the
    /// one wait on the clock, to a computed moment rather than for a guessed while.
    /// </summary>
    private static async Task MissAFireAsync()
    {
        var now = DateTimeOffset.UtcNow;
        var seconds = now.ToUnixTimeSeconds();
        var fire = DateTimeOffset.FromUnixTimeSeconds(seconds - (seconds % 3) + 3);
        await Task.Delay(fire - now + TimeSpan.FromSeconds(0.5));
    }

    /// <summary>
    /// A sample moved to the present, its spacing kept: the process checks message times against
    /// the real clock, and the samples are stamped 2025-11-26.
    /// </summary>
    private static string Current(string sample)
    {
        var node = JsonNode.Parse(GroupGuardFactory.Sample(sample))!.AsObject();
        node["time"] = node["time"]!.GetValue<double>() + SampleShift;
        return node.ToJsonString();
    }

    private static Task<HttpResponseMessage> PostV11(HttpClient http, string body, string? signature = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/onebot/v11") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Signature", signature ?? GroupGuardFactory.Sign(body));
        return http.SendAsync(request);
    }
}
